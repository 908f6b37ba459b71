// Named drive profiles as the CLI and config see them. The geometry lives in zbc/profiles.ts;
// this adapter gives src/ one stable shape (name, one-line description, layout).
import { PROFILES } from '../zbc/profiles.js';
import type { ZoneLayoutConfig } from '../zbc/types.js';

export interface ProfileInfo {
  readonly name: string;
  readonly description: string;
  readonly layout: ZoneLayoutConfig;
}

export function listProfiles(): readonly ProfileInfo[] {
  return PROFILES.map((p) => ({ name: p.name, description: p.description, layout: p.layout() }));
}

export function findProfile(name: string): ProfileInfo | undefined {
  const p = PROFILES.find((x) => x.name === name);
  return p && { name: p.name, description: p.description, layout: p.layout() };
}
