// Decodes sense data independently of scsi/sense.ts (SPC-4 4.5), for assertions in tests.

export interface ParsedSense {
  readonly format: 'fixed' | 'descriptor';
  readonly key: number;
  readonly asc: number;
  readonly ascq: number;
  /** INFORMATION when VALID (fixed) or an information descriptor is present. */
  readonly information?: bigint;
  /** Sense-key-specific field pointer when SKSV is set. */
  readonly field?: {
    readonly in: 'cdb' | 'parameter';
    readonly byte: number;
    readonly bit?: number;
  };
}

function sks(b: Buffer, at: number): ParsedSense['field'] {
  const b0 = b[at] ?? 0;
  if ((b0 & 0x80) === 0) return undefined;
  const where = (b0 & 0x40) !== 0 ? 'cdb' : 'parameter';
  const byte = b.readUInt16BE(at + 1);
  return (b0 & 0x08) !== 0 ? { in: where, byte, bit: b0 & 0x07 } : { in: where, byte };
}

export function parseSense(b: Buffer): ParsedSense {
  const code = (b[0] ?? 0) & 0x7f;
  if (code === 0x70 || code === 0x71) {
    const valid = ((b[0] ?? 0) & 0x80) !== 0;
    const field = b.length >= 18 ? sks(b, 15) : undefined;
    return {
      format: 'fixed',
      key: (b[2] ?? 0) & 0x0f,
      asc: b[12] ?? 0,
      ascq: b[13] ?? 0,
      ...(valid ? { information: BigInt(b.readUInt32BE(3)) } : {}),
      ...(field ? { field } : {}),
    };
  }
  if (code === 0x72 || code === 0x73) {
    let information: bigint | undefined;
    let field: ParsedSense['field'];
    const end = 8 + (b[7] ?? 0);
    for (let at = 8; at + 2 <= end; at += 2 + (b[at + 1] ?? 0)) {
      if (b[at] === 0x00 && ((b[at + 2] ?? 0) & 0x80) !== 0)
        information = b.readBigUInt64BE(at + 4);
      if (b[at] === 0x02) field = sks(b, at + 4);
    }
    return {
      format: 'descriptor',
      key: (b[1] ?? 0) & 0x0f,
      asc: b[2] ?? 0,
      ascq: b[3] ?? 0,
      ...(information !== undefined ? { information } : {}),
      ...(field ? { field } : {}),
    };
  }
  throw new Error(`not sense data: response code ${code.toString(16)}`);
}

/** "5/24/00" style triple for readable assertions. */
export function triple(s: { key: number; asc: number; ascq: number }): string {
  const h = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return `${s.key.toString(16).toUpperCase()}/${h(s.asc)}/${h(s.ascq)}`;
}
