// The ATA side of a SATA LU (interface 'sata'): the identity strings IDENTIFY DEVICE reports,
// the feature settings SET FEATURES changes and the sense REQUEST SENSE DATA EXT returns. The
// volatile write cache is the SCSI Caching page WCE, so both faces agree on it.
import type { SenseCode } from '../sense-tables/index.js';
import type {
  AtaDevice,
  AtaIdentity,
  AtaSettings,
  ZoneActivationControls,
} from '../zbc/ata/device.js';
import type { ZoneLayoutConfig } from '../zbc/types.js';

/** libata's INQUIRY product is the first 16 model characters (SAT-4 10.4.2). */
const MODEL_BY_ZONING: Readonly<Record<SataZoning, string>> = {
  'host-managed': 'ZBCTGT HM-SMR',
  'zone-domains': 'ZBCTGT ZD-SMR',
  'host-aware': 'ZBCTGT HA-SMR',
  none: 'ZBCTGT DISK',
};

/** 32-bit FNV-1a, for a stable WWN from the serial number. */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** NAA 5 (IEEE Registered) WWN: NAA 5h, a 24-bit OUI, 36 bits derived from the serial. */
function worldWideName(serial: string): readonly [number, number] {
  const oui = 0x5a4254;
  const id = fnv1a32(`wwn:${serial}`);
  const hi = ((0x5 << 28) | (oui << 4) | (fnv1a32(`wwn-hi:${serial}`) & 0xf)) >>> 0;
  return [hi, id];
}

/** What the drive's model string names: its zoned model, or a zone domains drive. */
export type SataZoning = ZoneLayoutConfig['model'] | 'zone-domains';

export interface SataIdentityInit {
  readonly model?: string;
  readonly serial: string;
  readonly revision: string;
  readonly rotationRate: number;
  readonly zoning: SataZoning;
}

export class SataState {
  readonly identity: AtaIdentity;
  readLookAhead = true;
  /** On by default, so libzbc finds it enabled in log 30h/04h and sends no SET FEATURES. */
  senseReporting = true;
  smart = true;
  /** Sense of the last failed ATA command, for REQUEST SENSE DATA EXT (ACS-4 7.36). */
  pendingSense: SenseCode | null = null;

  constructor(init: SataIdentityInit) {
    this.identity = {
      model: init.model ?? MODEL_BY_ZONING[init.zoning],
      serial: init.serial.slice(0, 20),
      // INQUIRY PRODUCT REVISION LEVEL is firmware characters 4-7 (libata).
      firmware: `ZBT ${init.revision}`.slice(0, 8),
      wwn: worldWideName(init.serial),
      rotationRate: init.rotationRate,
    };
  }

  settings(writeCache: boolean): AtaSettings {
    return {
      writeCache,
      readLookAhead: this.readLookAhead,
      senseReporting: this.senseReporting,
      smart: this.smart,
    };
  }

  device(
    layout: ZoneLayoutConfig,
    writeCache: boolean,
    activation?: ZoneActivationControls,
  ): AtaDevice {
    const dev = { layout, identity: this.identity, settings: this.settings(writeCache) };
    return activation !== undefined ? { ...dev, activation } : dev;
  }
}
