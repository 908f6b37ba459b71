// Operational key negotiation, RFC 7143 §6.2 and §13: initiator offers in, our answers plus the
// effective session parameters out. Pure: no I/O, no state beyond the arguments.
import { TARGET_MAX_RECV_DATA_SEGMENT } from '../limits.js';
import { type KeyDefinition, KEYS } from './keys.js';
import type { TextPair } from './text-pairs.js';

export interface SessionParams {
  readonly headerDigest: boolean;
  readonly dataDigest: boolean;
  readonly maxConnections: number;
  readonly initialR2T: boolean;
  readonly immediateData: boolean;
  /** What the initiator can receive per PDU (bounds Data-In, Text/NOP-In data). */
  readonly initiatorMaxRecvDataSegmentLength: number;
  /** What we declared we can receive (bounds immediate data and each Data-Out). */
  readonly targetMaxRecvDataSegmentLength: number;
  readonly maxBurstLength: number;
  readonly firstBurstLength: number;
  readonly defaultTime2Wait: number;
  readonly defaultTime2Retain: number;
  readonly maxOutstandingR2T: number;
  readonly dataPduInOrder: boolean;
  readonly dataSequenceInOrder: boolean;
  readonly errorRecoveryLevel: number;
}

/** RFC 7143 defaults, before any key is exchanged (and MRDSL 8192 until we declare ours). */
export const DEFAULT_PARAMS: SessionParams = Object.freeze({
  headerDigest: false,
  dataDigest: false,
  maxConnections: 1,
  initialR2T: true,
  immediateData: true,
  initiatorMaxRecvDataSegmentLength: 8192,
  targetMaxRecvDataSegmentLength: 8192,
  maxBurstLength: 262144,
  firstBurstLength: 65536,
  defaultTime2Wait: 2,
  defaultTime2Retain: 20,
  maxOutstandingR2T: 1,
  dataPduInOrder: true,
  dataSequenceInOrder: true,
  errorRecoveryLevel: 0,
});

export type SessionKind = 'Normal' | 'Discovery';

export interface NegotiationResult {
  /** Answers in offer order (declarative keys get none). */
  readonly answers: readonly TextPair[];
  readonly params: SessionParams;
}

/** Parses an RFC 7143 §6.1 number: decimal or 0x hex, below 2^64; undefined when not a number. */
export function parseNumber(value: string): number | undefined {
  if (/^[0-9]{1,20}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (/^0[xX][0-9a-fA-F]{1,16}$/.test(value)) {
    const n = Number.parseInt(value.slice(2), 16);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Where an accepted value lands in SessionParams. */
const APPLY: Record<string, (p: Mutable<SessionParams>, v: string) => void> = {
  HeaderDigest: (p, v) => {
    p.headerDigest = v === 'CRC32C';
  },
  DataDigest: (p, v) => {
    p.dataDigest = v === 'CRC32C';
  },
  MaxConnections: (p, v) => {
    p.maxConnections = Number(v);
  },
  InitialR2T: (p, v) => {
    p.initialR2T = v === 'Yes';
  },
  ImmediateData: (p, v) => {
    p.immediateData = v === 'Yes';
  },
  MaxRecvDataSegmentLength: (p, v) => {
    p.initiatorMaxRecvDataSegmentLength = Number(v);
  },
  MaxBurstLength: (p, v) => {
    p.maxBurstLength = Number(v);
  },
  FirstBurstLength: (p, v) => {
    p.firstBurstLength = Number(v);
  },
  DefaultTime2Wait: (p, v) => {
    p.defaultTime2Wait = Number(v);
  },
  DefaultTime2Retain: (p, v) => {
    p.defaultTime2Retain = Number(v);
  },
  MaxOutstandingR2T: (p, v) => {
    p.maxOutstandingR2T = Number(v);
  },
  DataPDUInOrder: (p, v) => {
    p.dataPduInOrder = v === 'Yes';
  },
  DataSequenceInOrder: (p, v) => {
    p.dataSequenceInOrder = v === 'Yes';
  },
  ErrorRecoveryLevel: (p, v) => {
    p.errorRecoveryLevel = Number(v);
  },
};

/** Answer for one key, or undefined for a declarative key that needs none. */
function answerKey(def: KeyDefinition, value: string, params: SessionParams): string | undefined {
  switch (def.kind) {
    case 'irrelevant':
      return 'Irrelevant';
    case 'declarative': {
      const n = parseNumber(value);
      if (n === undefined || !inRange(def, n)) return 'Reject';
      return undefined;
    }
    case 'list': {
      const offered = value.split(',');
      if (offered.some((v) => v.length === 0)) return 'Reject';
      return offered.find((v) => def.accepted?.includes(v)) ?? 'Reject';
    }
    case 'and':
    case 'or': {
      if (value !== 'Yes' && value !== 'No') return 'Reject';
      const ours = def.targetValue === 'Yes';
      const theirs = value === 'Yes';
      return (def.kind === 'and' ? ours && theirs : ours || theirs) ? 'Yes' : 'No';
    }
    case 'min':
    case 'max': {
      const n = parseNumber(value);
      if (n === undefined || !inRange(def, n)) return 'Reject';
      let ours = Number(def.targetValue);
      // FirstBurstLength never exceeds MaxBurstLength (RFC 7143 §13.14).
      if (def.name === 'FirstBurstLength') ours = Math.min(ours, params.maxBurstLength);
      return String(def.kind === 'min' ? Math.min(n, ours) : Math.max(n, ours));
    }
  }
}

function inRange(def: KeyDefinition, n: number): boolean {
  return def.range === undefined || (n >= def.range[0] && n <= def.range[1]);
}

/**
 * Answers a batch of operational offers. MaxBurstLength is settled before FirstBurstLength so the
 * latter can be clamped; answers keep the offer order. Unknown keys get NotUnderstood, Normal-only
 * keys in a Discovery session Irrelevant (RFC 7143 §6.2, §4.3).
 */
export function negotiate(
  offers: readonly TextPair[],
  kind: SessionKind,
  current: SessionParams,
): NegotiationResult {
  const params: Mutable<SessionParams> = { ...current };
  const answers = new Map<number, TextPair>();
  const order = offers
    .map((pair, index) => ({ pair, index }))
    .sort((a, b) => rank(a.pair[0]) - rank(b.pair[0]));
  for (const { pair, index } of order) {
    const [key, value] = pair;
    const def = KEYS.get(key);
    if (!def) {
      answers.set(index, [key, 'NotUnderstood']);
      continue;
    }
    if (def.scope === 'normal' && kind === 'Discovery') {
      answers.set(index, [key, 'Irrelevant']);
      continue;
    }
    const answer = answerKey(def, value, params);
    if (answer === undefined) {
      APPLY[key]?.(params, value);
      continue;
    }
    if (answer !== 'Reject' && answer !== 'Irrelevant') APPLY[key]?.(params, answer);
    answers.set(index, [key, answer]);
  }
  if (params.firstBurstLength > params.maxBurstLength)
    params.firstBurstLength = params.maxBurstLength;
  return {
    answers: [...answers.entries()].sort((a, b) => a[0] - b[0]).map(([, pair]) => pair),
    params,
  };
}

function rank(key: string): number {
  return key === 'MaxBurstLength' ? 0 : 1;
}

/** Parameters once we have declared our MaxRecvDataSegmentLength. */
export function withTargetDeclaration(params: SessionParams): SessionParams {
  return { ...params, targetMaxRecvDataSegmentLength: TARGET_MAX_RECV_DATA_SEGMENT };
}
