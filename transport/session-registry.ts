// Live sessions of one server: TSIH allocation, identity (InitiatorName, ISID) x (TargetName, TPGT),
// reinstatement (RFC 7143 §6.3.5) and per-initiator caps.
import type { AdmitRequest, AdmitResult } from './login/login-stages.js';
import { LoginStatus } from './login/login-stages.js';

/** What the registry needs from a session. */
export interface RegisteredSession {
  readonly tsih: number;
  readonly initiatorName: string;
  readonly isid: string;
  /** Undefined for discovery sessions. */
  readonly targetName: string | undefined;
  /** Ends the session at once: tasks terminated silently, connection closed, nexus loss reported. */
  terminate(reason: string): void;
}

export class SessionRegistry {
  private readonly sessions = new Map<number, RegisteredSession>();
  private lastTsih = 0;

  constructor(private readonly maxSessionsPerInitiator: number) {}

  get size(): number {
    return this.sessions.size;
  }

  all(): RegisteredSession[] {
    return [...this.sessions.values()];
  }

  forTarget(targetName: string): RegisteredSession[] {
    return this.all().filter((s) => s.targetName === targetName);
  }

  /**
   * Final login step: a TSIH != 0 names a live session (we allow one connection per session, so
   * that is 0x0206) or none (0x020a); TSIH 0 reinstates a live session of the same identity.
   */
  admit(req: AdmitRequest): AdmitResult {
    if (req.tsih !== 0) {
      return this.sessions.has(req.tsih)
        ? { ok: false, status: LoginStatus.TOO_MANY_CONNECTIONS }
        : { ok: false, status: LoginStatus.SESSION_DOES_NOT_EXIST };
    }
    const targetName = req.kind === 'Normal' ? req.target?.name : undefined;
    const old = this.all().find(
      (s) =>
        s.initiatorName === req.initiatorName && s.isid === req.isid && s.targetName === targetName,
    );
    if (old) {
      this.remove(old);
      old.terminate('reinstated by a new login');
    }
    const count = this.all().filter((s) => s.initiatorName === req.initiatorName).length;
    if (count >= this.maxSessionsPerInitiator)
      return { ok: false, status: LoginStatus.OUT_OF_RESOURCES };
    const tsih = this.allocate();
    if (tsih === undefined) return { ok: false, status: LoginStatus.OUT_OF_RESOURCES };
    return { ok: true, tsih };
  }

  add(session: RegisteredSession): void {
    this.sessions.set(session.tsih, session);
  }

  remove(session: RegisteredSession): void {
    if (this.sessions.get(session.tsih) === session) this.sessions.delete(session.tsih);
  }

  /** Next free TSIH, 1..65535, not reused soon (counts up and wraps). */
  private allocate(): number | undefined {
    for (let i = 0; i < 0xffff; i++) {
      this.lastTsih = (this.lastTsih % 0xffff) + 1;
      if (!this.sessions.has(this.lastTsih)) return this.lastTsih;
    }
    return undefined;
  }
}
