// TapeBook: the book rebuilt from snapshots and diffs with the venue's sequence rules, and every way it can
// lose its footing (a break in the ids, a snapshot that cannot be joined, a crossed book, a gap record).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TapeBook } from '../../src/tape/book.js';
import { bestFirst, LevelSide } from '../../src/tape/levels.js';
import { diff, gap, snap } from './helpers.js';

test('next-id (Backpack, Binance spot): diffs before the snapshot are kept and the one straddling L+1 bridges it', () => {
  const b = new TapeBook('next-id');
  assert.equal(b.state, 'empty');
  assert.equal(b.apply(diff(1, 8, 9, [100, 5])), 'partial');
  assert.equal(b.apply(diff(2, 10, 12, [101, 5])), 'partial');
  assert.equal(b.apply(diff(3, 13, 13, [], [103, 0])), 'partial');
  assert.equal(b.state, 'partial');
  assert.equal(b.bestBid(), 101, 'a partial book shows what the diffs showed');
  // Snapshot at L=10: 8..9 is covered, 10..12 bridges (10 <= 11 <= 12), 13 follows.
  assert.equal(b.apply(snap(4, 10, [100, 1], [102, 1, 103, 1])), 'synced');
  assert.equal(b.state, 'synced');
  assert.equal(b.bids.qtyAt(100), 1, 'the covered diff was not applied over the snapshot');
  assert.equal(b.bestBid(), 101);
  assert.equal(b.asks.levels().join(), '102,1');
  assert.equal(b.updateId, 13);
  assert.equal(b.apply(diff(5, 14, 15, [101, 0])), 'applied');
  assert.equal(b.bestBid(), 100);
});

test('prev-id (Binance futures): diffs chain by pu; the bridge is first <= L <= last, as in the real tapes', () => {
  const b = new TapeBook('prev-id');
  // Ids are not contiguous on futures: 26..121 follows 3.
  assert.equal(b.apply(diff(1, 1, 3, [100, 1], [], 0)), 'partial');
  assert.equal(b.apply(diff(2, 26, 121, [100, 2], [], 3)), 'partial');
  assert.equal(b.apply(snap(3, 33, [100, 7, 99, 1], [105, 1])), 'synced');
  assert.equal(b.bids.qtyAt(100), 2, 'the bridging diff (26 <= 33 <= 121) is applied over the snapshot');
  assert.equal(b.apply(diff(4, 200, 368, [99, 0], [], 121)), 'applied');
  assert.equal(b.bids.qtyAt(99), 0);
  // pu must equal the previous u.
  assert.equal(b.apply(diff(5, 400, 410, [98, 1], [], 399)), 'gap');
  assert.deepEqual({ reason: b.problem?.reason, expected: b.problem?.expected, got: b.problem?.got }, { reason: 'sequence', expected: 368, got: 399 });
  assert.equal(b.state, 'partial');
  assert.deepEqual(b.bids.levels(), [98, 1], 'the book restarts from the breaking diff');
});

test('a snapshot waits for its bridge when it is ahead of the stream; a later snapshot older than the book is ignored', () => {
  const b = new TapeBook('next-id');
  assert.equal(b.apply(snap(1, 50, [100, 1], [101, 1])), 'synced');
  assert.equal(b.apply(diff(2, 45, 50, [100, 9])), 'ignored', 'covered by the snapshot');
  assert.equal(b.bids.qtyAt(100), 1);
  assert.equal(b.apply(diff(3, 51, 51, [100, 2])), 'applied');
  assert.equal(b.apply(snap(4, 40, [90, 1], [91, 1])), 'ignored', 'the book is newer than this snapshot');
  assert.equal(b.bestBid(), 100);
});

test('a snapshot older than the diffs it must join is stale: the book stays partial and says why', () => {
  const b = new TapeBook('next-id');
  b.apply(diff(1, 20, 25, [100, 5]));
  b.apply(diff(2, 26, 30, [101, 5]));
  assert.equal(b.apply(snap(3, 10, [99, 1], [102, 1])), 'stale');
  assert.equal(b.state, 'partial');
  assert.equal(b.problem?.reason, 'stale-snapshot');
  assert.deepEqual(b.bids.levels(), [101, 5, 100, 5], 'partial from the diffs, not the useless snapshot');
  // The next snapshot that bridges still can: the diffs were kept.
  assert.equal(b.apply(snap(4, 27, [100, 1], [102, 1])), 'synced');
  assert.deepEqual(b.bids.levels(), [101, 5, 100, 1]);
  // Waiting for the bridge after a snapshot, a diff that jumps past L+1 is stale too.
  const c = new TapeBook('next-id');
  c.apply(snap(1, 10, [100, 1], [102, 1]));
  assert.equal(c.apply(diff(2, 15, 16, [101, 1])), 'stale');
  assert.equal(c.state, 'partial');
});

