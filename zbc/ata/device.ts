// What the ATA face of an LU is built from: its zone layout, the identity strings and the
// settings SET FEATURES changes. Pure data, shared by IDENTIFY DEVICE and the logs (ACS-4).
import type { ZoneLayoutConfig } from '../types.js';

export interface AtaIdentity {
  /** MODEL NUMBER (40 characters), SERIAL NUMBER (20), FIRMWARE REVISION (8). */
  readonly model: string;
  readonly serial: string;
  readonly firmware: string;
  /** WORLD WIDE NAME (NAA 5) as two 32-bit halves, high first. */
  readonly wwn: readonly [number, number];
  /** NOMINAL MEDIA ROTATION RATE: 1 = non-rotating, else rpm. */
  readonly rotationRate: number;
}

/** Feature settings the host changes (SET FEATURES) and IDENTIFY words 85/120 report. */
export interface AtaSettings {
  /** Volatile write cache (SET FEATURES 02h/82h; also the SCSI Caching page WCE). */
  readonly writeCache: boolean;
  /** Read look-ahead (SET FEATURES AAh/55h). */
  readonly readLookAhead: boolean;
  /** Sense Data Reporting feature set (SET FEATURES C3h). */
  readonly senseReporting: boolean;
  /** SMART feature set enabled (SMART ENABLE/DISABLE OPERATIONS). */
  readonly smart: boolean;
}

/**
 * The zone activation controls of a domains-and-realms LU (ZAC-2 SET FEATURES, log 30h page
 * 09h): the same values as the SCSI Zone Domains mode page, one state for both faces.
 */
export interface ZoneActivationControls {
  /** FSNOZ: zones a ZONE ACTIVATE EXT acts on (the ATA command carries no zone count). */
  readonly fsnoz: number;
  /** MAXIMUM ACTIVATION in realms per command, 0 = unlimited. */
  readonly maxActivation: number;
}

export interface AtaDevice {
  readonly layout: ZoneLayoutConfig;
  readonly identity: AtaIdentity;
  readonly settings: AtaSettings;
  /** Present on a domains-and-realms LU (layout.domains set). */
  readonly activation?: ZoneActivationControls;
}

/** ZAC r05, the minor version libzbc knows without ZAC-2 zone counts (log 30h page 09h). */
export const ZAC_MINOR_VERSION = 0x05cf;
/**
 * ZAC-2 revision 12: a domains drive reports it, as libzbc then reads the REPORT REALMS layout
 * with a descriptor length and sends zone counts in ZAC MANAGEMENT OUT.
 */
export const ZAC2_MINOR_VERSION = 0xb403;

/** ZAC MINOR VERSION of log 30h page 09h for a layout. */
export function zacMinorVersion(layout: ZoneLayoutConfig): number {
  return layout.domains !== undefined ? ZAC2_MINOR_VERSION : ZAC_MINOR_VERSION;
}

/** Native Command Queuing depth (IDENTIFY word 75). */
export const NCQ_DEPTH = 32;

/** Sectors one READ/WRITE DMA EXT may move: COUNT is 16 bits, 0 meaning 65,536 (ACS-4). */
export const MAX_SECTORS_PER_COMMAND = 65_536;

/**
 * ZONED CAPABILITIES (IDENTIFY word 69 bits 1:0, log 30h/03h): host-managed says 00b (its
 * signature marks it), and so does a domains drive (log 30h/09h marks it, ZAC-2).
 */
export function zonedCapabilities(layout: ZoneLayoutConfig): number {
  return layout.model === 'host-aware' ? 0b01 : 0b00;
}

/** log2(logical sectors per physical sector). */
export function physicalExponent(layout: ZoneLayoutConfig): number {
  return Math.max(0, Math.round(Math.log2(layout.physicalBlockSize / layout.blockSize)));
}
