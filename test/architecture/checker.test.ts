// The structural checker (test/architecture/structure.ts) on small fixture trees written to a temp dir:
// it names every import cycle (value, type-only, re-export, dynamic, self-import, a cycle through a
// directory index, across roots) and every file over its line limit, and stays quiet on an acyclic tree
// of short files. These are what make the real-tree check (tree.test.ts) able to fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  countLines,
  describeCycles,
  describeOversized,
  findImportCycles,
  findOversizedFiles,
  foldersWithoutHeader,
  relativeSpecifiers,
} from './structure.js';

/** A temp tree from { 'src/a.ts': 'text' }, removed after `body`. */
function withTree(files: Record<string, string>, body: (base: string) => void): void {
  const base = mkdtempSync(join(tmpdir(), 'th-structure-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(base, name)), { recursive: true });
      writeFileSync(join(base, name), text);
    }
    body(base);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const lines = (n: number): string => 'export const x = 1;\n'.repeat(n);

test('specifiers: every import form, relative ones only, none from comments or strings', () => {
  const text = [
    "import type { A } from './a.js';",
    'import {\n  B,\n} from "../b.js";',
    "export type { C } from './c.js';",
    "export * from './d.js';",
    "import './e.js';",
    "let t: import('./f.js').T;",
    "const m = await import('./g.js');",
    "// import { X } from './commented.js';",
    "const s = \"import { Y } from './string.js'\";",
    "import fs from 'node:fs';",
    "import React from 'react';",
  ].join('\n');
  assert.deepEqual(relativeSpecifiers(text), ['./a.js', '../b.js', './c.js', './d.js', './e.js', './f.js', './g.js']);
});

test('cycles: an acyclic tree has none', () => {
  withTree(
    {
      'src/a.ts': "import { b } from './b.js';\nimport { c } from './sub/c.js';\nexport const a = b + c;\n",
      'src/b.ts': "import { c } from './sub/c.js';\nexport const b = c;\n",
      'src/sub/c.ts': "import fs from 'node:fs';\nexport const c = 1; void fs;\n",
      'ui/view.tsx': "import { a } from '../src/a.js';\nexport const v = a;\n",
    },
    (base) => assert.deepEqual(findImportCycles(base, ['src', 'ui']), []),
  );
});

test('cycles: a value cycle of three is named as a path, and a type-only back edge counts', () => {
  withTree(
    {
      'src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/b.ts': "import { c } from './deep/c.js';\nexport const b = c;\n",
      'src/deep/c.ts': "import type { A } from '../a.js';\nexport const c = 1;\nexport type C = A;\n",
      'src/free.ts': "import { a } from './a.js';\nexport const f = a;\n",
    },
    (base) => {
      const cycles = findImportCycles(base, ['src']);
      assert.deepEqual(cycles, [
        { files: ['src/a.ts', 'src/b.ts', 'src/deep/c.ts'], example: ['src/a.ts', 'src/b.ts', 'src/deep/c.ts', 'src/a.ts'] },
      ]);
      assert.equal(describeCycles(cycles), 'src/a.ts -> src/b.ts -> src/deep/c.ts -> src/a.ts');
    },
  );
});

test('cycles: re-export, dynamic import, index file, .tsx, across roots and a self-import are each found', () => {
  withTree(
    {
      // re-export cycle
      'src/r1.ts': "export * from './r2.js';\nexport const r1 = 1;\n",
      'src/r2.ts': "export { r1 } from './r1.js';\n",
      // dynamic import closes the circle
      'src/d1.ts': "import { d2 } from './d2.js';\nexport const d1 = d2;\n",
      'src/d2.ts': "export const d2 = 1;\nexport const later = () => import('./d1.js');\n",
      // a circle through an index file
      'src/pkg/index.ts': "import { leaf } from './leaf.js';\nexport const idx = leaf;\n",
      'src/pkg/leaf.ts': "import type { Idx } from '../pkg/index.js';\nexport const leaf = 1;\nexport type L = Idx;\n",
      // ui <-> src, .tsx
      'ui/App.tsx': "import { s } from '../src/s.js';\nexport const App = s;\n",
      'src/s.ts': "import type { App } from '../ui/App.js';\nexport const s = 1;\nexport type S = typeof App;\n",
      // self
      'src/self.ts': "import { me } from './self.js';\nexport const me = 1; void me;\n",
    },
    (base) => {
      const cycles = findImportCycles(base, ['src', 'ui']);
      assert.deepEqual(
        cycles.map((c) => c.example),
        [
          ['src/d1.ts', 'src/d2.ts', 'src/d1.ts'],
          ['src/pkg/index.ts', 'src/pkg/leaf.ts', 'src/pkg/index.ts'],
          ['src/r1.ts', 'src/r2.ts', 'src/r1.ts'],
          ['src/s.ts', 'ui/App.tsx', 'src/s.ts'],
          ['src/self.ts', 'src/self.ts'],
        ],
      );
    },
  );
});

test('cycles: two circles sharing a file are one component, listed whole', () => {
  withTree(
    {
      'src/hub.ts': "import { x } from './x.js';\nimport { y } from './y.js';\nexport const hub = x + y;\n",
      'src/x.ts': "import type { H } from './hub.js';\nexport const x = 1;\nexport type X = H;\n",
      'src/y.ts': "import type { H } from './hub.js';\nexport const y = 1;\nexport type Y = H;\n",
      'src/hub-types.ts': 'export type H = number;\n',
    },
    (base) => {
      const cycles = findImportCycles(base, ['src']);
      assert.equal(cycles.length, 1);
      assert.deepEqual(cycles[0]!.files, ['src/hub.ts', 'src/x.ts', 'src/y.ts']);
      assert.deepEqual(cycles[0]!.example, ['src/hub.ts', 'src/x.ts', 'src/hub.ts']);
      assert.match(describeCycles(cycles), /component: src\/hub\.ts, src\/x\.ts, src\/y\.ts/);
    },
  );
});

test('line counts: as wc -l, plus a last line without its newline', () => {
  assert.equal(countLines(''), 0);
  assert.equal(countLines('a'), 1);
  assert.equal(countLines('a\n'), 1);
  assert.equal(countLines('a\nb'), 2);
  assert.equal(countLines(lines(401)), 401);
});

test('oversized: over the default limit, over a per-file limit; at the limit passes', () => {
  withTree(
    {
      'src/ok.ts': lines(400),
      'src/long.ts': lines(401),
      'src/core/engine.ts': lines(301),
      'src/core/short-engine.ts': lines(300),
      'ui/Big.tsx': lines(450),
      'src/types.d.ts': lines(999), // declarations are not source files
      'src/notes.md': lines(999),
    },
    (base) => {
      const found = findOversizedFiles(base, ['src', 'ui'], 400, { 'src/core/engine.ts': 300, 'src/core/short-engine.ts': 300 });
      assert.deepEqual(found, [
        { file: 'src/core/engine.ts', lines: 301, limit: 300 },
        { file: 'src/long.ts', lines: 401, limit: 400 },
        { file: 'ui/Big.tsx', lines: 450, limit: 400 },
      ]);
      assert.equal(describeOversized(found.slice(0, 1)), 'src/core/engine.ts: 301 lines (limit 300)');
    },
  );
});

test('folder headers: the first file (README.md first, else the first source file) must name its folder', () => {
  withTree(
    {
      'src/cli.ts': '// src/: the sources.\nexport const x = 1;\n',
      'src/util/clock.ts': '// src/util/: helpers.\nexport const c = 1;\n',
      'src/util/zeta.ts': '// no header needed here\nexport const z = 1;\n',
      'src/bare/alpha.ts': '// what alpha does, but not the folder\nexport const a = 1;\n',
      'src/bare/beta.ts': '// src/bare/: named, but beta is not the first file\nexport const b = 1;\n',
      'src/docs/README.md': '# src/docs/\n\nNotes.\n',
      'src/docs/a.ts': 'export const a = 1;\n',
      'src/late/x.ts': 'export const x = 1;\n'.repeat(5) + '// src/late/: too far down\n',
      'src/empty/sub/y.ts': '// src/empty/sub/: here\nexport const y = 1;\n',
      'ui/App.tsx': '// ui/: the dashboard\nexport const A = 1;\n',
    },
    (base) => {
      assert.deepEqual(foldersWithoutHeader(base, ['src', 'ui']), [
        { folder: 'src/bare', file: 'src/bare/alpha.ts' },
        { folder: 'src/empty', file: null },
        { folder: 'src/late', file: 'src/late/x.ts' },
      ]);
    },
  );
});
