// Operational negotiation table (RFC 7143 §13).
import { describe, expect, it } from 'vitest';
import { KEY_TABLE } from '../../../../transport/login/keys.js';
import { DEFAULT_PARAMS, negotiate, parseNumber } from '../../../../transport/login/negotiate.js';

const answer = (key: string, value: string, kind: 'Normal' | 'Discovery' = 'Normal') =>
  negotiate([[key, value]], kind, DEFAULT_PARAMS).answers[0]?.[1];

describe('negotiate: one row per key and case', () => {
  it.each([
    ['HeaderDigest', 'None,CRC32C', 'None'],
    ['HeaderDigest', 'CRC32C,None', 'CRC32C'],
    ['HeaderDigest', 'MD5', 'Reject'],
    ['DataDigest', 'None', 'None'],
    ['MaxConnections', '8', '1'],
    ['MaxConnections', '0', 'Reject'],
    ['InitialR2T', 'No', 'No'],
    ['InitialR2T', 'Yes', 'Yes'],
    ['InitialR2T', 'yes', 'Reject'],
    ['ImmediateData', 'Yes', 'Yes'],
    ['ImmediateData', 'No', 'No'],
    ['MaxBurstLength', '16776192', '1048576'],
    ['MaxBurstLength', '262144', '262144'],
    ['MaxBurstLength', '511', 'Reject'],
    ['MaxBurstLength', '16777216', 'Reject'],
    ['FirstBurstLength', '16776192', '262144'],
    ['FirstBurstLength', '65536', '65536'],
    ['DefaultTime2Wait', '0', '2'],
    ['DefaultTime2Wait', '5', '5'],
    ['DefaultTime2Retain', '0', '0'],
    ['DefaultTime2Retain', '3601', 'Reject'],
    ['MaxOutstandingR2T', '1', '1'],
    ['MaxOutstandingR2T', '64', '16'],
    ['DataPDUInOrder', 'No', 'Yes'],
    ['DataSequenceInOrder', 'Yes', 'Yes'],
    ['ErrorRecoveryLevel', '2', '0'],
    ['ErrorRecoveryLevel', '3', 'Reject'],
    ['IFMarker', 'Yes', 'No'],
    ['OFMarker', 'No', 'No'],
    ['OFMarkInt', '1~65535', 'Irrelevant'],
    ['TaskReporting', 'ResponseFence,RFC3720', 'RFC3720'],
    ['iSCSIProtocolLevel', '2', '1'],
    ['X-com.example.Foo', '1', 'NotUnderstood'],
    ['Bogus', '1', 'NotUnderstood'],
  ])('%s=%s -> %s', (key, value, want) => {
    expect(answer(key, value)).toBe(want);
  });

  it('gives MaxRecvDataSegmentLength no answer but records it', () => {
    const r = negotiate([['MaxRecvDataSegmentLength', '4096']], 'Normal', DEFAULT_PARAMS);
    expect(r.answers).toEqual([]);
    expect(r.params.initiatorMaxRecvDataSegmentLength).toBe(4096);
    expect(
      negotiate([['MaxRecvDataSegmentLength', '100']], 'Normal', DEFAULT_PARAMS).answers,
    ).toEqual([['MaxRecvDataSegmentLength', 'Reject']]);
  });

  it('answers every Normal-only key Irrelevant in a Discovery session', () => {
    for (const def of KEY_TABLE.filter((k) => k.scope === 'normal')) {
      expect(answer(def.name, def.defaultValue, 'Discovery'), def.name).toBe('Irrelevant');
    }
    expect(answer('HeaderDigest', 'None', 'Discovery')).toBe('None');
  });

  it('keeps FirstBurstLength within MaxBurstLength whatever the order', () => {
    const r = negotiate(
      [
        ['FirstBurstLength', '262144'],
        ['MaxBurstLength', '65536'],
      ],
      'Normal',
      DEFAULT_PARAMS,
    );
    expect(r.answers).toEqual([
      ['FirstBurstLength', '65536'],
      ['MaxBurstLength', '65536'],
    ]);
    expect(r.params.firstBurstLength).toBe(65536);
  });

  it('produces the effective parameters of a libiscsi 1.19 login (docs/initiators.md)', () => {
    const r = negotiate(
      [
        ['HeaderDigest', 'None,CRC32C'],
        ['DataDigest', 'None'],
        ['InitialR2T', 'No'],
        ['ImmediateData', 'Yes'],
        ['MaxBurstLength', '262144'],
        ['FirstBurstLength', '262144'],
        ['DefaultTime2Wait', '2'],
        ['DefaultTime2Retain', '0'],
        ['MaxOutstandingR2T', '1'],
        ['ErrorRecoveryLevel', '0'],
        ['IFMarker', 'No'],
        ['OFMarker', 'No'],
        ['MaxConnections', '1'],
        ['MaxRecvDataSegmentLength', '262144'],
        ['DataPDUInOrder', 'Yes'],
        ['DataSequenceInOrder', 'Yes'],
      ],
      'Normal',
      DEFAULT_PARAMS,
    );
    expect(r.answers.map(([k]) => k)).not.toContain('MaxRecvDataSegmentLength');
    expect(r.answers).toHaveLength(15);
    expect(r.params).toMatchObject({
      headerDigest: false,
      dataDigest: false,
      initialR2T: false,
      immediateData: true,
      maxBurstLength: 262144,
      firstBurstLength: 262144,
      defaultTime2Retain: 0,
      maxOutstandingR2T: 1,
      initiatorMaxRecvDataSegmentLength: 262144,
    });
  });

  it.each([
    ['0', 0],
    ['262144', 262144],
    ['0x40000', 262144],
    ['0X10', 16],
    ['', undefined],
    ['-1', undefined],
    ['1e3', undefined],
    ['0x', undefined],
    ['99999999999999999999', undefined],
  ])('parseNumber(%j) = %j', (input, want) => {
    expect(parseNumber(input)).toBe(want);
  });
});
