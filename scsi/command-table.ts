// One table of every supported command (tgt's ops[] with service-action sub-tables): 256 opcode
// slots; opcodes with service actions hold a map keyed by CDB byte 1 bits 4:0, or for the
// variable-length 7Fh by its 16-bit SERVICE ACTION (bytes 8-9). Dispatch and REPORT SUPPORTED
// OPERATION CODES both read it, so they cannot disagree.
import type { CommandSpec, CommandTable, Lookup } from './command-spec.js';
import { SBC_COMMANDS } from './commands/sbc/index.js';
import { SAT_COMMANDS } from './commands/sat/index.js';
import { SPC_COMMANDS } from './commands/spc/index.js';
import { ZBC_COMMANDS } from './commands/zbc/index.js';
import { serviceActionMask, VARIABLE_LENGTH } from './service-action.js';

type Slot = CommandSpec | ReadonlyMap<number, CommandSpec> | undefined;

const UNKNOWN_OPCODE: Lookup = { kind: 'unknown-opcode' };
const UNKNOWN_SA: Lookup = { kind: 'unknown-service-action' };

export function buildCommandTable(specs: readonly CommandSpec[]): CommandTable {
  const slots: Slot[] = new Array<Slot>(256).fill(undefined);
  for (const spec of specs) {
    const slot = slots[spec.opcode];
    if (spec.serviceAction === undefined) {
      if (slot !== undefined)
        throw new Error(`command table: opcode ${spec.opcode.toString(16)} twice`);
      slots[spec.opcode] = spec;
    } else {
      if (slot !== undefined && !(slot instanceof Map)) {
        throw new Error(
          `command table: opcode ${spec.opcode.toString(16)} with and without service action`,
        );
      }
      const map = (slot as Map<number, CommandSpec> | undefined) ?? new Map<number, CommandSpec>();
      if (map.has(spec.serviceAction)) throw new Error(`command table: ${spec.name} twice`);
      map.set(spec.serviceAction, spec);
      slots[spec.opcode] = map;
    }
  }
  const all = [...specs].sort(
    (a, b) => a.opcode - b.opcode || (a.serviceAction ?? 0) - (b.serviceAction ?? 0),
  );
  return {
    all,
    lookup(opcode, serviceAction) {
      const slot = slots[opcode & 0xff];
      if (slot === undefined) return UNKNOWN_OPCODE;
      if (slot instanceof Map) {
        const spec = slot.get(serviceAction & serviceActionMask(opcode));
        return spec === undefined ? UNKNOWN_SA : { kind: 'found', spec };
      }
      return { kind: 'found', spec: slot as CommandSpec };
    },
    hasServiceActions(opcode) {
      return slots[opcode & 0xff] instanceof Map;
    },
  };
}

let table: CommandTable | undefined;

/** The project's table, built on first use (command modules import this one back). */
export function commandTable(): CommandTable {
  table ??= buildCommandTable([...SPC_COMMANDS, ...SBC_COMMANDS, ...ZBC_COMMANDS, ...SAT_COMMANDS]);
  return table;
}

/** Where the CONTROL byte is: the last byte, or byte 1 of a variable-length CDB (SPC-4 4.2.3). */
export function controlByteIndex(opcode: number, cdbLength: number): number {
  return opcode === VARIABLE_LENGTH ? 1 : cdbLength - 1;
}

/** CDB length implied by the GROUP CODE (SPC-4 4.2.5.1), for opcodes we do not know. */
export function groupCdbLength(opcode: number): number | undefined {
  return [6, 10, 10, undefined, 16, 12, undefined, undefined][opcode >> 5];
}
