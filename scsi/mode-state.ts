// The mode parameter values an LU keeps (SPC-4 7.5, SBC-4 6.5) and their defaults. A leaf: the
// LU holds them, the pages in mode-pages.ts encode and change them.

export interface ModeState {
  /** Caching page WCE (SBC-4 table 197): write-back cache, so Linux sends SYNCHRONIZE CACHE. */
  wce: boolean;
  /** Control page D_SENSE (SPC-4 table 458): descriptor-format sense data. */
  dSense: boolean;
  /** Control page SWP (software write protect): writes answer DATA PROTECT / WRITE PROTECTED. */
  swp: boolean;
  /** Zone Domains page FSNOZ: zones a ZONE ACTIVATE without a zone count acts on. */
  fsnoz: number;
  /** Zone Domains page MAXIMUM ACTIVATION: realms per ZONE ACTIVATE, 0 = unlimited. */
  maxActivation: number;
}

export const DEFAULT_MODE_STATE: Readonly<ModeState> = Object.freeze({
  wce: true,
  dSense: false,
  swp: false,
  fsnoz: 1,
  maxActivation: 0,
});
