// READ CAPACITY(10) 25h (SBC-4 5.20) and READ CAPACITY(16) 9Eh/10h (SBC-4 5.21, table 128).
import { SENSE } from '../../../sense-tables/index.js';
import { writeU64 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import { check, dataIn } from '../../response.js';

function readCapacity10({ cdb, lu }: CommandContext): CommandResult {
  // PMI 0 with a non-zero LOGICAL BLOCK ADDRESS is an error (SBC-4 5.20.1, obsolete fields).
  if (((cdb[8] ?? 0) & 0x01) === 0 && cdb.readUInt32BE(2) !== 0) {
    return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 2 } });
  }
  const last = lu.capacityBlocks - 1;
  return dataIn(8, 8, (out) => {
    out.writeUInt32BE(last > 0xfffffffe ? 0xffffffff : last, 0); // FFFFFFFFh: use READ CAPACITY(16)
    out.writeUInt32BE(lu.blockSize, 4);
  });
}

function readCapacity16({ cdb, lu }: CommandContext): CommandResult {
  const allocation = cdb.readUInt32BE(10);
  return dataIn(32, allocation, (out) => {
    writeU64(out, 0, lu.capacityBlocks - 1); // RETURNED LOGICAL BLOCK ADDRESS
    out.writeUInt32BE(lu.blockSize, 8);
    // RC BASIS 01b: the LBA is the LU's last LBA (SBC-4, ZBC-2); P_TYPE/PROT_EN 0.
    out[12] = lu.zones !== undefined ? 0x10 : 0x00;
    out[13] = lu.physicalExponent & 0x0f; // LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT
    // LBPME on non-zoned LUs (thin provisioned, UNMAP served); LBPRZ as B2h reports it.
    if (lu.zones === undefined) out[14] = 0x80 | (lu.deallocatedReadsZero ? 0x40 : 0);
  });
}

export const READ_CAPACITY_10 = commandRow({
  name: 'READ CAPACITY(10)',
  opcode: 0x25,
  direction: 'in',
  mediumAccess: false,
  reservation: 'allowed',
  usageAfterOpcode: [0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0x04],
  handler: readCapacity10,
});
export const READ_CAPACITY_16 = commandRow({
  name: 'READ CAPACITY(16)',
  opcode: 0x9e,
  serviceAction: 0x10,
  direction: 'in',
  mediumAccess: false,
  reservation: 'allowed',
  usageAfterOpcode: [
    0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  handler: readCapacity16,
});
