// One builder for the READ/WRITE/VERIFY families (6/10/12/16-byte forms): the CDB layouts and their
// CDB USAGE DATA (SPC-4 6.35.3) differ only by form, so each family states its opcode and byte 1.
// Every family is a medium access command; the decoder of the form is the row's decode.
import {
  type BlockAccessCdb,
  type BlockAccessDecoder,
  decodeRw6,
  decodeRw10,
  decodeRw12,
  decodeRw16,
} from '../../cdb.js';
import { type CommandHandler, type CommandSpec, commandRow } from '../../command-spec.js';
import type { PrAccess } from '../../persistent-reservations.js';

export type BlockAccessForm = 6 | 10 | 12 | 16;

export const BLOCK_ACCESS_DECODERS: Readonly<Record<BlockAccessForm, BlockAccessDecoder>> = {
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

export interface BlockAccessSpecInit<F extends BlockAccessCdb> {
  readonly name: string;
  readonly opcode: number;
  readonly form: BlockAccessForm;
  readonly direction: CommandSpec['direction'];
  readonly reservation: PrAccess;
  readonly commandClass: 'read' | 'write';
  /** CDB byte 1 bits the device server examines (xPROTECT/DPO/FUA/BYTCHK..., 6-byte: LBA). */
  readonly byte1: number;
  /** The form's fields, extended when the family has more (VERIFY's BYTCHK). */
  readonly decode?: (form: BlockAccessDecoder) => (cdb: Buffer) => F;
  readonly handler: CommandHandler<F>;
  readonly dataOutLength?: NonNullable<CommandSpec<F>['dataOutLength']>;
}

export function blockAccessSpec<F extends BlockAccessCdb = BlockAccessCdb>(
  init: BlockAccessSpecInit<F>,
): CommandSpec<F> {
  const form = BLOCK_ACCESS_DECODERS[init.form];
  const decode = init.decode?.(form) ?? (form as (cdb: Buffer) => F);
  return commandRow<F>({
    name: init.name,
    opcode: init.opcode,
    direction: init.direction,
    mediumAccess: true,
    reservation: init.reservation,
    commandClass: init.commandClass,
    span: form,
    usageAfterOpcode: [init.byte1, ...USAGE_TAIL[init.form]],
    decode,
    handler: init.handler,
    ...(init.dataOutLength ? { dataOutLength: init.dataOutLength } : {}),
  });
}

/** dataOutLength for commands that move TRANSFER LENGTH blocks. */
export const transferBlocks = (_cdb: Buffer, c: BlockAccessCdb, bs: number): number =>
  c.blocks * bs;
