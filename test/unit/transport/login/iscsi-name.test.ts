// iSCSI names (RFC 7143 §4.2.7, RFC 3722): what a login may name itself.
import { describe, expect, it } from 'vitest';
import { iscsiNameProblem, normalizeIscsiName } from '../../../../transport/login/iscsi-name.js';

describe('iscsiNameProblem', () => {
  it.each([
    'iqn.2026-11.dev.zbc-target:default',
    'iqn.1993-08.org.debian:01:abcdef0123',
    'iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test',
    'iqn.2026-11.example.com:名前',
    'eui.02004567A425678D',
    'naa.52004567BA64678D',
    'naa.62004567BA64678D0123456789ABCDEF',
    // Other spellings of a valid name: RFC 3722 case-folds and NFKC-normalizes them.
    'iqn.2008-11.org.linux-kvm:Win10-VM',
    'IQN.2026-11.test:x',
    'iqn.2026-11.test:ﬁle',
    `iqn.2026-11.t:${'a'.repeat(223 - 'iqn.2026-11.t:'.length)}`,
  ])('accepts %s', (name) => {
    expect(iscsiNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['iqn.2026-11.test:bad-\ufffd\ufffd', 'holds a character that RFC 3722 does not allow'],
    ['iqn.2026-11.test:with space', 'holds a character that RFC 3722 does not allow'],
    ['iqn.2026-11.test:ctl\u0001', 'holds a character that RFC 3722 does not allow'],
    ['iqn.2026-11.test:under_score', 'holds a character that RFC 3722 does not allow'],
    ['iqn.26-11.test:x', 'not of the form iqn.yyyy-mm.<domain>[:<name>]'],
    ['iqn.2026-13.test:x', 'not of the form iqn.yyyy-mm.<domain>[:<name>]'],
    ['iqn.2026-11.:x', 'not of the form iqn.yyyy-mm.<domain>[:<name>]'],
    ['eui.0200456', 'not of the form eui.<16 hex digits>'],
    ['naa.52004567BA64678D01', 'not of the form naa.<16 or 32 hex digits>'],
    ['disk', 'not an iqn., eui. or naa. name'],
    [`iqn.2026-11.t:${'a'.repeat(224 - 'iqn.2026-11.t:'.length)}`, 'longer than 223 bytes'],
    // 223 characters but more than 223 bytes: the limit counts UTF-8 bytes.
    [`iqn.2026-11.t:${'é'.repeat(223 - 'iqn.2026-11.t:'.length)}`, 'longer than 223 bytes'],
  ])('refuses %j: %s', (name, problem) => {
    expect(iscsiNameProblem(name)).toBe(problem);
  });

  it('normalizes to the RFC 3722 form that identity and ACLs compare', () => {
    const kvm = normalizeIscsiName('IQN.2008-11.org.Linux-KVM:Win10');
    expect(kvm).toBe('iqn.2008-11.org.linux-kvm:win10');
    expect(normalizeIscsiName('iqn.2026-11.test:ﬁle')).toBe('iqn.2026-11.test:file');
  });
});
