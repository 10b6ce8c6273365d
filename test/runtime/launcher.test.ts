// The launcher runs dist/ only when it is a build of the current sources: a stale build would trade with
// code the operator has already changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JavaScript module without types (the launcher's own helper)
import { distIsFresh, sourceFingerprint } from '../../bin/freshness.js';

type Fp = { files: number; newest: number };
const fingerprint = sourceFingerprint as (root: string) => Fp;
const fresh = distIsFresh as (root: string) => boolean;

test('dist/ is used only while no source file changed, appeared or disappeared since the build', () => {
  const root = mkdtempSync(join(tmpdir(), 'th-launch-'));
  try {
    mkdirSync(join(root, 'src', 'core'), { recursive: true });
    mkdirSync(join(root, 'ui'));
    const old = new Date(Date.now() - 60_000);
    for (const f of ['src/cli.ts', 'src/core/engine.ts', 'ui/App.tsx', 'package.json']) {
      writeFileSync(join(root, f), '// x\n');
      utimesSync(join(root, f), old, old);
    }
    assert.equal(fresh(root), false, 'no build yet');
    mkdirSync(join(root, 'dist'));
    const stamp = () => writeFileSync(join(root, 'dist', 'BUILD'), JSON.stringify(fingerprint(root)));
    stamp();
    assert.equal(fingerprint(root).files, 4);
    assert.equal(fresh(root), true, 'just built');
    writeFileSync(join(root, 'src', 'core', 'engine.ts'), '// edited\n');
    assert.equal(fresh(root), false, 'a source edited after the build');
    stamp();
    assert.equal(fresh(root), true);
    writeFileSync(join(root, 'src', 'new.ts'), '// new\n');
    utimesSync(join(root, 'src', 'new.ts'), old, old);
    assert.equal(fresh(root), false, 'a source file added (with an old mtime, as a checkout can give)');
    stamp();
    rmSync(join(root, 'ui', 'App.tsx'));
    assert.equal(fresh(root), false, 'a source file removed');
    stamp();
    writeFileSync(join(root, 'src', 'notes.md'), 'not a source');
    assert.equal(fresh(root), true, 'non-source files do not matter');
    writeFileSync(join(root, 'dist', 'BUILD'), '{broken');
    assert.equal(fresh(root), false, 'an unreadable stamp means no build');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
