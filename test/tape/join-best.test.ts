// The join-best fill rate's definition on hand-made streams: a 1-lot quote joins the best bid and ask
// every second behind the displayed size; filled by a trade through its price or by more than its queue
// ahead traded at its price within 10 s; the queue falls only to the displayed size; the rate counts
// quotes whose window ends by the last trade.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinBestTracker } from '../../src/tape/join-best.js';
import { bbo, gap, trade } from './helpers.js';

const S = 1_000_000;

/** Feed events, then a far trade so every window has ended inside the span. */
function run(events: Parameters<JoinBestTracker['add']>[0][], end = 30 * S) {
  const j = new JoinBestTracker(10, 1);
  for (const e of events) j.add(e);
  j.add(trade(end, 1, 'buy', { qty: 0 }));
  return j.result();
}

test('a quiet market fills nothing; a quote joins each side every second until 10 s before the end', () => {
  const r = run([bbo(0, 100, 101, { bidQty: 5, askQty: 5 })], 20 * S);
  // Quotes at 1..10 s (both sides) have windows ending by 20 s; the one at 10 s ends exactly at 20 s.
  assert.equal(r.quotes, 20);
  assert.equal(r.filled, 0);
  assert.equal(r.rate, 0);
});

test('a trade through the price fills; a trade at the price fills only past the queue ahead', () => {
  // Bid 100 x 5 shown. The bid quotes joining at 1 s and 2 s sit behind 5.
  const through = run([bbo(0, 100, 101, { bidQty: 5, askQty: 5 }), trade(1.5 * S, 99, 'sell', { qty: 1 })], 11.5 * S);
  // Only the quotes placed at 1 s (bid and ask) have windows ending by 11.5 s: 2 quotes, the bid filled.
  assert.deepEqual({ q: through.quotes, f: through.filled }, { q: 2, f: 1 });

  const atPrice = (qty: number) => run([bbo(0, 100, 101, { bidQty: 5, askQty: 5 }), trade(1.5 * S, 100, 'sell', { qty })], 11.5 * S);
  assert.equal(atPrice(5).filled, 0, 'exactly the queue ahead traded: still first in line, not filled');
  assert.equal(atPrice(6).filled, 1, 'one more than the queue ahead: filled');
  // A buyer never fills a bid, and a buy below the ask does not fill the ask.
  assert.equal(run([bbo(0, 100, 101, { bidQty: 5, askQty: 5 }), trade(1.5 * S, 99, 'buy', { qty: 100 })], 11.5 * S).filled, 0);
  assert.equal(run([bbo(0, 100, 101, { bidQty: 5, askQty: 5 }), trade(1.5 * S, 102, 'buy', { qty: 1 })], 11.5 * S).filled, 1, 'a buy above the ask: through it');
});

test('cancels count ahead only when the displayed size falls below the queue ahead', () => {
  const events = [
    bbo(0, 100, 101, { bidQty: 10, askQty: 10 }),
    // The bid shows 3 after the quote joined behind 10: at most 3 can be ahead now.
    bbo(1.2 * S, 100, 101, { bidQty: 3, askQty: 10 }),
    bbo(1.3 * S, 100, 101, { bidQty: 8, askQty: 10 }), // grew again: behind us, the queue ahead stays 3
    trade(1.5 * S, 100, 'sell', { qty: 4 }),
  ];
  assert.equal(run(events, 11.5 * S).filled, 1, 'queue ahead 3, 4 traded: filled');
  const noDip = [bbo(0, 100, 101, { bidQty: 10, askQty: 10 }), trade(1.5 * S, 100, 'sell', { qty: 4 })];
  assert.equal(run(noDip, 11.5 * S).filled, 0, 'queue ahead 10, 4 traded: not filled');
});

test('the quote stays where it joined; a fill after its 10 s window does not count', () => {
  const events = [
    bbo(0, 100, 101, { bidQty: 5, askQty: 5 }),
    bbo(1.5 * S, 102, 103, { bidQty: 5, askQty: 5 }), // the market moves up: the 1 s bid quote rests at 100
    trade(5 * S, 100, 'sell', { qty: 6 }), // a sweep down to 100 within its window: filled
  ];
  const r = run(events, 11.5 * S);
  assert.equal(r.quotes, 2);
  assert.equal(r.filled, 1);
  // Only the 1 s quotes' windows end by 11.9 s; theirs ended at 11 s, before the trade through at 11.5 s.
  const late = run([bbo(0, 100, 101, { bidQty: 5, askQty: 5 }), trade(11.5 * S, 99, 'sell', { qty: 1 })], 11.9 * S);
  assert.deepEqual({ q: late.quotes, f: late.filled }, { q: 2, f: 0 });
});

test('a bbo gap drops the quotes alive and waits for a new best bid/ask', () => {
  const r = run([bbo(0, 100, 101, { bidQty: 5, askQty: 5 }), gap(1.5 * S, 'reconnect', ['bbo', 'trade']), trade(2 * S, 99, 'sell')], 11.5 * S);
  assert.equal(r.quotes, 0, 'the 1 s quotes were dropped and no new quote joined without a book');
});
