// Every PDU type against hand-built wire bytes (test/helpers/wire.ts), never against our encoders.
import { describe, expect, it } from 'vitest';
import { encodeAsyncMessage } from '../../../../transport/pdu/async-message.js';
import { decodeLun, encodeLun, UNMAPPED_LUN } from '../../../../transport/pdu/bhs.js';
import { encodeDataIn } from '../../../../transport/pdu/data-in.js';
import { decodeDataOut } from '../../../../transport/pdu/data-out.js';
import { decodeLoginRequest, encodeLoginResponse } from '../../../../transport/pdu/login.js';
import { decodeLogoutRequest } from '../../../../transport/pdu/logout-request.js';
import { encodeLogoutResponse } from '../../../../transport/pdu/logout-response.js';
import { encodeNopIn } from '../../../../transport/pdu/nop-in.js';
import { decodeNopOut } from '../../../../transport/pdu/nop-out.js';
import { encodeR2t } from '../../../../transport/pdu/r2t.js';
import { encodeReject } from '../../../../transport/pdu/reject.js';
import { decodeScsiCommand } from '../../../../transport/pdu/scsi-command.js';
import {
  encodeScsiResponse,
  residualOf,
  senseSegment,
} from '../../../../transport/pdu/scsi-response.js';
import { decodeTextRequest, encodeTextResponse } from '../../../../transport/pdu/text.js';
import { decodeTmfRequest } from '../../../../transport/pdu/tmf-request.js';
import { encodeTmfResponse } from '../../../../transport/pdu/tmf-response.js';
import {
  dataOut,
  header,
  loginRequest,
  logoutRequest,
  nopOut,
  Op,
  read10,
  scsiCommand,
  text,
  textRequest,
  tmfRequest,
} from '../../../helpers/wire.js';

const bhsOf = (wire: Buffer) => wire.subarray(0, 48);
const SN = { statSN: 0x01020304, expCmdSN: 0x11121314, maxCmdSN: 0x21222324 };
const SN_WORDS = { 24: SN.statSN, 28: SN.expCmdSN, 32: SN.maxCmdSN };

