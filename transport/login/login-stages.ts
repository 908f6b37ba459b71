// The login phase of one connection, RFC 7143 §6.3 and §11.12–§11.13: stage
// and transit rules, names and ACL, CHAP, operational negotiation, and the final admission.
// Sequence numbers are the connection's business; this returns what to answer and what to do.
import {
  MAX_LOGIN_PDUS,
  MAX_LOGIN_RESPONSE_TEXT,
  MAX_NAME_LENGTH,
  MAX_NEGOTIATION_TEXT,
} from '../limits.js';
import { LoginStage, type LoginRequestPdu } from '../pdu/login.js';
import { initiatorAllowed, type TargetPortalConfig } from '../target-portal-config.js';
import { ChapAuthenticator } from './chap.js';
import { iscsiNameProblem, normalizeIscsiName } from './iscsi-name.js';
import { LOGIN_DECLARATIONS, SECURITY_KEYS } from './keys.js';
import {
  DEFAULT_PARAMS,
  negotiate,
  type SessionKind,
  type SessionParams,
  withTargetDeclaration,
} from './negotiate.js';
import { encodedLength, parseTextPairs, type TextPair } from './text-pairs.js';

/** Login status, Status-Class << 8 | Status-Detail (RFC 7143 §11.13.5). */
export const LoginStatus = {
  SUCCESS: 0x0000,
  INITIATOR_ERROR: 0x0200,
  AUTHENTICATION_FAILURE: 0x0201,
  AUTHORIZATION_FAILURE: 0x0202,
  NOT_FOUND: 0x0203,
  TARGET_REMOVED: 0x0204,
  UNSUPPORTED_VERSION: 0x0205,
  TOO_MANY_CONNECTIONS: 0x0206,
  MISSING_PARAMETER: 0x0207,
  CANT_INCLUDE_IN_SESSION: 0x0208,
  SESSION_TYPE_NOT_SUPPORTED: 0x0209,
  SESSION_DOES_NOT_EXIST: 0x020a,
  INVALID_DURING_LOGIN: 0x020b,
  TARGET_ERROR: 0x0300,
  SERVICE_UNAVAILABLE: 0x0301,
  OUT_OF_RESOURCES: 0x0302,
} as const;
export type LoginStatus = (typeof LoginStatus)[keyof typeof LoginStatus];

export const TARGET_PORTAL_GROUP_TAG = 1;

export interface AdmitRequest {
  readonly initiatorName: string;
  readonly isid: string;
  readonly tsih: number;
  readonly kind: SessionKind;
  readonly target: TargetPortalConfig | undefined;
}
export type AdmitResult =
  | { readonly ok: true; readonly tsih: number }
  | { readonly ok: false; readonly status: LoginStatus };

export interface LoginEnvironment {
  findTarget(name: string): TargetPortalConfig | undefined;
  /** Final step: TSIH checks, reinstatement, session caps (session-registry.ts). */
  admit(req: AdmitRequest): AdmitResult;
  /** The connection is over a portal limit: answer 0x0302. */
  readonly overloaded?: boolean;
  readonly random?: (size: number) => Buffer;
}

export interface LoginResponseDraft {
  readonly transit: boolean;
  readonly csg: number;
  readonly nsg: number;
  readonly isid: string;
  readonly tsih: number;
  readonly itt: number;
  readonly status: LoginStatus;
  /** More answer text follows in the next Login Response (RFC 7143 §11.13.2). */
  readonly continued?: boolean;
}

export interface LoginOutcome {
  readonly kind: SessionKind;
  readonly initiatorName: string;
  readonly initiatorAlias: string | undefined;
  readonly target: TargetPortalConfig | undefined;
  readonly isid: string;
  readonly tsih: number;
  /** CmdSN of the final Login Request: the session's first ExpCmdSN. */
  readonly cmdSN: number;
  readonly params: SessionParams;
}

export type LoginStep =
  | {
      readonly kind: 'continue';
      readonly response: LoginResponseDraft;
      readonly text: readonly TextPair[];
    }
  | {
      readonly kind: 'complete';
      readonly response: LoginResponseDraft;
      readonly text: readonly TextPair[];
      readonly outcome: LoginOutcome;
    }
  /** Answer with a failure status, then close. */
  | { readonly kind: 'fail'; readonly response: LoginResponseDraft; readonly reason: string }
  /** Close without an answer (limits). */
  | { readonly kind: 'drop'; readonly reason: string };

