// The replay venue's fill rules, one test per rule: our order joins behind the displayed size, trades at its
// price consume the queue ahead first, cancels are split ahead/behind (prob) or assumed behind (risk-averse),
// the book or a trade crossing the price fills it, fills are partial when less reaches it, a post-only order
// that would cross on arrival is rejected, a taker takes from the recorded book without changing it.
// Prices are in units of 0.01 (10000 = 100.00), quantities in units of 0.001 (1000 = 1.000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accepted, diff, gap, order, snap, trade, venue } from './helpers.js';

const T = 1_700_000_000_000_000;

/** A synced book: bid 100.00 x 5.000, ask 100.10 x 5.000 (ids: snapshot 10, next diff 11). */
function book(v: ReturnType<typeof venue>['v'], bidQty = 5000): void {
  v.depth(snap(T, 10, [10000, bidQty, 9990, 3000], [10010, 5000, 10020, 3000]));
}

test('a new order joins behind the whole displayed size at its price', () => {
  const { v } = venue();
  book(v);
  const o = accepted(v.arrive(order(), 'TEST_USDC_PERP', T + 1, false));
  assert.equal(o.status, 'New');
  assert.deepEqual(o.queue, { ahead: 5000, level: 5000, traded: 0 });
  // At an empty price (inside the spread) nobody is ahead.
  const inside = accepted(v.arrive(order({ priceU: 10005 }), 'TEST_USDC_PERP', T + 2, false));
  assert.equal(inside.queue!.ahead, 0);
});

test('trades at its price consume the queue ahead first; what is left fills it, partially when less than its remaining', () => {
  const { v, rec } = venue();
  book(v);
  const o = accepted(v.arrive(order({ qtyU: 1000 }), 'TEST_USDC_PERP', T + 1, false));
  v.trade(trade(T + 2, 10000, 'sell', { qty: 4000 }));
  assert.equal(o.queue!.ahead, 1000);
  assert.equal(rec.fills.length, 0, 'the queue ahead absorbed the whole trade');
  v.trade(trade(T + 3, 10000, 'sell', { qty: 1400 }));
  assert.deepEqual(rec.fills, [{ id: o.id, priceU: 10000, qtyU: 400, isMaker: true }], '1400 - 1000 ahead = 400 reach the order');
  assert.equal(o.status, 'PartiallyFilled');
  assert.equal(o.remainingU, 600);
  v.trade(trade(T + 4, 10000, 'sell', { qty: 5000 }));
  assert.equal(rec.fills[1]!.qtyU, 600, 'never more than its remaining');
  assert.equal(o.status, 'Filled');
  assert.equal(v.resting.length, 0);
});

test('trades that do not hit its side or price leave the queue alone', () => {
  const { v, rec } = venue();
  book(v);
  const o = accepted(v.arrive(order(), 'TEST_USDC_PERP', T + 1, false));
  v.trade(trade(T + 2, 10010, 'buy', { qty: 9000 }));
  v.trade(trade(T + 3, 10000, 'buy', { qty: 9000 }));
  assert.equal(o.queue!.ahead, 5000);
  assert.equal(rec.fills.length, 0);
});

test('prob model: a cancel just after joining is ahead; later ones split as f(ahead)/(f(ahead)+f(behind))', () => {
  for (const [power, want] of [
    [1, 3000 - 1800],
    [2, 3000 - (3000 * 9) / 13],
  ] as const) {
    const { v } = venue('prob', power);
    book(v, 6000);
    const o = accepted(v.arrive(order(), 'TEST_USDC_PERP', T + 1, false));
    // Nobody behind yet: all of a 3.000 decrease is ahead of us.
    v.depth(diff(T + 2, 11, 11, [10000, 3000]));
    assert.equal(o.queue!.ahead, 3000, `power ${power}`);
    // 2.000 join behind (5.000 shown), then 3.000 are cancelled: ahead 3000, behind 2000.
    v.depth(diff(T + 3, 12, 12, [10000, 5000]));
    assert.equal(o.queue!.ahead, 3000, 'an increase joins behind');
    v.depth(diff(T + 4, 13, 13, [10000, 2000]));
    // power 1: 3000 x 3/5 = 1800 from ahead; power 2: 3000 x 9/13.
    assert.ok(Math.abs(o.queue!.ahead - want) < 1e-9, `power ${power}: ahead ${o.queue!.ahead}, want ${want}`);
  }
});

