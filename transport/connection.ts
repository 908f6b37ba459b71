// One TCP connection: feeds socket chunks to the framer, runs the login phase, then hands PDUs to
// its session. Writes leave in corked batches (one writev per tick) with digests and padding.
// The session pings an idle initiator itself (session/nop-ping.ts). Every error, timeout and
// protocol violation reaches fail() once (docs/architecture.md); nothing thrown by peer input
// escapes a socket handler.
import type { Socket } from 'node:net';
import createDebug from 'debug';
import { digestBytes } from './digest.js';
import { ProtocolError } from './errors.js';
import { MAX_LOGIN_DATA_SEGMENT, type TransportLimits } from './limits.js';
import {
  type LoginEnvironment,
  type LoginResponseDraft,
  LoginStages,
  LoginStatus,
  type LoginStep,
} from './login/login-stages.js';
import { splitText } from './login/text-parts.js';
import { encodeTextPairs } from './login/text-pairs.js';
import { readDataSegmentLength } from './pdu/bhs.js';
import { PduFramer, type RawPdu } from './pdu/framer.js';
import { decodeLoginRequest, encodeLoginResponse, type LoginRequestPdu } from './pdu/login.js';
import { InitiatorOpcode } from './pdu/opcodes.js';
import type { Portal } from './discovery.js';
import type { ConnectionRef, SessionRef, TransportObserver } from './observer.js';
import { Session, type SessionEnvironment, type SessionIo } from './session.js';
import type { TargetPortalConfig } from './target-portal-config.js';
import type { SessionRegistry } from './session-registry.js';

const log = createDebug('zbc:transport:connection');
const logPdu = createDebug('zbc:transport:pdu');

const ZERO_PAD = Buffer.alloc(4);
const NOTHING = Buffer.alloc(0);
/** A login step that answers with text (and so may need several Login Responses). */
type AnsweringStep = LoginStep & { kind: 'continue' | 'complete' };
/** After a final answer (failed login, logout), how long a half-closed socket may linger. */
const LINGER_MS = 2000;

export interface ConnectionContext {
  readonly limits: TransportLimits;
  readonly registry: SessionRegistry;
  findTarget(name: string): TargetPortalConfig | undefined;
  targets(): readonly TargetPortalConfig[];
  sessionsOfTarget(targetName: string): readonly Session[];
  /** The connection is gone (for the server's bookkeeping). */
  closed(connection: Connection): void;
  /** The connection left the login phase: logged in, refused or gone (login budget). */
  loginEnded(connection: Connection): void;
  /** Metrics, wire trace, session list: absent costs one null check per PDU. */
  readonly observer?: TransportObserver;
  /** A server-unique connection number (observers key on it). */
  nextConnectionId(): number;
}

export type ConnectionPhase = 'login' | 'full-feature' | 'closed';

