// The loop's apply(Changes) seen from the edges: every exchange event that changed something a snapshot
// shows gives exactly one `changed` event (however many components marked it), and one that changed
// nothing (a book update leaving the top unchanged, a trade that keeps the flow's side) gives none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeEvent } from '../../src/exchange/types.js';
import { D } from '../../src/util/decimal.js';
import { bookEvent, fillEvent, makeHarness, settle, startQuoting, tradeEvent, type Harness } from './helpers/harness.js';

const S = 'SOL_USDC_PERP';

/** The `changed` events one exchange event gives while it is handled (REST replies come later). */
function changedBy(h: Harness, e: ExchangeEvent): number[] {
  const seqs: number[] = [];
  const off = h.engine.events.subscribe((ev) => seqs.push(ev.seq));
  h.port.emit(e);
  off();
  return seqs;
}

test('engine events: a book update that leaves the top unchanged gives no changed event (and no order); a new top gives one', async () => {
  const h = makeHarness();
  await startQuoting(h);
  const placed = h.port.placed().length;
  assert.equal(placed, 1);
  assert.deepEqual(changedBy(h, bookEvent(h.book)), [], 'the same book again');
  h.book.set('Bid', '100.00', 50).set('Ask', '100.06', 1); // sizes and depth only
  assert.deepEqual(changedBy(h, bookEvent(h.book)), []);
  assert.equal(h.port.calls.filter((c) => c.m === 'placeOrder' || c.m === 'cancelOrder').length, placed);
  h.book.set('Bid', '100.01', 5);
  const seq = h.engine.events.seq;
  assert.deepEqual(changedBy(h, bookEvent(h.book)), [seq + 1], 'a new bid: one changed event');
  await settle();
});

function mark(symbol: string, price: string): ExchangeEvent {
  return { type: 'markPrice', symbol, markPrice: D(price), indexPrice: null, fundingRate: null, ts: 0 };
}

test('engine events: exactly one changed event per exchange event that changed something, none for one that did not', async () => {
  const h = makeHarness();
  await h.engine.start();
  await settle();
  const one = (e: ExchangeEvent, what: string) => {
    const before = h.engine.events.seq;
    assert.deepEqual(changedBy(h, e), [before + 1], what);
  };
  const none = (e: ExchangeEvent, what: string) => assert.deepEqual(changedBy(h, e), [], what);
  one(tradeEvent(S, 'Bid', 1, h.clock.now()), 'a trade that gives the flow a side');
  none(tradeEvent(S, 'Bid', 1, h.clock.now()), 'a trade that keeps the side');
  one(bookEvent(h.book), 'the first book (a placement follows in the same event)');
  assert.equal(h.port.placed().length, 1);
  await settle(); // the placement's reply (its own event)
  none(bookEvent(h.book), 'the same top');
  one(mark(S, '100.02'), 'a perp mark');
  none(mark('ETH_USDC_PERP', '2000'), 'a mark of a symbol we do not trade');
  const req = h.port.placed()[0]!;
  const t = h.engine.view.tracker.get(S)!;
  const o = { symbol: S, orderId: t.orderId!, clientId: t.clientId, side: req.side, price: req.price!, quantity: req.quantity };
  // Counted, journalled, the order advanced and the symbol re-quoted: still one event.
  const records = h.journal.records.length;
  one(fillEvent(o, { tradeId: 'f1', qty: '0.1' }, D('0.1'), h.clock.now()), 'a partial fill');
  assert.deepEqual(h.journal.records.slice(records).map((r) => r.tradeId), ['f1']);
  assert.equal(h.engine.view.tracker.get(S)?.executed.toString(), '0.1');
  one({ type: 'bookInvalid', symbol: S, reason: 'gap', ts: 0 }, 'the book invalid');
  one({ type: 'connection', state: 'down', detail: 'ws closed', ts: 0 }, 'the streams down');
  await settle();
});
