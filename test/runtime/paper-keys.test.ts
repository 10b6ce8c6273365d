import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { loadOrCreatePaperKeys, paperKeyPath } from '../../src/runtime/paper-keys.js';
import { KeyError, loadKeyPair } from '../../src/exchange/backpack/signing.js';
import { tempDir } from '../control/fixtures.js';

test('paper keys are generated once (0600, valid pair) and reused on later runs', () => {
  const t = tempDir();
  try {
    const home = `${t.dir}/home`;
    const first = loadOrCreatePaperKeys(home);
    const path = paperKeyPath(home);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(home).mode & 0o777, 0o700);
    assert.equal(loadKeyPair(first.secret, first.apiKey).apiKey, first.apiKey);
    const second = loadOrCreatePaperKeys(home);
    assert.deepEqual(second, first);
    assert.deepEqual(readdirSync(home), ['paper-key.json'], 'no temp file left');
  } finally {
    t.cleanup();
  }
});

test('a group/world-readable or corrupt paper key file is a clear KeyError without key material', () => {
  const t = tempDir();
  try {
    const keys = loadOrCreatePaperKeys(t.dir);
    const path = paperKeyPath(t.dir);
    chmodSync(path, 0o644);
    assert.throws(() => loadOrCreatePaperKeys(t.dir), (e: unknown) => e instanceof KeyError && /chmod 600/.test(e.message) && !e.message.includes(keys.secret));
    writeFileSync(path, '{"apiKey":"x","secret":"y"}', { mode: 0o600 });
    chmodSync(path, 0o600);
    assert.throws(() => loadOrCreatePaperKeys(t.dir), (e: unknown) => e instanceof KeyError && /invalid; delete it/.test(e.message));
  } finally {
    t.cleanup();
  }
});
