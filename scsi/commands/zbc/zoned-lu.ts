// Shared by the ZBC handlers: the answer for a non-zoned LU, should dispatch ever let one through
// (it answers INVALID COMMAND OPERATION CODE itself for zonedOnly specs).
import { SENSE } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { check } from '../../response.js';

export function notZoned(): CommandResult {
  return check(SENSE.INVALID_COMMAND_OPERATION_CODE);
}
