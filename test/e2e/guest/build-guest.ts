// Builds the Debian 13 (kernel 6.12) test guest: a kernel and a newc initramfs made from .deb files
// fetched with `apt-get download` through a private apt configuration, unpacked with `dpkg-deb -x`
// (nothing is installed on the host). Cached under .cache/guest/ keyed by a hash of the package
// versions, the module list and this builder's own sources. Recipe: guide.md §§1-4, 8.
//
// Run alone: `npx vite-node test/e2e/guest/build-guest-cli.ts` (ZBC_GUEST_NESTED=1 for the nested image).
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AvailPackage, PrivateApt, debFileName, parseAvail } from './private-apt.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');
export const guestCacheDir = join(repoRoot, '.cache', 'guest');

/** Userland packages whose whole content goes into the guest; libraries follow from their Depends. */
const USERLAND = [
  'busybox-static',
  'dash',
  'bash',
  'coreutils',
  'kmod',
  'open-iscsi',
  'sg3-utils',
  'util-linux',
  'util-linux-extra',
  'fio',
  'btrfs-progs',
  'f2fs-tools',
  'zonefs-tools',
  'e2fsprogs',
  'libiscsi-bin',
  'lsscsi',
  'libc6',
  'liblzma5',
  'libzstd1',
  'iproute2',
  // The ATA face of SATA LUs: smartctl, hdparm and udev's ata_id (run by hand: no udevd).
  'smartmontools',
  'hdparm',
  'udev',
];
/** Added for the nested mode: trixie's QEMU inside the guest (guide.md, "Nested guests"). */
const NESTED_EXTRA = ['qemu-system-x86', 'qemu-system-common', 'qemu-system-data', 'seabios'];

/** Library packages the Depends walk must not follow (configuration or daemons, not libraries). */
const NOT_FOLLOWED = new Set([
  'libpam-modules',
  'libpam-runtime',
  'libpam-modules-bin',
  'libc-bin',
  'libgl1-mesa-dri',
]);

/** Kernel modules (by name) whose dependency closure goes into the guest. */
const MODULES = [
  'virtio_pci',
  'virtio_net',
  'virtio_scsi',
  'virtio_blk',
  'scsi_mod',
  'sd_mod',
  'sg',
  'iscsi_tcp',
  'scsi_debug',
  'crc32c_generic',
  'crc32c_intel',
  'zonefs',
  'btrfs',
  'f2fs',
  'null_blk',
  'dm_zoned',
  'loop',
  'ext4',
  'tun',
  'kvm',
];
/** Whole module folders copied so that crypto and library aliases resolve (guide.md §1). */
const MODULE_DIRS = ['kernel/crypto', 'kernel/lib', 'kernel/arch/x86/crypto'];

export interface GuestImage {
  kernel: string;
  initrd: string;
  key: string;
  kernelVersion: string;
  nested: boolean;
  packages: string[];
  missingLibraries: string[];
}

function isLibraryPackage(name: string): boolean {
  return (
    (name.startsWith('lib') || name === 'zlib1g' || name === 'seabios') && !NOT_FOLLOWED.has(name)
  );
}

/** Roots plus the transitive closure of their library Depends (first satisfiable alternative). */
export function packageClosure(table: Map<string, AvailPackage>, roots: string[]): AvailPackage[] {
  const providers = new Map<string, string>();
  for (const p of table.values())
    for (const v of p.provides) if (!providers.has(v)) providers.set(v, p.name);
  const resolve = (name: string): AvailPackage | undefined => {
    const direct = table.get(name);
    if (direct) return direct;
    const via = providers.get(name);
    return via === undefined ? undefined : table.get(via);
  };
  const out = new Map<string, AvailPackage>();
  const queue: AvailPackage[] = [];
  for (const r of roots) {
    const p = table.get(r);
    if (!p) throw new Error(`build-guest: package ${r} is not in the trixie index`);
    queue.push(p);
  }
  while (queue.length > 0) {
    const p = queue.shift() as AvailPackage;
    if (out.has(p.name)) continue;
    out.set(p.name, p);
    for (const group of p.depends) {
      const chosen = group.map(resolve).find((x) => x !== undefined);
      if (chosen && isLibraryPackage(chosen.name) && !out.has(chosen.name)) queue.push(chosen);
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function kernelPackage(table: Map<string, AvailPackage>): AvailPackage {
  const meta = table.get('linux-image-amd64');
  const name = meta?.depends.flat().find((d) => /^linux-image-\d/.test(d));
  const pkg = name === undefined ? undefined : table.get(name);
  if (!pkg) throw new Error('build-guest: cannot resolve linux-image-amd64 in the trixie index');
  return pkg;
}

function sh(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(cwd ? { cwd } : {}),
  });
}

/** A staging root with the merged-/usr links of Debian 13 (guide.md §8). */
function makeMergedRoot(dir: string): void {
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64'])
    mkdirSync(join(dir, d), { recursive: true });
  for (const l of ['bin', 'sbin', 'lib', 'lib64']) symlinkSync(`usr/${l}`, join(dir, l));
}

function walk(dir: string, visit: (path: string) => void): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p, visit);
    else visit(p);
  }
}

