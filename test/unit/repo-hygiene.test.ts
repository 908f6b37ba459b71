// A clone of the repository must be readable on its own: no source, test or document may send the
// reader to working notes that live outside it (the notes named *-reference.md, a folder of
// findings, or the shared folder beside the clone). Comments cite the standards (RFC 7143, SPC-5, SBC-4, ZBC-2) or a file in docs/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = relative(root, fileURLToPath(import.meta.url))
  .split(sep)
  .join('/');

/** Spellings that point outside the repository, each with what to write instead. */
const OUTSIDE_NOTES: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /[\w-]+-reference\.md/, why: 'a reference note' },
  { pattern: /\b(?:zbc|iscsi|zac-sat|zone-domains)-reference\b/i, why: 'a reference note' },
  { pattern: /\biSCSI reference §/, why: 'the iSCSI reference note' },
  { pattern: /\bguest-testing guide\b|\bguest-testing §/, why: 'the guest-testing note' },
  { pattern: /\barchitecture §/, why: 'the architecture note' },
  { pattern: /\bfindings\//, why: 'a findings note' },
  { pattern: /\.\.\/shared\b|\/work\/shared\b/, why: 'the shared notes folder' },
];

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.cache', 'dist', 'bench-results']);

/** Files git tracks or would track (untracked but not ignored); a plain walk without git. */
function repositoryFiles(): string[] {
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    return out.split('\0').filter((f) => f !== '');
  } catch {
    return walk(root).map((f) => relative(root, f).split(sep).join('/'));
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIPPED_FOLDERS.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** `file:line: text` for every line that points at an outside note. */
function outsideNoteMentions(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const hit = OUTSIDE_NOTES.find(({ pattern }) => pattern.test(line));
    if (hit) found.push(`${file}:${i + 1}: ${hit.why}: ${line.trim()}`);
  });
  return found;
}

describe('the repository cites only what it contains', () => {
  const files = repositoryFiles().filter((f) => f !== SELF);

  it('sees the sources, tests and documents', () => {
    for (const f of [
      'README.md',
      'docs/interop.md',
      'zbc/zone-model.ts',
      'test/e2e/guest/init.sh',
    ]) {
      expect(files, f).toContain(f);
    }
  });

  it('recognises every spelling of an outside note', () => {
    // Spelled in parts so that a plain grep of the tree for these names finds none here.
    const ref = '-reference';
    const samples = [
      `// see zbc${ref} §11.3`,
      `/** (iscsi${ref} §2.6) */`,
      '// (iSCSI reference §5)',
      '# (guest-testing guide §4)',
      '// (architecture §3)',
      `// ${'findings'}/bench.md item 2`,
      `See [the notes](../${'shared'}/docs/zbc${ref}.md).`,
      `// the ZAC notes, zac-sat${ref}.md`,
    ];
    for (const s of samples) expect(outsideNoteMentions('x', s), s).toHaveLength(1);
    const fine = ['// RFC 7143 §6.3.5', '// ZBC-2 5.x, docs/zones.md', '# (guide.md §4)'];
    for (const s of fine) expect(outsideNoteMentions('x', s), s).toEqual([]);
  });

  it('no tracked file mentions a note that lives outside the repository', () => {
    const mentions = files.flatMap((file) => {
      const path = join(root, file);
      if (!existsSync(path) || !statSync(path).isFile()) return []; // deleted, or a symlinked folder
      const bytes = readFileSync(path);
      if (bytes.includes(0)) return []; // binary
      return outsideNoteMentions(file, bytes.toString('utf8'));
    });
    expect(mentions).toEqual([]);
  });
});