test('risk-averse model: cancels come from behind; the queue ahead only shrinks to the displayed size', () => {
  const { v } = venue('risk-averse');
  book(v, 6000);
  const o = accepted(v.arrive(order(), 'TEST_USDC_PERP', T + 1, false));
  v.depth(diff(T + 2, 11, 11, [10000, 10000]));
  v.depth(diff(T + 3, 12, 12, [10000, 7000]));
  assert.equal(o.queue!.ahead, 6000, 'a cancel of 3.000 with 4.000 behind us is all behind');
  v.depth(diff(T + 4, 13, 13, [10000, 2500]));
  assert.equal(o.queue!.ahead, 2500, 'fewer shown than ahead: the ones ahead must have gone');
});

test('a decrease explained by the trades printed at the level is not counted again as cancels', () => {
  for (const model of ['prob', 'risk-averse'] as const) {
    const { v } = venue(model, 1);
    book(v, 6000);
    const o = accepted(v.arrive(order(), 'TEST_USDC_PERP', T + 1, false));
    v.depth(diff(T + 2, 11, 11, [10000, 8000]));
    v.trade(trade(T + 3, 10000, 'sell', { qty: 2000 }));
    assert.equal(o.queue!.ahead, 4000);
    v.depth(diff(T + 4, 12, 12, [10000, 6000]));
    assert.equal(o.queue!.ahead, 4000, `${model}: the 2.000 decrease was the trade`);
  }
});

test('the opposite side reaching its price fills it with the crossing quantity, not twice with the same', () => {
  const { v, rec } = venue();
  book(v);
  const o = accepted(v.arrive(order({ qtyU: 1000 }), 'TEST_USDC_PERP', T + 1, false));
  // The bids at 100.00 go and an ask of 0.300 appears at 100.00: it would have traded with our bid.
  v.depth(diff(T + 2, 11, 11, [10000, 0], [10000, 300]));
  assert.deepEqual(rec.fills, [{ id: o.id, priceU: 10000, qtyU: 300, isMaker: true }]);
  // An unrelated change elsewhere: the same 0.300 still displayed must not fill it again.
  v.depth(diff(T + 3, 12, 12, [9990, 2000]));
  assert.equal(rec.fills.length, 1);
  // More offered at our price: that part fills.
  v.depth(diff(T + 4, 13, 13, [], [10000, 500]));
  assert.equal(rec.fills[1]!.qtyU, 200);
  assert.equal(o.remainingU, 500);
});

test('a trade printing through its price fills all of it', () => {
  const { v, rec } = venue();
  book(v);
  const o = accepted(v.arrive(order({ qtyU: 1500 }), 'TEST_USDC_PERP', T + 1, false));
  v.trade(trade(T + 2, 9990, 'sell', { qty: 1 }));
  assert.deepEqual(rec.fills, [{ id: o.id, priceU: 10000, qtyU: 1500, isMaker: true }], 'at our price, whatever the print size');
  assert.equal(o.status, 'Filled');
});

test('a post-only order that would cross on arrival is rejected with Backpack\'s error; nothing rests', () => {
  const { v, rec } = venue();
  book(v);
  const r = v.arrive(order({ priceU: 10010 }), 'TEST_USDC_PERP', T + 1, false);
  assert.deepEqual(r, { status: 400, code: 'INVALID_ORDER', message: 'Order would immediately match and take' });
  assert.equal(v.resting.length, 0);
  assert.equal(rec.updates.length, 0, 'no order update: it never existed');
  // At the touch on its own side it is fine.
  accepted(v.arrive(order({ priceU: 10000 }), 'TEST_USDC_PERP', T + 2, false));
});

