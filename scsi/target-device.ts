// One SCSI target device: routes commands by LUN, owns the LUs' unit attentions per nexus and
// applies task management side effects. The transport sees only the ScsiTarget contract.
import createDebug from 'debug';
import { SENSE, type SenseCode } from '../sense-tables/index.js';
import { commandTable } from './command-table.js';
import type { CommandSpec } from './command-spec.js';
import { dispatch, type Intercept, toOutcome } from './dispatch.js';
import { ObservationRecord } from './hook-observation.js';
import { LogicalUnit, type LogicalUnitConfig, type TargetInfo } from './logical-unit.js';
import type { CommandClassification, CommandHook } from './ports/command-hook.js';
import { check } from './response.js';
import { mayStartAhead } from './start-ahead.js';
import {
  type LunInfo,
  type NexusId,
  type QueuedCommand,
  type ScsiCommand,
  type ScsiOutcome,
  type ScsiTarget,
  TaskManagementFunction,
  type TaskManagementRequest,
  TaskManagementResult,
  TransportSense,
} from './target-contract.js';

const log = createDebug('zbc:scsi:target');

export interface ScsiTargetConfig {
  /** Target name (IQN), used in VPD 83h SCSI name string designators. */
  readonly name: string;
  readonly luns: readonly LogicalUnitConfig[];
}

export interface ManagedScsiTarget extends ScsiTarget {
  /** The LU object for a LUN (tests, metrics, fault injection). */
  logicalUnit(lun: number): LogicalUnit | undefined;
  /** Arms (or with undefined, disarms) the command hook: fault injection and metrics. */
  setCommandHook(hook: CommandHook | undefined): void;
  /** Flushes every LU (data then zone state), then closes their journals and stores. */
  close(): Promise<void>;
}

/** RFC 7143 §11.4.7.2 codes for iSCSI-detected errors. */
const TRANSPORT_SENSE: Record<TransportSense, SenseCode> = {
  [TransportSense.PROTOCOL_SERVICE_CRC_ERROR]: SENSE.PROTOCOL_SERVICE_CRC_ERROR, // 0B/47/05
  [TransportSense.UNEXPECTED_UNSOLICITED_DATA]: SENSE.UNEXPECTED_UNSOLICITED_DATA, // 05/0C/0C
  [TransportSense.INCORRECT_AMOUNT_OF_DATA]: SENSE.NOT_ENOUGH_UNSOLICITED_DATA, // 0B/0C/0D
};

/** LUNs are single-level peripheral addresses 0-255 (docs/initiators.md). */
const MAX_LUN = 255;

