// Which table entries an LU serves: dispatch and REPORT SUPPORTED OPERATION CODES both ask here.
import type { CommandSpec } from './command-spec.js';
import type { LogicalUnit } from './logical-unit.js';

export function supportedOn(spec: CommandSpec, lu: LogicalUnit): boolean {
  if (spec.zonedOnly === true && lu.zones === undefined) return false;
  if (spec.domainsOnly === true && lu.zones?.domains === undefined) return false;
  if (spec.unzonedOnly === true && lu.zones !== undefined) return false;
  if (spec.sataOnly === true && lu.sata === undefined) return false;
  return true;
}
