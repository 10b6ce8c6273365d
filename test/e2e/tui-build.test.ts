// The shipped TUI must run React's production build: the development build records a performance.measure
// per component render and Node keeps them all, so an attached dashboard grew by ~4 MB/s without bound
// (found by the end-to-end journey: GBs after minutes). ui/load.ts is the CLI's only way to load the TUI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, cleanEnv, run } from './helpers.js';

const PROBE = `
const useLoader = process.argv[1] === 'load';
if (useLoader) await (await import('./ui/load.ts')).loadTui();
else await import('./ui/main.tsx');
const React = (await import('react')).default;
// captureOwnerStack exists only in React's development build.
console.log(typeof React.captureOwnerStack === 'function' ? 'development' : 'production');
`;

test('the CLI loads the TUI with React in production mode (no per-render performance entries kept forever)', { timeout: 60_000 }, async () => {
  const env = cleanEnv();
  delete env['NODE_ENV'];
  const direct = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE, 'direct'], { env });
  assert.equal(direct.stdout.trim(), 'development', `control: importing ui/main directly gets the development build (${direct.stderr})`);
  const loaded = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE, 'load'], { env });
  assert.equal(loaded.stdout.trim(), 'production', loaded.stderr);
  // Both CLI entry points of the TUI go through the loader.
  for (const f of ['src/cli/attach.ts', 'src/cli/run.ts']) {
    const src = readFileSync(join(REPO, f), 'utf8');
    assert.match(src, /ui\/load\.js'\)\)\.loadTui\(\)/, `${f} loads the TUI through ui/load.ts`);
    assert.doesNotMatch(src, /import\('\.\.\/\.\.\/ui\/main\.js'\)/, `${f} does not import ui/main directly`);
  }
});
