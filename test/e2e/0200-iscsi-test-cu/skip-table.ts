// Per-suite iscsi-test-cu runs: tests our target is allowed not to pass there, each with the
// reason, and the reasons for which the tool may skip a test (an optional feature we do not
// advertise). The one-process ALL runs have their own table, all-run-excuses.ts. Keys are
// `Suite.Test`. Keep docs/interop.md in step.

/** libiscsi 1.19, the iSCSI family on the host-managed LU (PDT 14h). */
export const SKIP_HOST_MANAGED: Readonly<Record<string, string>> = Object.freeze({});

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
