// ZAC MANAGEMENT OUT (9Fh, ZAC 7.x): FEATURE(7:0) selects the action, FEATURE(15:8) bit 0 is
// ALL, the LBA is the ZONE ID and COUNT the zone count. The actions are the ZBC OUT ones.
import type { ZoneActionKind } from '../types.js';

export interface ZacOutAction {
  readonly name: string;
  readonly feature: number;
  readonly action: ZoneActionKind;
}

export const ZAC_OUT_ACTIONS: readonly ZacOutAction[] = [
  { name: 'CLOSE ZONE EXT', feature: 0x01, action: 'close' },
  { name: 'FINISH ZONE EXT', feature: 0x02, action: 'finish' },
  { name: 'OPEN ZONE EXT', feature: 0x03, action: 'open' },
  { name: 'RESET WRITE POINTER EXT', feature: 0x04, action: 'reset' },
];

/** ALL: FEATURE(15:8) bit 0 of ZAC MANAGEMENT OUT. */
export function zacAll(features: number): boolean {
  return ((features >> 8) & 0x01) !== 0;
}

/** ZAC MANAGEMENT IN action 00h: REPORT ZONES EXT. */
export const REPORT_ZONES_EXT_ACTION = 0x00;
/** FEATURE(15:8) of REPORT ZONES EXT: bit 7 PARTIAL, bits 5:0 REPORTING OPTIONS. */
export const PARTIAL = 0x80;
export const REPORTING_OPTIONS_MASK = 0x3f;
