// The layering rule of the project (transport -> scsi -> zbc; sense-tables imports nothing) and
// an import graph without cycles, checked over every source file's import and export-from
// specifiers, `import type` included.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = ['sense-tables', 'zbc', 'scsi', 'transport', 'src'] as const;
type Layer = (typeof LAYERS)[number];

/** Repo-relative paths (or folders, ending in '/') a layer may import, besides itself. */
const ALLOWED_LOCAL: Record<Layer, readonly string[]> = {
  'sense-tables': [],
  zbc: [],
  scsi: ['zbc/', 'sense-tables/'],
  transport: ['scsi/target-contract.ts', 'sense-tables/'],
  src: ['transport/', 'scsi/', 'zbc/', 'sense-tables/'],
};
/** Packages (and node: modules) a layer may import. */
const ALLOWED_PACKAGES: Record<Layer, (spec: string) => boolean> = {
  'sense-tables': () => false,
  zbc: () => false,
  scsi: (s) => s === 'debug',
  transport: (s) =>
    s.startsWith('node:') || ['debug', '@node-rs/crc32', 'smart-buffer'].includes(s),
  src: () => true,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const re =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(re)].map((m) => (m[1] ?? m[2]) as string);
}

const files = LAYERS.flatMap((layer) =>
  sourceFiles(join(root, layer)).map((file) => ({ layer, file: relative(root, file) })),
);

describe('layering', () => {
  it('finds source files in every layer', () => {
    for (const layer of LAYERS)
      expect(
        files.some((f) => f.layer === layer),
        layer,
      ).toBe(true);
  });

  it.each(files)('$file imports only what its layer allows', ({ layer, file }) => {
    for (const spec of specifiers(join(root, file))) {
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(root, dirname(file), spec))
          .split(sep)
          .join('/');
        const targetTs = target.replace(/\.js$/, '.ts');
        const ok =
          targetTs.startsWith(`${layer}/`) ||
          ALLOWED_LOCAL[layer].some((a) =>
            a.endsWith('/') ? targetTs.startsWith(a) : targetTs === a,
          );
        expect(ok, `${file} -> ${spec}`).toBe(true);
      } else {
        expect(ALLOWED_PACKAGES[layer](spec), `${file} -> ${spec}`).toBe(true);
      }
    }
  });

  it('no layer imports src/', () => {
    for (const { layer, file } of files) {
      if (layer === 'src') continue;
      for (const spec of specifiers(join(root, file)))
        expect(spec.includes('/src/'), `${file} -> ${spec}`).toBe(false);
    }
  });
});

/** The source file a relative specifier names, repo-relative with '/' separators. */
function resolveLocal(file: string, spec: string): string {
  return relative(root, resolve(root, dirname(file), spec))
    .split(sep)
    .join('/')
    .replace(/\.js$/, '.ts');
}

/** One import cycle per strongly connected component, as a path that returns to its start. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('import graph', () => {
  const sources = new Set(files.map((f) => f.file.split(sep).join('/')));
  const graph = new Map(
    [...sources].map((file) => [
      file,
      specifiers(join(root, file))
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => resolveLocal(file, spec))
        .filter((target) => sources.has(target)),
    ]),
  );

  it('resolves local imports to source files', () => {
    expect([...graph.values()].some((targets) => targets.length > 0)).toBe(true);
  });

  it('has no cycle, type imports included', () => {
    expect(importCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });
});
