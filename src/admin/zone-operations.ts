// Zone actions the control server offers: health changes through the zone model (then a flush
// when persisted), RESET WRITE POINTER and FINISH ZONE as real ZBC OUT commands from an admin
// nexus, so erase, journal order and durability are exactly those of a host's command.
import { senseTriple } from '../../scsi/hook-observation.js';
import type { NexusId, ScsiOutcome } from '../../scsi/target-contract.js';
import type { ZoneHealth } from '../../zbc/zone-model.js';
import type { LunHandle } from './lun-registry.js';

const ADMIN_NEXUS: NexusId = Object.freeze({
  initiatorName: 'zbc-target-admin',
  isid: '000000000000',
  targetName: '',
  key: 'zbc-target-admin',
});

/** ZBC OUT service actions (ZBC-2 table 47). */
const SERVICE_ACTION = { finish: 0x02, reset: 0x04 } as const;
export type ZoneCommand = keyof typeof SERVICE_ACTION;

export type ZoneOperationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly message: string };

export async function setZoneHealth(
  handle: LunHandle,
  index: number,
  health: ZoneHealth,
  persist: boolean,
): Promise<ZoneOperationResult> {
  if (handle.zones === undefined) return { ok: false, status: 409, message: 'the LU is not zoned' };
  const problem = handle.zones.setZoneHealth(index, health, !persist);
  if (problem !== null) return { ok: false, status: 404, message: problem };
  if (persist) await handle.unit.flushMedium();
  return { ok: true };
}

export async function runZoneCommand(
  handle: LunHandle,
  index: number,
  command: ZoneCommand,
): Promise<ZoneOperationResult> {
  const zones = handle.zones;
  if (zones === undefined) return { ok: false, status: 409, message: 'the LU is not zoned' };
  if (!Number.isInteger(index) || index < 0 || index >= zones.zoneCount) {
    return {
      ok: false,
      status: 404,
      message: `zone ${index} does not exist (0-${zones.zoneCount - 1})`,
    };
  }
  // ZBC OUT CDB (ZBC-2 5.3 / 5.5): service action in byte 1, ZONE ID in bytes 2-9.
  const cdb = Buffer.alloc(16);
  cdb[0] = 0x94;
  cdb[1] = SERVICE_ACTION[command];
  const start = zones.zoneAt(index).start;
  cdb.writeUInt32BE(Math.floor(start / 0x1_0000_0000), 2);
  cdb.writeUInt32BE(start >>> 0, 6);
  const outcome: ScsiOutcome = await handle.target.execute({
    nexus: { ...ADMIN_NEXUS, targetName: handle.targetName },
    lun: handle.lun,
    tag: 0,
    expectedDataLength: 0,
    cdb,
    dataOut: [],
  });
  if (outcome.status === 0) return { ok: true };
  const sense = outcome.sense;
  const triple = sense === undefined ? '' : senseText(sense);
  return {
    ok: false,
    status: 409,
    message: `${command} refused: status ${outcome.status}${triple}`,
  };
}

function senseText(sense: Buffer): string {
  const { key, asc, ascq } = senseTriple(sense);
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return ` sense ${key.toString(16).toUpperCase()}/${hex(asc)}/${hex(ascq)}`;
}
