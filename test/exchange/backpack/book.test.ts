import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LevelBook, SyncedBook } from '../../../src/exchange/backpack/book.js';
import type { DepthSnapshot } from '../../../src/exchange/backpack/codec/rest-rows.js';
import type { DepthDelta } from '../../../src/exchange/backpack/codec/stream-frames.js';
import type { WireLevel } from '../../../src/protocol/backpack/wire-types.js';
import { D } from '../../../src/util/decimal.js';

const S = 'SOL_USDC_PERP';
const snap = (L: number, bids: WireLevel[], asks: WireLevel[]): DepthSnapshot => ({ lastUpdateId: L, bids, asks, ts: 0 });
const delta = (U: number, u: number, bids: WireLevel[] = [], asks: WireLevel[] = []): DepthDelta => ({ symbol: S, U, u, bids, asks, ts: 0 });

test('levels keyed by numeric price: REST "86700" and WS "86700.0" are the same level', () => {
  const b = new SyncedBook(S);
  assert.equal(b.loadSnapshot(snap(10, [['86700', '1']], [['86800', '2']])), 'applied');
  assert.equal(b.applyDelta(delta(11, 11, [['86700.0', '0.00']])), 'applied');
  assert.equal(b.bestBid(), null);
  assert.equal(b.bids.size, 0);
  assert.equal(b.applyDelta(delta(12, 12, [['86700.00', '3.5']])), 'applied');
  assert.equal(b.sizeAt('Bid', D('86700')).toString(), '3.5');
});

test('best prices and levels are best-first; inserts and deletes anywhere keep the order', () => {
  const b = new LevelBook(S);
  // REST sends both sides ascending.
  b.applyLevels('Bid', [['1.0', '1'], ['1.2', '2'], ['1.1', '3']]);
  b.applyLevels('Ask', [['1.5', '1'], ['1.3', '2'], ['1.4', '3']]);
  assert.equal(b.bestBid()?.toString(), '1.2');
  assert.equal(b.bestAsk()?.toString(), '1.3');
  assert.deepEqual(b.levels('Bid', 5).map(([p, q]) => [p.toString(), q.toString()]), [['1.2', '2'], ['1.1', '3'], ['1', '1']]);
  assert.deepEqual(b.levels('Ask', 2).map(([p]) => p.toString()), ['1.3', '1.4']);
  b.applyLevels('Bid', [['1.2', '0'], ['1.05', '9']]);
  assert.equal(b.bestBid()?.toString(), '1.1');
  assert.deepEqual(b.levels('Bid', 5).map(([p]) => p.toString()), ['1.1', '1.05', '1']);
  b.applyLevels('Ask', [['1.25', '1'], ['9', '0']]); // deleting a missing level is a no-op
  assert.equal(b.bestAsk()?.toString(), '1.25');
  assert.equal(b.asks.size, 4);
  assert.equal(b.sizeAt('Ask', D('1.99')).toString(), '0');
});

test('bootstrap: buffered deltas with u <= L are dropped; the first kept must straddle L+1', () => {
  const b = new SyncedBook(S);
  assert.equal(b.applyDelta(delta(8, 9, [['1', '5']])), 'buffered');
  assert.equal(b.applyDelta(delta(10, 12, [['1.1', '5']])), 'buffered');
  assert.equal(b.applyDelta(delta(13, 13, [], [['2', '0']])), 'buffered');
  assert.equal(b.valid, false);
  assert.equal(b.loadSnapshot(snap(10, [['1', '1']], [['2', '1'], ['3', '1']])), 'applied');
  assert.equal(b.valid, true);
  assert.equal(b.lastUpdateId, 13);
  assert.equal(b.sizeAt('Bid', D(1)).toString(), '1'); // the 8..9 delta was covered by the snapshot
  assert.equal(b.bestBid()?.toString(), '1.1');
  assert.equal(b.bestAsk()?.toString(), '3');
  assert.equal(b.applyDelta(delta(14, 15, [['1.2', '1']])), 'applied');
  assert.equal(b.applyDelta(delta(15, 15)), 'ignored');
});

test('a snapshot older than the buffered deltas is a gap (fetch another)', () => {
  const b = new SyncedBook(S);
  b.applyDelta(delta(20, 21));
  assert.equal(b.loadSnapshot(snap(10, [['1', '1']], [['2', '1']])), 'gap');
  assert.equal(b.valid, false);
  b.applyDelta(delta(22, 22, [['1.5', '1']]));
  assert.equal(b.loadSnapshot(snap(21, [['1', '1']], [['2', '1']])), 'applied');
  assert.equal(b.bestBid()?.toString(), '1.5');
});

test('a snapshot ahead of the stream waits for the delta containing L+1', () => {
  const b = new SyncedBook(S);
  assert.equal(b.loadSnapshot(snap(50, [['1', '1']], [['2', '1']])), 'applied');
  assert.equal(b.applyDelta(delta(49, 50, [['1', '7']])), 'ignored');
  assert.equal(b.sizeAt('Bid', D(1)).toString(), '1');
  assert.equal(b.applyDelta(delta(50, 52, [['1', '7']])), 'applied');
  assert.equal(b.lastUpdateId, 52);
});

test('a sequence gap or a crossed book invalidates the book until the next snapshot', () => {
  const b = new SyncedBook(S);
  b.loadSnapshot(snap(1, [['1', '1']], [['2', '1']]));
  b.applyDelta(delta(2, 2));
  assert.equal(b.applyDelta(delta(4, 4)), 'gap');
  assert.equal(b.valid, false);
  assert.match(b.invalidReason ?? '', /gap/);
  assert.equal(b.bestBid(), null);
  assert.equal(b.applyDelta(delta(5, 5)), 'buffered');
  assert.equal(b.loadSnapshot(snap(4, [['1', '1']], [['2', '1']])), 'applied');
  assert.equal(b.applyDelta(delta(6, 6, [['2.5', '1']])), 'crossed');
  assert.equal(b.valid, false);
  assert.equal(b.loadSnapshot(snap(6, [['2', '1']], [['2', '1']])), 'crossed');
});
