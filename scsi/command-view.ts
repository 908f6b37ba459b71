// What a command hook may match on (class, LBA, blocks, the ATA command), from the command's row:
// its commandClass and span, or its per-command classify (scsi/command-spec.ts). The view is
// built only while the hook is intercepting (a fault armed), from the row dispatch already found
// and the classification it made, so no path looks a command up or decodes it twice.
import type { CommandSpec, CommandTable } from './command-spec.js';
import type { CommandClass, CommandClassification, CommandView } from './ports/command-hook.js';
import { serviceActionOf } from './service-action.js';
import type { ScsiCommand } from './target-contract.js';

/** The family a hook sees: the classification's, else the row's; unknown commands: other. */
export function commandClassOf(
  spec: CommandSpec | undefined,
  classified: CommandClassification | undefined,
): CommandClass {
  return classified?.commandClass ?? spec?.commandClass ?? 'other';
}

/** The service action for opcodes told apart by one (SPC-4 4.2.3), else -1. */
export function serviceActionOfView(cdb: Buffer, commands: CommandTable): number {
  return commands.hasServiceActions(cdb[0] ?? 0) ? serviceActionOf(cdb) : -1;
}

/** The view of a command that passed preflight: `cdb` holds at least the row's cdbLength. */
export function commandView(
  cmd: ScsiCommand,
  spec: CommandSpec,
  cdb: Buffer,
  commands: CommandTable,
  classified: CommandClassification | undefined,
): CommandView {
  let lba = -1;
  let blocks = 0;
  if (classified !== undefined) {
    lba = classified.lba;
    blocks = classified.blocks;
  } else if (spec.span !== undefined) {
    const span = spec.span(cdb);
    lba = typeof span.lba === 'number' ? span.lba : Number.MAX_SAFE_INTEGER;
    blocks = span.blocks;
  }
  const view: CommandView = {
    lun: cmd.lun,
    nexus: cmd.nexus,
    opcode: spec.opcode,
    serviceAction: serviceActionOfView(cdb, commands),
    commandClass: commandClassOf(spec, classified),
    lba,
    blocks,
  };
  return classified?.ata === undefined ? view : { ...view, ata: classified.ata };
}
