// The framer over chunk lists: every fixture parses the same whole, cut at every byte offset and
// fed byte by byte; limits are checked before data is buffered (docs/architecture.md).
import { describe, expect, it } from 'vitest';
import { PduFramer, type FramerSettings, type RawPdu } from '../../../../transport/pdu/framer.js';
import {
  dataOut,
  frame,
  header,
  loginRequest,
  nopOut,
  Op,
  scsiCommand,
  text,
  read10,
} from '../../../helpers/wire.js';

const PLAIN: FramerSettings = {
  headerDigest: false,
  dataDigest: false,
  maxDataSegmentLength: 262144,
};
const DIGESTS: FramerSettings = {
  headerDigest: true,
  dataDigest: true,
  maxDataSegmentLength: 262144,
};

interface Parsed {
  bhs: string;
  ahs: string | undefined;
  data: string;
  digestError: boolean;
}

function summarize(p: RawPdu): Parsed {
  return {
    bhs: p.bhs.toString('hex'),
    ahs: p.ahs?.toString('hex'),
    data: Buffer.concat(p.data).toString('hex'),
    digestError: p.dataDigestError,
  };
}

function feed(
  settings: FramerSettings,
  chunks: Buffer[],
): { pdus: Parsed[]; error: string | undefined; left: number } {
  const f = new PduFramer(settings);
  const pdus: Parsed[] = [];
  for (const chunk of chunks) {
    f.push(chunk);
    for (;;) {
      const r = f.next();
      if (r.kind === 'need-more') break;
      if (r.kind === 'error') return { pdus, error: r.error.code, left: f.bufferedBytes };
      expect(r.pdu.data.reduce((n, b) => n + b.length, 0)).toBe(r.pdu.dataLength);
      pdus.push(summarize(r.pdu));
    }
  }
  return { pdus, error: undefined, left: f.bufferedBytes };
}

const ahs = Buffer.from([0x00, 0x05, 0x01, 0x00, 1, 2, 3, 4, 5, 0, 0, 0]);
const fixtures: { name: string; settings: FramerSettings; stream: Buffer; count: number }[] = [
  {
    name: 'login + padded data + nop',
    settings: PLAIN,
    stream: Buffer.concat([
      loginRequest({ data: text({ InitiatorName: 'iqn.a:b', X: 'y' }) }),
      nopOut({ itt: 1, cmdSN: 1, data: Buffer.from('abc') }),
    ]),
    count: 2,
  },
  {
    name: 'command with AHS and immediate data, then Data-Out',
    settings: PLAIN,
    stream: Buffer.concat([
      scsiCommand({
        itt: 1,
        write: true,
        edtl: 1000,
        cmdSN: 1,
        cdb: read10(0, 2),
        ahs,
        data: Buffer.alloc(501, 7),
      }),
      dataOut({ itt: 1, ttt: 0xffffffff, dataSN: 0, offset: 501, data: Buffer.alloc(499, 8) }),
    ]),
    count: 2,
  },
  {
    name: 'digests on, with AHS',
    settings: DIGESTS,
    stream: Buffer.concat([
      scsiCommand(
        {
          itt: 2,
          write: true,
          edtl: 10,
          cmdSN: 2,
          cdb: read10(0, 1),
          ahs,
          data: Buffer.from('0123456789'),
        },
        { headerDigest: true, dataDigest: true },
      ),
      nopOut({ itt: 3, cmdSN: 3 }, { headerDigest: true, dataDigest: true }),
    ]),
    count: 2,
  },
];

