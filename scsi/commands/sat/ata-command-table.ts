// ATA commands by COMMAND, then by FEATURE(7:0) for commands with subcommands: the ATA
// counterpart of the SCSI command table, built once from the rows.
import type { AtaCommandRow } from './ata-command-row.js';
import { ATA_COMMANDS } from './ata-commands.js';

type Slot = AtaCommandRow | ReadonlyMap<number, AtaCommandRow>;

export function buildAtaCommandTable(rows: readonly AtaCommandRow[]) {
  const slots = new Map<number, Slot>();
  for (const row of rows) {
    const slot = slots.get(row.command);
    if (row.feature === undefined) {
      if (slot !== undefined) throw new Error(`ATA command table: ${row.name} twice`);
      slots.set(row.command, row);
      continue;
    }
    if (slot !== undefined && !(slot instanceof Map)) {
      throw new Error(`ATA command table: ${row.name} with and without a feature`);
    }
    const map =
      (slot as Map<number, AtaCommandRow> | undefined) ?? new Map<number, AtaCommandRow>();
    if (map.has(row.feature)) throw new Error(`ATA command table: ${row.name} twice`);
    map.set(row.feature, row);
    slots.set(row.command, map);
  }
  return {
    rows,
    /** The row for a command and its FEATURE register, or undefined (the device aborts). */
    lookup(command: number, features: number): AtaCommandRow | undefined {
      const slot = slots.get(command);
      return slot instanceof Map ? slot.get(features & 0xff) : (slot as AtaCommandRow | undefined);
    },
  };
}

export const ATA_COMMAND_TABLE = buildAtaCommandTable(ATA_COMMANDS);