export class LoginStages {
  private stage: number | undefined;
  private pdus = 0;
  private textBytes = 0;
  private pendingText: Buffer[] = [];
  private isid: string | undefined;
  private tsih = 0;
  private kind: SessionKind = 'Normal';
  private initiatorName: string | undefined;
  private initiatorAlias: string | undefined;
  private target: TargetPortalConfig | undefined;
  private namesSeen = false;
  private readonly seen = new Map<string, string>();
  private params: SessionParams = DEFAULT_PARAMS;
  private authMethod: 'none' | 'chap' | undefined;
  private chap: ChapAuthenticator | undefined;
  private tpgtSent = false;
  private mrdslDeclared = false;

  constructor(private readonly env: LoginEnvironment) {}

  /** One Login Request with its data segment (views). */
  handle(req: LoginRequestPdu, data: readonly Buffer[]): LoginStep {
    this.pdus++;
    if (this.pdus > MAX_LOGIN_PDUS)
      return { kind: 'drop', reason: `more than ${MAX_LOGIN_PDUS} login PDUs` };
    const fail = (status: LoginStatus, reason: string): LoginStep => ({
      kind: 'fail',
      response: this.draft(req, false, status),
      reason,
    });
    if (this.isid === undefined) {
      if (req.versionMin > 0 || req.versionMax < req.versionMin) {
        return fail(
          LoginStatus.UNSUPPORTED_VERSION,
          `version ${req.versionMin}..${req.versionMax}`,
        );
      }
      if (this.env.overloaded) return fail(LoginStatus.OUT_OF_RESOURCES, 'connection limit');
      this.isid = req.isid;
      this.tsih = req.tsih;
    } else if (req.isid !== this.isid || req.tsih !== this.tsih) {
      return fail(LoginStatus.INITIATOR_ERROR, 'ISID or TSIH changed during login');
    }
    if (req.csg !== LoginStage.SECURITY && req.csg !== LoginStage.OPERATIONAL) {
      return fail(LoginStatus.INITIATOR_ERROR, `CSG ${req.csg}`);
    }
    if (this.stage !== undefined && req.csg !== this.stage) {
      return fail(LoginStatus.INITIATOR_ERROR, `CSG ${req.csg} in stage ${this.stage}`);
    }
    if (req.transit && (req.nsg <= req.csg || req.nsg === 2)) {
      return fail(LoginStatus.INITIATOR_ERROR, `transit from ${req.csg} to ${req.nsg}`);
    }
    if (req.transit && req.continued) return fail(LoginStatus.INITIATOR_ERROR, 'T and C both set');

    for (const part of data) {
      this.textBytes += part.length;
      if (this.textBytes > MAX_NEGOTIATION_TEXT) {
        return fail(LoginStatus.INITIATOR_ERROR, `login text over ${MAX_NEGOTIATION_TEXT} bytes`);
      }
      this.pendingText.push(part.length > 0 ? Buffer.from(part) : part);
    }
    if (req.continued) {
      // RFC 7143 §6.2: answer a partial text with an empty response, then read on.
      this.stage ??= req.csg;
      return { kind: 'continue', response: this.draft(req, false, LoginStatus.SUCCESS), text: [] };
    }
    const parsed = parseTextPairs(Buffer.concat(this.pendingText));
    this.pendingText = [];
    this.textBytes = 0;
    if (!parsed.ok) return fail(LoginStatus.INITIATOR_ERROR, parsed.problem);

    const fresh: TextPair[] = [];
    const inThisPdu = new Set<string>();
    for (const [key, value] of parsed.pairs) {
      if (inThisPdu.has(key))
        return fail(LoginStatus.INITIATOR_ERROR, `key ${key} repeated in one PDU`);
      inThisPdu.add(key);
      const before = this.seen.get(key);
      if (before !== undefined) {
        // libiscsi re-sends every key while we answer T=0: identical repeats are ignored.
        if (before !== value) return fail(LoginStatus.INITIATOR_ERROR, `key ${key} changed value`);
        continue;
      }
      this.seen.set(key, value);
      fresh.push([key, value]);
    }

    if (!this.namesSeen) {
      const problem = this.takeNames(fresh, req.csg);
      if (problem) return fail(problem.status, problem.reason);
      this.namesSeen = true;
    }

    const answers: TextPair[] = [];
    if (!this.tpgtSent && this.kind === 'Normal' && this.target) {
      answers.push(['TargetPortalGroupTag', String(TARGET_PORTAL_GROUP_TAG)]);
      if (this.target.alias) answers.push(['TargetAlias', this.target.alias]);
      this.tpgtSent = true;
    }
    const operational: TextPair[] = [];
    const chapKeys = new Map<string, string>();
    for (const [key, value] of fresh) {
      if (LOGIN_DECLARATIONS.has(key)) continue;
      if (SECURITY_KEYS.has(key)) {
        if (req.csg !== LoginStage.SECURITY) {
          answers.push([key, 'Irrelevant']);
          continue;
        }
        if (key === 'AuthMethod') {
          const step = this.chooseAuthMethod(value);
          if (!step.ok) return fail(LoginStatus.AUTHENTICATION_FAILURE, step.problem);
          answers.push(['AuthMethod', step.method]);
        } else if (key === 'CHAP_A') {
          if (!this.chap)
            return fail(LoginStatus.AUTHENTICATION_FAILURE, 'CHAP_A before AuthMethod=CHAP');
          const step = this.chap.chooseAlgorithm(value);
          if (!step.ok) return fail(LoginStatus.AUTHENTICATION_FAILURE, step.problem);
          answers.push(...step.answers);
        } else {
          chapKeys.set(key, value);
        }
        continue;
      }
      operational.push([key, value]);
    }
    if (chapKeys.size > 0) {
      if (!this.chap)
        return fail(LoginStatus.AUTHENTICATION_FAILURE, 'CHAP keys without AuthMethod=CHAP');
      const step = this.chap.verify(chapKeys);
      if (!step.ok) return fail(LoginStatus.AUTHENTICATION_FAILURE, step.problem);
      answers.push(...step.answers);
    }
    if (operational.length > 0) {
      const result = negotiate(operational, this.kind, this.params);
      this.params = result.params;
      answers.push(...result.answers);
    }

    let transit = req.transit;
    if (transit && req.csg === LoginStage.SECURITY) {
      const required = this.chapRequired();
      if (this.authMethod === undefined && required) {
        return fail(LoginStatus.AUTHENTICATION_FAILURE, 'authentication required');
      }
      transit =
        this.authMethod === 'none' ||
        this.authMethod === undefined ||
        this.chap?.authenticated === true;
    }
    const final = transit && req.nsg === LoginStage.FULL_FEATURE;
    if (!this.mrdslDeclared && (req.csg === LoginStage.OPERATIONAL || final)) {
      answers.push([
        'MaxRecvDataSegmentLength',
        String(withTargetDeclaration(this.params).targetMaxRecvDataSegmentLength),
      ]);
      this.params = withTargetDeclaration(this.params);
      this.mrdslDeclared = true;
    }
    // The answer goes out in Login Responses of at most 8192 bytes with the C bit; a request
    // whose answer would take more than a few of them (thousands of unknown keys) is not a
    // negotiation but a flood: class 2, the initiator caused it and must not retry (§11.13.5).
    if (encodedLength(answers) > MAX_LOGIN_RESPONSE_TEXT) {
      const reason = `login answer over ${MAX_LOGIN_RESPONSE_TEXT} bytes`;
      return fail(LoginStatus.INITIATOR_ERROR, reason);
    }
    this.stage = transit ? req.nsg : req.csg;
    if (!final)
      return {
        kind: 'continue',
        response: this.draft(req, transit, LoginStatus.SUCCESS),
        text: answers,
      };

    const initiatorName = this.initiatorName as string;
    const admitted = this.env.admit({
      initiatorName,
      isid: req.isid,
      tsih: req.tsih,
      kind: this.kind,
      target: this.target,
    });
    if (!admitted.ok) return fail(admitted.status, 'not admitted');
    return {
      kind: 'complete',
      response: { ...this.draft(req, true, LoginStatus.SUCCESS), tsih: admitted.tsih },
      text: answers,
      outcome: {
        kind: this.kind,
        initiatorName,
        initiatorAlias: this.initiatorAlias,
        target: this.target,
        isid: req.isid,
        tsih: admitted.tsih,
        cmdSN: req.cmdSN,
        params: this.params,
      },
    };
  }

