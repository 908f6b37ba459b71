// The ATA commands a SATA LU serves (ACS-4, ZAC), one row each; ata-command-table.ts keys them
// by command and FEATURE. Data commands reuse the SCSI block I/O path and zone model, so limits
// and errors are the SCSI ones.
import { MAX_SECTORS_PER_COMMAND } from '../../../zbc/ata/device.js';
import { encodeIdentify, IDENTIFY_BYTES } from '../../../zbc/ata/identify.js';
import { readLog } from '../../../zbc/ata/logs.js';
import { toZacByteOrder } from '../../../zbc/ata/report-zones-ext.js';
import { deviceSignature } from '../../../zbc/ata/signature.js';
import {
  encodeSmartData,
  encodeSmartThresholds,
  readSmartLog,
  SMART_DATA_BYTES,
  SMART_HEALTHY,
  SMART_KEY,
  SmartFeature,
} from '../../../zbc/ata/smart.js';
import {
  PARTIAL,
  REPORT_ZONES_EXT_ACTION,
  REPORTING_OPTIONS_MASK,
  ZAC_OUT_ACTIONS,
  zacAll,
} from '../../../zbc/ata/zac-management.js';
import type { BlockAccessCdb } from '../../cdb.js';
import type { CommandContext } from '../../command-spec.js';
import { readCommand, writeCommand } from '../sbc/block-io.js';
import { performZoneAction } from '../zbc/zbc-out.js';
import { zoneFaultResult } from '../zbc/zone-fault-sense.js';
import type { AtaCommandRow, AtaContext } from './ata-command-row.js';
import { type AtaResult, done, fromScsi, UNSUPPORTED } from './ata-result.js';
import { setModeValue } from './mode-change.js';
import { pageBytes, Protocol as P } from './task-file.js';
import { ZAC_DOMAINS_COMMANDS } from './zac-domains-commands.js';

const DMA_IN = [P.DMA, P.UDMA_DATA_IN];
const DMA_OUT = [P.DMA, P.UDMA_DATA_OUT];

/** Sector count of READ/WRITE DMA EXT: COUNT, 0 meaning 65,536 (ACS-4 7.21). */
const dmaSectors = (tf: { count: number }): number => tf.count || MAX_SECTORS_PER_COMMAND;
/** FPDMA QUEUED carries the sector count in FEATURES (ACS-4 7.23). */
const fpdmaSectors = (tf: { features: number }): number => tf.features || MAX_SECTORS_PER_COMMAND;

function blockAccess(lba: number, blocks: number, fua: boolean): BlockAccessCdb {
  return {
    lba,
    blocks,
    fua,
    dpo: false,
    protect: 0,
    lbaField: { in: 'cdb', byte: 8 },
    lengthField: { in: 'cdb', byte: 6 },
  };
}

const scsiContext = (ctx: AtaContext): CommandContext => ctx.scsi;

async function flush(ctx: AtaContext): Promise<AtaResult> {
  try {
    await ctx.lu.flushMedium();
    return done();
  } catch {
    return UNSUPPORTED; // ACS-4 7.14: an unrecoverable error aborts FLUSH CACHE
  }
}

function readLogCommand({ tf, dev }: AtaContext): AtaResult {
  const address = tf.lba & 0xff;
  const page = Math.floor(tf.lba / 0x100) & 0xff;
  const pageHigh = Math.floor(tf.lba / 0x1_0000_0000) & 0xff;
  const out = readLog(dev, address, page | (pageHigh << 8), tf.count);
  if (out === null) return UNSUPPORTED;
  return done(Buffer.from(out.buffer, out.byteOffset, out.length));
}

function reportZonesExt({ tf, lu, cdb }: AtaContext): AtaResult {
  const zones = lu.zones;
  if (zones === undefined) return UNSUPPORTED;
  const options = tf.features >> 8;
  const allocationLength = pageBytes(tf);
  const report = zones.reportZones({
    startLba: tf.lba,
    allocationLength,
    partial: (options & PARTIAL) !== 0,
    option: options & REPORTING_OPTIONS_MASK,
  });
  if (!report.ok) return fromScsi(zoneFaultResult(report.fault, cdb));
  const out = Buffer.alloc(Math.min(report.value.size, allocationLength));
  report.value.encode(out);
  toZacByteOrder(out);
  return done(out);
}

const zacOutRows: AtaCommandRow[] = ZAC_OUT_ACTIONS.map((a) => ({
  name: a.name,
  command: 0x9f,
  feature: a.feature,
  protocols: [P.NON_DATA],
  direction: 'none',
  zonedOnly: true,
  commandClass: 'zone',
  zoneAction: a.action,
  span: (tf) => ({ lba: tf.lba, blocks: 0 }), // ZONE ID, as ZBC OUT's (ALL included)
  handler: async ({ tf, lu, cdb }: AtaContext): Promise<AtaResult> =>
    fromScsi(
      await performZoneAction(
        lu,
        a.action,
        { zoneId: tf.lba, count: tf.count, all: zacAll(tf.features) },
        cdb,
      ),
    ),
}));

