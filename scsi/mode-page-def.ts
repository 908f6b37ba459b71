// The shape of one mode parameter page (SPC-4 7.5): mode-pages.ts and zone-domains-mode-page.ts
// define pages of it, MODE SENSE and MODE SELECT use them.
import type { LogicalUnit } from './logical-unit.js';
import type { ModeState } from './mode-state.js';

export interface ModePageDef {
  readonly code: number;
  /** SUBPAGE CODE of a page in SPF format (4-byte header); absent for page_0 format. */
  readonly subpage?: number;
  readonly name: string;
  /** Whole page length, header (2 or 4 bytes) included. */
  readonly length: number;
  /** Only some LUs have the page (default: every LU). */
  readonly appliesTo?: (lu: LogicalUnit) => boolean;
  /**
   * Writes the page for `state`; `changeable` writes the mask of changeable bits instead (an SPF
   * page writes its header in both cases).
   */
  encode(out: Buffer, state: Readonly<ModeState>, changeable: boolean, lu?: LogicalUnit): void;
  /**
   * Checks a page from MODE SELECT against the changeable mask and applies it to `next`.
   * Returns the byte offset (within the page) of the first bad field, or -1 when valid.
   */
  apply(page: Buffer, next: ModeState, lu?: LogicalUnit): number;
  /**
   * After every page of the parameter list passed `apply`: sets what the page carries outside
   * ModeState (a value the zone model holds). Returns whether anything changed.
   */
  commit?(page: Buffer, lu: LogicalUnit): boolean;
}
