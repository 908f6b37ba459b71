// GET LBA STATUS(16) (9Eh/12h), SBC-4 5.7: required with logical block provisioning management
// (LBPME 1, non-zoned LUs). Descriptors cover consecutive LBA extents from the STARTING LBA, each
// mapped or deallocated (the LU's provisioning state), as many as the allocation length holds.
// REPORT TYPE (byte 14) is not processed: RTP 0 says every status is reported.
import { SENSE } from '../../../sense-tables/index.js';
import { readU64, writeU64 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { check, dataIn } from '../../response.js';

const HEADER = 8;
const DESCRIPTOR = 16;
/** NUMBER OF LOGICAL BLOCKS is 32 bits: longer extents take several descriptors. */
const MAX_DESCRIPTOR_BLOCKS = 0xffffffff;
/** Bound on the work of one command, whatever the allocation length. */
const MAX_DESCRIPTORS = 4096;

/** PROVISIONING STATUS, SBC-4 table 72. 0h "mapped or unknown" is what every client decodes. */
const MAPPED = 0x0;
const DEALLOCATED = 0x1;
/** COMPLETION CONDITION (byte 7 bits 3:1): why the list ends. */
const COMPLETED_ALLOCATION_LENGTH = 1;
const COMPLETED_CAPACITY = 3;

interface LbaStatusDescriptor {
  readonly lba: number;
  readonly blocks: number;
  readonly status: number;
}

/** Up to `max` descriptors from `lba` in ascending order; `complete` when they reach the last LBA. */
function lbaStatusDescriptors(
  lu: LogicalUnit,
  lba: number,
  max: number,
): { descriptors: LbaStatusDescriptor[]; complete: boolean } {
  const end = lu.capacityBlocks;
  const runs = lu.deallocated?.runs(lba, end - lba, max) ?? [
    { lba, blocks: end - lba, inSet: false },
  ];
  const descriptors: LbaStatusDescriptor[] = [];
  for (const run of runs) {
    for (let at = run.lba; at < run.lba + run.blocks; at += MAX_DESCRIPTOR_BLOCKS) {
      if (descriptors.length === max) return { descriptors, complete: false };
      descriptors.push({
        lba: at,
        blocks: Math.min(MAX_DESCRIPTOR_BLOCKS, run.lba + run.blocks - at),
        status: run.inSet ? DEALLOCATED : MAPPED,
      });
    }
  }
  const last = descriptors[descriptors.length - 1];
  return { descriptors, complete: last !== undefined && last.lba + last.blocks >= end };
}

function getLbaStatus({ cdb, lu }: CommandContext): CommandResult {
  const lba = readU64(cdb, 2);
  // SBC-4 5.7.1: a STARTING LBA above the last LBA is out of range.
  if (typeof lba === 'bigint' || lba >= lu.capacityBlocks) {
    return check(SENSE.LOGICAL_BLOCK_ADDRESS_OUT_OF_RANGE);
  }
  const allocation = cdb.readUInt32BE(10);
  // At least one descriptor (truncated by dataIn when the allocation length is short).
  const fit = Math.max(1, Math.floor((allocation - HEADER) / DESCRIPTOR));
  const { descriptors, complete } = lbaStatusDescriptors(lu, lba, Math.min(fit, MAX_DESCRIPTORS));
  const size = HEADER + descriptors.length * DESCRIPTOR;
  return dataIn(size, allocation, (out) => {
    out.writeUInt32BE(size - 4, 0); // PARAMETER DATA LENGTH: bytes after this field
    out[7] = (complete ? COMPLETED_CAPACITY : COMPLETED_ALLOCATION_LENGTH) << 1; // RTP 0
    descriptors.forEach((d, i) => {
      const at = HEADER + i * DESCRIPTOR;
      writeU64(out, at, d.lba);
      out.writeUInt32BE(d.blocks, at + 8);
      out[at + 12] = d.status;
    });
  });
}

export const GET_LBA_STATUS = commandRow({
  name: 'GET LBA STATUS',
  opcode: 0x9e,
  serviceAction: 0x12,
  direction: 'in',
  mediumAccess: true,
  reservation: 'allowed',
  usageAfterOpcode: [
    0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04,
  ],
  unzonedOnly: true,
  handler: getLbaStatus,
});
