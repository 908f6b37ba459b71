// Decodes what a command hook may match on (class, LBA, blocks) from the CDB, with one table row
// per opcode: block-access CDB forms as SBC-4 lays them out, ZBC OUT's ZONE ID (ZBC-2 5.2-5.5).
// Built only while a hook is set, so the unhooked path never pays for it.
import {
  type BlockAccessDecoder,
  decodeRw6,
  decodeRw10,
  decodeRw12,
  decodeRw16,
  readU64,
} from './cdb.js';
import type { CommandClass, CommandView } from './ports/command-hook.js';
import type { ScsiCommand } from './target.js';

interface ViewRow {
  readonly commandClass: CommandClass;
  readonly decode?: BlockAccessDecoder;
  /** CDB bytes the decoder reads. */
  readonly cdbLength: number;
}

const FORM_LENGTH = new Map<BlockAccessDecoder, number>([
  [decodeRw6, 6],
  [decodeRw10, 10],
  [decodeRw12, 12],
  [decodeRw16, 16],
]);

const row = (commandClass: CommandClass, decode?: BlockAccessDecoder): ViewRow =>
  decode === undefined
    ? { commandClass, cdbLength: 16 }
    : { commandClass, decode, cdbLength: FORM_LENGTH.get(decode) ?? 16 };

/** Opcodes whose CDB names an LBA range, by class; everything else is 'other'. */
const ROWS: ReadonlyMap<number, ViewRow> = new Map([
  [0x08, row('read', decodeRw6)], // READ(6)
  [0x28, row('read', decodeRw10)], // READ(10)
  [0xa8, row('read', decodeRw12)], // READ(12)
  [0x88, row('read', decodeRw16)], // READ(16)
  [0x2f, row('read', decodeRw10)], // VERIFY(10)
  [0xaf, row('read', decodeRw12)], // VERIFY(12)
  [0x8f, row('read', decodeRw16)], // VERIFY(16)
  [0x0a, row('write', decodeRw6)], // WRITE(6)
  [0x2a, row('write', decodeRw10)], // WRITE(10)
  [0xaa, row('write', decodeRw12)], // WRITE(12)
  [0x8a, row('write', decodeRw16)], // WRITE(16)
  [0x2e, row('write', decodeRw10)], // WRITE AND VERIFY(10)
  [0xae, row('write', decodeRw12)], // WRITE AND VERIFY(12)
  [0x8e, row('write', decodeRw16)], // WRITE AND VERIFY(16)
  [0x8b, row('write', decodeRw16)], // ORWRITE(16)
  [0x41, row('write', decodeRw10)], // WRITE SAME(10)
  [0x93, row('write', decodeRw16)], // WRITE SAME(16)
  [0x94, row('zone')], // ZBC OUT: CLOSE, FINISH, OPEN, RESET WRITE POINTER ZONE
]);

/** Opcodes whose service action lives in CDB byte 1 bits 4:0 (SPC-4 4.2.5.1). */
const WITH_SERVICE_ACTION: ReadonlySet<number> = new Set([0x94, 0x95, 0x9e, 0x9f, 0xa3, 0xa4]);

const ZBC_OUT = 0x94;

export function commandView(cmd: ScsiCommand): CommandView {
  const cdb = cmd.cdb;
  const opcode = cdb[0] ?? 0;
  const r = ROWS.get(opcode);
  let lba = -1;
  let blocks = 0;
  if (r?.decode !== undefined && cdb.length >= r.cdbLength) {
    const d = r.decode(cdb);
    lba = typeof d.lba === 'number' ? d.lba : Number.MAX_SAFE_INTEGER;
    blocks = d.blocks;
  } else if (opcode === ZBC_OUT && cdb.length >= 16) {
    const zoneId = readU64(cdb, 2);
    lba = typeof zoneId === 'number' ? zoneId : Number.MAX_SAFE_INTEGER;
  }
  return {
    lun: cmd.lun,
    nexus: cmd.nexus,
    opcode,
    serviceAction: WITH_SERVICE_ACTION.has(opcode) ? (cdb[1] ?? 0) & 0x1f : -1,
    commandClass: r?.commandClass ?? 'other',
    lba,
    blocks,
  };
}