function isElf(path: string): boolean {
  try {
    const fd = readFileSync(path);
    return fd.length > 4 && fd.readUInt32BE(0) === 0x7f454c46;
  } catch {
    return false;
  }
}

function libraryDirs(root: string): string[] {
  const dirs = new Set<string>();
  for (const base of ['usr/lib/x86_64-linux-gnu', 'usr/lib']) {
    const abs = join(root, base);
    if (!existsSync(abs)) continue;
    walk(abs, (p) => {
      if (/\.so(\.\d+)*$/.test(p) && !p.includes('/modules/'))
        dirs.add(`/${relative(root, dirname(p))}`);
    });
  }
  return [...dirs].sort();
}

function loader(root: string): string {
  return join(root, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
}

/** Runs the staged kmod as depmod through the staged loader (the host may have no kmod). */
function depmod(stage: string, base: string, version: string): void {
  const libs = join(stage, 'usr/lib/x86_64-linux-gnu');
  execFileSync(
    loader(stage),
    ['--library-path', libs, '--argv0', 'depmod', join(stage, 'usr/bin/kmod'), '-b', base, version],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

/** Libraries every guest ELF binary needs that the guest tree cannot provide (guide.md §3). */
function missingLibraries(root: string, dirs: string[]): string[] {
  const libPath = dirs.map((d) => join(root, d)).join(':');
  const missing = new Set<string>();
  for (const bin of ['usr/bin', 'usr/sbin']) {
    for (const name of readdirSync(join(root, bin))) {
      const path = join(root, bin, name);
      if (!lstatSync(path).isFile() || !isElf(path)) continue;
      const r = spawnSync(loader(root), ['--inhibit-cache', '--library-path', libPath, path], {
        env: { LD_TRACE_LOADED_OBJECTS: '1' },
        encoding: 'utf8',
      });
      for (const line of (r.stdout ?? '').split('\n')) {
        const m = /^\s*(\S+) => not found/.exec(line);
        if (m?.[1]) missing.add(`${name}: ${m[1]}`);
      }
    }
  }
  return [...missing].sort();
}

function writeExecutable(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Packs a directory as a newc cpio archive owned by root (guide.md §4). */
export function packCpio(dir: string, out: string): void {
  execFileSync(
    'bash',
    [
      '-c',
      'set -o pipefail; find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet > "$OUT"',
    ],
    {
      cwd: dir,
      env: { ...process.env, OUT: out },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

/** A small per-run archive (scenario script, environment) to concatenate after the base one. */
export function makeRunArchive(files: Record<string, string>, outDir: string = tmpdir()): string {
  const dir = join(
    outDir,
    `zbc-run-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
  );
  for (const [path, text] of Object.entries(files)) writeExecutable(join(dir, path), text);
  const out = `${dir}.cpio`;
  packCpio(dir, out);
  rmSync(dir, { recursive: true, force: true });
  return out;
}

function buildInputsHash(parts: string[]): string {
  const h = createHash('sha256');
  for (const f of ['build-guest.ts', 'private-apt.ts', 'init.sh', 'inner-init.sh'])
    h.update(readFileSync(join(here, f)));
  for (const p of parts) h.update(`${p}\n`);
  return h.digest('hex').slice(0, 16);
}

export interface BuildOptions {
  nested?: boolean;
  log?: (line: string) => void;
}

export function buildGuest(opts: BuildOptions = {}): GuestImage {
  const log = opts.log ?? ((line: string) => process.stderr.write(`build-guest: ${line}\n`));
  const apt = new PrivateApt(guestCacheDir);
  apt.update();
  const table = parseAvail(apt.dumpavail());
  const kernel = kernelPackage(table);
  const roots = [...USERLAND, ...(opts.nested ? NESTED_EXTRA : [])];
  const packages = packageClosure(table, roots);
  const versions = packages.map((p) => `${p.name}=${p.version}`);
  const key = buildInputsHash([
    `kernel ${kernel.name}=${kernel.version}`,
    ...versions,
    ...MODULES,
    ...MODULE_DIRS,
    opts.nested ? 'nested' : 'plain',
  ]);
  const imageDir = join(guestCacheDir, 'images', key);
  const manifestPath = join(imageDir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const now = new Date();
    utimesSync(manifestPath, now, now); // marks the image as in use (pruneImages keeps it)
    const cached = JSON.parse(readFileSync(manifestPath, 'utf8')) as GuestImage;
    return {
      ...cached,
      kernel: join(imageDir, 'vmlinuz'),
      initrd: join(imageDir, 'initramfs.cpio'),
    };
  }

  const started = Date.now();
  const debDir = join(guestCacheDir, 'debs');
  mkdirSync(debDir, { recursive: true });
  const all = [kernel, ...packages];
  const need = all.filter((p) => !existsSync(join(debDir, debFileName(p))));
  log(`${all.length} packages (${need.length} to fetch), key ${key}`);
  apt.download(debDir, need);
  for (const p of all)
    if (!existsSync(join(debDir, debFileName(p))))
      throw new Error(`build-guest: ${debFileName(p)} missing after apt-get download`);

  const work = join(guestCacheDir, `work-${key}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  const root = join(work, 'root');
  const kstage = join(work, 'kernel');
  makeMergedRoot(root);
  makeMergedRoot(kstage);
  for (const p of packages) execFileSync('dpkg-deb', ['-x', join(debDir, debFileName(p)), root]);
  execFileSync('dpkg-deb', ['-x', join(debDir, debFileName(kernel)), kstage]);

  // busybox applets where no real binary exists; /bin/sh is dash for GNU dd/od (guide.md §4).
  const applets = sh(join(root, 'usr/bin/busybox'), ['--list-full']).split('\n').filter(Boolean);
  for (const a of applets) {
    const rel = a.replace(/^(usr\/)?/, 'usr/');
    const target = join(root, rel);
    if (existsSync(target) || lstatSync(dirname(target), { throwIfNoEntry: false }) === undefined)
      continue;
    symlinkSync('/usr/bin/busybox', target);
  }
  rmSync(join(root, 'usr/bin/sh'), { force: true });
  symlinkSync('dash', join(root, 'usr/bin/sh'));

  // Kernel: the .deb has no modules.dep, so run depmod on the unpacked tree first (guide.md §1).
  const kernelVersion = readdirSync(join(kstage, 'usr/lib/modules'))[0] ?? '';
  const vmlinuz = join(kstage, 'boot', `vmlinuz-${kernelVersion}`);
  depmod(root, kstage, kernelVersion);
  const kmods = join(kstage, 'usr/lib/modules', kernelVersion);
  const deps = new Map<string, string[]>();
  for (const line of readFileSync(join(kmods, 'modules.dep'), 'utf8').split('\n')) {
    const [mod, rest] = line.split(':');
    if (mod && rest !== undefined) deps.set(mod, rest.trim().split(/\s+/).filter(Boolean));
  }
  const byName = new Map<string, string>();
  for (const path of deps.keys())
    byName.set(
      path
        .replace(/^.*\//, '')
        .replace(/\.ko(\.xz|\.zst)?$/, '')
        .replace(/-/g, '_'),
      path,
    );
  const wanted = new Set<string>();
  const addModule = (path: string): void => {
    if (wanted.has(path)) return;
    wanted.add(path);
    for (const d of deps.get(path) ?? []) addModule(d);
  };
  for (const m of MODULES) {
    const path = byName.get(m);
    if (path) addModule(path);
  }
  for (const path of deps.keys())
    if (MODULE_DIRS.some((d) => path.startsWith(`${d}/`))) addModule(path);
  const gmods = join(root, 'usr/lib/modules', kernelVersion);
  for (const path of wanted) {
    mkdirSync(dirname(join(gmods, path)), { recursive: true });
    copyFileSync(join(kmods, path), join(gmods, path));
  }
  for (const f of ['modules.builtin', 'modules.builtin.modinfo', 'modules.order']) {
    if (existsSync(join(kmods, f))) copyFileSync(join(kmods, f), join(gmods, f));
  }
  depmod(root, root, kernelVersion);

  // open-iscsi without systemd (guide.md §4).
  const iscsidConf = join(root, 'etc/iscsi/iscsid.conf');
  const conf = readFileSync(iscsidConf, 'utf8')
    .replace(/^#?\s*iscsid\.startup\s*=.*$/gm, '')
    .replace(/^node\.startup\s*=.*$/gm, '');
  writeFileSync(iscsidConf, `${conf}\niscsid.startup = /usr/sbin/iscsid\nnode.startup = manual\n`);
  for (const d of [
    'proc',
    'sys',
    'dev',
    'tmp',
    'run',
    'mnt',
    'var/lib/iscsi',
    'etc/iscsi/nodes',
    'etc/iscsi/send_targets',
    'etc/iscsi/ifaces',
    'scenario',
  ]) {
    mkdirSync(join(root, d), { recursive: true });
  }
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  writeFileSync(join(root, 'etc/hostname'), 'zbc-guest\n');
  writeExecutable(join(root, 'init'), readFileSync(join(here, 'init.sh'), 'utf8'));

  // Documentation and translations are dead weight in RAM.
  for (const d of [
    'usr/share/doc',
    'usr/share/man',
    'usr/share/locale',
    'usr/share/info',
    'usr/share/lintian',
    'usr/share/bash-completion',
    'usr/share/zsh',
  ]) {
    rmSync(join(root, d), { recursive: true, force: true });
  }

  const dirs = libraryDirs(root);
  writeFileSync(join(root, 'etc/ld.so.conf'), `${dirs.join('\n')}\n`);
  writeFileSync(join(root, 'etc/ld.so.libpath'), dirs.join(':'));
  execFileSync('ldconfig', ['-r', root], { stdio: ['ignore', 'ignore', 'ignore'] });
  const missing = missingLibraries(root, dirs);
  if (missing.length > 0) log(`unresolved libraries: ${missing.join(', ')}`);

  if (opts.nested) buildInnerImage(root, dirs, work, vmlinuz);

  mkdirSync(imageDir, { recursive: true });
  const initrd = join(imageDir, 'initramfs.cpio');
  packCpio(root, `${initrd}.${process.pid}.tmp`);
  renameSync(`${initrd}.${process.pid}.tmp`, initrd);
  copyFileSync(vmlinuz, join(imageDir, 'vmlinuz'));
  rmSync(work, { recursive: true, force: true });
  const image: GuestImage = {
    kernel: join(imageDir, 'vmlinuz'),
    initrd,
    key,
    kernelVersion,
    nested: opts.nested === true,
    packages: versions,
    missingLibraries: missing,
  };
  writeFileSync(manifestPath, JSON.stringify(image, null, 2));
  pruneImages(image);
  log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return image;
}

/** Binaries of the inner (second-level) guest of the nested mode: busybox, blkzone, sg3_utils, dd. */
const INNER_BINARIES = [
  'usr/bin/busybox',
  'usr/bin/kmod',
  'usr/sbin/blkzone',
  'usr/bin/dd',
  'usr/bin/sg_raw',
  'usr/bin/sg_rep_zones',
  'usr/bin/sg_zone',
  'usr/bin/sg_reset_wp',
  'usr/bin/sg_turs',
  'usr/bin/sg_vpd',
  'usr/bin/sg_readcap',
  'usr/bin/sg_inq',
  'usr/sbin/mkzonefs',
  'usr/bin/od',
  'usr/bin/dash',
];

/** Files (inside root) of the libraries a binary loads, per the loader's trace (guide.md §3). */
function tracedLibraries(root: string, dirs: string[], bin: string): string[] {
  const libPath = dirs.map((d) => join(root, d)).join(':');
  const r = spawnSync(
    loader(root),
    ['--inhibit-cache', '--library-path', libPath, join(root, bin)],
    {
      env: { LD_TRACE_LOADED_OBJECTS: '1' },
      encoding: 'utf8',
    },
  );
  const out: string[] = [];
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /=> (\S+) \(0x/.exec(line);
    if (m?.[1]?.startsWith(root)) out.push(relative(root, m[1]));
  }
  return out;
}

/**
 * The nested mode's inner guest (guide.md, Nested guests): a small initramfs with busybox, blkzone,
 * sg3_utils, dd and the modules, plus the same kernel, placed in the outer guest at /inner/.
 */
function buildInnerImage(root: string, dirs: string[], work: string, vmlinuz: string): void {
  const inner = join(work, 'inner');
  makeMergedRoot(inner);
  const files = new Set<string>(['usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2']);
  for (const bin of INNER_BINARIES) {
    if (!existsSync(join(root, bin))) continue;
    files.add(bin);
    for (const lib of tracedLibraries(root, dirs, bin)) files.add(lib);
  }
  for (const lib of ['liblzma.so.5', 'libzstd.so.1']) files.add(`usr/lib/x86_64-linux-gnu/${lib}`);
  for (const f of files) {
    mkdirSync(dirname(join(inner, f)), { recursive: true });
    copyFileSync(join(root, f), join(inner, f)); // copyFileSync follows symlinks: the soname gets the file
  }
  chmodSync(join(inner, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'), 0o755);
  // The ELF interpreter path of every binary (libc6 ships this link; we copied files only).
  symlinkSync(
    '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
    join(inner, 'usr/lib64/ld-linux-x86-64.so.2'),
  );
  const applets = execFileSync(join(root, 'usr/bin/busybox'), ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const a of applets) {
    const target = join(inner, a.replace(/^(usr\/)?/, 'usr/'));
    if (existsSync(target) || !existsSync(dirname(target))) continue;
    symlinkSync('/usr/bin/busybox', target);
  }
  rmSync(join(inner, 'usr/bin/sh'), { force: true });
  symlinkSync('dash', join(inner, 'usr/bin/sh'));
  for (const l of ['modprobe', 'insmod', 'lsmod', 'depmod']) {
    rmSync(join(inner, 'usr/sbin', l), { force: true });
    symlinkSync('../bin/kmod', join(inner, 'usr/sbin', l));
  }
  execFileSync('cp', ['-a', join(root, 'usr/lib/modules'), join(inner, 'usr/lib/')]);
  for (const d of ['proc', 'sys', 'dev', 'tmp', 'run', 'mnt', 'etc', 'scenario'])
    mkdirSync(join(inner, d), { recursive: true });
  writeExecutable(join(inner, 'init'), readFileSync(join(here, 'inner-init.sh'), 'utf8'));
  mkdirSync(join(root, 'inner'), { recursive: true });
  packCpio(inner, join(root, 'inner', 'initrd.cpio'));
  copyFileSync(vmlinuz, join(root, 'inner', 'vmlinuz'));
}

/** Drops older images of the same flavour (their inputs changed), keeping the cache bounded. */
/** Images another checkout used this recently stay: worktrees sharing .cache build different ones. */
const IMAGE_KEEP_MS = 12 * 60 * 60 * 1000;

function pruneImages(current: GuestImage): void {
  const dir = join(guestCacheDir, 'images');
  for (const key of readdirSync(dir)) {
    if (key === current.key) continue;
    const manifest = join(dir, key, 'manifest.json');
    try {
      if (Date.now() - statSync(manifest).mtimeMs < IMAGE_KEEP_MS) continue;
      const other = JSON.parse(readFileSync(manifest, 'utf8')) as Partial<GuestImage>;
      if ((other.nested === true) === current.nested)
        rmSync(join(dir, key), { recursive: true, force: true });
    } catch {
      // no manifest yet: another process may be building it right now
    }
  }
}
