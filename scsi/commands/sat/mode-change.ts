// Values the ATA face changes that a mode page also shows (Caching WCE, the Zone Domains page):
// one state with MODE SELECT, and, as after a MODE SELECT that changes it, the other I_T nexuses
// get a unit attention MODE PARAMETERS CHANGED (SPC-5 6.14). Setting the value it has already
// changes nothing, so it establishes none.
import { SENSE } from '../../../sense-tables/index.js';
import type { ModeState } from '../../mode-state.js';
import type { AtaContext } from './ata-command-row.js';

/** Tells every I_T nexus but the one that made the change. */
function announce({ lu, cmd }: AtaContext): void {
  lu.unitAttentions.establishAll(SENSE.MODE_PARAMETERS_CHANGED, cmd.nexus.key);
}

export function setModeValue<K extends keyof ModeState>(
  ctx: AtaContext,
  key: K,
  value: ModeState[K],
): void {
  if (ctx.lu.mode[key] === value) return;
  ctx.lu.mode = { ...ctx.lu.mode, [key]: value };
  announce(ctx);
}

/** URSWRZ lives in the zone model (VPD B6h reads it too); the Zone Domains page shows it. */
export function setUrswrz(ctx: AtaContext, on: boolean): void {
  const zones = ctx.lu.zones;
  if (zones === undefined || zones.urswrz === on) return;
  zones.setUrswrz(on);
  announce(ctx);
}