describe('framer fixtures', () => {
  for (const fx of fixtures) {
    const whole = feed(fx.settings, [fx.stream]);
    it(`${fx.name}: parses whole`, () => {
      expect(whole.error).toBeUndefined();
      expect(whole.pdus).toHaveLength(fx.count);
      expect(whole.left).toBe(0);
      expect(whole.pdus.every((p) => !p.digestError)).toBe(true);
    });
    it(`${fx.name}: same result split at every offset`, () => {
      for (let cut = 1; cut < fx.stream.length; cut++) {
        const r = feed(fx.settings, [fx.stream.subarray(0, cut), fx.stream.subarray(cut)]);
        expect(r.pdus, `cut at ${cut}`).toEqual(whole.pdus);
      }
    });
    it(`${fx.name}: same result byte by byte`, () => {
      const bytes = [...fx.stream].map((b) => Buffer.of(b));
      expect(feed(fx.settings, bytes).pdus).toEqual(whole.pdus);
    });
  }

  it('returns data segments as views of the received chunks, not copies', () => {
    const stream = nopOut({ itt: 1, cmdSN: 1, data: Buffer.alloc(1000, 9) });
    const f = new PduFramer(PLAIN);
    f.push(stream.subarray(0, 600));
    f.push(stream.subarray(600));
    const r = f.next();
    if (r.kind !== 'pdu') throw new Error('no pdu');
    expect(r.pdu.data).toHaveLength(2);
    expect(r.pdu.data[0]?.buffer).toBe(stream.buffer);
    expect(r.pdu.bhs.buffer).toBe(stream.buffer);
  });

  it('need-more is a normal answer', () => {
    const f = new PduFramer(PLAIN);
    expect(f.next()).toEqual({ kind: 'need-more' });
    f.push(Buffer.alloc(47));
    expect(f.next().kind).toBe('need-more');
  });
});

describe('framer checks', () => {
  it('refuses a DataSegmentLength above the limit before its data arrives', () => {
    const r = feed({ ...PLAIN, maxDataSegmentLength: 8192 }, [
      header({ opcode: Op.NOP_OUT, dsl: 8193, itt: 1 }),
    ]);
    expect(r.error).toBe('ISCSI_PDU_TOO_LONG');
  });

  it('refuses an AHS over 256 bytes from the BHS alone', () => {
    const r = feed(PLAIN, [header({ opcode: Op.SCSI_COMMAND, dsl: 0, itt: 1, ahsWords: 65 })]);
    expect(r.error).toBe('ISCSI_AHS_TOO_LONG');
  });

  it('fails on a header digest mismatch and stays failed', () => {
    const wire = nopOut({ itt: 1, cmdSN: 1 }, { headerDigest: true });
    wire.writeUInt8(wire.readUInt8(50) ^ 1, 50);
    const f = new PduFramer(DIGESTS);
    f.push(wire);
    expect(f.next()).toMatchObject({ kind: 'error', error: { code: 'ISCSI_HEADER_DIGEST' } });
    f.push(nopOut({ itt: 2, cmdSN: 1 }, { headerDigest: true }));
    expect(f.next().kind).toBe('error');
  });

  it('flags a data digest mismatch on the PDU and carries on', () => {
    const bad = nopOut(
      { itt: 1, cmdSN: 1, data: Buffer.from('xyz') },
      { headerDigest: true, dataDigest: true },
    );
    bad.writeUInt8(bad.readUInt8(bad.length - 2) ^ 1, bad.length - 2);
    const good = nopOut(
      { itt: 2, cmdSN: 1, data: Buffer.from('xyz') },
      { headerDigest: true, dataDigest: true },
    );
    const r = feed(DIGESTS, [Buffer.concat([bad, good])]);
    expect(r.pdus.map((p) => p.digestError)).toEqual([true, false]);
  });

  it('switches digests on between PDUs (after the final Login Response)', () => {
    const f = new PduFramer(PLAIN);
    f.push(Buffer.concat([loginRequest(), nopOut({ itt: 1, cmdSN: 1 }, { headerDigest: true })]));
    expect(f.next().kind).toBe('pdu');
    f.configure({ headerDigest: true });
    const r = f.next();
    expect(r.kind).toBe('pdu');
    expect(f.bufferedBytes).toBe(0);
  });

  it('ignores padding bytes content when digests are off', () => {
    const wire = nopOut({ itt: 1, cmdSN: 1, data: Buffer.from('a') });
    wire[wire.length - 1] = 0xff;
    expect(feed(PLAIN, [wire]).pdus[0]?.data).toBe('61');
  });

  it('parses frames built with no data (frame helper sanity)', () => {
    expect(feed(PLAIN, [frame(header({ opcode: Op.NOP_OUT, dsl: 0, itt: 5 }))]).pdus).toHaveLength(
      1,
    );
  });
});
