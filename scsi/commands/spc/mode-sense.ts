// MODE SENSE(6) 1Ah and MODE SENSE(10) 5Ah, SPC-4 6.13/6.14: header, optional block descriptor
// (SBC-4 6.4.2) and the pages of mode-pages.ts. One handler; the two decoders differ.
import { SENSE } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { PageControl, selectModePages } from '../../mode-pages.js';
import { DEFAULT_MODE_STATE } from '../../mode-state.js';
import { check, dataIn } from '../../response.js';
import { writeU64 } from '../../cdb.js';

interface ModeSenseCdb {
  readonly long: boolean;
  readonly dbd: boolean;
  readonly llbaa: boolean;
  readonly pc: number;
  readonly pageCode: number;
  readonly subpage: number;
  readonly allocation: number;
}

const decode6 = (cdb: Buffer): ModeSenseCdb => ({
  long: false,
  dbd: ((cdb[1] ?? 0) & 0x08) !== 0,
  llbaa: false,
  pc: (cdb[2] ?? 0) >> 6,
  pageCode: (cdb[2] ?? 0) & 0x3f,
  subpage: cdb[3] ?? 0,
  allocation: cdb[4] ?? 0,
});

const decode10 = (cdb: Buffer): ModeSenseCdb => ({
  ...decode6(cdb),
  long: true,
  llbaa: ((cdb[1] ?? 0) & 0x10) !== 0,
  allocation: cdb.readUInt16BE(7),
});

/** Device-specific parameter, direct access (SBC-4 table 190): WP bit 7, DPOFUA bit 4. */
export function deviceSpecificParameter(lu: LogicalUnit): number {
  return (lu.writeProtected ? 0x80 : 0) | 0x10;
}

function modeSense({ lu }: CommandContext, c: ModeSenseCdb): CommandResult {
  if (c.pc === PageControl.SAVED) return check(SENSE.SAVING_PARAMETERS_NOT_SUPPORTED);
  const pages = selectModePages(lu, c.pageCode, c.subpage);
  if (pages.length === 0) {
    // No such page at all, or the page exists without that subpage.
    const pageExists = selectModePages(lu, c.pageCode, 0xff).length > 0;
    const field = pageExists ? { byte: 3 } : { byte: 2, bit: 5 };
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', ...field } });
  }
  const headerLength = c.long ? 8 : 4;
  // SPC-4 6.14: with DBD = 0 the device server may still return no block descriptor. We
  // return none to a request naming a subpage: libzbc reads the Zone Domains page (0Ah/0Fh)
  // with DBD = 0 and assumes it starts right after the 8-byte header.
  const descriptorLength = c.dbd || c.subpage !== 0 ? 0 : c.llbaa ? 16 : 8;
  const pagesLength = pages.reduce((n, p) => n + p.length, 0);
  const total = headerLength + descriptorLength + pagesLength;
  const state = c.pc === PageControl.DEFAULT ? DEFAULT_MODE_STATE : lu.mode;
  const changeable = c.pc === PageControl.CHANGEABLE;
  return dataIn(total, c.allocation, (out) => {
    if (c.long) {
      out.writeUInt16BE(total - 2, 0); // MODE DATA LENGTH
      out[3] = deviceSpecificParameter(lu);
      out[4] = c.llbaa ? 0x01 : 0x00; // LONGLBA
      out.writeUInt16BE(descriptorLength, 6);
    } else {
      out[0] = total - 1;
      out[2] = deviceSpecificParameter(lu);
      out[3] = descriptorLength;
    }
    // Block descriptor: nothing in it is changeable, so the mask is all zero.
    if (descriptorLength > 0 && !changeable) {
      const at = headerLength;
      const capacity = lu.capacityBlocks;
      if (descriptorLength === 16) {
        writeU64(out, at, capacity);
        out.writeUInt32BE(lu.blockSize, at + 12);
      } else {
        out.writeUInt32BE(capacity > 0xffffffff ? 0xffffffff : capacity, at);
        out.writeUIntBE(lu.blockSize, at + 5, 3);
      }
    }
    let at = headerLength + descriptorLength;
    for (const p of pages) {
      p.encode(out.subarray(at, at + p.length), state, changeable, lu);
      if (changeable && p.subpage === undefined) {
        out[at] = p.code; // page code and length are reported, not masked
        out[at + 1] = p.length - 2;
      }
      at += p.length;
    }
  });
}

export const MODE_SENSE_6 = commandRow({
  name: 'MODE SENSE(6)',
  opcode: 0x1a,
  direction: 'in',
  mediumAccess: false,
  reservation: 'read',
  usageAfterOpcode: [0x08, 0xff, 0xff, 0xff, 0x04],
  decode: decode6,
  handler: modeSense,
});

export const MODE_SENSE_10 = commandRow({
  name: 'MODE SENSE(10)',
  opcode: 0x5a,
  direction: 'in',
  mediumAccess: false,
  reservation: 'read',
  usageAfterOpcode: [0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0x04],
  decode: decode10,
  handler: modeSense,
});
