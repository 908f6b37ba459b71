// Typed sense and status data (SPC-4, SAM-5, SBC-4, ZBC-2). Imports nothing outside this folder.
export { SenseKey, senseKeyName } from './sense-keys.js';
export { ASC_ROWS, ascText, type AscName, type AscRow } from './asc-ascq.js';
export {
  SENSE,
  SENSE_ROWS,
  senseRowName,
  type SenseCode,
  type SenseName,
  type SenseRow,
} from './sense-codes.js';
export { STATUS_ROWS, statusText, type StatusRow } from './status.js';
