// One row per ATA command (or command + FEATURE subcommand) served under ATA PASS-THROUGH, the
// ATA counterpart of CommandSpec: the pass-through layer checks the CDB against the row
// (protocol, direction, length register) before the handler runs.
import type { AtaDevice } from '../../../zbc/ata/device.js';
import type { ZoneActionKind } from '../../../zbc/types.js';
import type { CommandContext, LbaSpan } from '../../command-spec.js';
import type { CommandClass } from '../../ports/command-hook.js';
import type { ScsiCommand } from '../../target-contract.js';
import type { LogicalUnit } from '../../logical-unit.js';
import type { AtaResult } from './ata-result.js';
import type { AtaTaskFile } from './task-file.js';

export interface AtaContext {
  readonly tf: AtaTaskFile;
  readonly lu: LogicalUnit;
  readonly dev: AtaDevice;
  readonly cmd: ScsiCommand;
  /** The pass-through CDB (zone fault sense may point into it). */
  readonly cdb: Buffer;
  /** The ATA PASS-THROUGH command's own context (SCSI block I/O runs the data commands). */
  readonly scsi: CommandContext;
}

export interface AtaCommandRow {
  readonly name: string;
  readonly command: number;
  /** FEATURE(7:0) subcommand, for commands that have them (SET FEATURES, SMART, ZAC). */
  readonly feature?: number;
  /** PROTOCOL values (SAT-4 table 131) the command may arrive with. */
  readonly protocols: readonly number[];
  /** Data phase, as a SCSI command row's direction. */
  readonly direction: 'none' | 'in' | 'out';
  /** The register holding the transfer length (T_LENGTH 2 = COUNT, 1 = FEATURES). */
  readonly lengthIn?: 'count' | 'features';
  /** Bytes the command moves, from its registers (data commands only). */
  readonly bytes?: (tf: AtaTaskFile, blockSize: number) => number;
  /**
   * The family of its SCSI counterpart (READ(16), WRITE(16), ZBC OUT), for fault rules and
   * latency classes; absent: 'other', as ZBC IN and SYNCHRONIZE CACHE are.
   */
  readonly commandClass?: Exclude<CommandClass, 'other'>;
  /** ZAC MANAGEMENT OUT: the ZBC OUT action it performs. */
  readonly zoneAction?: ZoneActionKind;
  /** The LBA range it names, as its counterpart's span (a zone action: its zone ID). */
  readonly span?: (tf: AtaTaskFile) => LbaSpan;
  /** Only on zoned LUs (ZAC); a non-zoned drive aborts it. */
  readonly zonedOnly?: boolean;
  /** Only on zone domains LUs (ZAC-2); other drives abort it. */
  readonly domainsOnly?: boolean;
  readonly handler: (ctx: AtaContext) => AtaResult | Promise<AtaResult>;
}
