// Every exported LU with what the control server needs of it: the SCSI target (to run zone
// actions as commands), the logical unit (flushes) and the zone model (zone map, health).
import type { LogicalUnit } from '../../scsi/logical-unit.js';
import type { ManagedScsiTarget } from '../../scsi/target-device.js';
import { ZoneModel } from '../../zbc/zone-model.js';

export interface LunHandle {
  readonly target: ManagedScsiTarget;
  readonly targetName: string;
  readonly lun: number;
  readonly unit: LogicalUnit;
  /** Undefined for a non-zoned LU. */
  readonly zones: ZoneModel | undefined;
}

export class LunRegistry {
  readonly all: readonly LunHandle[];
  readonly #byKey: ReadonlyMap<string, LunHandle>;

  constructor(targets: readonly ManagedScsiTarget[]) {
    const all: LunHandle[] = [];
    for (const target of targets) {
      for (const { lun } of target.luns()) {
        const unit = target.logicalUnit(lun);
        if (unit === undefined) continue;
        const zones = unit.zones instanceof ZoneModel ? unit.zones : undefined;
        all.push({ target, targetName: target.name, lun, unit, zones });
      }
    }
    this.all = all;
    this.#byKey = new Map(all.map((h) => [keyOf(h.targetName, h.lun), h]));
  }

  find(targetName: string, lun: number): LunHandle | undefined {
    return this.#byKey.get(keyOf(targetName, lun));
  }

  /** LBA range of a zone (fault rules matched by zone). */
  zoneRange(
    targetName: string,
    lun: number,
    zone: number,
  ): { start: number; end: number } | undefined {
    const zones = this.find(targetName, lun)?.zones;
    if (zones === undefined || zone >= zones.zoneCount) return undefined;
    const z = zones.zoneAt(zone);
    return { start: z.start, end: z.start + z.length };
  }
}

function keyOf(targetName: string, lun: number): string {
  return `${targetName}\u0000${lun}`;
}
