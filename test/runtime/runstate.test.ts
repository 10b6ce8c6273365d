import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { FileRunStateStore, emptyRunState, parseRunState } from '../../src/runtime/runstate.js';
import { ConfigError } from '../../src/config/errors.js';
import { tempDir } from '../control/fixtures.js';

test('run state round-trips across instances (a restart), atomically, with 0600', () => {
  const t = tempDir();
  try {
    const a = FileRunStateStore.inHome(t.dir);
    assert.deepEqual(a.load(), emptyRunState());
    const s = { forceInventory: false, globalMode: 'ACTIVE' as const, symbolModes: { SOL_USDC_PERP: 'PAUSED' as const, BTC_USDC_PERP: 'REDUCING' as const } };
    a.save(s);
    const b = FileRunStateStore.inHome(t.dir);
    assert.deepEqual(b.load(), s);
    b.save({ ...s, globalMode: 'PAUSED', forceInventory: null });
    assert.deepEqual(a.load(), { ...s, globalMode: 'PAUSED', forceInventory: null });
    assert.equal(statSync(a.path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(t.dir), ['run-state.json'], 'no temp files left behind');
  } finally {
    t.cleanup();
  }
});

test('a corrupt run-state file is a clear ConfigError, never a silent ACTIVE', () => {
  const t = tempDir();
  try {
    const st = FileRunStateStore.inHome(t.dir);
    mkdirSync(t.dir, { recursive: true });
    for (const body of ['{"globalMode":"PAUS', '{"globalMode":"SLEEPING"}', '[]', '{"symbolModes":{"SOL_USDC_PERP":"HALTED"}}']) {
      writeFileSync(st.path, body);
      assert.throws(() => st.load(), (e: unknown) => e instanceof ConfigError && e.message.includes(st.path));
    }
  } finally {
    t.cleanup();
  }
});

test('parseRunState fills omitted fields with defaults', () => {
  assert.deepEqual(parseRunState({}), emptyRunState());
  assert.deepEqual(parseRunState({ forceInventory: true }), { ...emptyRunState(), forceInventory: true });
  assert.equal(parseRunState({ forceInventory: 'yes' }), null);
});
