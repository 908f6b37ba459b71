// REPORT SUPPORTED OPERATION CODES (A3h/0Ch), SPC-4 6.35, generated from the command table so that
// what we list is exactly what dispatch accepts on this LU.
import { SENSE } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import {
  type CommandContext,
  type CommandSpec,
  type CommandTable,
  commandRow,
} from '../../command-spec.js';
import { supportedOn } from '../../command-support.js';
import { serviceActionMask } from '../../service-action.js';
import type { LogicalUnit } from '../../logical-unit.js';
import { check, dataIn } from '../../response.js';

/** Command timeouts descriptor (SPC-4 6.35.4, table 244): 12 bytes; 0 = not specified. */
const TIMEOUTS_LENGTH = 12;
const ALL_COMMANDS_DESCRIPTOR = 8;
/** SUPPORT field (SPC-4 table 243). */
const SUPPORT_NOT = 0b001;
const SUPPORT_STANDARD = 0b011;

function commandsOn(commands: CommandTable, lu: LogicalUnit): CommandSpec[] {
  return commands.all.filter((s) => supportedOn(s, lu));
}

function writeTimeouts(out: Buffer, at: number): void {
  out.writeUInt16BE(TIMEOUTS_LENGTH - 2, at); // DESCRIPTOR LENGTH 0Ah
  // NOMINAL and RECOMMENDED COMMAND TIMEOUT stay 0: not specified.
}

function allCommands(
  { commands, lu }: CommandContext,
  rctd: boolean,
  allocation: number,
): CommandResult {
  const specs = commandsOn(commands, lu);
  const each = ALL_COMMANDS_DESCRIPTOR + (rctd ? TIMEOUTS_LENGTH : 0);
  return dataIn(4 + specs.length * each, allocation, (out) => {
    out.writeUInt32BE(specs.length * each, 0); // COMMAND DATA LENGTH
    specs.forEach((s, i) => {
      const at = 4 + i * each;
      out[at] = s.opcode;
      out.writeUInt16BE(s.serviceAction ?? 0, at + 2);
      // CTDP, SERVACTV
      out[at + 5] = (rctd ? 0x02 : 0) | (s.serviceAction !== undefined ? 0x01 : 0);
      out.writeUInt16BE(s.cdbLength, at + 6);
      if (rctd) writeTimeouts(out, at + ALL_COMMANDS_DESCRIPTOR);
    });
  });
}

function oneCommand(
  spec: CommandSpec | undefined,
  rctd: boolean,
  allocation: number,
): CommandResult {
  if (spec === undefined) {
    return dataIn(4, allocation, (out) => {
      out[1] = SUPPORT_NOT;
    });
  }
  const size = 4 + spec.cdbLength + (rctd ? TIMEOUTS_LENGTH : 0);
  return dataIn(size, allocation, (out) => {
    out[1] = (rctd ? 0x80 : 0) | SUPPORT_STANDARD; // CTDP, SUPPORT
    out.writeUInt16BE(spec.cdbLength, 2);
    spec.usage.forEach((b, i) => {
      out[4 + i] = b;
    });
    // SPC-4 6.35.3: the SERVICE ACTION field of the usage data holds the service action itself
    // (bytes 8-9 of a variable-length CDB).
    if (spec.serviceAction !== undefined && serviceActionMask(spec.opcode) > 0x1f)
      out.writeUInt16BE(spec.serviceAction, 4 + 8);
    else if (spec.serviceAction !== undefined)
      out[5] = ((spec.usage[1] ?? 0) & 0xe0) | spec.serviceAction;
    if (rctd) writeTimeouts(out, 4 + spec.cdbLength);
  });
}

function reportSupportedOpcodes(ctx: CommandContext): CommandResult {
  const { cdb, lu, commands: table } = ctx;
  const rctd = ((cdb[2] ?? 0) & 0x80) !== 0;
  const options = (cdb[2] ?? 0) & 0x07;
  const opcode = cdb[3] ?? 0;
  const serviceAction = cdb.readUInt16BE(4);
  const allocation = cdb.readUInt32BE(6);
  const saMask = serviceActionMask(opcode);
  const badOptions = check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 2, bit: 2 } });
  const onLu = (spec: CommandSpec | undefined) =>
    spec !== undefined && supportedOn(spec, lu) ? spec : undefined;
  const find = (sa: number) => {
    const r = table.lookup(opcode, sa);
    return r.kind === 'found' ? onLu(r.spec) : undefined;
  };
  switch (options) {
    case 0b000:
      return allCommands(ctx, rctd, allocation);
    case 0b001: // opcode without service action
      if (table.hasServiceActions(opcode)) return badOptions;
      return oneCommand(find(0), rctd, allocation);
    case 0b010: // opcode and service action
      if (!table.hasServiceActions(opcode)) return badOptions;
      if (serviceAction > saMask) return oneCommand(undefined, rctd, allocation);
      return oneCommand(find(serviceAction), rctd, allocation);
    case 0b011: // either, as the opcode needs (SPC-4 r37 table 241)
      if (table.hasServiceActions(opcode)) {
        const known = serviceAction > saMask ? undefined : find(serviceAction);
        return oneCommand(known, rctd, allocation);
      }
      return oneCommand(serviceAction === 0 ? find(0) : undefined, rctd, allocation);
    default:
      return badOptions;
  }
}

export const REPORT_SUPPORTED_OPERATION_CODES = commandRow({
  name: 'REPORT SUPPORTED OPERATION CODES',
  opcode: 0xa3,
  serviceAction: 0x0c,
  direction: 'in',
  mediumAccess: false,
  reservation: 'allowed',
  usageAfterOpcode: [0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x04],
  handler: reportSupportedOpcodes,
});
