// A private apt configuration that reaches Debian 13 (trixie) through the host's own mirror, without
// touching the host's apt state. The mirror URI and Signed-By key are read from the host's sources
// at run time so that no host name is ever written into the repository (guide.md §8).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MirrorSource {
  uri: string;
  signedBy: string | undefined;
}

const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** Parses deb822 stanzas (blank-line separated "Key: value" blocks, comments dropped). */
function deb822Stanzas(text: string): Map<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        if (line.startsWith('#')) continue;
        const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (m?.[1] !== undefined && m[2] !== undefined) fields.set(m[1].toLowerCase(), m[2].trim());
      }
      return fields;
    })
    .filter((f) => f.size > 0);
}

/** Finds the host's Debian main-archive entry (the one serving `bookworm` or `trixie`). */
export function hostDebianMirror(): MirrorSource {
  const dir = '/etc/apt/sources.list.d';
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sources')) : [];
  for (const file of files) {
    for (const s of deb822Stanzas(readFileSync(join(dir, file), 'utf8'))) {
      const suites = (s.get('suites') ?? '').split(/\s+/);
      const uri = (s.get('uris') ?? '').split(/\s+/)[0];
      if (uri && suites.some((x) => x === 'bookworm' || x === 'trixie')) {
        return { uri, signedBy: s.get('signed-by') };
      }
    }
  }
  const list = '/etc/apt/sources.list';
  if (existsSync(list)) {
    for (const line of readFileSync(list, 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(bookworm|trixie)\s/.exec(line);
      if (m?.[2]) {
        const signed = /signed-by=(\S+)/.exec(m[1] ?? '')?.[1];
        return { uri: m[2], signedBy: signed };
      }
    }
  }
  throw new Error('private-apt: no bookworm/trixie entry in the host apt sources');
}

export class PrivateApt {
  readonly dir: string;
  constructor(
    cacheDir: string,
    readonly suite = 'trixie',
  ) {
    this.dir = join(cacheDir, `apt-${suite}`);
  }

  private options(): string[] {
    return [
      '-o',
      'Dir::Etc::SourceList=/dev/null',
      '-o',
      `Dir::Etc::SourceParts=${join(this.dir, 'sources')}`,
      '-o',
      `Dir::State::Lists=${join(this.dir, 'lists')}`,
      '-o',
      `Dir::Cache=${join(this.dir, 'cache')}`,
      '-o',
      'Dir::State::status=/dev/null',
      '-o',
      'Debug::NoLocking=1',
      '-o',
      'Acquire::Languages=none',
      '-o',
      'APT::Sandbox::User=root',
    ];
  }

  /** Writes the private source list (at run time, from the host's) and refreshes it when stale. */
  update(maxAgeHours = 24): void {
    const mirror = hostDebianMirror();
    for (const d of ['sources', 'lists/partial', 'cache/archives/partial'])
      mkdirSync(join(this.dir, d), { recursive: true });
    const signedBy = mirror.signedBy ?? DEBIAN_KEYRING;
    const sources = `Types: deb\nURIs: ${mirror.uri}\nSuites: ${this.suite}\nComponents: main\nSigned-By: ${signedBy}\n`;
    const sourcesFile = join(this.dir, 'sources', `${this.suite}.sources`);
    const changed = !existsSync(sourcesFile) || readFileSync(sourcesFile, 'utf8') !== sources;
    if (changed) writeFileSync(sourcesFile, sources);
    const stamp = join(this.dir, 'updated');
    const fresh =
      existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < maxAgeHours * 3600_000;
    if (!changed && fresh && process.env.ZBC_GUEST_REFRESH !== '1') return;
    execFileSync('apt-get', [...this.options(), '-qq', 'update'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    writeFileSync(stamp, new Date().toISOString());
  }

  dumpavail(): string {
    return execFileSync('apt-cache', [...this.options(), 'dumpavail'], {
      maxBuffer: 512 * 1024 * 1024,
      encoding: 'utf8',
    });
  }

  /** `apt-get download` of exact versions into dir (one call: apt pipelines the fetches). */
  download(dir: string, pkgs: { name: string; version: string }[]): void {
    if (pkgs.length === 0) return;
    execFileSync(
      'apt-get',
      [...this.options(), '-qq', 'download', ...pkgs.map((p) => `${p.name}=${p.version}`)],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
}

export interface AvailPackage {
  name: string;
  version: string;
  arch: string;
  depends: string[][]; // Pre-Depends + Depends, each an OR-group of package names
  provides: string[];
}

function parseRelations(text: string | undefined): string[][] {
  if (!text) return [];
  return text.split(',').map((group) =>
    group
      .split('|')
      .map((alt) => alt.trim().split(/[\s(:]/)[0] ?? '')
      .filter((n) => n.length > 0),
  );
}

/** The "package version" table from `apt-cache dumpavail` (guide.md §8: one query). */
export function parseAvail(text: string): Map<string, AvailPackage> {
  const table = new Map<string, AvailPackage>();
  for (const block of text.split('\n\n')) {
    const field = (name: string): string | undefined => {
      const m = new RegExp(`^${name}: (.*)$`, 'm').exec(block);
      return m?.[1];
    };
    const name = field('Package');
    const version = field('Version');
    if (!name || !version) continue;
    if (table.has(name)) continue;
    table.set(name, {
      name,
      version,
      arch: field('Architecture') ?? 'amd64',
      depends: [...parseRelations(field('Pre-Depends')), ...parseRelations(field('Depends'))],
      provides: parseRelations(field('Provides')).flat(),
    });
  }
  return table;
}

/** apt-get download names files `name_version_arch.deb` with the epoch colon URL-quoted. */
export function debFileName(p: AvailPackage): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.arch}.deb`;
}
