// Issue 13, acceptance 2: no .ts/.tsx file in src/ or ui/ over 400 lines, src/core/engine.ts at most 300.
// PENDING (named .pending so scripts/run-tests.mjs skips it): fails today on src/core/engine.ts only
// (1,017 lines). Rename to tree-lines.test.ts once the engine is the event loop alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { FILE_LINE_LIMITS, MAX_FILE_LINES, STRUCTURE_ROOTS, describeOversized, findOversizedFiles } from './structure.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

test('no file in src/ or ui/ over 400 lines; src/core/engine.ts at most 300', () => {
  const oversized = findOversizedFiles(repo, STRUCTURE_ROOTS, MAX_FILE_LINES, FILE_LINE_LIMITS);
  assert.equal(oversized.length, 0, `files over their line limit:\n${describeOversized(oversized)}`);
});
