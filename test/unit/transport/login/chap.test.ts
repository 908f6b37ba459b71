// CHAP MD5 (RFC 1994 §4.1, RFC 7143 §12.1.3); expected values come from node:crypto here.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_CHAP_BINARY_BYTES } from '../../../../transport/limits.js';
import { ChapAuthenticator, chapMd5, decodeChapBinary } from '../../../../transport/login/chap.js';

const md5 = (id: number, secret: string, challenge: Buffer) =>
  createHash('md5')
    .update(Buffer.concat([Buffer.of(id), Buffer.from(secret), challenge]))
    .digest();

/** A deterministic random source: byte 0 is CHAP_I, the rest the challenge. */
const fixedRandom = (fill: number) => (n: number) => Buffer.alloc(n, fill);

describe('CHAP binaries', () => {
  it.each([
    ['0x00ff10', '00ff10'],
    ['0XABcd', 'abcd'],
    ['0bAAECAw==', '00010203'],
    ['0BAQI=', '0102'],
  ])('%s decodes to %s', (input, hex) => {
    expect(decodeChapBinary(input)?.toString('hex')).toBe(hex);
  });

  it.each(['0x', '0xabc', '0xzz', 'abcd', '0b', '0b!!!!', '1234'])('%s is malformed', (input) => {
    expect(decodeChapBinary(input)).toBeUndefined();
  });

  it(`refuses more than ${MAX_CHAP_BINARY_BYTES} bytes`, () => {
    expect(decodeChapBinary(`0x${'ab'.repeat(MAX_CHAP_BINARY_BYTES)}`)?.length).toBe(
      MAX_CHAP_BINARY_BYTES,
    );
    expect(decodeChapBinary(`0x${'ab'.repeat(MAX_CHAP_BINARY_BYTES + 1)}`)).toBeUndefined();
  });

  it('chapMd5 is MD5(id || secret || challenge)', () => {
    const ch = Buffer.from('0123456789abcdef');
    expect(chapMd5(0x42, 'secret-secret', ch)).toEqual(md5(0x42, 'secret-secret', ch));
  });
});

describe('ChapAuthenticator', () => {
  const creds = { user: 'alice', secret: 'alice-secret-123' };

  it('sends MD5, an identifier 0..255 and a 16-byte challenge; verifies the response', () => {
    const a = new ChapAuthenticator(creds, undefined, fixedRandom(0x07));
    const step = a.chooseAlgorithm('7,6,5');
    expect(step).toEqual({
      ok: true,
      answers: [
        ['CHAP_A', '5'],
        ['CHAP_I', '7'],
        ['CHAP_C', `0x${'07'.repeat(16)}`],
      ],
    });
    const r = md5(7, creds.secret, Buffer.alloc(16, 7));
    expect(
      a.verify(
        new Map([
          ['CHAP_N', 'alice'],
          ['CHAP_R', `0x${r.toString('hex')}`],
        ]),
      ),
    ).toEqual({ ok: true, answers: [] });
    expect(a.authenticated).toBe(true);
  });

  it('refuses a list without MD5', () => {
    expect(new ChapAuthenticator(creds, undefined).chooseAlgorithm('6,7').ok).toBe(false);
  });

  it.each([
    {
      title: 'wrong response',
      keys: [
        ['CHAP_N', 'alice'],
        ['CHAP_R', `0x${'00'.repeat(16)}`],
      ],
    },
    {
      title: 'wrong length',
      keys: [
        ['CHAP_N', 'alice'],
        ['CHAP_R', '0x00'],
      ],
    },
    { title: 'missing CHAP_R', keys: [['CHAP_N', 'alice']] },
  ])('refuses $title', ({ keys }) => {
    const a = new ChapAuthenticator(creds, undefined, fixedRandom(1));
    a.chooseAlgorithm('5');
    expect(a.verify(new Map(keys as [string, string][])).ok).toBe(false);
  });

  it('refuses a response before a challenge', () => {
    expect(
      new ChapAuthenticator(creds, undefined).verify(
        new Map([
          ['CHAP_N', 'a'],
          ['CHAP_R', '0x00'],
        ]),
      ).ok,
    ).toBe(false);
  });

  describe('mutual', () => {
    const target = { user: 'tgt', secret: 'target-secret-99' };
    const ours = Buffer.alloc(16, 3);
    const good = () => md5(3, creds.secret, ours).toString('hex');

    it('answers the initiator challenge with the target secret', () => {
      const a = new ChapAuthenticator(creds, target, fixedRandom(3));
      a.chooseAlgorithm('5');
      const theirs = Buffer.alloc(32, 0x99);
      const step = a.verify(
        new Map([
          ['CHAP_N', 'alice'],
          ['CHAP_R', `0x${good()}`],
          ['CHAP_I', '200'],
          ['CHAP_C', `0x${theirs.toString('hex')}`],
        ]),
      );
      expect(step).toEqual({
        ok: true,
        answers: [
          ['CHAP_N', 'tgt'],
          ['CHAP_R', `0x${md5(200, target.secret, theirs).toString('hex')}`],
        ],
      });
    });

    it.each([
      { title: 'a reflected challenge', id: '1', c: `0x${ours.toString('hex')}` },
      { title: 'CHAP_I 256', id: '256', c: '0x0102' },
      { title: 'CHAP_I negative', id: '-1', c: '0x0102' },
      { title: 'a malformed challenge', id: '1', c: '0xzz' },
    ])('refuses $title', ({ id, c }) => {
      const a = new ChapAuthenticator(creds, target, fixedRandom(3));
      a.chooseAlgorithm('5');
      expect(
        a.verify(
          new Map([
            ['CHAP_N', 'alice'],
            ['CHAP_R', `0x${good()}`],
            ['CHAP_I', id],
            ['CHAP_C', c],
          ]),
        ).ok,
      ).toBe(false);
    });

    it('refuses equal secrets in both directions', () => {
      const a = new ChapAuthenticator(creds, { user: 'tgt', secret: creds.secret }, fixedRandom(3));
      a.chooseAlgorithm('5');
      expect(
        a.verify(
          new Map([
            ['CHAP_N', 'alice'],
            ['CHAP_R', `0x${good()}`],
            ['CHAP_I', '1'],
            ['CHAP_C', '0x0102'],
          ]),
        ).ok,
      ).toBe(false);
    });

    it('requires the mutual step when configured', () => {
      const a = new ChapAuthenticator(creds, target, fixedRandom(3));
      a.chooseAlgorithm('5');
      expect(
        a.verify(
          new Map([
            ['CHAP_N', 'alice'],
            ['CHAP_R', `0x${good()}`],
          ]),
        ).ok,
      ).toBe(false);
    });
  });
});
