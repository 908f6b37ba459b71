// Zone Domains mode page (0Ah subpage 0Fh), as libzbc v6.2.0 reads and writes it: the device-wide
// activation parameters of a domains-and-realms LU. The page is in SPF format (SPC-4 7.5.7):
// 4-byte header, then FSNOZ (bytes 4-7, zones ZONE ACTIVATE uses when the CDB gives none),
// URSWRZ (byte 10 bit 0) and MAXIMUM ACTIVATION (bytes 16-17, realms per command, 0 = no limit).
// The final ZBC-2 text of this page was not available; offsets follow libzbc (zbc_scsi.c), which
// also writes URSWRZ here (zbc_dev_control -ur). URSWRZ is the zone model's one value (VPD B6h,
// the read rule and ATA's SET FEATURES 47h share it); none of these values is saved.
import { FSNOZ_MAX } from '../zbc/ata/zone-domains-info.js';
import type { LogicalUnit } from './logical-unit.js';
import type { ModePageDef } from './mode-page-def.js';
import type { ModeState } from './mode-state.js';

const LENGTH = 20;
const FSNOZ_AT = 4;
const URSWRZ_AT = 10;
const MAX_ACTIVATION_AT = 16;

const urswrzOf = (lu: LogicalUnit | undefined): number => (lu?.zones?.urswrz === true ? 1 : 0);

export const ZONE_DOMAINS_PAGE: ModePageDef = {
  code: 0x0a,
  subpage: 0x0f,
  name: 'Zone Domains',
  length: LENGTH,
  appliesTo: (lu) => lu.zones?.domains !== undefined,
  encode(out, state, changeable, lu) {
    out[0] = 0x40 | 0x0a; // SPF
    out[1] = 0x0f;
    out.writeUInt16BE(LENGTH - 4, 2);
    if (changeable) {
      out.writeUInt32BE(0xffff_ffff, FSNOZ_AT);
      out[URSWRZ_AT] = 0x01;
      out.writeUInt16BE(0xffff, MAX_ACTIVATION_AT);
      return;
    }
    out.writeUInt32BE(state.fsnoz, FSNOZ_AT);
    out[URSWRZ_AT] = urswrzOf(lu);
    out.writeUInt16BE(state.maxActivation, MAX_ACTIVATION_AT);
  },
  apply(page, next: ModeState, lu) {
    // libzbc writes back MODE DATA LENGTH bytes as the page length, so a longer page is accepted
    // when the bytes past ours are zero (SPC-4 leaves a device free to check only what it uses).
    for (let i = LENGTH; i < page.length; i++) if (page[i] !== 0) return i;
    for (let i = 4; i < LENGTH; i++) {
      const field =
        (i >= FSNOZ_AT && i < FSNOZ_AT + 4) ||
        i === MAX_ACTIVATION_AT ||
        i === MAX_ACTIVATION_AT + 1;
      if (field) continue;
      const allowed = i === URSWRZ_AT ? 0x01 : 0; // URSWRZ is bit 0 alone
      if (((page[i] ?? 0) & ~allowed) !== 0) return i;
    }
    const fsnoz = page.readUInt32BE(FSNOZ_AT);
    if (fsnoz === 0) return FSNOZ_AT; // a ZONE ACTIVATE of zero zones is refused (5/24/00)
    // A SATA LU's FSNOZ is ZAC-2's 28-bit field (log 30h page 09h, SET FEATURES 46h).
    if (lu?.sata !== undefined && fsnoz > FSNOZ_MAX) return FSNOZ_AT;
    next.fsnoz = fsnoz;
    next.maxActivation = page.readUInt16BE(MAX_ACTIVATION_AT);
    return -1;
  },
  commit(page, lu) {
    const urswrz = ((page[URSWRZ_AT] ?? 0) & 0x01) === 1;
    if (lu.zones === undefined || lu.zones.urswrz === urswrz) return false;
    lu.zones.setUrswrz(urswrz);
    return true;
  },
};
