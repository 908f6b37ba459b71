// The operational text keys of RFC 7143 §13 (and the obsolete marker keys of RFC 3720 §12.17-18),
// one row each: result function, range, default, scope and what this target offers
// (RFC 7143 §13).
import {
  TARGET_FIRST_BURST_LENGTH,
  TARGET_MAX_BURST_LENGTH,
  TARGET_MAX_OUTSTANDING_R2T,
} from '../limits.js';

export type KeyKind = 'list' | 'min' | 'max' | 'and' | 'or' | 'declarative' | 'irrelevant';
/** normal: only in Normal sessions (Irrelevant in Discovery); both: either session type. */
export type KeyScope = 'normal' | 'both';

export interface KeyDefinition {
  readonly name: string;
  readonly kind: KeyKind;
  readonly scope: KeyScope;
  /** Inclusive numeric range, for min/max/declarative numbers. */
  readonly range?: readonly [number, number];
  readonly defaultValue: string;
  /** list: values we accept in our order of preference is the initiator's; numbers/booleans: our offer. */
  readonly targetValue: string;
  readonly accepted?: readonly string[];
}

const LENGTH: readonly [number, number] = [512, 16777215];
const TIME: readonly [number, number] = [0, 3600];

export const KEY_TABLE: readonly KeyDefinition[] = [
  {
    name: 'HeaderDigest',
    kind: 'list',
    scope: 'both',
    defaultValue: 'None',
    targetValue: 'None',
    accepted: ['None', 'CRC32C'],
  },
  {
    name: 'DataDigest',
    kind: 'list',
    scope: 'both',
    defaultValue: 'None',
    targetValue: 'None',
    accepted: ['None', 'CRC32C'],
  },
  {
    name: 'MaxConnections',
    kind: 'min',
    scope: 'normal',
    range: [1, 65535],
    defaultValue: '1',
    targetValue: '1',
  },
  { name: 'InitialR2T', kind: 'or', scope: 'normal', defaultValue: 'Yes', targetValue: 'No' },
  { name: 'ImmediateData', kind: 'and', scope: 'normal', defaultValue: 'Yes', targetValue: 'Yes' },
  {
    name: 'MaxRecvDataSegmentLength',
    kind: 'declarative',
    scope: 'both',
    range: LENGTH,
    defaultValue: '8192',
    targetValue: '262144',
  },
  {
    name: 'MaxBurstLength',
    kind: 'min',
    scope: 'normal',
    range: LENGTH,
    defaultValue: '262144',
    targetValue: String(TARGET_MAX_BURST_LENGTH),
  },
  {
    name: 'FirstBurstLength',
    kind: 'min',
    scope: 'normal',
    range: LENGTH,
    defaultValue: '65536',
    targetValue: String(TARGET_FIRST_BURST_LENGTH),
  },
  {
    name: 'DefaultTime2Wait',
    kind: 'max',
    scope: 'both',
    range: TIME,
    defaultValue: '2',
    targetValue: '2',
  },
  {
    name: 'DefaultTime2Retain',
    kind: 'min',
    scope: 'both',
    range: TIME,
    defaultValue: '20',
    targetValue: '20',
  },
  {
    name: 'MaxOutstandingR2T',
    kind: 'min',
    scope: 'normal',
    range: [1, 65535],
    defaultValue: '1',
    targetValue: String(TARGET_MAX_OUTSTANDING_R2T),
  },
  { name: 'DataPDUInOrder', kind: 'or', scope: 'normal', defaultValue: 'Yes', targetValue: 'Yes' },
  {
    name: 'DataSequenceInOrder',
    kind: 'or',
    scope: 'normal',
    defaultValue: 'Yes',
    targetValue: 'Yes',
  },
  {
    name: 'ErrorRecoveryLevel',
    kind: 'min',
    scope: 'both',
    range: [0, 2],
    defaultValue: '0',
    targetValue: '0',
  },
  { name: 'IFMarker', kind: 'and', scope: 'both', defaultValue: 'No', targetValue: 'No' },
  { name: 'OFMarker', kind: 'and', scope: 'both', defaultValue: 'No', targetValue: 'No' },
  // Marker intervals only matter with markers on, which we never agree to (RFC 3720 §12.18).
  {
    name: 'IFMarkInt',
    kind: 'irrelevant',
    scope: 'both',
    defaultValue: '2048',
    targetValue: 'Irrelevant',
  },
  {
    name: 'OFMarkInt',
    kind: 'irrelevant',
    scope: 'both',
    defaultValue: '2048',
    targetValue: 'Irrelevant',
  },
  {
    name: 'TaskReporting',
    kind: 'list',
    scope: 'normal',
    defaultValue: 'RFC3720',
    targetValue: 'RFC3720',
    accepted: ['RFC3720'],
  },
  {
    name: 'iSCSIProtocolLevel',
    kind: 'min',
    scope: 'both',
    range: [0, 31],
    defaultValue: '0',
    targetValue: '1',
  },
];

export const KEYS: ReadonlyMap<string, KeyDefinition> = new Map(KEY_TABLE.map((k) => [k.name, k]));

/** Keys handled by the login stage machine, not by negotiate(). */
export const LOGIN_DECLARATIONS: ReadonlySet<string> = new Set([
  'InitiatorName',
  'InitiatorAlias',
  'TargetName',
  'TargetAlias',
  'TargetAddress',
  'TargetPortalGroupTag',
  'SessionType',
]);

/** Security keys (RFC 7143 §12): only meaningful in the security stage. */
export const SECURITY_KEYS: ReadonlySet<string> = new Set([
  'AuthMethod',
  'CHAP_A',
  'CHAP_I',
  'CHAP_C',
  'CHAP_N',
  'CHAP_R',
]);
