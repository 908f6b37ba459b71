// Tests iscsi-test-cu may skip on ours, per LU kind and libiscsi version: `Suite.Test` -> the
// exact `[SKIPPED]` line(s) the tool prints against ours today, with the optional feature we do
// not offer and why. Any other skip fails the e2e (tool-skips.ts), and so does an entry whose test
// no longer skips with exactly those lines, so these tables only shrink. Nothing here may stand for
// a command we implement (PR, ORWRITE, COMPARE AND WRITE); "fully provisioned" may appear only on
// a fully provisioned LU (zoned), never on the thin LU. docs/interop.md and the README carry the
// same list.

export interface AcceptedSkip {
  /** The distinct `[SKIPPED]` lines of the test, in the order the tool prints them. */
  readonly lines: readonly string[];
  readonly reason: string;
}

/** `Suite.Test` -> the skip the tool may report for it on that LU with that libiscsi. */
export type SkipTable = Readonly<Record<string, AcceptedSkip>>;

const skipped = (what: string): string => `[SKIPPED] ${what}`;
const notImplemented = (op: string): string => skipped(`${op} is not implemented.`);

function accept(reason: string, lines: readonly string[], tests: readonly string[]): SkipTable {
  return Object.fromEntries(tests.map((t) => [t, { lines, reason }]));
}

const XCOPY =
  'EXTENDED COPY / RECEIVE COPY RESULTS (SPC-5) are optional; we offer no copy manager ' +
  '(no Third-party Copy VPD page), so the tool finds them not implemented.';
const XCOPY_LINES = [notImplemented('EXTENDEDCOPY')];
const RCR_LINES = [notImplemented('RECEIVECOPYRESULT'), notImplemented('RECEIVE_COPY_RESULTS')];
const DEFECTS = 'READ DEFECT DATA (SBC-4) is optional: an emulated medium has no defects.';
const NOT_REMOVABLE =
  'no removable medium (INQUIRY RMB = 0): PREVENT ALLOW MEDIUM REMOVAL and eject have nothing ' +
  'to act on.';
const NOT_WP = 'needs a write-protected LU; ours is writable (no read-only LU option).';
const SANITIZE =
  'destructive: the tool runs it only with --allow-sanitize, which the e2e does not pass ' +
  '(SANITIZE, SBC-4, is optional and not implemented).';
const ATOMIC =
  'WRITE ATOMIC (16) (SBC-4) is optional; Block Limits VPD advertises no atomic writes.';
const WSNZ =
  'Block Limits VPD WSNZ = 1: WRITE SAME with NUMBER OF LOGICAL BLOCKS 0 (to the end of the ' +
  'medium) is not supported, as SBC-4 allows.';
const MULTIPATH = 'needs a second URL to the same LU (iscsi-test-cu -m); the e2e gives one path.';