  private draft(req: LoginRequestPdu, transit: boolean, status: LoginStatus): LoginResponseDraft {
    return {
      transit,
      csg: req.csg,
      nsg: transit ? req.nsg : 0,
      isid: req.isid,
      tsih: req.tsih,
      itt: req.itt,
      status,
    };
  }

  private chapRequired(): boolean {
    return this.kind === 'Normal' && this.target?.chap !== undefined;
  }

  /** Names and session type, from the first complete text (RFC 7143 §13.4–§13.6, §13.21). */
  private takeNames(
    pairs: readonly TextPair[],
    csg: number,
  ): { status: LoginStatus; reason: string } | undefined {
    const get = (key: string): string | undefined => pairs.find(([k]) => k === key)?.[1];
    const initiatorName = get('InitiatorName');
    if (initiatorName === undefined)
      return { status: LoginStatus.MISSING_PARAMETER, reason: 'no InitiatorName' };
    // RFC 7143 §11.13.5: a malformed name is an initiator error (0200h); 0207h means missing.
    const initiatorProblem = iscsiNameProblem(initiatorName);
    if (initiatorProblem) {
      return { status: LoginStatus.INITIATOR_ERROR, reason: `InitiatorName ${initiatorProblem}` };
    }
    // The session's identity (reinstatement, per-initiator caps) is the normalized name.
    this.initiatorName = normalizeIscsiName(initiatorName);
    this.initiatorAlias = get('InitiatorAlias');
    const sessionType = get('SessionType') ?? 'Normal';
    if (sessionType !== 'Normal' && sessionType !== 'Discovery') {
      return {
        status: LoginStatus.SESSION_TYPE_NOT_SUPPORTED,
        reason: `SessionType ${sessionType}`,
      };
    }
    this.kind = sessionType;
    if (sessionType === 'Discovery') return undefined;
    const targetName = get('TargetName');
    if (targetName === undefined)
      return { status: LoginStatus.MISSING_PARAMETER, reason: 'no TargetName' };
    const targetProblem = iscsiNameProblem(targetName);
    if (targetProblem) {
      return { status: LoginStatus.INITIATOR_ERROR, reason: `TargetName ${targetProblem}` };
    }
    const target = this.env.findTarget(targetName);
    const shownName = targetName.slice(0, MAX_NAME_LENGTH);
    if (!target) return { status: LoginStatus.NOT_FOUND, reason: `target ${shownName} not found` };
    // RFC 7143 §11.13.5: 0202h is "the initiator is not allowed access to the given target". The
    // tgt answers 0203h instead (hiding the target); the standard wins. SendTargets still
    // lists only the targets an initiator may use.
    if (!initiatorAllowed(target, this.initiatorName)) {
      return {
        status: LoginStatus.AUTHORIZATION_FAILURE,
        reason: `initiator not allowed on ${shownName}`,
      };
    }
    this.target = target;
    if (csg === LoginStage.OPERATIONAL && target.chap) {
      return {
        status: LoginStatus.AUTHENTICATION_FAILURE,
        reason: 'CHAP required but security stage skipped',
      };
    }
    return undefined;
  }

  private chooseAuthMethod(
    list: string,
  ): { ok: true; method: string } | { ok: false; problem: string } {
    if (this.authMethod !== undefined) return { ok: false, problem: 'AuthMethod negotiated twice' };
    const offered = list.split(',');
    if (this.chapRequired()) {
      const chap = this.target?.chap;
      if (!offered.includes('CHAP') || !chap)
        return { ok: false, problem: 'initiator does not offer CHAP' };
      this.authMethod = 'chap';
      this.chap = new ChapAuthenticator(chap, this.target?.mutualChap, this.env.random);
      return { ok: true, method: 'CHAP' };
    }
    if (!offered.includes('None'))
      return { ok: false, problem: `no acceptable AuthMethod in ${list}` };
    this.authMethod = 'none';
    return { ok: true, method: 'None' };
  }
}
