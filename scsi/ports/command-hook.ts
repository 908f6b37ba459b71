// Command interception and observation port: src/ implements it (fault injection, metrics).
// dispatch calls `before` once preflight has passed, just before the handler, while the hook is
// intercepting; the target calls `after` for every command it answered. Nothing here runs while
// no hook is set.
import type { SenseCode } from '../../sense-tables/index.js';
import type { NexusId, ScsiStatus } from '../target-contract.js';

/** Coarse command families that fault rules and latency histograms match on. */
export type CommandClass = 'read' | 'write' | 'zone' | 'other';

/** What a hook may know about a command (built only while the hook is intercepting). */
export interface CommandView {
  readonly lun: number;
  readonly nexus: NexusId;
  readonly opcode: number;
  /** Service action for opcodes that have one (ZBC IN/OUT, 9Eh, A3h...), else -1. */
  readonly serviceAction: number;
  readonly commandClass: CommandClass;
  /** First LBA the command touches (zone ID for zone operations), or -1 for none. */
  readonly lba: number;
  /** Blocks it moves; 0 when it names no range (a zone operation, INQUIRY...). */
  readonly blocks: number;
  /** The ATA command inside an ATA PASS-THROUGH CDB (SAT-4 12.2), when the LU serves it. */
  readonly ata?: AtaCommandId;
}

/** An ATA command (ACS-4 / ZAC), named as its row names it (e.g. WRITE DMA EXT). */
export interface AtaCommandId {
  readonly command: number;
  readonly name: string;
}

/** The part of a view that a command row works out from its decoded CDB. */
export type CommandClassification = Pick<CommandView, 'commandClass' | 'lba' | 'blocks' | 'ata'>;

/** A hook's answer instead of running the handler: CHECK CONDITION with sense, or a status. */
export type HookAnswer =
  | { readonly kind: 'sense'; readonly code: SenseCode; readonly information?: number }
  | { readonly kind: 'status'; readonly status: ScsiStatus };

/**
 * What happened to one command, reported after its outcome is known. The target hands `after`
 * the same object for every command, refilled each time: read it during the call, keep nothing.
 */
export interface CommandObservation {
  readonly lun: number;
  readonly opcode: number;
  /** As in CommandView: -1 for opcodes without service actions. */
  readonly serviceAction: number;
  readonly commandClass: CommandClass;
  /** As in CommandView: the ATA command inside an ATA PASS-THROUGH, when the LU serves it. */
  readonly ata: AtaCommandId | undefined;
  readonly status: ScsiStatus;
  /** Sense key, ASC and ASCQ of a CHECK CONDITION, else -1. */
  readonly senseKey: number;
  readonly asc: number;
  readonly ascq: number;
  /** Data-In bytes sent / Data-Out bytes received. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** From the target receiving the command to its outcome, in milliseconds. */
  readonly latencyMs: number;
}

export interface CommandHook {
  /**
   * True while `before` may answer or delay a command (a fault rule is armed). Read for every
   * command: while it is false the target builds no view and never calls `before`.
   */
  readonly intercepting: boolean;
  /**
   * Undefined: run the handler now. An answer: end the command with it (the handler never
   * runs, so an injected write error writes nothing). A promise: wait (added latency, a stall
   * until released), then act on what it resolves to.
   */
  before(view: CommandView): HookAnswer | undefined | Promise<HookAnswer | undefined>;
  after(observation: CommandObservation): void;
}
