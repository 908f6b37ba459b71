// What one exported target looks like to the transport (the contract of server.ts).
import type { ScsiTarget } from '../scsi/target-contract.js';
import type { ChapCredentials } from './login/chap.js';
import { normalizeIscsiName } from './login/iscsi-name.js';

export interface TargetPortalConfig {
  /** iSCSI qualified name (iqn./eui./naa.). */
  readonly name: string;
  readonly alias?: string;
  readonly scsi: ScsiTarget;
  /** Credentials the initiator must prove (one-way CHAP); absent: no authentication. */
  readonly chap?: ChapCredentials;
  /** Credentials the target proves to the initiator (mutual CHAP). */
  readonly mutualChap?: ChapCredentials;
  /** Initiator names allowed to see and log in to this target; absent: everyone. */
  readonly initiators?: readonly string[];
}

/**
 * ACL check (SendTargets hides a denied target like an unknown one: docs/architecture.md). Names
 * compare in their RFC 3722 form.
 */
export function initiatorAllowed(target: TargetPortalConfig, initiatorName: string): boolean {
  if (target.initiators === undefined) return true;
  const wanted = normalizeIscsiName(initiatorName);
  return target.initiators.some((name) => normalizeIscsiName(name) === wanted);
}
