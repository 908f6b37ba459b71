// The observation a command hook receives after an outcome: status, the sense triple read back
// from the encoded sense (fixed format SPC-4 4.4.3, descriptor format 4.4.2) and bytes moved.
import type { CommandObservation, CommandView } from './ports/command-hook.js';
import { type ScsiCommand, type ScsiOutcome, ScsiStatus } from './target-contract.js';

function dataOutBytes(cmd: ScsiCommand): number {
  let n = 0;
  for (const segment of cmd.dataOut) n += segment.length;
  return n;
}

/** Sense key, ASC and ASCQ of encoded sense, fixed or descriptor format; -1s when too short. */
export function senseTriple(sense: Buffer | undefined): { key: number; asc: number; ascq: number } {
  if (sense === undefined || sense.length < 4) return { key: -1, asc: -1, ascq: -1 };
  const descriptor = ((sense[0] ?? 0) & 0x7f) >= 0x72;
  return {
    key: (descriptor ? (sense[1] ?? 0) : (sense[2] ?? 0)) & 0x0f,
    asc: (descriptor ? sense[2] : sense[12]) ?? 0,
    ascq: (descriptor ? sense[3] : sense[13]) ?? 0,
  };
}

export function observe(
  view: CommandView,
  cmd: ScsiCommand,
  outcome: ScsiOutcome,
  latencyMs: number,
): CommandObservation {
  const { key: senseKey, asc, ascq } = senseTriple(outcome.sense);
  const good = outcome.status === ScsiStatus.GOOD;
  return {
    view,
    status: outcome.status,
    senseKey,
    asc,
    ascq,
    bytesIn: outcome.dataIn?.length ?? 0,
    bytesOut: good ? dataOutBytes(cmd) : 0,
    latencyMs,
  };
}
