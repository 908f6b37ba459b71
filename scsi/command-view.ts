// What a command hook may match on (class, LBA, blocks), from the command's row: its
// commandClass and span (scsi/command-spec.ts). Built only while a hook is set, so the unhooked
// path never pays for it.
import type { CommandTable } from './command-spec.js';
import { serviceActionOf } from './service-action.js';
import type { CommandView } from './ports/command-hook.js';
import type { ScsiCommand } from './target-contract.js';

export function commandView(cmd: ScsiCommand, commands: CommandTable): CommandView {
  const cdb = cmd.cdb;
  const opcode = cdb[0] ?? 0;
  const withSa = commands.hasServiceActions(opcode);
  const serviceAction = serviceActionOf(cdb);
  const found = commands.lookup(opcode, serviceAction);
  const spec = found.kind === 'found' ? found.spec : undefined;
  let lba = -1;
  let blocks = 0;
  if (spec?.span !== undefined && cdb.length >= spec.cdbLength) {
    const span = spec.span(cdb);
    lba = typeof span.lba === 'number' ? span.lba : Number.MAX_SAFE_INTEGER;
    blocks = span.blocks;
  }
  return {
    lun: cmd.lun,
    nexus: cmd.nexus,
    opcode,
    serviceAction: withSa ? serviceAction : -1,
    commandClass: spec?.commandClass ?? 'other',
    lba,
    blocks,
  };
}
