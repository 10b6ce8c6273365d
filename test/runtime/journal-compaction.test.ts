// The journal's compaction: a checkpoint of the state plus the records after it, written crash-safe.
// A crash after any step of a compaction (injected: the step throws, and the journal is reopened from
// disk as a restart would) leaves the checkpoint and the segments describing exactly every record once:
// either the old checkpoint (none here) and all records, or the new one and only the records after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalFill } from '../../src/core/ports.js';
import { FileJournal, defaultJournalPath } from '../../src/runtime/journal.js';
import type { CompactionStep } from '../../src/runtime/journal-checkpoint.js';
import { tempDir } from '../control/fixtures.js';

const rec = (i: number): JournalFill => ({ kind: 'fill', tradeId: String(i), symbol: 'SOL_USDC_PERP', ts: 1_700_000_000_000 + i, side: 'Bid', price: '150.25', quantity: '0.1', fee: '0.0015', isMaker: true });
const STEPS: CompactionStep[] = ['rotated', 'temp-written', 'temp-synced', 'renamed', 'dir-synced', 'segment-deleted', 'done'];

/** What a restart sees: the checkpoint's count of records (our stand-in state) and the records after it. */
function restart(dir: string): { covered: number; tail: string[] } {
  const j = new FileJournal(defaultJournalPath(dir));
  const cp = j.loadCheckpoint() as { count: number } | null;
  return { covered: cp?.count ?? 0, tail: j.load().map((r) => r.tradeId) };
}

test('compact: appends switch to a new segment at once; the checkpoint replaces the covered segments; a restart reads it and the tail', async () => {
  const t = tempDir();
  try {
    const j = FileJournal.inHome(t.dir);
    for (let i = 0; i < 100; i++) j.append(rec(i));
    const done = j.compact({ count: 100 });
    // Written while the checkpoint is being written: they belong to the next segment.
    for (let i = 100; i < 150; i++) j.append(rec(i));
    await done;
    const files = readdirSync(join(t.dir, 'journal')).sort();
    assert.deepEqual(files, ['checkpoint.json', 'fills.000001.jsonl']);
    assert.equal(statSync(join(t.dir, 'journal', 'checkpoint.json')).mode & 0o777, 0o600);
    assert.deepEqual(restart(t.dir), { covered: 100, tail: Array.from({ length: 50 }, (_, i) => String(100 + i)) });
    // The same instance goes on appending, and a second compaction covers both segments.
    j.append(rec(150));
    await j.compact({ count: 151 });
    j.append(rec(151));
    assert.deepEqual(readdirSync(join(t.dir, 'journal')).sort(), ['checkpoint.json', 'fills.000002.jsonl']);
    assert.deepEqual(restart(t.dir), { covered: 151, tail: ['151'] });
    assert.ok(JSON.parse(readFileSync(join(t.dir, 'journal', 'checkpoint.json'), 'utf8')).covers === 1);
    j.close();
  } finally {
    t.cleanup();
  }
});