export function createScsiTarget(config: ScsiTargetConfig): ManagedScsiTarget {
  const units = new Map<number, LogicalUnit>();
  const info: TargetInfo = {
    name: config.name,
    relativePort: 1,
    lunNumbers: () => lunNumbers,
  };
  const commands = commandTable();
  for (const lc of config.luns) {
    if (!Number.isInteger(lc.lun) || lc.lun < 0 || lc.lun > MAX_LUN) {
      throw new RangeError(`LUN ${lc.lun} is outside 0-${MAX_LUN}`);
    }
    if (units.has(lc.lun)) throw new RangeError(`LUN ${lc.lun} configured twice`);
    units.set(lc.lun, new LogicalUnit(lc, info));
  }
  const lunNumbers = [...units.keys()].sort((a, b) => a - b);
  const lunInfos: readonly LunInfo[] = lunNumbers.map((lun) => ({
    lun,
    blockSize: (units.get(lun) as LogicalUnit).blockSize,
  }));
  let closed: Promise<void> | undefined;
  let intercept: Intercept | undefined;
  const observation = new ObservationRecord(commands);

  /** dispatch catches handler errors; a throw or rejection reaching execute is a bug in dispatch. */
  function dispatchBug(lun: number, err: unknown): ScsiOutcome {
    log('execute failed: %O', err);
    return toOutcome(
      check(SENSE.INTERNAL_TARGET_FAILURE),
      units.get(lun)?.descriptorSense ?? false,
    );
  }

  /**
   * The hooked path: the hook may answer before the handler (only while it intercepts) and sees
   * every outcome. Synchronous like the unhooked path: one promise per command, made here.
   */
  function executeHooked(armed: Intercept, cmd: ScsiCommand): Promise<ScsiOutcome> {
    const started = performance.now();
    let outcome: ScsiOutcome | Promise<ScsiOutcome>;
    try {
      outcome = dispatch(cmd, units.get(cmd.lun), info, commands, armed);
    } catch (err) {
      outcome = dispatchBug(cmd.lun, err);
    }
    // Written by dispatch before it returned; the next command overwrites them.
    const spec = armed.spec;
    const classified = armed.classified;
    if (outcome instanceof Promise) {
      return outcome.then(
        (done) => observed(armed, cmd, spec, classified, done, started),
        (err: unknown) =>
          observed(armed, cmd, spec, classified, dispatchBug(cmd.lun, err), started),
      );
    }
    return Promise.resolve(observed(armed, cmd, spec, classified, outcome, started));
  }

  function observed(
    armed: Intercept,
    cmd: ScsiCommand,
    spec: CommandSpec | undefined,
    classified: CommandClassification | undefined,
    outcome: ScsiOutcome,
    started: number,
  ): ScsiOutcome {
    const latencyMs = performance.now() - started;
    try {
      armed.hook.after(observation.fill(cmd, spec, classified, outcome, latencyMs));
    } catch (err) {
      log('command hook failed: %O', err);
    }
    return outcome;
  }

  function resetAll(code: SenseCode): void {
    for (const lu of units.values()) {
      lu.reset();
      lu.unitAttentions.establishAll(code);
    }
  }

  return {
    name: config.name,
    luns: () => lunInfos,
    logicalUnit: (lun) => units.get(lun),

    setCommandHook(next: CommandHook | undefined): void {
      intercept =
        next === undefined ? undefined : { hook: next, spec: undefined, classified: undefined };
    },

    execute(cmd: ScsiCommand): Promise<ScsiOutcome> {
      if (intercept !== undefined) return executeHooked(intercept, cmd);
      let outcome: ScsiOutcome | Promise<ScsiOutcome>;
      try {
        outcome = dispatch(cmd, units.get(cmd.lun), info, commands);
      } catch (err) {
        return Promise.resolve(dispatchBug(cmd.lun, err));
      }
      // One settled promise for a synchronous outcome, not one per layer.
      if (outcome instanceof Promise)
        return outcome.catch((err: unknown) => dispatchBug(cmd.lun, err));
      return Promise.resolve(outcome);
    },

    mayStartAhead(nexus: NexusId, later: QueuedCommand, earlier: readonly QueuedCommand[]) {
      // Judged before dispatch has checked the CDBs: a footprint that throws (a bug) keeps the
      // order, which is always correct, instead of failing the connection.
      try {
        return mayStartAhead(units, nexus.key, later, earlier);
      } catch (err) {
        log('start-ahead judgement failed, keeping order: %O', err);
        return false;
      }
    },

    checkCondition(lun: number, code: TransportSense): ScsiOutcome {
      const lu = units.get(lun);
      return toOutcome(check(TRANSPORT_SENSE[code]), lu?.descriptorSense ?? false);
    },

    async taskManagement(req: TaskManagementRequest): Promise<TaskManagementResult> {
      const lu = units.get(req.lun);
      switch (req.fn) {
        case TaskManagementFunction.ABORT_TASK:
        case TaskManagementFunction.ABORT_TASK_SET:
          // The transport terminated the tasks; no SCSI state to change.
          return lu === undefined
            ? TaskManagementResult.NO_SUCH_LUN
            : TaskManagementResult.COMPLETE;
        case TaskManagementFunction.CLEAR_TASK_SET:
          if (lu === undefined) return TaskManagementResult.NO_SUCH_LUN;
          // SAM-5 7.4 with TAS 0: other nexuses learn that their commands were cleared.
          lu.unitAttentions.establishAll(
            SENSE.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR,
            req.nexus.key,
          );
          return TaskManagementResult.COMPLETE;
        case TaskManagementFunction.CLEAR_ACA:
          return TaskManagementResult.NOT_SUPPORTED; // NORMACA 0
        case TaskManagementFunction.LOGICAL_UNIT_RESET:
          if (lu === undefined) return TaskManagementResult.NO_SUCH_LUN;
          lu.reset(); // SAM-5 6.6: 29/03 for every nexus
          return TaskManagementResult.COMPLETE;
        case TaskManagementFunction.TARGET_WARM_RESET:
          resetAll(SENSE.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
          return TaskManagementResult.COMPLETE;
        case TaskManagementFunction.TARGET_COLD_RESET:
          resetAll(SENSE.POWER_ON_OCCURRED);
          return TaskManagementResult.COMPLETE;
        default:
          return TaskManagementResult.NOT_SUPPORTED;
      }
    },

    nexusCreated(nexus: NexusId): void {
      for (const lu of units.values())
        lu.unitAttentions.addNexus(nexus.key, SENSE.POWER_ON_RESET_OR_BUS_DEVICE_RESET_OCCURRED);
    },

    nexusLost(nexus: NexusId): void {
      for (const lu of units.values()) {
        lu.unitAttentions.dropNexus(nexus.key);
        if (lu.reservedBy === nexus.key) lu.reservedBy = null; // SPC-2 5.5.1: I_T nexus loss
      }
    },

    close(): Promise<void> {
      // Every LU is flushed and closed even when another fails; the first failure is reported.
      closed ??= (async () => {
        let firstError: unknown;
        const note = (err: unknown) => {
          firstError ??= err;
        };
        for (const lu of units.values()) {
          await lu.flushMedium().catch(note);
          await lu.journal?.close().catch(note);
          await lu.store.close().catch(note);
        }
        if (firstError !== undefined) throw firstError;
      })();
      return closed;
    },
  };
}
