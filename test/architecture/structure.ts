// The structural checks of issue 13 (acceptance 2), as plain functions so a test can run them on small
// fixture trees (proving they can fail) and on the real src/ + ui/ tree.
//
// - Import cycles: every relative specifier of `import`, `import type`, `export ... from`, `export type
//   ... from`, a side-effect `import './x.js'`, a dynamic `import('./x.js')` and a type-position
//   `import('./x.js').T` is an edge. Type-only imports COUNT: the rule is "no import cycle anywhere", and a
//   type-only cycle is still two modules that cannot be understood (or moved) apart; erasing it at compile
//   time does not make the design acyclic. Bare specifiers (packages, node:*) are not edges.
// - File length: lines as `wc -l` counts them (newline characters, plus a last line without one).
//
// Specifiers are found with TypeScript's own pre-processor (ts.preProcessFile), not a regex, so imports
// in comments or strings are not counted and multi-line import clauses are.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const DECLARATION = /\.d\.(ts|mts|cts)$/;

/** Every TypeScript source file under each root (absolute paths), sorted. */
export function listSources(roots: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (SOURCE.test(name) && !DECLARATION.test(name)) out.push(p);
    }
  };
  for (const root of roots) if (existsSync(root)) walk(root);
  return out.sort();
}

/** The relative specifiers a file imports or re-exports from, in source order. */
export function relativeSpecifiers(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/**
 * The file a relative specifier names: NodeNext ESM writes './x.js' for './x.ts' (or .tsx), and a
 * directory import resolves to its index. Undefined when nothing matches (a missing file is tsc's
 * business, not a cycle).
 */
export function resolveSpecifier(fromFile: string, spec: string): string | undefined {
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(js|jsx|mjs|cjs|ts|tsx|mts|cts)$/, '');
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    `${stem}.cts`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ];
  for (const c of candidates) {
    if (SOURCE.test(c) && existsSync(c) && statSync(c).isFile()) return c;
  }
  return undefined;
}

/** Import graph over the given files: file -> files it imports (only files in the set). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const inSet = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const spec of relativeSpecifiers(readFileSync(file, 'utf8'))) {
      const to = resolveSpecifier(file, spec);
      if (to !== undefined && inSet.has(to) && !targets.includes(to)) targets.push(to);
    }
    graph.set(file, targets);
  }
  return graph;
}

/**
 * Strongly connected components with more than one file, or a file importing itself: each is a set of
 * files that import each other round a circle. Tarjan's algorithm, iterative (no recursion limit).
 */
export function cyclicComponents(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++]!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && (graph.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfLoop) out.push(component.sort());
      }
    }
  }
  return out.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** A shortest circle through `from` inside its component (breadth-first), as a path ending at `from`. */
export function shortestCycle(graph: ReadonlyMap<string, readonly string[]>, from: string): string[] {
  const prev = new Map<string, string>();
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const to of graph.get(node) ?? []) {
      if (to === from) {
        const path = [from];
        for (let at: string | undefined = node; at !== from && at !== undefined; at = prev.get(at)) path.splice(1, 0, at);
        return [...path, from];
      }
      if (!prev.has(to)) {
        prev.set(to, node);
        queue.push(to);
      }
    }
  }
  return [];
}

export interface Cycle {
  /** Every file in the strongly connected component (relative to the base dir, '/' separators). */
  files: string[];
  /** One shortest circle through the component's first file: a -> b -> ... -> a. */
  example: string[];
}

const rel = (base: string, p: string): string => relative(base, p).split(sep).join('/');

/** The import cycles among the TypeScript files under `roots`, paths relative to `base`. */
export function findImportCycles(base: string, roots: readonly string[]): Cycle[] {
  const graph = importGraph(listSources(roots.map((r) => resolve(base, r))));
  return cyclicComponents(graph).map((component) => ({
    files: component.map((f) => rel(base, f)),
    example: shortestCycle(graph, component[0]!).map((f) => rel(base, f)),
  }));
}

export interface Oversized {
  file: string;
  lines: number;
  limit: number;
}

/** Lines as `wc -l` would show them, plus a last line without its newline. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.endsWith('\n') ? n : n + 1;
}

/**
 * Files under `roots` longer than their limit: `limits` maps a path relative to `base` to its own
 * limit (engine.ts: 300), every other file gets `defaultLimit`.
 */
export function findOversizedFiles(
  base: string,
  roots: readonly string[],
  defaultLimit: number,
  limits: Readonly<Record<string, number>> = {},
): Oversized[] {
  const out: Oversized[] = [];
  for (const file of listSources(roots.map((r) => resolve(base, r)))) {
    const name = rel(base, file);
    const limit = limits[name] ?? defaultLimit;
    const lines = countLines(readFileSync(file, 'utf8'));
    if (lines > limit) out.push({ file: name, lines, limit });
  }
  return out;
}

/** The project's rule (issue 13, acceptance 2). */
export const STRUCTURE_ROOTS = ['src', 'ui'] as const;
export const MAX_FILE_LINES = 400;
export const FILE_LINE_LIMITS: Readonly<Record<string, number>> = { 'src/core/engine.ts': 300 };

export function describeCycles(cycles: readonly Cycle[]): string {
  return cycles.map((c) => `${c.example.join(' -> ')}${c.files.length > c.example.length - 1 ? `  (component: ${c.files.join(', ')})` : ''}`).join('\n');
}

export function describeOversized(files: readonly Oversized[]): string {
  return files.map((f) => `${f.file}: ${f.lines} lines (limit ${f.limit})`).join('\n');
}

/**
 * The file that introduces a folder: its README.md when it has one, else its first TypeScript file in
 * name order (as `ls` lists them in the C locale). Undefined for a folder with neither.
 */
export function firstFileOf(dir: string): string | undefined {
  const names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile());
  if (names.includes('README.md')) return join(dir, 'README.md');
  const first = names.filter((n) => SOURCE.test(n) && !DECLARATION.test(n)).sort()[0];
  return first === undefined ? undefined : join(dir, first);
}

/**
 * Folders under `roots` (the roots included) whose first file does not say what the folder holds: its
 * opening lines (the first `headerLines`) must name the folder as `<path>/` (e.g. `// src/util/: ...` or
 * `# src/backtest/`), the convention that makes "every folder's first file says what it holds" checkable.
 */
export function foldersWithoutHeader(base: string, roots: readonly string[], headerLines = 5): { folder: string; file: string | null }[] {
  const out: { folder: string; file: string | null }[] = [];
  const walk = (dir: string): void => {
    const folder = rel(base, dir);
    const first = firstFileOf(dir);
    if (first === undefined) out.push({ folder, file: null });
    else {
      const opening = readFileSync(first, 'utf8').split('\n').slice(0, headerLines).join('\n');
      if (!opening.includes(`${folder}/`)) out.push({ folder, file: rel(base, first) });
    }
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name));
    }
  };
  for (const root of roots) if (existsSync(resolve(base, root))) walk(resolve(base, root));
  return out;
}