test('a crossed book is not trusted', () => {
  const b = new TapeBook('next-id');
  b.apply(snap(1, 1, [100, 1], [101, 1]));
  assert.equal(b.apply(diff(2, 2, 2, [101, 3])), 'crossed');
  assert.equal(b.state, 'partial');
  assert.equal(b.problem?.reason, 'crossed');
});

test('gap records: a loss of depth empties the book and restarts the chain; a verdict the book reached itself keeps its diffs', () => {
  const b = new TapeBook('next-id');
  b.apply(snap(1, 1, [100, 1], [101, 1]));
  assert.equal(b.apply(gap(2, 'reconnect', ['trade'])), 'ignored', 'a gap of other streams leaves the book alone');
  assert.equal(b.state, 'synced');
  assert.equal(b.apply(gap(3, 'reconnect')), 'gap');
  assert.equal(b.state, 'empty');
  assert.equal(b.bids.size, 0);
  // The chain restarts: the next diff is not a break.
  assert.equal(b.apply(diff(4, 90, 91, [100, 1])), 'partial');

  const s = new TapeBook('next-id');
  s.apply(diff(1, 20, 25, [100, 5]));
  s.apply(snap(2, 10, [99, 1], [102, 1])); // stale
  assert.equal(s.apply(gap(2, 'stale-snapshot')), 'gap');
  assert.equal(s.apply(snap(3, 22, [100, 1], [102, 1])), 'synced');
  assert.equal(s.bids.qtyAt(100), 5, 'the diffs kept for bridging survived the record: 20..25 joined snapshot 22');
  assert.equal(s.updateId, 25);
});

test('a carried snapshot (a rotated file starts with the book at the last diff id) is joined by the next diff', () => {
  const n = new TapeBook('next-id');
  assert.equal(n.apply(snap(1, 500, [100, 1], [101, 1], { carried: true })), 'synced');
  assert.equal(n.apply(diff(2, 501, 501, [100, 2])), 'applied');
  const p = new TapeBook('prev-id');
  assert.equal(p.apply(snap(1, 500, [100, 1], [101, 1], { carried: true })), 'synced');
  assert.equal(p.apply(diff(2, 530, 560, [100, 2], [], 500)), 'applied', 'futures: pu == L joins');
});

test("rule 'none' (Tardis): no ids to check; a re-snapshot replaces the book", () => {
  const b = new TapeBook('none');
  assert.equal(b.apply(snap(1, null, [100, 1], [101, 1])), 'synced');
  assert.equal(b.apply(diff(2, null, null, [100, 0, 99, 4])), 'applied');
  assert.equal(b.apply(snap(3, null, [98, 1], [99, 1])), 'synced');
  assert.deepEqual(b.bids.levels(), [98, 1]);
});

test('level sides keep best-first order through inserts and deletes anywhere', () => {
  const bids = new LevelSide(1);
  const asks = new LevelSide(-1);
  for (const [p, q] of [[100, 1], [102, 2], [101, 3], [99, 4]]) {
    bids.set(p!, q!);
    asks.set(p!, q!);
  }
  assert.deepEqual(bids.levels(), [102, 2, 101, 3, 100, 1, 99, 4]);
  assert.deepEqual(asks.levels(2), [99, 4, 100, 1]);
  bids.set(102, 0);
  bids.set(50, 0); // deleting a missing level is a no-op
  assert.equal(bids.best(), 101);
  assert.equal(bids.bestQty(), 3);
  assert.equal(bids.priceAt(2), 99);
  assert.ok(Number.isNaN(bids.priceAt(3)));
  bids.load([10, 1, 30, 2, 20, 0]); // unsorted input is sorted, zero dropped
  assert.deepEqual(bids.levels(), [30, 2, 10, 1]);
  assert.deepEqual(bestFirst([5, 1, 7, 0, 6, 2, 5, 3], 'ask'), [5, 3, 6, 2]);
});
