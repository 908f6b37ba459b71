// `npx vite-node test/e2e/guest/libzbc-suite-cli.ts -- --libzbc DIR [options]`: runs libzbc's own
// test suite (zbc_test.sh) in the Debian guest against one LU of this target, attached with
// open-iscsi. libzbc is not packaged in Debian and cannot be fetched in CI, so this is a manual
// tool, not part of `npm test`: the user supplies a libzbc tree built with
// `./configure --with-test --disable-shared && make` (self-contained binaries). docs/libzbc.md
// has the commands and the results they gave.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTargetProcess } from '../../helpers/target-process.js';
import { packLibzbc, summarizeSuite } from './libzbc-suite.js';
import { composeScript, runGuest } from './run-guest.js';
import { buildGuest } from './build-guest.js';

const IQN = 'iqn.2026-11.dev.zbc-target:libzbc';
const USAGE = `usage: libzbc-suite-cli.ts --libzbc DIR [options]
  --libzbc DIR   libzbc source tree built with --with-test --disable-shared
  --profile P    drive profile of the LU (default zd-hybrid)
  --lun JSON     extra LU config fields, e.g. '{"interface":"sata"}'
  --args A       zbc_test.sh arguments before the device (default none: the full run)
  --sections S   run sections S once on the LU's current layout, as zbc_test.sh runs them
                 inside each section-04 layout (ZBC_TEST_SECTION_LIST), e.g. "03 05"
  --timeout M    guest time limit in minutes (default 170)
  --log FILE     also write the guest's output to FILE`;

const { values } = parseArgs({
  options: {
    libzbc: { type: 'string' },
    profile: { type: 'string', default: 'zd-hybrid' },
    lun: { type: 'string', default: '{}' },
    args: { type: 'string', default: '' },
    sections: { type: 'string' },
    timeout: { type: 'string', default: '170' },
    log: { type: 'string' },
  },
  allowPositionals: true,
});
if (!values.libzbc) {
  console.error(USAGE);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'zbc-libzbc-'));
const config = join(dir, 'targets.json');
const lun = { lun: 0, memory: true, profile: values.profile, ...JSON.parse(values.lun) };
writeFileSync(config, JSON.stringify({ targets: [{ name: IQN, luns: [lun] }] }));
const pkg = join(dir, 'libzbc.tgz');
packLibzbc(values.libzbc, pkg, dir);
const payload = `${readFileSync(pkg).toString('base64').replace(/.{76}/g, '$&\n')}\n`;

const sectionList = values.sections ? `ZBC_TEST_SECTION_LIST="${values.sections}" ` : '';
const ata = /(^|\s)(-a|--ata)(\s|$)/.test(values.args) ? '-ata' : '';
const run = `${sectionList}bash ./zbc_test.sh ${values.args}`;
// The guest has no `tput`; libzbc's result column only needs a width.
const body = [
  `base64 -d > /tmp/libzbc.tgz <<'PKGEOF'\n${payload}PKGEOF`,
  'mkdir -p /libzbc && busybox tar xzf /tmp/libzbc.tgz -C /libzbc || fail libzbc.unpack "tar"',
  'mkdir -p /usr/local/bin && printf "#!/bin/sh\\necho 120\\n" > /usr/local/bin/tput',
  'chmod +x /usr/local/bin/tput',
  'export PATH=/usr/local/bin:$PATH:/libzbc/tools',
  `lsscsi -g; /libzbc/tools/zbc_info ${ata} /dev/$SG 2>&1 || true`,
  `echo '=== ${run} /dev/'$SG`,
  `(cd /libzbc/test && ${run} /dev/$SG 2>&1); echo "suite rc=$?"`,
  // One line per case result (children of 04 included) and the tail of each failed case's log.
  'cd /libzbc/test && grep -r "^TESTRESULT==" log | sed "s/^/@@RESULT /"',
  'for f in $(grep -rl "^TESTRESULT==F" log); do echo "@@FAILED $f"; tail -n 25 "$f"; done',
].join('\n');
const script = composeScript([]).replace('finish\n', `${body}\nfinish\n`);

const target = await startTargetProcess(['--config', config]);
try {
  const started = Date.now();
  const result = await runGuest({
    image: buildGuest(),
    script,
    env: { MODE: 'iscsi', PORTAL: `10.0.2.2:${target.port}`, IQN, LUN: 0 },
    timeoutMs: Number(values.timeout) * 60_000,
    // Live progress: libzbc prints one line per case.
    onLine: (line) => {
      if (!line.startsWith('@@RESULT')) console.log(line);
    },
  });
  if (values.log) writeFileSync(values.log, result.output);
  console.log(summarizeSuite(result.output));
  console.log(`guest ${result.status} in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
} finally {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
}
