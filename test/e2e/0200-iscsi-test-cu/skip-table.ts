// iscsi-test-cu tests that our target is allowed not to pass, each with the reason. Everything
// not listed must pass on ours, or be skipped by the tool itself for a reason in
// TOOL_SKIP_ACCEPTED (an optional feature we do not advertise). Keys are `Suite.Test`.
// Keep docs/interop.md in step.

/** libiscsi 1.19 (Debian 12), plain 512e LU (512-byte logical, 4096-byte physical blocks). */
export const SKIP: Readonly<Record<string, string>> = Object.freeze({
  'GetLBAStatus.UnmapSingle':
    'libiscsi test bug (1.19 and upstream): its second loop reads the status at LBA i+1 but ' +
    'expects the first descriptor at LBA i+LBPPB, so it fails on every LU with more than one ' +
    'logical block per physical block; SBC-4 5.8.2 puts the requested LBA in the first ' +
    'descriptor, as we do. The same suite passes on our 512/512 LU (run separately below).',
});

/** libiscsi 1.19, the iSCSI family on the host-managed LU (PDT 14h). */
export const SKIP_HOST_MANAGED: Readonly<Record<string, string>> = Object.freeze({});

/** libiscsi 1.20 (Debian 13, staged from the guest image), the iSCSI family. */
export const SKIP_120: Readonly<Record<string, string>> = Object.freeze({
  'iSCSISendTargets.Simple':
    'expects SendTargets=All to succeed in a Normal session; RFC 3720 Appendix D / RFC 7143 ' +
    'Appendix C: the value All "MUST NOT be supported on an operational session", so we answer ' +
    'SendTargets=Reject (tgt fails this test too)',
  'iSCSISendTargets.Invalid':
    'libiscsi 1.20 treats any key other than TargetName/TargetAddress in the Text Response (our ' +
    'RFC 7143 §6.2 answer SendTargetsPlease=NotUnderstood) as a protocol error, drops the ' +
    'connection, and its reconnect never sends a Login, so the test hangs (tgt answers with a ' +
    'Reject PDU and fails the last step of the test)',
});

/**
 * Reasons the tool gives when it skips a test that needs an optional feature (CUnit counts these
 * as passed). A skip for any other reason on ours (e.g. "Not SBC device" on a plain disk) fails.
 */
export const TOOL_SKIP_ACCEPTED: readonly RegExp[] = [
  /is not implemented/i, // optional commands: COMPARE AND WRITE, EXTENDED COPY, PR, ORWRITE, ...
  /PROUT Not Supported/,
  /Logical unit is not removable|Media is not removable/,
  /Logical unit is not write-protected/,
  /--allow-sanitize flag is not set/,
  /Multipath unavailable/,
  /does not support 0-blocks/, // WSNZ = 1 in VPD B0h
  /Logical unit is fully provisioned/,
  /requires an iSCSI session with CHAP_A=5/, // 1.20 iSCSICHAP on a session without CHAP
];

/** Extra tool skips accepted on the host-managed LU: the SBC-only tests skip on PDT 14h. */
export const TOOL_SKIP_ACCEPTED_HOST_MANAGED: readonly RegExp[] = [...TOOL_SKIP_ACCEPTED, /Not SBC device/];
