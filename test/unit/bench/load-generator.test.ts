import { describe, expect, it } from 'vitest';
import { loadArgs, parseLoadOutput } from '../../bench/load-generator.js';

const GOOD =
  '{"label":"x","mode":"seqread","bs":1048576,"qd":8,"block_size":512,"ops":10,"bytes":10485760,' +
  '"seconds":1.0,"mbps":10.5,"iops":10.0,"p50_us":5.0,"p99_us":9.0,"max_us":9.5,"resets":0,' +
  '"reset_p50_us":0,"reset_p99_us":0,"reset_max_us":0,"zones":0}';

describe('parseLoadOutput', () => {
  it('returns the numbers of the last JSON line', () => {
    const r = parseLoadOutput(`noise\n${GOOD}\n`, 'run');
    expect(r.mbps).toBe(10.5);
    expect(r.ops).toBe(10);
  });

  it('turns a reported SCSI error or mismatch into a thrown error with its text', () => {
    const line = '{"label":"x","mode":"seqread","error":"data mismatch at LBA 2048: stamp 0/0/0"}';
    expect(() => parseLoadOutput(line, 'ours seqread')).toThrow(
      'ours seqread: data mismatch at LBA 2048',
    );
  });

  it('refuses output that is not the expected JSON', () => {
    expect(() => parseLoadOutput('Segmentation fault', 'run')).toThrow(/printed no JSON line/);
    expect(() => parseLoadOutput('{"mbps":1}', 'run')).toThrow(/unexpected load generator output/);
  });
});

describe('loadArgs', () => {
  it('passes only the options given', () => {
    expect(
      loadArgs('iscsi://h:1/iqn/0', {
        mode: 'reportzones',
        seconds: 2,
        report: 'page',
        once: true,
      }),
    ).toEqual([
      '--url',
      'iscsi://h:1/iqn/0',
      '--mode',
      'reportzones',
      '--seconds',
      '2',
      '--report',
      'page',
      '--once',
    ]);
  });
});
