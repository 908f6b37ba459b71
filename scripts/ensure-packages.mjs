#!/usr/bin/env node
// Installs the Debian packages the test suite (or the benchmark) needs, when missing.
// Usage: node scripts/ensure-packages.mjs test|bench
import { execFileSync, spawnSync } from 'node:child_process';

const SETS = {
  test: {
    'qemu-system-x86_64': 'qemu-system-x86',
    '/usr/lib/x86_64-linux-gnu/qemu/block-iscsi.so': 'qemu-block-extra',
    cpio: 'cpio',
    'iscsi-inq': 'libiscsi-bin',
    sg_inq: 'sg3-utils',
    'dpkg-deb': 'dpkg',
    tgtd: 'tgt',
    // The guest builder (test/e2e/guest/build-guest.ts): apt-get download through a private apt
    // configuration signed by Debian's archive keys, ldconfig -r on the staged tree.
    'apt-get': 'apt',
    '/usr/share/keyrings/debian-archive-keyring.gpg': 'debian-archive-keyring',
    ldconfig: 'libc-bin',
    // The raw-CDB probe of test/e2e/0100-libiscsi-tools is compiled against libiscsi.
    '/usr/include/iscsi/iscsi.h': 'libiscsi-dev',
    cc: 'gcc',
    stdbuf: 'coreutils',
    // The control server's tests: tshark decodes the wire trace, chromium renders the zone map.
    tshark: 'tshark',
    chromium: 'chromium',
  },
  bench: {
    tgtd: 'tgt',
    '/usr/include/iscsi/iscsi.h': 'libiscsi-dev',
    cc: 'gcc',
    'iscsi-inq': 'libiscsi-bin',
    // The loopback TCP ceiling next to the bench's own socket pair (test/bench/tcp-ceiling.ts).
    iperf3: 'iperf3',
  },
};

function present(probe) {
  if (probe.startsWith('/')) return spawnSync('test', ['-e', probe]).status === 0;
  return spawnSync('sh', ['-c', `command -v ${probe}`], { stdio: 'ignore' }).status === 0;
}

const set = SETS[process.argv[2] ?? 'test'];
if (!set) {
  console.error(`ensure-packages: unknown set ${process.argv[2]}`);
  process.exit(2);
}
const missing = [
  ...new Set(
    Object.entries(set)
      .filter(([p]) => !present(p))
      .map(([, pkg]) => pkg),
  ),
];
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(
      `ensure-packages: missing Debian packages: ${missing.join(' ')} (run as root or install them)`,
    );
    process.exit(1);
  }
  console.log(`ensure-packages: installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    // tshark's package asks whether non-root users may capture; answer no without a prompt.
    if (missing.includes('tshark')) {
      execFileSync('debconf-set-selections', {
        input: 'wireshark-common wireshark-common/install-setuid boolean false\n',
        stdio: ['pipe', 'inherit', 'inherit'],
      });
    }
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      stdio: 'inherit',
      env,
    });
  } catch {
    console.error(
      `ensure-packages: apt-get could not install ${missing.join(' ')} (see its output above)`,
    );
    process.exit(1);
  }
}
