// Tests that may fail on ours in the one-process `iscsi-test-cu -d -t ALL` runs (thin 512e LU, as
// `npm start -- --model none --memory` serves it), each with the reason. A failure not listed
// here, any failure in the iSCSI family, or more failures than tgt in the same run fails the e2e;
// an excuse whose test no longer fails fails it too, so this table only shrinks. Keys are
// `Suite.Test`. README (Tests) and docs/interop.md carry the same table.

const UNMAP_SINGLE =
  'libiscsi test bug (1.19, 1.20 and upstream): its second loop reads the status at LBA i+1 but ' +
  'expects the first descriptor at LBA i+LBPPB, so it fails on every LU with more than one ' +
  'logical block per physical block; SBC-4 5.8.2 puts the requested LBA in the first ' +
  'descriptor, as we do. It passes on our 512/512 LU (run separately).';

/** libiscsi 1.19 (Debian 12, host). */
export const ALL_EXCUSES_119: Readonly<Record<string, string>> = Object.freeze({
  'GetLBAStatus.UnmapSingle': UNMAP_SINGLE,
});

/** libiscsi 1.20 (Debian 13, staged from the guest image). */
export const ALL_EXCUSES_120: Readonly<Record<string, string>> = Object.freeze({
  'GetLBAStatus.UnmapSingle': UNMAP_SINGLE,
  'CompareAndWrite.InvalidDataOutSize':
    'libiscsi 1.20 test bug (also upstream): its PDU hook tests `!= ISCSI_PDU_SCSI_REQUEST`, so ' +
    'it never changes the CDB; the COMPARE AND WRITE it sends (2 blocks, 4-block Data-Out) is ' +
    'valid and its 0xA6 pattern differs from the medium, so MISCOMPARE 0E/1D/00 is the right ' +
    'answer, where the test expects ILLEGAL REQUEST.',
  'iSCSISendTargets.Simple':
    'expects SendTargets=All to succeed in a Normal session; RFC 7143 Appendix C: the value All ' +
    '"MUST NOT be supported on an operational session", so we answer SendTargets=Reject ' +
    '(tgt fails this test too).',
  'iSCSISendTargets.Invalid':
    'its four invalid requests fail as it expects (a Reject, RFC 7143 6.10), but its last step ' +
    'expects SendTargets=All to succeed in a Normal session, which RFC 7143 Appendix C forbids ' +
    '("MUST NOT be supported on an operational session"); tgt fails it too.',
});

/** Excused iSCSI-family failures of 1.20 whose expectation contradicts RFC 7143. */
export const ISCSI_AGAINST_RFC_120: ReadonlySet<string> = new Set([
  'iSCSISendTargets.Simple',
  'iSCSISendTargets.Invalid',
]);