describe('initiator PDU decoders', () => {
  it('Login Request (RFC 7143 §11.12)', () => {
    const wire = loginRequest({
      transit: true,
      csg: 0,
      nsg: 1,
      versionMax: 0,
      versionMin: 0,
      isid: '023d00000001',
      tsih: 0x1234,
      itt: 0xa1b2c3d4,
      cid: 7,
      cmdSN: 99,
      expStatSN: 5,
    });
    expect(wire[0]).toBe(0x43);
    expect(decodeLoginRequest(bhsOf(wire))).toEqual({
      immediate: true,
      transit: true,
      continued: false,
      csg: 0,
      nsg: 1,
      versionMax: 0,
      versionMin: 0,
      isid: '023d00000001',
      tsih: 0x1234,
      itt: 0xa1b2c3d4,
      cid: 7,
      cmdSN: 99,
      expStatSN: 5,
    });
    expect(
      decodeLoginRequest(bhsOf(loginRequest({ transit: false, cont: true, csg: 1, nsg: 0 }))),
    ).toMatchObject({ transit: false, continued: true, csg: 1 });
  });

  it('SCSI Command (RFC 7143 §11.3)', () => {
    const wire = scsiCommand({
      immediate: true,
      final: false,
      write: true,
      attr: 2,
      lun: 5,
      itt: 9,
      edtl: 4096,
      cmdSN: 0xfffffffe,
      expStatSN: 3,
      cdb: read10(0x01020304, 8),
    });
    const d = decodeScsiCommand(bhsOf(wire), undefined);
    expect(d).toMatchObject({
      immediate: true,
      final: false,
      read: false,
      write: true,
      attr: 2,
      lun: 5,
      itt: 9,
      expectedDataLength: 4096,
      cmdSN: 0xfffffffe,
      expStatSN: 3,
      ahsProblem: undefined,
    });
    expect(d.cdb.length).toBe(16);
    expect(d.cdb.subarray(0, 10)).toEqual(read10(0x01020304, 8));
  });

  it('SCSI Command AHS problems', () => {
    const bidi = Buffer.from([0, 5, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const bhs = bhsOf(scsiCommand({ itt: 1, edtl: 0, cmdSN: 1, cdb: read10(0, 1), ahs: bidi }));
    expect(decodeScsiCommand(bhs, bidi).ahsProblem).toMatch(/bidirectional/);
    const bad = Buffer.from([0, 200, 1, 0]);
    expect(decodeScsiCommand(bhs, bad).ahsProblem).toMatch(/outside/);
    expect(decodeScsiCommand(bhs, Buffer.from([0, 1, 9, 0])).ahsProblem).toMatch(
      /unknown AHS type 9/,
    );
  });

  it('SCSI Data-Out (RFC 7143 §11.7)', () => {
    const wire = dataOut({
      final: false,
      lun: 3,
      itt: 0x10,
      ttt: 0x20,
      dataSN: 4,
      offset: 8192,
      data: Buffer.alloc(5),
    });
    expect(decodeDataOut(bhsOf(wire))).toEqual({
      final: false,
      lun: 3,
      itt: 0x10,
      ttt: 0x20,
      expStatSN: 0,
      dataSN: 4,
      bufferOffset: 8192,
    });
  });

  it('NOP-Out (RFC 7143 §11.18)', () => {
    const lun = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const d = decodeNopOut(
      bhsOf(nopOut({ immediate: false, itt: 0x33, ttt: 0x44, cmdSN: 12, lun })),
    );
    expect(d).toEqual({
      immediate: false,
      final: true,
      lunBytes: lun,
      itt: 0x33,
      ttt: 0x44,
      cmdSN: 12,
      expStatSN: 0,
    });
  });

  it('Task Management Request (RFC 7143 §11.5)', () => {
    const d = decodeTmfRequest(
      bhsOf(tmfRequest({ fn: 5, lun: 2, itt: 7, rtt: 0x99, cmdSN: 11, refCmdSN: 10 })),
    );
    expect(d).toEqual({
      immediate: true,
      fn: 5,
      lun: 2,
      itt: 7,
      referencedTaskTag: 0x99,
      cmdSN: 11,
      expStatSN: 0,
      refCmdSN: 10,
      expDataSN: 0,
    });
  });

  it('Logout Request (RFC 7143 §11.14)', () => {
    expect(
      decodeLogoutRequest(bhsOf(logoutRequest({ reason: 1, itt: 4, cid: 3, cmdSN: 8 }))),
    ).toEqual({ immediate: true, reason: 1, itt: 4, cid: 3, cmdSN: 8, expStatSN: 0 });
  });

  it('Text Request (RFC 7143 §11.10)', () => {
    expect(
      decodeTextRequest(
        bhsOf(
          textRequest({
            final: false,
            cont: true,
            itt: 4,
            ttt: 6,
            cmdSN: 8,
            data: text({ a: 'b' }),
          }),
        ),
      ),
    ).toEqual({
      immediate: true,
      final: false,
      continued: true,
      itt: 4,
      ttt: 6,
      cmdSN: 8,
      expStatSN: 0,
    });
  });
});

describe('target PDU encoders', () => {
  it('Login Response (RFC 7143 §11.13)', () => {
    const got = encodeLoginResponse({
      transit: true,
      csg: 1,
      nsg: 3,
      isid: '80aabbccddee',
      tsih: 0x0102,
      itt: 0x55,
      status: 0x0203,
      dataSegmentLength: 10,
      ...SN,
    });
    const want = header({
      opcode: Op.LOGIN_RESPONSE,
      byte1: 0x87,
      dsl: 10,
      itt: 0x55,
      words: { ...SN_WORDS },
    });
    Buffer.from('80aabbccddee0102', 'hex').copy(want, 8);
    want[36] = 0x02;
    want[37] = 0x03;
    expect(got).toEqual(want);
    // Without T, NSG stays 0.
    expect(
      encodeLoginResponse({
        transit: false,
        csg: 0,
        nsg: 1,
        isid: '000000000000',
        tsih: 0,
        itt: 0,
        status: 0,
        dataSegmentLength: 0,
        ...SN,
      })[1],
    ).toBe(0x00);
  });

  it('SCSI Response with underflow (RFC 7143 §11.4)', () => {
    const got = encodeScsiResponse({
      itt: 7,
      response: 0,
      status: 2,
      residual: { flag: 0x02, count: 300 },
      expDataSN: 4,
      dataSegmentLength: 20,
      ...SN,
    });
    const want = header({
      opcode: Op.SCSI_RESPONSE,
      byte1: 0x82,
      byte3: 2,
      dsl: 20,
      itt: 7,
      words: { ...SN_WORDS, 36: 4, 44: 300 },
    });
    expect(got).toEqual(want);
  });

  it('sense segment is SenseLength + sense', () => {
    const sense = Buffer.from([0x70, 0, 5]);
    expect(Buffer.concat(senseSegment(sense))).toEqual(Buffer.from([0, 3, 0x70, 0, 5]));
  });

  it('Data-In with phase-collapsed status (RFC 7143 §11.7)', () => {
    const got = encodeDataIn({
      itt: 1,
      lun: 2,
      final: true,
      dataSN: 3,
      bufferOffset: 4096,
      dataSegmentLength: 512,
      expCmdSN: SN.expCmdSN,
      maxCmdSN: SN.maxCmdSN,
      statSN: SN.statSN,
      status: { code: 0, residual: { flag: 0x04, count: 12 } },
    });
    const want = header({
      opcode: Op.DATA_IN,
      byte1: 0x85,
      dsl: 512,
      lun: 2,
      itt: 1,
      words: { 20: 0xffffffff, ...SN_WORDS, 36: 3, 40: 4096, 44: 12 },
    });
    expect(got).toEqual(want);
  });

  it('Data-In without status carries no StatSN and no F unless asked', () => {
    const got = encodeDataIn({
      itt: 1,
      lun: 0,
      final: false,
      dataSN: 0,
      bufferOffset: 0,
      dataSegmentLength: 8,
      expCmdSN: 5,
      maxCmdSN: 6,
      statSN: 77,
    });
    const want = header({
      opcode: Op.DATA_IN,
      byte1: 0x00,
      dsl: 8,
      itt: 1,
      words: { 20: 0xffffffff, 28: 5, 32: 6 },
    });
    expect(got).toEqual(want);
  });

  it('headers are zeroed even when the shared Buffer pool they come from held other bytes', () => {
    for (let i = 0; i < 200; i++) Buffer.allocUnsafe(48).fill(0xa5); // dirty Node's pool slices
    const got = encodeDataIn({
      itt: 1,
      lun: 0,
      final: false,
      dataSN: 0,
      bufferOffset: 0,
      dataSegmentLength: 8,
      expCmdSN: 5,
      maxCmdSN: 6,
      statSN: 77,
    });
    expect(got).toEqual(
      header({
        opcode: Op.DATA_IN,
        byte1: 0x00,
        dsl: 8,
        itt: 1,
        words: { 20: 0xffffffff, 28: 5, 32: 6 },
      }),
    );
    const response = encodeScsiResponse({
      itt: 2,
      response: 0,
      status: 0,
      residual: residualOf(8, 8),
      expDataSN: 1,
      dataSegmentLength: 0,
      ...SN,
    });
    expect(response).toEqual(
      header({
        opcode: Op.SCSI_RESPONSE,
        byte1: 0x80,
        dsl: 0,
        itt: 2,
        words: { ...SN_WORDS, 36: 1 },
      }),
    );
  });

  it('R2T (RFC 7143 §11.8)', () => {
    const got = encodeR2t({
      itt: 9,
      lun: 1,
      ttt: 0x1234,
      r2tSN: 2,
      bufferOffset: 65536,
      desiredLength: 262144,
      ...SN,
    });
    expect(got).toEqual(
      header({
        opcode: Op.R2T,
        byte1: 0x80,
        dsl: 0,
        lun: 1,
        itt: 9,
        words: { 20: 0x1234, ...SN_WORDS, 36: 2, 40: 65536, 44: 262144 },
      }),
    );
  });

  it('NOP-In (RFC 7143 §11.19)', () => {
    const lunBytes = Buffer.from([0, 7, 0, 0, 0, 0, 0, 0]);
    const got = encodeNopIn({ itt: 0xffffffff, ttt: 5, lunBytes, dataSegmentLength: 0, ...SN });
    expect(got).toEqual(
      header({
        opcode: Op.NOP_IN,
        byte1: 0x80,
        dsl: 0,
        lun: lunBytes,
        itt: 0xffffffff,
        words: { 20: 5, ...SN_WORDS },
      }),
    );
  });

  it('Task Management Response (RFC 7143 §11.6)', () => {
    expect(encodeTmfResponse({ itt: 3, response: 1, ...SN })).toEqual(
      header({ opcode: Op.TMF_RESPONSE, byte1: 0x80, byte2: 1, dsl: 0, itt: 3, words: SN_WORDS }),
    );
  });

  it('Logout Response (RFC 7143 §11.15)', () => {
    const want = header({
      opcode: Op.LOGOUT_RESPONSE,
      byte1: 0x80,
      byte2: 2,
      dsl: 0,
      itt: 3,
      words: SN_WORDS,
    });
    want.writeUInt16BE(2, 40);
    want.writeUInt16BE(20, 42);
    expect(
      encodeLogoutResponse({ itt: 3, response: 2, time2Wait: 2, time2Retain: 20, ...SN }),
    ).toEqual(want);
  });

  it('Reject (RFC 7143 §11.17)', () => {
    expect(encodeReject({ reason: 0x09, ...SN })).toEqual(
      header({
        opcode: Op.REJECT,
        byte1: 0x80,
        byte2: 9,
        dsl: 48,
        itt: 0xffffffff,
        words: SN_WORDS,
      }),
    );
  });

  it('Asynchronous Message (RFC 7143 §11.9)', () => {
    const want = header({
      opcode: Op.ASYNC,
      byte1: 0x80,
      dsl: 0,
      itt: 0xffffffff,
      words: SN_WORDS,
    });
    want[36] = 1;
    want.writeUInt16BE(3, 42);
    expect(encodeAsyncMessage({ event: 1, parameter3: 3, ...SN })).toEqual(want);
  });

  it('Text Response (RFC 7143 §11.11), never C', () => {
    expect(
      encodeTextResponse({ final: true, itt: 2, ttt: 0xffffffff, dataSegmentLength: 30, ...SN }),
    ).toEqual(
      header({
        opcode: Op.TEXT_RESPONSE,
        byte1: 0x80,
        dsl: 30,
        itt: 2,
        words: { 20: 0xffffffff, ...SN_WORDS },
      }),
    );
  });
});

describe('LUN field (SAM-5 single level, docs/initiators.md)', () => {
  const at = (bytes: number[]) => {
    const b = Buffer.alloc(48);
    Buffer.from(bytes).copy(b, 8);
    return b;
  };
  it.each([
    { bytes: [0, 0, 0, 0, 0, 0, 0, 0], lun: 0 },
    { bytes: [0, 255, 0, 0, 0, 0, 0, 0], lun: 255 },
    { bytes: [0x40, 1, 0, 0, 0, 0, 0, 0], lun: UNMAPPED_LUN },
    { bytes: [0, 1, 0, 0, 0, 0, 0, 1], lun: UNMAPPED_LUN },
    { bytes: [0x01, 0, 0, 0, 0, 0, 0, 0], lun: UNMAPPED_LUN },
  ])('$bytes -> $lun', ({ bytes, lun }) => {
    expect(decodeLun(at(bytes))).toBe(lun);
  });
  it('encodes 00 nn', () => {
    const b = Buffer.alloc(48);
    encodeLun(b, 42);
    expect([...b.subarray(8, 16)]).toEqual([0, 42, 0, 0, 0, 0, 0, 0]);
  });
});

describe('residuals (RFC 7143 §11.4.5)', () => {
  it.each([
    { edtl: 512, spdtl: 512, flag: 0, count: 0 },
    { edtl: 10000, spdtl: 512, flag: 0x02, count: 9488 },
    { edtl: 200, spdtl: 512, flag: 0x04, count: 312 },
  ])('EDTL $edtl SPDTL $spdtl', ({ edtl, spdtl, flag, count }) => {
    expect(residualOf(edtl, spdtl)).toEqual({ flag, count });
  });
});