const SKIPS_THIN_COMMON: SkipTable = {
  ...accept(XCOPY, XCOPY_LINES, [
    'ExtendedCopy.Simple',
    'ExtendedCopy.ParamHdr',
    'ExtendedCopy.DescrType',
    'ExtendedCopy.ValidTgtDescr',
    'ExtendedCopy.ValidSegDescr',
  ]),
  ...accept(XCOPY, RCR_LINES, ['ExtendedCopy.DescrLimits', 'ReceiveCopyResults.OpParams']),
  ...accept(DEFECTS, [notImplemented('READDEFECTDATA10')], ['ReadDefectData10.Simple']),
  ...accept(DEFECTS, [notImplemented('READDEFECTDATA12')], ['ReadDefectData12.Simple']),
  ...accept(
    NOT_REMOVABLE,
    [skipped('Logical unit is not removable. Skipping test.')],
    [
      'PreventAllow.Simple',
      'PreventAllow.Eject',
      'PreventAllow.ITNexusLoss',
      'PreventAllow.Logout',
      'PreventAllow.WarmReset',
      'PreventAllow.ColdReset',
      'PreventAllow.LUNReset',
      'PreventAllow.2ITNexuses',
    ],
  ),
  ...accept(NOT_REMOVABLE, [skipped('Media is not removable.')], ['StartStopUnit.Simple']),
  ...accept(
    NOT_WP,
    [skipped('Logical unit is not write-protected. Skipping test.')],
    ['ReadOnly.ReadOnlySBC'],
  ),
  ...accept(
    SANITIZE,
    [skipped('--allow-sanitize flag is not set. Skipping test.')],
    [
      'Sanitize.BlockErase',
      'Sanitize.BlockEraseReserved',
      'Sanitize.CryptoErase',
      'Sanitize.CryptoEraseReserved',
      'Sanitize.ExitFailureMode',
      'Sanitize.InvalidServiceAction',
      'Sanitize.Overwrite',
      'Sanitize.OverwriteReserved',
      'Sanitize.Readonly',
      'Sanitize.Reservations',
      'Sanitize.Reset',
    ],
  ),
  ...accept(
    ATOMIC,
    [notImplemented('WRITEATOMIC16')],
    [
      'WriteAtomic16.Simple',
      'WriteAtomic16.BeyondEol',
      'WriteAtomic16.ZeroBlocks',
      'WriteAtomic16.WriteProtect',
      'WriteAtomic16.DpoFua',
      'WriteAtomic16.VPD',
    ],
  ),
  ...accept(WSNZ, [skipped('WRITESAME10 does not support 0-blocks.')], ['WriteSame10.ZeroBlocks']),
  ...accept(WSNZ, [skipped('WRITESAME16 does not support 0-blocks.')], ['WriteSame16.ZeroBlocks']),
  ...accept(
    MULTIPATH,
    [skipped('Multipath unavailable. Skipping test')],
    [
      'MultipathIO.Simple',
      'MultipathIO.Reset',
      'MultipathIO.CompareAndWrite',
      'MultipathIO.CompareAndWriteAsync',
    ],
  ),
};

/** libiscsi 1.19, `-t ALL` on the thin 512e LU; also its 512/512 GetLBAStatus run (none). */
export const SKIPS_THIN_119: SkipTable = Object.freeze({
  ...SKIPS_THIN_COMMON,
  ...accept(XCOPY, RCR_LINES, ['ReceiveCopyResults.CopyStatus']),
});

/** libiscsi 1.20, `-t ALL` on the thin 512e LU. */
export const SKIPS_THIN_120: SkipTable = Object.freeze({
  ...SKIPS_THIN_COMMON,
  ...accept(XCOPY, RCR_LINES, ['ExtendedCopy.Large']),
  ...accept(
    XCOPY,
    [notImplemented('Third-party Copy VPD page')],
    ['ReceiveCopyResults.CopyStatus'],
  ),
  // test_async_abort_simple.c logs out and drops its context at its end, and the suite logs in
  // once, so the rest of iSCSITMF finds no iSCSI device (tgt alike). The e2e runs these two again,
  // one process each, where they must pass.
  ...accept(
    "AbortTaskSimpleAsync ends the suite's session (any target); run again on their own.",
    [skipped('Not an iSCSI device. Skipping test')],
    ['iSCSITMF.LUNResetSimpleAsync', 'iSCSITMF.LogoutDuringIOAsync'],
  ),
  ...accept(
    'runs only on a session that logged in with CHAP; the e2e runs it again on a CHAP target.',
    [skipped('This test requires an iSCSI session with CHAP_A=5')],
    ['iSCSICHAP.Simple', 'iSCSICHAP.Invalid'],
  ),
});

/**
 * libiscsi 1.19, the iSCSI family on the host-managed LU (PDT 14h): these tests check for a
 * direct-access device (PDT 0) before they start; they pass on the thin LU in the ALL run.
 */
export const SKIPS_HOST_MANAGED_119: SkipTable = Object.freeze(
  accept(
    'the test needs PDT 0 (SBC); a host-managed LU is PDT 14h (SPC-5 6.7.2).',
    [skipped('Not SBC device. Skipping test')],
    [
      'iSCSIResiduals.Write10Residuals',
      'iSCSIResiduals.Write12Residuals',
      'iSCSIResiduals.Write16Residuals',
      'iSCSIResiduals.WriteVerify10Residuals',
      'iSCSIResiduals.WriteVerify12Residuals',
      'iSCSIResiduals.WriteVerify16Residuals',
      'iSCSITMF.AbortTaskSimpleAsync',
      'iSCSITMF.LUNResetSimpleAsync',
    ],
  ),
);

/** Runs where the tool may skip nothing (512/512 GetLBAStatus, lone iSCSITMF, iSCSICHAP). */
export const NO_SKIPS: SkipTable = Object.freeze({});
