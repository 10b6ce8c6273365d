// The generated built-in spec module: compact JSON that parses back to the same value, and the committed
// src/sim/model/specs/default.ts is exactly what the generator writes for its own data (so regenerating
// changes only what calibration changed, and the file stays under the project's 400-line limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { specModule } from '../../src/cli/calibrate.js';
import { DEFAULT_SPEC } from '../../src/sim/model/specs/default.js';
import { compactJson } from '../../src/util/compact-json.js';

test('compactJson: same value back, small objects inline, large ones expanded, string contents untouched', () => {
  const v = { a: { median: 1.5, logSd: -0.25 }, s: 'x, "y": [1,2]', n: null, t: true, arr: [1, 2, 3], empty: {}, none: [], skip: undefined, big: { k: 'v'.repeat(120), z: [{ q: 1 }] } };
  const out = compactJson(v, 60);
  assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(v)));
  const lines = out.split('\n');
  assert.ok(lines.includes('  "a": { "median": 1.5, "logSd": -0.25 },'), out);
  assert.ok(lines.includes('  "s": "x, \\"y\\": [1,2]",'), 'a string is rendered by JSON.stringify alone');
  assert.ok(lines.includes('  "arr": [1, 2, 3],'));
  assert.ok(lines.includes('  "empty": {},') && lines.includes('  "none": [],'));
  assert.ok(lines.includes('  "big": {'), 'too wide for one line: expanded');
  assert.ok(!out.includes('skip'));
  for (const l of lines) if (!l.includes('vvvv')) assert.ok(l.length <= 60, `line over width: ${l}`);
  // Width counts from where the value starts: after the indentation and the key.
  const deep = compactJson({ key: { a: 1, b: 2 } }, 20);
  assert.equal(deep, '{\n  "key": {\n    "a": 1,\n    "b": 2\n  }\n}', '"key": { "a": 1, "b": 2 } is 27 columns');
  assert.equal(compactJson({ key: { a: 1, b: 2 } }, 27), '{\n  "key": { "a": 1, "b": 2 }\n}');
  assert.equal(compactJson(42), '42');
  assert.equal(compactJson('a'), '"a"');
});

test('specs/default.ts is the generator\'s output for its own data, under 400 lines', () => {
  const path = new URL('../../src/sim/model/specs/default.ts', import.meta.url);
  const text = readFileSync(path, 'utf8');
  const command = text.split('\n')[1]!.replace(/^\/\/ {3}/, '');
  assert.equal(specModule(DEFAULT_SPEC, command), text);
  assert.ok(text.split('\n').length < 400, `${text.split('\n').length} lines`);
});