/** SET FEATURES subcommands (ACS-4 7.41): COUNT(7:0) carries the value where there is one. */
const setFeaturesRows: AtaCommandRow[] = [
  { feature: 0x02, name: 'enable volatile write cache', apply: (c: AtaContext) => setWce(c, true) },
  {
    feature: 0x82,
    name: 'disable volatile write cache',
    apply: (c: AtaContext) => setWce(c, false),
  },
  {
    feature: 0xaa,
    name: 'enable read look-ahead',
    apply: (c: AtaContext) => setSata(c, 'readLookAhead', true),
  },
  {
    feature: 0x55,
    name: 'disable read look-ahead',
    apply: (c: AtaContext) => setSata(c, 'readLookAhead', false),
  },
  {
    feature: 0xc3,
    name: 'sense data reporting',
    apply: (c: AtaContext) => setSata(c, 'senseReporting', (c.tf.count & 0x01) !== 0),
  },
].map((f) => ({
  name: `SET FEATURES (${f.name})`,
  command: 0xef,
  feature: f.feature,
  protocols: [P.NON_DATA],
  direction: 'none' as const,
  handler: (ctx: AtaContext): AtaResult => {
    f.apply(ctx);
    return done();
  },
}));

type SataSetting = 'readLookAhead' | 'senseReporting' | 'smart';

function setSata(ctx: AtaContext, key: SataSetting, on: boolean): void {
  if (ctx.lu.sata !== undefined) ctx.lu.sata[key] = on;
}

/** The volatile write cache is the Caching page WCE: both faces see one state. */
function setWce(ctx: AtaContext, on: boolean): void {
  setModeValue(ctx, 'wce', on);
}

/** SMART commands carry C24Fh in LBA(23:8) (ACS-3 7.45); others abort. */
function smart(
  handler: (ctx: AtaContext) => AtaResult,
  whenDisabled = false,
): (ctx: AtaContext) => AtaResult {
  return (ctx) => {
    if (((ctx.tf.lba >>> 8) & 0xffff) !== SMART_KEY) return UNSUPPORTED;
    if (!whenDisabled && ctx.lu.sata?.smart === false) return UNSUPPORTED;
    return handler(ctx);
  };
}

function smartPage(encode: (out: Uint8Array) => void): (ctx: AtaContext) => AtaResult {
  return smart(() => {
    const out = Buffer.alloc(SMART_DATA_BYTES);
    encode(out);
    return done(out);
  });
}

/** A SMART subcommand row: data-in ones read one 512-byte structure (or COUNT log pages). */
function smartRow(
  name: string,
  feature: number,
  data: 'in' | 'none',
  handler: (ctx: AtaContext) => AtaResult,
  bytes: AtaCommandRow['bytes'] = () => SMART_DATA_BYTES,
): AtaCommandRow {
  const common = { name, command: 0xb0, feature, handler };
  return data === 'in'
    ? { ...common, protocols: [P.PIO_DATA_IN], direction: data, bytes }
    : { ...common, protocols: [P.NON_DATA], direction: data };
}

const smartRows: AtaCommandRow[] = [
  smartRow('SMART READ DATA', SmartFeature.READ_DATA, 'in', smartPage(encodeSmartData)),
  smartRow(
    'SMART READ THRESHOLDS',
    SmartFeature.READ_THRESHOLDS,
    'in',
    smartPage(encodeSmartThresholds),
  ),
  // The directory, the summary error log and the self-test log (smartctl -a reads them).
  smartRow(
    'SMART READ LOG',
    SmartFeature.READ_LOG,
    'in',
    smart(({ tf }) => {
      const log = readSmartLog(tf.lba & 0xff, tf.count);
      return log === null ? UNSUPPORTED : done(Buffer.from(log.buffer, log.byteOffset, log.length));
    }),
    pageBytes,
  ),
  smartRow(
    'SMART ENABLE OPERATIONS',
    SmartFeature.ENABLE,
    'none',
    smart((ctx) => {
      setSata(ctx, 'smart', true);
      return done();
    }, true),
  ),
  smartRow(
    'SMART DISABLE OPERATIONS',
    SmartFeature.DISABLE,
    'none',
    smart((ctx) => {
      setSata(ctx, 'smart', false);
      return done();
    }),
  ),
  smartRow(
    'SMART RETURN STATUS',
    SmartFeature.RETURN_STATUS,
    'none',
    smart(({ tf }) => done(undefined, { lba: (SMART_HEALTHY << 8) | (tf.lba & 0xff) })),
  ),
];

const readDma = (sectors: (tf: AtaContext['tf']) => number) => (ctx: AtaContext) => {
  const r = readCommand(scsiContext(ctx), blockAccess(ctx.tf.lba, sectors(ctx.tf), false));
  return r instanceof Promise ? r.then(fromScsi) : fromScsi(r);
};
type FromRegisters<T> = (tf: AtaContext['tf']) => T;
const writeDma =
  (sectors: FromRegisters<number>, fua: FromRegisters<boolean>) =>
  async (ctx: AtaContext): Promise<AtaResult> => {
    const access = blockAccess(ctx.tf.lba, sectors(ctx.tf), fua(ctx.tf));
    return fromScsi(await writeCommand(scsiContext(ctx), access));
  };

