// ZBC OUT (94h): CLOSE ZONE 01h, FINISH ZONE 02h, OPEN ZONE 03h, RESET WRITE POINTER 04h,
// SEQUENTIALIZE ZONE 10h (ZBC-2 5.x, zbc-reference §5). The zone model validates and applies;
// RESET and FINISH are durable before GOOD (§11.3: file systems issue them at checkpoints).
import createDebug from 'debug';
import { SENSE } from '../../../sense-tables/index.js';
import { isZoneFault, type ZoneActionKind } from '../../../zbc/types.js';
import { readU16, readU64 } from '../../cdb.js';
import type { CommandContext, CommandResult, CommandSpec } from '../../command-spec.js';
import { check, good } from '../../response.js';
import { zoneFaultResult } from './zone-fault-sense.js';
import { notZoned } from './zoned-lu.js';

const log = createDebug('zbc:scsi:zbc');

export const ZBC_OUT = 0x94;

interface ZoneActionRow {
  readonly name: string;
  readonly serviceAction: number;
  readonly action: ZoneActionKind;
  /** Changes which data reads back (RESET discards it, FINISH exposes zeros): flush before GOOD. */
  readonly durable: boolean;
}

const ACTIONS: readonly ZoneActionRow[] = [
  { name: 'CLOSE ZONE', serviceAction: 0x01, action: 'close', durable: false },
  { name: 'FINISH ZONE', serviceAction: 0x02, action: 'finish', durable: true },
  { name: 'OPEN ZONE', serviceAction: 0x03, action: 'open', durable: false },
  { name: 'RESET WRITE POINTER', serviceAction: 0x04, action: 'reset', durable: true },
  { name: 'SEQUENTIALIZE ZONE', serviceAction: 0x10, action: 'sequentialize', durable: false },
];

function handlerFor(row: ZoneActionRow) {
  return async ({ cdb, lu }: CommandContext): Promise<CommandResult> => {
    const zones = lu.zones;
    if (zones === undefined) return notZoned();
    // A write-protected LU refuses what changes the medium's contents (SBC-4 4.11).
    if (row.durable && lu.readOnly) return check(SENSE.WRITE_PROTECTED);
    const result = zones.zoneAction({
      action: row.action,
      zoneId: readU64(cdb, 2),
      count: readU16(cdb, 12),
      all: ((cdb[14] ?? 0) & 0x01) !== 0,
    });
    if (isZoneFault(result)) return zoneFaultResult(result, cdb);
    if (row.durable && result.changed > 0) {
      try {
        await lu.flushMedium();
      } catch (err) {
        log('%s on lun %d: flush failed: %O', row.name, lu.lun, err);
        return check(SENSE.INTERNAL_TARGET_FAILURE);
      }
    }
    return good();
  };
}

export const ZBC_OUT_COMMANDS: readonly CommandSpec[] = ACTIONS.map((row) => ({
  name: row.name,
  opcode: ZBC_OUT,
  serviceAction: row.serviceAction,
  cdbLength: 16,
  direction: 'none',
  // CDB USAGE DATA (SPC-4 6.35.3): ZONE ID, ZONE COUNT and ALL.
  usage: [ZBC_OUT, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0xff, 0xff, 0x01, 0x04],
  zonedOnly: true,
  handler: handlerFor(row),
}));