test('an IOC order takes from the recorded book level by level; the remainder expires; the book is unchanged', () => {
  const { v, rec } = venue();
  book(v);
  const o = accepted(v.arrive(order({ priceU: 10020, qtyU: 6000, postOnly: false, timeInForce: 'IOC' }), 'TEST_USDC_PERP', T + 1, false));
  assert.deepEqual(rec.fills.map((f) => [f.priceU, f.qtyU, f.isMaker]), [[10010, 5000, false], [10020, 1000, false]]);
  assert.equal(o.status, 'Filled');
  const part = accepted(v.arrive(order({ priceU: 10010, qtyU: 7000, postOnly: false, timeInForce: 'IOC' }), 'TEST_USDC_PERP', T + 2, false));
  assert.equal(part.executedU, 5000, 'only what is displayed within its price');
  assert.equal(part.status, 'Expired');
  assert.equal(part.expiryReason, 'ImmediateOrCancel');
  assert.equal(v.book.asks.qtyAt(10010), 5000, 'our taker fills do not remove recorded liquidity');
});

test('reduce-only: rejected when it would not reduce, capped at the position, expired when the position goes', () => {
  const { v, rec, pos } = venue('prob', 1, 0);
  book(v);
  const r = v.arrive(order({ side: 'Ask', priceU: 10010, reduceOnly: true }), 'TEST_USDC_PERP', T + 1, false);
  assert.equal((r as { message: string }).message, 'Reduce only order not reduced');
  pos.u = 400;
  const o = accepted(v.arrive(order({ side: 'Ask', priceU: 10010, qtyU: 1000, reduceOnly: true }), 'TEST_USDC_PERP', T + 2, false));
  assert.equal(o.remainingU, 400, 'never more than the position');
  pos.u = 0;
  v.reduceChecks();
  assert.equal(o.status, 'Expired');
  assert.equal(o.expiryReason, 'ReduceOnlyNotReduced');
  assert.equal(rec.updates.at(-1)!.type, 'expired');
});

test('while the book is not synced (after a gap) depth moves no queue; trades still fill', () => {
  const { v, rec } = venue();
  book(v);
  const o = accepted(v.arrive(order({ qtyU: 1000 }), 'TEST_USDC_PERP', T + 1, false));
  v.depth(gap(T + 2, 'sequence'));
  v.depth(diff(T + 3, 20, 20, [10000, 100]));
  assert.equal(o.queue!.ahead, 5000, 'an unsynced book says nothing about the queue');
  v.trade(trade(T + 4, 9990, 'sell'));
  assert.equal(rec.fills.length, 1);
  // A snapshot re-syncs the book and the queue follows it again.
  const { v: w } = venue();
  book(w);
  const p = accepted(w.arrive(order(), 'TEST_USDC_PERP', T + 1, false));
  w.depth(gap(T + 2, 'reconnect'));
  w.depth(snap(T + 3, 30, [10000, 2000], [10010, 5000]));
  assert.equal(p.queue!.ahead, 2000);
});

test('orders off the grid or below the minimum are rejected like the venue does', () => {
  const { v } = venue();
  book(v);
  assert.equal((v.arrive(order({ qtyU: 1500, priceU: 10000 }), 'TEST_USDC_PERP', T, false) as { code?: string }).code, undefined);
  assert.equal((v.arrive(order({ qtyU: 0 }), 'TEST_USDC_PERP', T, false) as { message: string }).message, 'Quantity is below the minimum allowed value');
  assert.equal((v.arrive(order({ clientId: 7 }), 'TEST_USDC_PERP', T, true) as { message: string }).message, 'Order with client ID already exists: 7');
});
