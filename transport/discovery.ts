// SendTargets (RFC 7143 §13.3, Appendix C): one Text Response, no
// continuation, only TargetName/TargetAddress keys, ACL-filtered, size-checked before building.
import type { TextPair } from './login/text-pairs.js';
import type { SessionKind } from './login/negotiate.js';
import { TARGET_PORTAL_GROUP_TAG } from './login/login-stages.js';
import { initiatorAllowed, type TargetPortalConfig } from './target-portal-config.js';

export interface Portal {
  readonly host: string;
  readonly port: number;
}

/** The address as the initiator reached us: `::ffff:` stripped, IPv6 in brackets. */
export function formatPortal(portal: Portal): string {
  const host =
    portal.host.startsWith('::ffff:') && portal.host.includes('.')
      ? portal.host.slice(7)
      : portal.host;
  const shown = host.includes(':') ? `[${host}]` : host;
  return `${shown}:${portal.port},${TARGET_PORTAL_GROUP_TAG}`;
}

export interface SendTargetsContext {
  readonly kind: SessionKind;
  readonly initiatorName: string;
  /** The session's own target (normal sessions). */
  readonly ownTarget: TargetPortalConfig | undefined;
  readonly targets: readonly TargetPortalConfig[];
  readonly portal: Portal;
  /** Largest data segment the answer may use. */
  readonly maxBytes: number;
}

export type SendTargetsAnswer =
  | { readonly ok: true; readonly pairs: readonly TextPair[] }
  | { readonly ok: false };

/**
 * `All` (discovery only), empty (own target, normal only) or a target name. Targets that would
 * overflow `maxBytes` are left out whole, never cut.
 */
export function sendTargets(value: string, ctx: SendTargetsContext): SendTargetsAnswer {
  let chosen: readonly TargetPortalConfig[];
  if (value === 'All') {
    if (ctx.kind !== 'Discovery') return { ok: false };
    chosen = ctx.targets;
  } else if (value === '') {
    chosen = ctx.ownTarget ? [ctx.ownTarget] : [];
  } else {
    const named = ctx.targets.find((t) => t.name === value);
    if (ctx.kind === 'Normal' && named !== ctx.ownTarget) chosen = [];
    else chosen = named ? [named] : [];
  }
  const address = formatPortal(ctx.portal);
  const pairs: TextPair[] = [];
  let size = 0;
  for (const target of chosen) {
    if (!initiatorAllowed(target, ctx.initiatorName)) continue;
    const entry: TextPair[] = [
      ['TargetName', target.name],
      ['TargetAddress', address],
    ];
    const entrySize = entry.reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v) + 2,
      0,
    );
    if (size + entrySize > ctx.maxBytes) break;
    size += entrySize;
    pairs.push(...entry);
  }
  return { ok: true, pairs };
}
