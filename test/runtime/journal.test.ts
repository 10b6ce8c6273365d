import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileJournal, defaultJournalPath } from '../../src/runtime/journal.js';
import type { JournalFill } from '../../src/core/ports.js';
import { tempDir } from '../control/fixtures.js';

const fill = (tradeId: string, symbol = 'SOL_USDC_PERP', extra: Partial<JournalFill> = {}): JournalFill => ({
  kind: 'fill', tradeId, symbol, ts: 1_700_000_000_000, side: 'Bid', price: '150.25', quantity: '0.1', fee: '-0.0015', isMaker: true, ...extra,
});

test('append then load round-trips fills in order; dir 0700, file 0600, one line per fill', () => {
  const t = tempDir();
  try {
    const j = FileJournal.inHome(t.dir);
    j.append(fill('1'));
    j.append(fill('2', 'BTC_USDC_PERP'));
    j.append(fill('3'));
    const path = defaultJournalPath(t.dir);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 4);
    // A second instance (a restart) reads what the first wrote, without the first closing (kill -9).
    const loaded = new FileJournal(path).load();
    assert.deepEqual(loaded, [fill('1'), fill('2', 'BTC_USDC_PERP'), fill('3')]);
    j.close();
  } finally {
    t.cleanup();
  }
});

test('load skips a torn last line and malformed lines (counted) and dedupes by symbol+tradeId', () => {
  const t = tempDir();
  try {
    const path = defaultJournalPath(t.dir);
    mkdirSync(dirname(path), { recursive: true });
    const lines = [
      JSON.stringify(fill('1')),
      'not json at all',
      JSON.stringify({ kind: 'fill', symbol: 'SOL_USDC_PERP', price: '1' }), // no tradeId
      JSON.stringify(fill('1')), // duplicate
      JSON.stringify(fill('1', 'ETH_USDC_PERP')), // same id, other market: a different fill
      '',
      JSON.stringify(fill('2')),
    ];
    writeFileSync(path, lines.join('\n') + '\n' + JSON.stringify(fill('3')).slice(0, 20));
    const j = new FileJournal(path);
    const got = j.load();
    assert.deepEqual(got.map((f) => `${f.symbol}:${f.tradeId}`), ['SOL_USDC_PERP:1', 'ETH_USDC_PERP:1', 'SOL_USDC_PERP:2']);
    assert.deepEqual(j.lastLoad, { lines: 6, loaded: 3, duplicates: 1, malformed: 2, tornTail: true });

    // Appending after a torn tail starts a fresh line: the new fill is not glued to the fragment.
    j.append(fill('4'));
    j.close();
    const again = new FileJournal(path);
    assert.deepEqual(again.load().map((f) => f.tradeId), ['1', '1', '2', '4']);
    assert.equal(again.lastLoad.tornTail, false);
    assert.equal(again.lastLoad.malformed, 3, 'the old fragment is now a counted malformed line');
  } finally {
    t.cleanup();
  }
});

test('a missing journal loads empty; an unwritable one throws without leaking the record', () => {
  const t = tempDir();
  try {
    assert.deepEqual(FileJournal.inHome(t.dir).load(), []);
    // A directory where the file should be makes every append fail (works even as root).
    const path = join(t.dir, 'journal', 'fills.jsonl');
    mkdirSync(path, { recursive: true });
    const j = new FileJournal(path);
    assert.throws(() => j.append(fill('9', 'SOL_USDC_PERP', { orderId: 'SECRET-ish' })), (e: unknown) => e instanceof Error && /cannot append/.test(e.message) && !e.message.includes('SECRET'));
  } finally {
    t.cleanup();
  }
});

test('sync() and close() are safe to call repeatedly; appends by another writer are kept', () => {
  const t = tempDir();
  try {
    const j = FileJournal.inHome(t.dir, { fsyncIntervalMs: 50 });
    j.append(fill('1'));
    j.sync();
    j.sync();
    appendFileSync(j.path, JSON.stringify(fill('2')) + '\n');
    j.append(fill('3'));
    j.close();
    j.close();
    chmodSync(j.path, 0o600);
    assert.deepEqual(new FileJournal(j.path).load().map((f) => f.tradeId), ['1', '2', '3']);
  } finally {
    t.cleanup();
  }
});