const FPDMA_FUA = 0x80; // DEVICE bit 7 of READ/WRITE FPDMA QUEUED

/** The class, LBA range and byte count of a data command, from LBA and its sector count. */
const dataAccess = (commandClass: 'read' | 'write', sectors: FromRegisters<number>) =>
  ({
    commandClass,
    span: (tf: AtaContext['tf']) => ({ lba: tf.lba, blocks: sectors(tf) }),
    bytes: (tf: AtaContext['tf'], blockSize: number) => sectors(tf) * blockSize,
  }) as const;

export const ATA_COMMANDS: readonly AtaCommandRow[] = [
  {
    name: 'REQUEST SENSE DATA EXT',
    command: 0x0b,
    protocols: [P.NON_DATA],
    direction: 'none',
    // ACS-4 7.36: SENSE KEY in LBA(19:16), ASC in LBA(15:8), ASCQ in LBA(7:0); then cleared.
    handler: ({ lu }) => {
      const sense = lu.sata?.pendingSense ?? null;
      if (lu.sata !== undefined) lu.sata.pendingSense = null;
      const lba = sense === null ? 0 : (sense.key << 16) | (sense.asc << 8) | sense.ascq;
      return done(undefined, { lba, count: 0 });
    },
  },
  {
    name: 'READ DMA EXT',
    ...dataAccess('read', dmaSectors),
    command: 0x25,
    protocols: DMA_IN,
    direction: 'in',
    handler: readDma(dmaSectors),
  },
  {
    name: 'READ LOG EXT',
    command: 0x2f,
    protocols: [P.PIO_DATA_IN],
    direction: 'in',
    bytes: pageBytes,
    handler: readLogCommand,
  },
  {
    name: 'WRITE DMA EXT',
    ...dataAccess('write', dmaSectors),
    command: 0x35,
    protocols: DMA_OUT,
    direction: 'out',
    handler: writeDma(dmaSectors, () => false),
  },
  {
    name: 'WRITE DMA FUA EXT',
    ...dataAccess('write', dmaSectors),
    command: 0x3d,
    protocols: DMA_OUT,
    direction: 'out',
    handler: writeDma(dmaSectors, () => true),
  },
  {
    name: 'READ LOG DMA EXT',
    command: 0x47,
    protocols: DMA_IN,
    direction: 'in',
    bytes: pageBytes,
    handler: readLogCommand,
  },
  {
    name: 'REPORT ZONES EXT',
    command: 0x4a,
    feature: REPORT_ZONES_EXT_ACTION,
    protocols: DMA_IN,
    direction: 'in',
    bytes: pageBytes,
    zonedOnly: true,
    handler: reportZonesExt,
  },
  {
    name: 'READ FPDMA QUEUED',
    ...dataAccess('read', fpdmaSectors),
    command: 0x60,
    protocols: [P.FPDMA],
    direction: 'in',
    lengthIn: 'features',
    handler: readDma(fpdmaSectors),
  },
  {
    name: 'WRITE FPDMA QUEUED',
    ...dataAccess('write', fpdmaSectors),
    command: 0x61,
    protocols: [P.FPDMA],
    direction: 'out',
    lengthIn: 'features',
    handler: writeDma(fpdmaSectors, (tf) => (tf.device & FPDMA_FUA) !== 0),
  },
  {
    name: 'EXECUTE DEVICE DIAGNOSTIC',
    command: 0x90,
    // SAT-4 names protocol 8; libzbc sends 3 because Linux refuses 8.
    protocols: [P.NON_DATA, P.EXECUTE_DEVICE_DIAGNOSTIC],
    direction: 'none',
    handler: ({ dev }) => done(undefined, deviceSignature(dev.layout)),
  },
  ...zacOutRows,
  ...smartRows,
  {
    name: 'CHECK POWER MODE',
    command: 0xe5,
    protocols: [P.NON_DATA],
    direction: 'none',
    handler: () => done(undefined, { count: 0xff }), // FFh: active or idle
  },
  {
    name: 'FLUSH CACHE',
    command: 0xe7,
    protocols: [P.NON_DATA],
    direction: 'none',
    handler: flush,
  },
  {
    name: 'FLUSH CACHE EXT',
    command: 0xea,
    protocols: [P.NON_DATA],
    direction: 'none',
    handler: flush,
  },
  {
    name: 'IDENTIFY DEVICE',
    command: 0xec,
    protocols: [P.PIO_DATA_IN],
    direction: 'in',
    bytes: () => IDENTIFY_BYTES,
    handler: ({ dev }) => {
      const out = Buffer.alloc(IDENTIFY_BYTES);
      encodeIdentify(dev, out);
      return done(out);
    },
  },
  ...setFeaturesRows,
  ...ZAC_DOMAINS_COMMANDS,
];
