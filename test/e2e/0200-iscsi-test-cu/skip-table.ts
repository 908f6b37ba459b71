// iscsi-test-cu tests that our target is allowed to fail, each with the reason. Everything not
// listed here must pass on ours (or be skipped by the tool itself, e.g. "not implemented" for an
// optional command we do not advertise). Keys are `Suite.Test`. Keep docs/interop.md in step.
export const SKIP: Readonly<Record<string, string>> = Object.freeze({});

/** Same, for the iSCSI family run against the host-managed LUN (PDT 14h). */
export const SKIP_HOST_MANAGED: Readonly<Record<string, string>> = Object.freeze({});
