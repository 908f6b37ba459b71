// One builder for the READ/WRITE/VERIFY families (6/10/12/16-byte forms): the CDB layouts and their
// CDB USAGE DATA (SPC-4 6.35.3) differ only by form, so each family states its opcode and byte 1.
import {
  type BlockAccessDecoder,
  decodeRw6,
  decodeRw10,
  decodeRw12,
  decodeRw16,
} from '../../cdb.js';
import type { CommandHandler, CommandSpec } from '../../command-spec.js';

export type BlockAccessForm = 6 | 10 | 12 | 16;

const DECODERS: Record<BlockAccessForm, BlockAccessDecoder> = {
  6: decodeRw6,
  10: decodeRw10,
  12: decodeRw12,
  16: decodeRw16,
};

const ff = (n: number): number[] => new Array<number>(n).fill(0xff);

/** Usage bits after byte 1: LBA, TRANSFER LENGTH and GROUP NUMBER (not examined), CONTROL. */
const USAGE_TAIL: Record<BlockAccessForm, readonly number[]> = {
  6: [...ff(3), 0x04], // LBA bits 15:0, TRANSFER LENGTH
  10: [...ff(4), 0x00, ...ff(2), 0x04],
  12: [...ff(4), ...ff(4), 0x00, 0x04],
  16: [...ff(8), ...ff(4), 0x00, 0x04],
};

export interface BlockAccessSpecInit {
  readonly name: string;
  readonly opcode: number;
  readonly form: BlockAccessForm;
  readonly direction: CommandSpec['direction'];
  /** CDB byte 1 bits the device server examines (RDPROTECT/DPO/FUA/BYTCHK..., or LBA for 6-byte). */
  readonly byte1: number;
  readonly handler: (decode: BlockAccessDecoder) => CommandHandler;
  readonly dataOutLength?: (decode: BlockAccessDecoder) => NonNullable<CommandSpec['dataOutLength']>;
}

export function blockAccessSpec(init: BlockAccessSpecInit): CommandSpec {
  const decode = DECODERS[init.form];
  const spec: CommandSpec = {
    name: init.name,
    opcode: init.opcode,
    cdbLength: init.form,
    direction: init.direction,
    usage: [init.opcode, init.byte1, ...USAGE_TAIL[init.form]],
    handler: init.handler(decode),
  };
  return init.dataOutLength ? { ...spec, dataOutLength: init.dataOutLength(decode) } : spec;
}

/** dataOutLength for commands that move TRANSFER LENGTH blocks. */
export const transferBlocks =
  (decode: BlockAccessDecoder) =>
  (cdb: Buffer, bs: number): number =>
    decode(cdb).blocks * bs;
