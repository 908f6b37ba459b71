// SBC commands (block access, capacity, cache).
import type { CommandSpec } from '../../command-spec.js';
import { COMPARE_AND_WRITE } from './compare-and-write.js';
import { GET_LBA_STATUS } from './get-lba-status.js';
import { ORWRITE_16 } from './orwrite.js';
import { PRE_FETCH_10, PRE_FETCH_16 } from './pre-fetch.js';
import { READ_6, READ_10, READ_12, READ_16 } from './read.js';
import { READ_CAPACITY_10, READ_CAPACITY_16 } from './read-capacity.js';
import { START_STOP_UNIT } from './start-stop-unit.js';
import { SYNCHRONIZE_CACHE_10, SYNCHRONIZE_CACHE_16 } from './synchronize-cache.js';
import { UNMAP } from './unmap.js';
import { VERIFY_10, VERIFY_12, VERIFY_16 } from './verify.js';
import {
  WRITE_6,
  WRITE_10,
  WRITE_12,
  WRITE_16,
  WRITE_AND_VERIFY_10,
  WRITE_AND_VERIFY_12,
  WRITE_AND_VERIFY_16,
} from './write.js';
import { WRITE_SAME_10, WRITE_SAME_16 } from './write-same.js';

export const SBC_COMMANDS: readonly CommandSpec[] = [
  READ_6,
  WRITE_6,
  START_STOP_UNIT,
  READ_CAPACITY_10,
  READ_10,
  WRITE_10,
  WRITE_AND_VERIFY_10,
  VERIFY_10,
  PRE_FETCH_10,
  SYNCHRONIZE_CACHE_10,
  WRITE_SAME_10,
  UNMAP,
  READ_16,
  WRITE_16,
  ORWRITE_16,
  COMPARE_AND_WRITE,
  WRITE_AND_VERIFY_16,
  VERIFY_16,
  PRE_FETCH_16,
  SYNCHRONIZE_CACHE_16,
  WRITE_SAME_16,
  READ_CAPACITY_16,
  GET_LBA_STATUS,
  READ_12,
  WRITE_12,
  WRITE_AND_VERIFY_12,
  VERIFY_12,
];
