// MODE SELECT(6) 15h and MODE SELECT(10) 55h, SPC-4 6.11/6.12: validate the whole parameter list,
// then apply it at once; only changeable bits may differ (mode-pages.ts).
import { SENSE } from '../../../sense-tables/index.js';
import type { CommandResult } from '../../command-result.js';
import { type CommandContext, commandRow } from '../../command-spec.js';
import type { ModePageDef } from '../../mode-page-def.js';
import { findModePage } from '../../mode-pages.js';
import type { ModeState } from '../../mode-state.js';
import { check, good } from '../../response.js';
import { copyParameterData } from '../../parameter-data.js';

interface ModeSelectCdb {
  readonly long: boolean;
  readonly sp: boolean;
  readonly listLength: number;
}

const decode6 = (cdb: Buffer): ModeSelectCdb => ({
  long: false,
  sp: ((cdb[1] ?? 0) & 0x01) !== 0,
  listLength: cdb[4] ?? 0,
});

const decode10 = (cdb: Buffer): ModeSelectCdb => ({
  long: true,
  sp: ((cdb[1] ?? 0) & 0x01) !== 0,
  listLength: cdb.readUInt16BE(7),
});

const paramField = (byte: number, bit?: number) =>
  check(SENSE.INVALID_FIELD_IN_PARAMETER_LIST, {
    field: bit === undefined ? { in: 'parameter', byte } : { in: 'parameter', byte, bit },
  });

function modeSelect({ cmd, lu }: CommandContext, c: ModeSelectCdb): CommandResult {
  if (c.sp) return check(SENSE.INVALID_FIELD_IN_CDB, { field: { in: 'cdb', byte: 1, bit: 0 } });
  if (c.listLength === 0) return good();
  const headerLength = c.long ? 8 : 4;
  const data = copyParameterData(cmd.dataOut, c.listLength);
  if (data.length < headerLength) return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);

  if ((data[1] ?? 0) !== 0) return paramField(1); // MEDIUM TYPE: 00h only
  const descriptorLength = c.long ? data.readUInt16BE(6) : (data[3] ?? 0);
  const longLba = c.long && ((data[4] ?? 0) & 0x01) !== 0;
  if (descriptorLength !== 0 && descriptorLength !== (longLba ? 16 : 8)) {
    return paramField(c.long ? 6 : 3);
  }
  if (data.length < headerLength + descriptorLength)
    return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);
  if (descriptorLength > 0) {
    // The block descriptor may only restate the current geometry (SBC-4 6.4.2).
    const at = headerLength;
    const blocks = longLba
      ? data.readUInt32BE(at) * 0x1_0000_0000 + data.readUInt32BE(at + 4)
      : data.readUInt32BE(at);
    const blockLength = longLba ? data.readUInt32BE(at + 12) : data.readUIntBE(at + 5, 3);
    const capacity = longLba || lu.capacityBlocks <= 0xffffffff ? lu.capacityBlocks : 0xffffffff;
    if (blocks !== 0 && blocks !== capacity) return paramField(at);
    if (blockLength !== lu.blockSize) return paramField(longLba ? at + 12 : at + 5);
  }

  const next: ModeState = { ...lu.mode };
  const applied: [ModePageDef, Buffer][] = [];
  let at = headerLength + descriptorLength;
  while (at < data.length) {
    if (data.length - at < 2) return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);
    const b0 = data[at] ?? 0;
    if ((b0 & 0x80) !== 0) return paramField(at, 7); // PS is reserved in MODE SELECT
    const spf = (b0 & 0x40) !== 0;
    if (spf && data.length - at < 4) return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);
    const page = findModePage(lu, b0 & 0x3f, spf ? (data[at + 1] ?? 0) : 0);
    if (page === undefined) return spf ? paramField(at, 6) : paramField(at, 5);
    // page_0: PAGE LENGTH must match; SPF: at least ours (the page checks any extra bytes).
    const length = spf ? data.readUInt16BE(at + 2) + 4 : (data[at + 1] ?? 0) + 2;
    const lengthBad = spf ? length < page.length : length !== page.length;
    if (lengthBad) return paramField(spf ? at + 2 : at + 1);
    if (data.length - at < length) return check(SENSE.PARAMETER_LIST_LENGTH_ERROR);
    const body = data.subarray(at, at + length);
    const bad = page.apply(body, next, lu);
    if (bad >= 0) return paramField(at + bad);
    applied.push([page, body]);
    at += length;
  }
  let changed = (Object.keys(next) as (keyof ModeState)[]).some((k) => next[k] !== lu.mode[k]);
  lu.mode = next;
  for (const [page, body] of applied) if (page.commit?.(body, lu) === true) changed = true;
  // SPC-4 6.11: other I_T nexuses learn of the change by MODE PARAMETERS CHANGED.
  if (changed) lu.unitAttentions.establishAll(SENSE.MODE_PARAMETERS_CHANGED, cmd.nexus.key);
  return good();
}

export const MODE_SELECT_6 = commandRow({
  name: 'MODE SELECT(6)',
  opcode: 0x15,
  direction: 'out',
  mediumAccess: false,
  reservation: 'write',
  usageAfterOpcode: [0x11, 0x00, 0x00, 0xff, 0x04],
  dataOutLength: (_cdb, c) => c.listLength,
  decode: decode6,
  handler: modeSelect,
});

export const MODE_SELECT_10 = commandRow({
  name: 'MODE SELECT(10)',
  opcode: 0x55,
  direction: 'out',
  mediumAccess: false,
  reservation: 'write',
  usageAfterOpcode: [0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x04],
  dataOutLength: (_cdb, c) => c.listLength,
  decode: decode10,
  handler: modeSelect,
});
