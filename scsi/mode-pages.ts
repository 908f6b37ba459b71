// Mode parameter pages (SPC-4 7.5, SBC-4 6.5): per-LU current values, their defaults and the
// changeable mask, plus the encoders MODE SENSE uses and the validators MODE SELECT uses.
import type { LogicalUnit } from './logical-unit.js';
import type { ModePageDef } from './mode-page-def.js';
import { DEFAULT_MODE_STATE } from './mode-state.js';
import { ZONE_DOMAINS_PAGE } from './zone-domains-mode-page.js';

/** Page control field (SPC-4 table 451). */
export const PageControl = { CURRENT: 0, CHANGEABLE: 1, DEFAULT: 2, SAVED: 3 } as const;
export type PageControl = (typeof PageControl)[keyof typeof PageControl];

/** Caching mode page 08h, SBC-4 6.5.5 (table 197): 20 bytes. Only WCE is changeable. */
const CACHING: ModePageDef = {
  code: 0x08,
  name: 'Caching',
  length: 20,
  encode(out, state, changeable) {
    out[0] = 0x08;
    out[1] = 0x12;
    out[2] = changeable ? 0x04 : state.wce ? 0x04 : 0x00;
  },
  apply(page, next) {
    const bad = firstUnchangeable(page, this, { 2: 0x04 });
    if (bad >= 0) return bad;
    next.wce = ((page[2] ?? 0) & 0x04) !== 0;
    return -1;
  },
};

/** Control mode page 0Ah, SPC-4 7.5.8 (table 457): 12 bytes. D_SENSE and SWP are changeable. */
const CONTROL: ModePageDef = {
  code: 0x0a,
  name: 'Control',
  length: 12,
  encode(out, state, changeable) {
    out[0] = 0x0a;
    out[1] = 0x0a;
    out[2] = changeable ? 0x04 : state.dSense ? 0x04 : 0x00; // D_SENSE
    out[4] = changeable ? 0x08 : state.swp ? 0x08 : 0x00; // SWP
    if (!changeable) out.writeUInt16BE(0xffff, 8); // BUSY TIMEOUT PERIOD: unlimited
  },
  apply(page, next) {
    const bad = firstUnchangeable(page, this, { 2: 0x04, 4: 0x08 });
    if (bad >= 0) return bad;
    next.dSense = ((page[2] ?? 0) & 0x04) !== 0;
    next.swp = ((page[4] ?? 0) & 0x08) !== 0;
    return -1;
  },
};

/**
 * SPC-4 6.11: a MODE SELECT page may change only changeable bits (`changeable`, by byte); every
 * other bit must match the page as we report it.
 */
function firstUnchangeable(
  page: Buffer,
  def: ModePageDef,
  changeable: Readonly<Record<number, number>>,
): number {
  const reported = Buffer.alloc(def.length);
  def.encode(reported, DEFAULT_MODE_STATE, false);
  for (let i = 2; i < def.length; i++) {
    const m = ~(changeable[i] ?? 0) & 0xff;
    if (((page[i] ?? 0) & m) !== ((reported[i] ?? 0) & m)) return i;
  }
  return -1;
}

/** Served pages in ascending page-code order (3Fh returns them in this order). */
export const MODE_PAGES: readonly ModePageDef[] = [CACHING, CONTROL, ZONE_DOMAINS_PAGE];

export const ALL_PAGES = 0x3f;
export const ALL_SUBPAGES = 0xff;

/** The pages this LU has. */
export function modePagesOf(lu: LogicalUnit): readonly ModePageDef[] {
  return MODE_PAGES.filter((p) => p.appliesTo === undefined || p.appliesTo(lu));
}

/** A page by page code and subpage code (0 = page_0 format), if this LU has it. */
export function findModePage(lu: LogicalUnit, code: number, subpage = 0): ModePageDef | undefined {
  return modePagesOf(lu).find((p) => p.code === code && (p.subpage ?? 0) === subpage);
}

/** MODE SENSE selection (SPC-4 6.13): page/subpage codes, with 3Fh and FFh as wildcards. */
export function selectModePages(
  lu: LogicalUnit,
  code: number,
  subpage: number,
): readonly ModePageDef[] {
  return modePagesOf(lu).filter(
    (p) =>
      (code === ALL_PAGES || p.code === code) &&
      (subpage === ALL_SUBPAGES || (p.subpage ?? 0) === subpage),
  );
}