for (const step of STEPS) {
  test(`a crash right after "${step}" loses nothing and counts nothing twice; the next compaction cleans up`, async () => {
    const t = tempDir();
    try {
      const j = new FileJournal(defaultJournalPath(t.dir), {
        crashPoint: (s) => {
          if (s === step) throw new Error(`crash after ${s}`);
        },
      });
      for (let i = 0; i < 200; i++) j.append(rec(i));
      const compaction = j.compact({ count: 200 });
      for (let i = 200; i < 230; i++) j.append(rec(i));
      await assert.rejects(compaction, /crash after/);
      // The process is gone: a new one reads the directory.
      const seen = restart(t.dir);
      const all = Array.from({ length: 230 }, (_, i) => String(i));
      assert.deepEqual(seen.tail, all.slice(seen.covered), `covered ${seen.covered}`);
      assert.ok(seen.covered === 0 || seen.covered === 200);
      // Once the checkpoint's rename happened, it is the one a restart uses.
      const renamed = STEPS.indexOf(step) >= STEPS.indexOf('renamed');
      assert.equal(seen.covered, renamed ? 200 : 0);
      if (step === 'temp-written' || step === 'temp-synced') assert.ok(existsSync(join(t.dir, 'journal', 'checkpoint.json.tmp')), 'a leftover temp file');
      // The restarted core appends and compacts again: leftovers are gone, the records all there.
      const k = FileJournal.inHome(t.dir);
      k.loadCheckpoint();
      k.load();
      k.append(rec(230));
      await k.compact({ count: 231 });
      const files = readdirSync(join(t.dir, 'journal')).sort();
      assert.deepEqual(files.filter((f) => f.endsWith('.jsonl')), [], `only the checkpoint (and no segment yet): ${files.join(',')}`);
      assert.deepEqual(restart(t.dir), { covered: 231, tail: [] });
      k.close();
    } finally {
      t.cleanup();
    }
  });
}

test('a crash after the checkpoint is in place but before any new record: the restart appends after what it covers', async () => {
  const t = tempDir();
  try {
    const j = new FileJournal(defaultJournalPath(t.dir), {
      crashPoint: (s) => {
        if (s === 'renamed') throw new Error('crash');
      },
    });
    for (let i = 0; i < 5; i++) j.append(rec(i));
    await assert.rejects(j.compact({ count: 5 }), /crash/);
    const k = FileJournal.inHome(t.dir);
    k.loadCheckpoint();
    assert.deepEqual(k.load(), [], 'the covered segment left behind is not read');
    k.append(rec(5));
    k.close();
    assert.deepEqual(restart(t.dir), { covered: 5, tail: ['5'] }, 'the new record is not in a covered segment');
  } finally {
    t.cleanup();
  }
});

test('a legacy journal (fills.jsonl only, no checkpoint) is read whole, then compacted like any other', async () => {
  const t = tempDir();
  try {
    const j = new FileJournal(defaultJournalPath(t.dir));
    for (let i = 0; i < 10; i++) j.append(rec(i));
    j.close();
    const k = FileJournal.inHome(t.dir);
    assert.equal(k.loadCheckpoint(), null);
    assert.equal(k.load().length, 10);
    k.append(rec(10));
    assert.equal(k.path, defaultJournalPath(t.dir), 'appends go on in the same file');
    await k.compact({ count: 11 });
    assert.deepEqual(restart(t.dir), { covered: 11, tail: [] });
    k.close();
  } finally {
    t.cleanup();
  }
});

test('an unreadable checkpoint is an error naming the file (never silently ignored: its segments are gone)', () => {
  const t = tempDir();
  try {
    const j = FileJournal.inHome(t.dir);
    j.append(rec(1));
    j.close();
    const path = join(t.dir, 'journal', 'checkpoint.json');
    writeFileSync(path, '{"format":1,"covers":');
    assert.throws(() => FileJournal.inHome(t.dir).loadCheckpoint(), /checkpoint\.json is not valid JSON/);
  } finally {
    t.cleanup();
  }
});

test('the checkpoint is serialised in slices (yielding to the event loop) into exactly JSON.stringify\'s text', async () => {
  const { stringifyInSlices } = await import('../../src/runtime/journal-checkpoint.js');
  const { D } = await import('../../src/util/decimal.js');
  const v = { a: 1, b: [1, 'x', null, { c: D('1.50') }], big: Array.from({ length: 9000 }, (_, i) => (i % 3 === 0 ? D(i).div(7) : i % 3 === 1 ? `s${i}` : { k: i, u: undefined })), u: undefined, n: null, s: 'q"uote' };
  let ticks = 0;
  const t = setInterval(() => ticks++, 0);
  const text = await stringifyInSlices(v);
  clearInterval(t);
  assert.equal(text, JSON.stringify(v));
  assert.ok(ticks > 0, 'other work ran while it was built');
});
