// ZBC OUT (94h): CLOSE ZONE 01h, FINISH ZONE 02h, OPEN ZONE 03h, RESET WRITE POINTER 04h,
// SEQUENTIALIZE ZONE 10h (ZBC-2 5.x). The zone model validates and applies;
// RESET and FINISH are durable before GOOD (docs/zones.md: file systems issue them at checkpoints).
// RESET only lowers WPs, so it persists its zones' records without a data flush (host-aware: after
// erasing the zone's old data, erase-zone-data.ts); FINISH raises
// the WP over written data, which must be durable first (the full flushMedium).
import createDebug from 'debug';
import { SENSE } from '../../../sense-tables/index.js';
import type { ZoneActionKind, ZoneActionRequest, ZoneActionResult } from '../../../zbc/types.js';
import { readU16, readU64 } from '../../cdb.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, type CommandSpec, commandRow } from '../../command-spec.js';
import { check, good } from '../../response.js';
import { eraseZoneData } from './erase-zone-data.js';
import { zoneFaultResult } from './zone-fault-sense.js';
import { notZoned } from './zoned-lu.js';

const log = createDebug('zbc:scsi:zbc');

export const ZBC_OUT = 0x94;

/**
 * How an action is made durable before GOOD: 'none' (OPEN/CLOSE need not be), 'flush'
 * (data flush, then the journal: the WP went up) or 'journal' (the journal only: WPs went down).
 */
type Durability = 'none' | 'flush' | 'journal';

interface ZoneActionRow {
  readonly name: string;
  readonly serviceAction: number;
  readonly action: ZoneActionKind;
  /** Changes which data reads back (RESET discards it, FINISH exposes zeros). */
  readonly durability: Durability;
}

const ACTIONS: readonly ZoneActionRow[] = [
  { name: 'CLOSE ZONE', serviceAction: 0x01, action: 'close', durability: 'none' },
  { name: 'FINISH ZONE', serviceAction: 0x02, action: 'finish', durability: 'flush' },
  { name: 'OPEN ZONE', serviceAction: 0x03, action: 'open', durability: 'none' },
  { name: 'RESET WRITE POINTER', serviceAction: 0x04, action: 'reset', durability: 'journal' },
  { name: 'SEQUENTIALIZE ZONE', serviceAction: 0x10, action: 'sequentialize', durability: 'none' },
];

/**
 * Starts making a zone action durable, or returns null when nothing needs it. Called right after
 * zoneAction with no await in between: the reset capture must join the journal queue before any
 * later flush takes its capture, or an older record could be persisted after it.
 */
function makeDurable(
  row: ZoneActionRow,
  lu: CommandContext['lu'],
  result: ZoneActionResult,
): Promise<void> | null {
  if (row.durability === 'flush') return result.changed > 0 ? lu.flushMedium() : null;
  if (row.durability === 'journal') {
    const capture = result.resetCapture;
    // A ZoneModelContract without reset captures: fall back to the full flush.
    if (capture === undefined) return result.changed > 0 ? lu.flushMedium() : null;
    if (result.discard.length > 0)
      return lu.persistZoneCapture(capture, () => eraseZoneData(lu, result.discard));
    return capture.zones.length > 0 ? lu.persistZoneCapture(capture) : null;
  }
  return null;
}

/**
 * Runs one zone action on `lu` and makes it durable as its row says. `cdb` locates the fields a
 * zone fault's sense points at. ZAC MANAGEMENT OUT (ATA PASS-THROUGH) shares it.
 */
export async function performZoneAction(
  lu: CommandContext['lu'],
  action: ZoneActionKind,
  request: Omit<ZoneActionRequest, 'action'>,
  cdb: Buffer,
): Promise<CommandResult> {
  const row = ACTIONS.find((r) => r.action === action) as ZoneActionRow;
  const zones = lu.zones;
  if (zones === undefined) return notZoned();
  // A write-protected LU refuses what changes the medium's contents (SBC-4 4.11).
  if (row.durability !== 'none' && lu.writeProtected) return check(SENSE.WRITE_PROTECTED);
  const acted = zones.zoneAction({ action, ...request });
  if (!acted.ok) return zoneFaultResult(acted.fault, cdb);
  const result = acted.value;
  const durable = makeDurable(row, lu, result);
  if (durable !== null) {
    try {
      await durable;
    } catch (err) {
      log('%s on lun %d: %s failed: %O', row.name, lu.lun, row.durability, err);
      // A failed command changes no zone state: the zones it changed go back as they were
      // (those a later command has changed since keep what that command made of them).
      zones.zoneActionFailed(result);
      // The journal may still hold the undone records for a retry: persist the restored ones
      // now, in capture order, so a restart agrees with what the host reads (best effort).
      await lu.flushMedium().catch(() => undefined);
      return check(SENSE.INTERNAL_TARGET_FAILURE);
    }
  }
  return good();
}

function handlerFor(row: ZoneActionRow) {
  return ({ cdb, lu }: CommandContext): Promise<CommandResult> =>
    performZoneAction(
      lu,
      row.action,
      { zoneId: readU64(cdb, 2), count: readU16(cdb, 12), all: ((cdb[14] ?? 0) & 0x01) !== 0 },
      cdb,
    );
}

export const ZBC_OUT_COMMANDS: readonly CommandSpec[] = ACTIONS.map((row) =>
  commandRow({
    name: row.name,
    opcode: ZBC_OUT,
    serviceAction: row.serviceAction,
    direction: 'none',
    mediumAccess: true,
    // Zone resets and transitions change the medium though they move no data out.
    reservation: 'write',
    // CDB USAGE DATA (SPC-4 6.35.3): ZONE ID, ZONE COUNT and ALL.
    usageAfterOpcode: [
      0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0xff, 0xff, 0x01, 0x04,
    ],
    zonedOnly: true,
    commandClass: 'zone',
    span: (cdb) => ({ lba: readU64(cdb, 2), blocks: 0 }),
    handler: handlerFor(row),
  }),
);