export class Connection {
  private readonly framer = new PduFramer({
    headerDigest: false,
    dataDigest: false,
    maxDataSegmentLength: MAX_LOGIN_DATA_SEGMENT,
  });
  private readonly login: LoginStages;
  /** A login answer longer than one Login Response: the parts still to send and the step. */
  private loginReply: { readonly step: AnsweringStep; readonly parts: Buffer[] } | undefined;
  private session: Session | undefined;
  private phaseValue: ConnectionPhase = 'login';
  /** StatSN starts low: libiscsi adopts only serially larger values (docs/initiators.md). */
  private statSN = 1;
  private headerDigest = false;
  private dataDigest = false;
  private corked = false;
  private readPaused = false;
  private readonly loginTimer: NodeJS.Timeout;
  readonly portal: Portal;
  readonly remote: string;
  readonly remoteAddress: string;
  readonly ref: ConnectionRef;
  private readonly observer: TransportObserver | undefined;
  private sessionRef: SessionRef | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: ConnectionContext,
    overloaded: boolean,
  ) {
    this.portal = { host: socket.localAddress ?? '127.0.0.1', port: socket.localPort ?? 0 };
    this.remoteAddress = socket.remoteAddress ?? '?';
    this.remote = `${this.remoteAddress}:${socket.remotePort ?? 0}`;
    this.ref = {
      id: ctx.nextConnectionId(),
      local: this.portal,
      remote: { host: this.remoteAddress, port: socket.remotePort ?? 0 },
    };
    this.observer = ctx.observer;
    const env: LoginEnvironment = {
      findTarget: (name) => ctx.findTarget(name),
      admit: (req) => ctx.registry.admit(req),
      overloaded,
    };
    this.login = new LoginStages(env);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(`socket error: ${err.message}`));
    socket.on('end', () => this.fail('peer closed'));
    socket.on('close', () => this.fail('socket closed'));
    this.loginTimer = setTimeout(
      () => this.fail('login deadline passed'),
      ctx.limits.loginTimeoutMs,
    );
    this.loginTimer.unref?.();
    this.observer?.connectionOpened(this.ref);
  }

  private isClosed(): boolean {
    return this.phaseValue === 'closed';
  }

  get phase(): ConnectionPhase {
    return this.phaseValue;
  }

  get currentSession(): Session | undefined {
    return this.session;
  }

  // ---- receive ---------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.phaseValue === 'closed') return;
    try {
      this.framer.push(chunk);
      while (!this.isClosed()) {
        const result = this.framer.next();
        if (result.kind === 'need-more') break;
        if (result.kind === 'error') {
          if (result.error.code === 'ISCSI_HEADER_DIGEST') {
            this.observer?.digestError(this.ref, 'header');
          }
          this.fail(`${result.error.code}: ${result.error.message}`);
          break;
        }
        if (logPdu.enabled) logPdu('%s <- %s', this.remote, result.pdu.bhs.toString('hex'));
        const observer = this.observer;
        if (observer !== undefined) this.observeIn(observer, result.pdu);
        if (this.phaseValue === 'login') this.onLoginPdu(result.pdu);
        else this.session?.handle(result.pdu);
      }
    } catch (err) {
      log('internal error on %s: %O', this.remote, err);
      this.fail(err instanceof ProtocolError ? err.message : 'internal error');
    }
  }

  private observeIn(observer: TransportObserver, pdu: RawPdu): void {
    observer.pdu(this.ref, 'in', pdu.bhs, pdu.ahs, pdu.data);
    if (pdu.dataDigestError) observer.digestError(this.ref, 'data');
  }

  private onLoginPdu(raw: RawPdu): void {
    const opcode = raw.bhs.readUInt8(0) & 0x3f;
    if (raw.ahs) return this.fail('AHS before full feature phase');
    if (opcode !== InitiatorOpcode.LOGIN_REQUEST) {
      // RFC 7143 §11.13.5 0x020b, then close.
      const itt = raw.bhs.readUInt32BE(16);
      this.sendLoginStatus(
        {
          transit: false,
          csg: 0,
          nsg: 0,
          isid: raw.bhs.toString('hex', 8, 14),
          tsih: 0,
          itt,
          status: LoginStatus.INVALID_DURING_LOGIN,
        },
        0,
      );
      return this.closeAfterFlush('non-login PDU during login');
    }
    const req = decodeLoginRequest(raw.bhs);
    if (this.loginReply) return this.continueLoginReply(req, raw.dataLength);
    const step = this.login.handle(req, raw.data);
    this.applyLoginStep(req, step);
  }

  /**
   * RFC 7143 §11.13.2: the initiator fetches the rest of a continued answer with an empty Login
   * Request in the same stage; anything else ends the login (0200h).
   */
  private continueLoginReply(req: LoginRequestPdu, dataLength: number): void {
    const reply = this.loginReply as NonNullable<typeof this.loginReply>;
    if (dataLength > 0 || req.continued || req.csg !== reply.step.response.csg) {
      this.loginReply = undefined;
      const status = LoginStatus.INITIATOR_ERROR;
      const response = { ...reply.step.response, transit: false, status };
      const reason = 'not an empty request for the rest of the answer';
      return this.applyLoginStep(req, { kind: 'fail', response, reason });
    }
    this.sendLoginPart(req);
  }

  /** Sends the next part of a long answer; the last one carries the step's own flags and effect. */
  private sendLoginPart(req: LoginRequestPdu): void {
    const reply = this.loginReply as NonNullable<typeof this.loginReply>;
    const part = reply.parts.shift() as Buffer;
    if (reply.parts.length > 0) {
      const { response: last } = reply.step;
      const response = { ...last, transit: false, nsg: 0, tsih: req.tsih, continued: true };
      return this.sendLoginStatus(response, req.cmdSN, part);
    }
    this.loginReply = undefined;
    this.finishLoginStep(req, reply.step, part);
  }

  private applyLoginStep(req: LoginRequestPdu, step: LoginStep): void {
    switch (step.kind) {
      case 'drop':
        return this.fail(step.reason);
      case 'fail':
        log(
          'login from %s refused (0x%s): %s',
          this.remote,
          step.response.status.toString(16).padStart(4, '0'),
          step.reason,
        );
        this.sendLoginStatus(step.response, req.cmdSN);
        return this.closeAfterFlush('login failed');
      case 'continue':
      case 'complete': {
        const parts = splitText(encodeTextPairs(step.text), MAX_LOGIN_DATA_SEGMENT);
        this.loginReply = { step, parts };
        return this.sendLoginPart(req);
      }
    }
  }

  private finishLoginStep(req: LoginRequestPdu, step: AnsweringStep, text: Buffer): void {
    this.sendLoginStatus(step.response, req.cmdSN, text);
    switch (step.kind) {
      case 'continue':
        return;
      case 'complete': {
        const { params } = step.outcome;
        // Digests start with the first PDU after the final Login Response (RFC 7143 §13.1).
        this.headerDigest = params.headerDigest;
        this.dataDigest = params.dataDigest;
        this.framer.configure({
          headerDigest: params.headerDigest,
          dataDigest: params.dataDigest,
          maxDataSegmentLength: params.targetMaxRecvDataSegmentLength,
        });
        clearTimeout(this.loginTimer);
        const env: SessionEnvironment = {
          limits: this.ctx.limits,
          targets: () => this.ctx.targets(),
          sessionsOfTarget: (name) => this.ctx.sessionsOfTarget(name),
          ended: (session) => this.ctx.registry.remove(session),
        };
        this.session = new Session(this.sessionIo(), env, step.outcome);
        this.ctx.registry.add(this.session);
        if (this.observer !== undefined) {
          const s = this.session;
          this.sessionRef = {
            tsih: s.tsih,
            initiatorName: s.initiatorName,
            isid: s.isid,
            targetName: s.targetName,
            nexusKey: s.nexus?.key,
            connection: this.ref,
          };
          this.observer.sessionOpened(this.sessionRef);
        }
        this.phaseValue = 'full-feature';
        this.ctx.loginEnded(this);
        log(
          '%s logged in: %s session %d (%s)',
          this.remote,
          step.outcome.kind,
          step.outcome.tsih,
          step.outcome.initiatorName,
        );
        return;
      }
    }
  }

  private sendLoginStatus(
    draft: LoginResponseDraft,
    cmdSN: number,
    text: Buffer = Buffer.alloc(0),
  ): void {
    const header = encodeLoginResponse({
      ...draft,
      statSN: this.takeStatSN(),
      expCmdSN: cmdSN,
      maxCmdSN: (cmdSN + this.ctx.limits.queueDepth - 1) >>> 0,
      dataSegmentLength: text.length,
    });
    this.write(header, text.length > 0 ? [text] : []);
  }

  // ---- send ------------------------------------------------------------------------------------

  private takeStatSN(): number {
    const sn = this.statSN;
    this.statSN = (this.statSN + 1) >>> 0;
    return sn;
  }

  /**
   * Queues one PDU: header (+digest), data views, padding (+digest); one writev per tick.
   * `written` runs once the socket is done with every part (written, or the connection failed).
   */
  write(header: Buffer, data: readonly Buffer[] = [], written?: () => void): void {
    if (this.phaseValue === 'closed' || this.socket.destroyed || !this.socket.writable) {
      written?.();
      return;
    }
    if (logPdu.enabled) logPdu('%s -> %s', this.remote, header.toString('hex'));
    this.observer?.pdu(this.ref, 'out', header, undefined, data);
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    const socket = this.socket;
    socket.write(header);
    if (this.headerDigest) socket.write(digestBytes([header]));
    const length = readDataSegmentLength(header);
    if (length > 0) {
      for (const part of data) if (part.length > 0) socket.write(part);
      const pad = (4 - (length % 4)) % 4;
      const padding = pad > 0 ? ZERO_PAD.subarray(0, pad) : undefined;
      if (padding) socket.write(padding);
      if (this.dataDigest) socket.write(digestBytes(data, padding));
    }
    // Writes complete in order: an empty one queued last completes once the parts are written.
    if (written !== undefined) socket.write(NOTHING, () => written());
    this.checkBackpressure();
  }

  /**
   * Output is behind. Never below the socket's own high-water mark: only a write() that returned
   * false (length at or above that mark) guarantees a later 'drain' to resume on.
   */
  private get congested(): boolean {
    const mark = Math.max(this.ctx.limits.writeHighWater, this.socket.writableHighWaterMark);
    return this.socket.writableLength > mark;
  }

  /** Safety valve: stop reading while our output is far behind (docs/architecture.md). */
  private checkBackpressure(): void {
    if (this.readPaused || !this.congested) return;
    this.readPaused = true;
    this.socket.pause();
    this.socket.once('drain', () => {
      this.readPaused = false;
      if (this.phaseValue !== 'closed') this.socket.resume();
    });
  }

  private sessionIo(): SessionIo {
    const conn = this;
    return {
      send: (header: Buffer, data?: readonly Buffer[], written?: () => void) =>
        this.write(header, data, written),
      takeStatSN: () => this.takeStatSN(),
      peekStatSN: () => this.statSN,
      fail: (reason: string) => this.fail(reason),
      finishLogout: () => this.closeAfterFlush('logout'),
      portal: this.portal,
      get congested(): boolean {
        return conn.congested;
      },
      whenDrained: (resume: () => void) => {
        this.socket.once('drain', resume);
      },
    };
  }

  // ---- ending ----------------------------------------------------------------------------------

  /** Async logout request to a logged-in session (graceful server stop). */
  requestLogout(seconds: number): void {
    this.session?.requestLogout(seconds);
  }

  /** The one failure path: end the session silently, destroy the socket. Idempotent. */
  fail(reason: string): void {
    if (this.phaseValue === 'closed') return;
    log('closing %s: %s', this.remote, reason);
    this.shutdown(reason);
    this.socket.destroy();
  }

  /** After a final answer: flush, half-close, destroy shortly after. */
  private closeAfterFlush(reason: string): void {
    if (this.phaseValue === 'closed') return;
    log('ending %s: %s', this.remote, reason);
    this.shutdown(reason);
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), LINGER_MS);
    timer.unref?.();
  }

  private shutdown(reason: string): void {
    if (this.phaseValue === 'login') this.ctx.loginEnded(this);
    this.phaseValue = 'closed';
    clearTimeout(this.loginTimer);
    try {
      this.session?.end();
    } catch (err) {
      log('session end failed: %O', err);
    }
    this.ctx.closed(this);
    if (this.sessionRef !== undefined) this.observer?.sessionClosed(this.sessionRef);
    this.observer?.connectionClosed(this.ref, reason);
  }
}
