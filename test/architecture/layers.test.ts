// Issue 13, on the real tree: the layering src/domain/ exists for. The domain imports nothing but itself
// and src/util/; the core imports no type (or anything else) from src/control/, it speaks domain types and
// the protocol carries them; the UI reaches into src/ only through control/protocol.ts and control/ndjson.ts.
// Edges are read by structure.ts's TypeScript-based import reader (type-only imports count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph, listSources, STRUCTURE_ROOTS } from './structure.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const graph = importGraph(listSources(STRUCTURE_ROOTS.map((r) => `${repo}/${r}`)));
const rel = (f: string): string => relative(repo, f).split('\\').join('/');

/** Every import edge "from -> to" whose importer is under `from` and whose target breaks `allowed`. */
function violations(from: string, allowed: (to: string) => boolean): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    if (!rel(file).startsWith(from)) continue;
    for (const t of targets) if (!allowed(rel(t))) out.push(`${rel(file)} -> ${rel(t)}`);
  }
  return out;
}

test('the graph the layer checks read is the real tree (src/domain, src/core and ui/ are in it)', () => {
  const files = [...graph.keys()].map(rel);
  for (const dir of ['src/domain/', 'src/core/', 'ui/']) assert.ok(files.filter((f) => f.startsWith(dir)).length >= 5, `too few files under ${dir}`);
});

test('src/domain/ imports only src/domain/ and src/util/', () => {
  const bad = violations('src/domain/', (to) => to.startsWith('src/domain/') || to.startsWith('src/util/'));
  assert.deepEqual(bad, []);
});

test('src/core/ imports nothing from src/control/', () => {
  const bad = violations('src/core/', (to) => !to.startsWith('src/control/'));
  assert.deepEqual(bad, []);
});

test('ui/ imports from src/ only control/protocol.ts and control/ndjson.ts', () => {
  const bad = violations('ui/', (to) => !to.startsWith('src/') || to === 'src/control/protocol.ts' || to === 'src/control/ndjson.ts');
  assert.deepEqual(bad, []);
});
