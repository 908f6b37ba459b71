// The observation a command hook receives after an outcome: status, the sense triple read back
// from the encoded sense (fixed format SPC-4 4.4.3, descriptor format 4.4.2) and bytes moved.
// One record per target, refilled for every command: observing allocates nothing.
import type { CommandSpec, CommandTable } from './command-spec.js';
import { commandClassOf, serviceActionOfView } from './command-view.js';
import type {
  AtaCommandId,
  CommandClass,
  CommandClassification,
  CommandObservation,
} from './ports/command-hook.js';
import { type ScsiCommand, type ScsiOutcome, ScsiStatus } from './target-contract.js';

function dataOutBytes(cmd: ScsiCommand): number {
  let n = 0;
  for (const segment of cmd.dataOut) n += segment.length;
  return n;
}

export class ObservationRecord implements CommandObservation {
  lun = 0;
  opcode = 0;
  serviceAction = -1;
  commandClass: CommandClass = 'other';
  ata: AtaCommandId | undefined = undefined;
  status: ScsiStatus = ScsiStatus.GOOD;
  senseKey = -1;
  asc = -1;
  ascq = -1;
  bytesIn = 0;
  bytesOut = 0;
  latencyMs = 0;

  readonly #commands: CommandTable;

  constructor(commands: CommandTable) {
    this.#commands = commands;
  }

  /**
   * Refills the record for one command: `spec` is the row dispatch found (none: unknown), and
   * `classified` what a row that classifies per command made of it.
   */
  fill(
    cmd: ScsiCommand,
    spec: CommandSpec | undefined,
    classified: CommandClassification | undefined,
    outcome: ScsiOutcome,
    latencyMs: number,
  ): this {
    const cdb = cmd.cdb;
    this.lun = cmd.lun;
    this.opcode = cdb[0] ?? 0;
    this.serviceAction = serviceActionOfView(cdb, this.#commands);
    this.commandClass = commandClassOf(spec, classified);
    this.ata = classified?.ata;
    this.status = outcome.status;
    this.#senseOf(outcome.sense);
    this.bytesIn = outcome.dataIn?.length ?? 0;
    this.bytesOut = outcome.status === ScsiStatus.GOOD ? dataOutBytes(cmd) : 0;
    this.latencyMs = latencyMs;
    return this;
  }

  #senseOf(sense: Buffer | undefined): void {
    const at = senseOffsets(sense);
    if (sense === undefined || at === undefined) {
      this.senseKey = this.asc = this.ascq = -1;
      return;
    }
    this.senseKey = (sense[at[0]] ?? 0) & 0x0f;
    this.asc = sense[at[1]] ?? 0;
    this.ascq = sense[at[2]] ?? 0;
  }
}

const FIXED_OFFSETS = [2, 12, 13] as const;
const DESCRIPTOR_OFFSETS = [1, 2, 3] as const;

/** Where sense key, ASC and ASCQ sit in fixed or descriptor sense; undefined when too short. */
function senseOffsets(sense: Buffer | undefined): readonly [number, number, number] | undefined {
  if (sense === undefined || sense.length < 4) return undefined;
  return ((sense[0] ?? 0) & 0x7f) >= 0x72 ? DESCRIPTOR_OFFSETS : FIXED_OFFSETS;
}

/** Sense key, ASC and ASCQ of encoded sense, fixed or descriptor format; -1s when too short. */
export function senseTriple(sense: Buffer | undefined): { key: number; asc: number; ascq: number } {
  const at = senseOffsets(sense);
  if (sense === undefined || at === undefined) return { key: -1, asc: -1, ascq: -1 };
  return { key: (sense[at[0]] ?? 0) & 0x0f, asc: sense[at[1]] ?? 0, ascq: sense[at[2]] ?? 0 };
}
