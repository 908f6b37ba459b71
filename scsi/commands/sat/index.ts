// SAT-4 commands of a SATA LU: ATA PASS-THROUGH (16), (12) and (32).
import type { CommandSpec } from '../../command-spec.js';
import {
  ATA_PASS_THROUGH_12,
  ATA_PASS_THROUGH_16,
  ATA_PASS_THROUGH_32,
} from './ata-pass-through.js';

export const SAT_COMMANDS: readonly CommandSpec[] = [
  ATA_PASS_THROUGH_12,
  ATA_PASS_THROUGH_16,
  ATA_PASS_THROUGH_32,
];
