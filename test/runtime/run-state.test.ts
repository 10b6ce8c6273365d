// The run-state file: round trip, strict reading (a bad file is never read as ACTIVE: it is moved aside and
// load() throws), atomic private writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRunStateStore, parseRunState, runStatePath } from '../../src/runtime/run-state.js';
import type { RunState } from '../../src/core/ports.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'th-rs-'));
const full: RunState = {
  forceInventory: false,
  globalMode: 'REDUCING',
  symbolModes: { SOL_USDC_PERP: 'PAUSED' },
  limits: { day: '2026-01-01', dayBaseline: '-12.5', sessionHit: true, dailyHit: false, sessionHitAt: 1767225600000, dailyHitAt: null },
};

test('round trip: a fresh home reads as ACTIVE; what was saved comes back; the file is 0600 and complete', () => {
  const home = tmp();
  const store = new FileRunStateStore(home);
  assert.deepEqual(store.load(), { forceInventory: null, globalMode: 'ACTIVE', symbolModes: {}, limits: null });
  store.save(full);
  assert.deepEqual(new FileRunStateStore(home).load(), full);
  assert.equal(statSync(runStatePath(home)).mode & 0o777, 0o600);
  assert.equal(existsSync(runStatePath(home) + '.tmp'), false, 'no temp file left behind');
});

test('a file written by the previous (conf) store still reads', () => {
  const home = tmp();
  writeFileSync(runStatePath(home), JSON.stringify({ forceInventory: null, globalMode: 'PAUSED', symbolModes: { BTC_USDC_PERP: 'REDUCING' } }, null, '\t'));
  assert.deepEqual(new FileRunStateStore(home).load(), { forceInventory: null, globalMode: 'PAUSED', symbolModes: { BTC_USDC_PERP: 'REDUCING' }, limits: null });
});

for (const [name, text, why] of [
  ['not JSON', '{"globalMode": "PAUS', /not JSON/],
  ['a bad global mode', JSON.stringify({ globalMode: 'DANCING' }), /globalMode "DANCING"/],
  ['a bad symbol mode', JSON.stringify({ globalMode: 'ACTIVE', symbolModes: { A_B: 'NOPE' } }), /symbolModes\.A_B "NOPE"/],
  ['a bad inventory flag', JSON.stringify({ forceInventory: 'yes' }), /forceInventory/],
  ['an unknown field', JSON.stringify({ globalMode: 'ACTIVE', globalmode: 'PAUSED' }), /unknown field "globalmode"/],
  ['a bad limits record', JSON.stringify({ limits: { day: 'today', dayBaseline: '1', sessionHit: false, dailyHit: false } }), /limits\.day/],
  ['an array', '[]', /expected a JSON object/],
] as const) {
  test(`a run state with ${name} is not guessed at: load() throws naming the file, and the bad file is kept aside`, () => {
    const home = tmp();
    writeFileSync(runStatePath(home), text);
    const store = new FileRunStateStore(home, () => Date.UTC(2026, 0, 2, 3, 4, 5));
    assert.throws(
      () => store.load(),
      (e: unknown) => e instanceof Error && e.message.includes(runStatePath(home)) && why.test(e.message) && e.message.includes('kept as'),
    );
    const kept = readdirSync(home).filter((f) => f.startsWith('run-state.json.bad-'));
    assert.equal(kept.length, 1);
    assert.equal(readFileSync(join(home, kept[0]!), 'utf8'), text, 'the bad file is kept byte for byte');
    assert.equal(existsSync(runStatePath(home)), false);
    // After the engine saves a fresh state the next start reads it normally.
    store.save(full);
    assert.deepEqual(store.load(), full);
  });
}

test('parseRunState fills in missing optional fields', () => {
  assert.deepEqual(parseRunState({}), { forceInventory: null, globalMode: 'ACTIVE', symbolModes: {}, limits: null });
});
