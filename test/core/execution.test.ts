// Order execution on its own, against the fake port: place outcomes (accepted, rejected with an
// exponential, capped back-off, unknown resolved by findOrder and never resent), cancel outcomes resolved
// by query, the risk gate's cool-down, and stream order events (expiries back off, untracked orders of
// ours are cancelled). Each asynchronous outcome reaches the loop through `settled`, never a re-quote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Execution, MAX_REJECT_BACKOFF_MS, type Effect } from '../../src/core/execution.js';
import { CLIENT_ID_NAMESPACE } from '../../src/core/client-ids.js';
import { SymbolState } from '../../src/core/symbol-state.js';
import type { Quote } from '../../src/core/strategy.js';
import { defaultSettings } from '../../src/config/settings.js';
import type { OrderEvent } from '../../src/domain/order.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { FakePort, orderInfo, perpMarket } from './helpers/fake-port.js';
import { MemLogger, settle, T0 } from './helpers/harness.js';

const S = 'SOL_USDC_PERP';

function setup() {
  const clock = new VirtualClock(T0);
  const logger = new MemLogger();
  const port = new FakePort();
  const settings = { ...defaultSettings(), rejectBackoffMs: 250, minRequoteMs: 250 };
  const failures: string[] = [];
  const settled: Effect[] = [];
  const ex = new Execution({
    port,
    clock,
    logger,
    settings,
    stats: { recordFailure: (_s, reason) => void failures.push(reason) },
    inflight: (p) => p,
    settled: (_st, effect) => void settled.push(effect),
  });
  const sym = new SymbolState(S, perpMarket(S), settings);
  return { clock, logger, port, ex, sym, failures, settled };
}

function quote(over: Partial<Quote> = {}): Quote {
  return { side: 'Bid', price: D('99.99'), quantity: D(1), reduceOnly: false, postOnly: true, ioc: false, reason: 'flow', stage: 0, exit: false, ...over };
}

function placeOne(r: ReturnType<typeof setup>, q: Quote = quote()) {
  return r.ex.place(r.sym, q, 'ACTIVE', ZERO, r.clock.now(), false);
}

/** Advance the virtual clock in steps, letting the fake port's promises settle between them. */
async function run(clock: VirtualClock, ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await settle();
  }
}

test('execution: an accepted placement is open and settles with no effect; the failure streak starts over', async () => {
  const r = setup();
  r.sym.rejectStreak = 3;
  r.sym.consecutiveFailures = 3;
  const res = placeOne(r);
  assert.equal(res.placed, true);
  assert.equal(r.ex.tracker.get(S)?.state, 'pending');
  assert.equal(r.ex.ordersPlaced, 1);
  await settle();
  assert.equal(r.ex.tracker.get(S)?.state, 'open');
  assert.deepEqual(r.settled, [{ wakeAt: null, readPosition: false }]);
  assert.equal(r.sym.rejectStreak, 0);
  assert.equal(r.sym.consecutiveFailures, 0);
});

test('execution: rejections back off exponentially up to the cap; a reduce-only rejection asks for a position read', async () => {
  const r = setup();
  r.port.placeHandler = () => ({ kind: 'rejected', code: 'INVALID_ORDER', message: 'Order would immediately match and take', status: 400 });
  const waits: number[] = [];
  for (let i = 0; i < 8; i++) {
    r.sym.blockedUntil = 0;
    placeOne(r);
    await settle();
    const e = r.settled.at(-1)!;
    assert.equal(r.ex.tracker.get(S), null, 'a rejected order is no longer working');
    assert.equal(e.readPosition, false);
    waits.push(e.wakeAt! - r.clock.now());
  }
  assert.deepEqual(waits, [250, 500, 1000, 2000, 4000, 8000, MAX_REJECT_BACKOFF_MS, MAX_REJECT_BACKOFF_MS]);
  assert.deepEqual(new Set(r.failures), new Set(['post-only']));
  // Blocked: the next attempt sends nothing and asks to be woken at the end of the back-off.
  const blocked = placeOne(r);
  assert.equal(blocked.placed, false);
  assert.equal(blocked.wakeAt, r.sym.blockedUntil);
  assert.equal(r.port.placed().length, 8);

  r.sym.blockedUntil = 0;
  r.port.placeHandler = () => ({ kind: 'rejected', code: 'INVALID_ORDER', message: 'Reduce only order not reduced', status: 400 });
  assert.equal(r.ex.place(r.sym, quote({ side: 'Ask', price: D('100.01'), reduceOnly: true, exit: true }), 'ACTIVE', D(1), r.clock.now(), false).placed, true);
  await settle();
  assert.equal(r.settled.at(-1)!.readPosition, true);
  assert.equal(r.failures.at(-1), 'reduce-only');
  // Waiting for that read: nothing is placed.
  r.sym.blockedUntil = 0;
  r.sym.positionReadPending = true;
  assert.equal(placeOne(r).placed, false);
});

test('execution: an unknown place outcome is resolved by findOrder, never resent (found resting -> open)', async () => {
  const r = setup();
  r.port.placeHandler = (req) => {
    r.port.resting.set(req.clientId, orderInfo(req, 'late-1'));
    return { kind: 'unknown', reason: 'timeout' };
  };
  placeOne(r);
  await settle();
  const t = r.ex.tracker.get(S)!;
  assert.equal(t.state, 'unknown');
  assert.equal(t.resolving, true);
  assert.equal(r.port.names().filter((n) => n === 'findOrder').length, 0, 'the first query waits 250 ms');
  await run(r.clock, 300);
  assert.equal(r.port.names().filter((n) => n === 'findOrder').length, 1);
  assert.equal(t.state, 'open');
  assert.equal(t.orderId, 'late-1');
  assert.equal(t.resolving, false);
  assert.equal(r.port.placed().length, 1, 'never resent');
  assert.equal(r.settled.length, 2, 'the unknown outcome and the resolution each settle');
});

test('execution: an unknown placement the exchange never saw (asked twice, apart) is lost: a failure with back-off, nothing resent', async () => {
  const r = setup();
  r.port.placeHandler = () => ({ kind: 'unknown', reason: '503' });
  placeOne(r);
  await settle();
  await run(r.clock, 300);
  assert.ok(r.ex.tracker.get(S), 'one "not found" is not enough');
  await run(r.clock, 600);
  assert.equal(r.port.names().filter((n) => n === 'findOrder').length, 2);
  assert.equal(r.ex.tracker.get(S), null);
  assert.deepEqual(r.failures, ['lost']);
  assert.ok(r.settled.at(-1)!.wakeAt! > r.clock.now());
  assert.equal(r.port.placed().length, 1);
});

test('execution: a failed findOrder is retried with growing delays until it answers', async () => {
  const r = setup();
  r.port.placeHandler = (req) => {
    r.port.resting.set(req.clientId, orderInfo(req, 'o-9'));
    return { kind: 'unknown', reason: 'timeout' };
  };
  let fails = 2;
  const find = r.port.findHandler;
  r.port.findHandler = (s, c) => {
    if (fails-- > 0) throw new Error('socket hang up');
    return find(s, c);
  };
  placeOne(r);
  await settle();
  await run(r.clock, 250 + 500 + 100);
  assert.equal(r.ex.tracker.get(S)?.state, 'unknown', 'two failed queries: still unresolved');
  await run(r.clock, 1000);
  assert.equal(r.ex.tracker.get(S)?.state, 'open');
  assert.equal(r.port.placed().length, 1);
});

test('execution: a rejected cancel is resolved by query (filled meanwhile -> done); an accepted one finishes the order', async () => {
  const r = setup();
  placeOne(r);
  await settle();
  const t = r.ex.tracker.get(S)!;
  r.port.cancelHandler = () => ({ kind: 'rejected', code: 'RESOURCE_NOT_FOUND', message: 'Order not found', status: 404 });
  r.port.findHandler = () => ({ ...orderInfo({ symbol: S, side: 'Bid', orderType: 'Limit', price: D('99.99'), quantity: D(1), clientId: t.clientId }, t.orderId!), status: 'Filled', executedQuantity: D(1) });
  r.ex.cancel(r.sym, t);
  r.ex.cancel(r.sym, t);
  assert.equal(r.ex.cancelsSent, 1, 'one cancel in flight at a time');
  await settle();
  assert.equal(t.resolving, true);
  assert.ok(r.ex.tracker.get(S), 'not guessed gone');
  await run(r.clock, 300);
  assert.equal(r.ex.tracker.get(S), null);
  assert.equal(t.state, 'filled');

  placeOne(r);
  await settle();
  r.port.cancelHandler = (_s, id) => ({ kind: 'accepted', value: { ...orderInfo({ symbol: S, side: 'Bid', orderType: 'Limit', price: D('99.99'), quantity: D(1), clientId: 0 }, 'x'), ...id, status: 'Cancelled' } as never });
  r.ex.cancel(r.sym, r.ex.tracker.get(S)!);
  await settle();
  assert.equal(r.ex.tracker.get(S), null);
  assert.equal(r.port.names().filter((n) => n === 'findOrder').length, 1, 'an accepted cancel needs no query');
});

test('execution: a denied placement cools down (counted, nothing sent, woken later)', () => {
  const r = setup();
  const res = r.ex.place(r.sym, quote(), 'ACTIVE', ZERO, r.clock.now(), true);
  assert.equal(res.placed, false);
  assert.equal(res.wakeAt, r.clock.now() + 250);
  assert.equal(r.port.placed().length, 0);
  assert.equal(Object.values(r.ex.denials.byReason).reduce((a, b) => a + b, 0), 1);
});

test('execution: stream expiries back off (post-only) or not (IOC remainder); untracked resting orders of ours are cancelled', async () => {
  const r = setup();
  placeOne(r);
  await settle();
  const t = r.ex.tracker.get(S)!;
  const ev = (over: Partial<OrderEvent>): OrderEvent => ({
    type: 'expired',
    symbol: S,
    orderId: t.orderId!,
    clientId: t.clientId,
    side: 'Bid',
    orderType: 'Limit',
    status: 'Expired',
    price: D('99.99'),
    quantity: D(1),
    executedQuantity: ZERO,
    executedQuoteQuantity: ZERO,
    reduceOnly: false,
    postOnly: true,
    ts: 0,
    ...over,
  });
  const e = r.ex.onOrderEvent(r.sym, ev({ reason: 'PostOnlyTaker' }), false);
  assert.equal(e?.wakeAt, r.clock.now() + 250);
  assert.deepEqual(r.failures, ['post-only']);
  assert.equal(r.ex.tracker.get(S), null);

  r.sym.blockedUntil = 0;
  placeOne(r, quote({ ioc: true, postOnly: false }));
  await settle();
  const ioc = r.ex.tracker.get(S)!;
  const e2 = r.ex.onOrderEvent(r.sym, ev({ orderId: ioc.orderId!, clientId: ioc.clientId, reason: 'ImmediateOrCancel' }), false);
  assert.deepEqual(e2, { wakeAt: null, readPosition: false });
  assert.equal(r.failures.length, 1);

  const ours = ((CLIENT_ID_NAMESPACE << 24) >>> 0) + 5;
  const untracked = ev({ type: 'accepted', status: 'New', orderId: 'stray', clientId: ours });
  assert.equal(r.ex.onOrderEvent(r.sym, untracked, true), null);
  assert.equal(r.port.names().filter((n) => n === 'cancelOrder').length, 0, 'not while stopping');
  assert.equal(r.ex.onOrderEvent(r.sym, untracked, false), null);
  assert.deepEqual(r.port.calls.filter((c) => c.m === 'cancelOrder').map((c) => c.args[1]), [{ orderId: 'stray' }]);
  assert.equal(r.ex.onOrderEvent(r.sym, { ...untracked, clientId: 12345, orderId: 'theirs' }, false), null);
  assert.equal(r.port.names().filter((n) => n === 'cancelOrder').length, 1, 'not ours: left alone');
});

test('execution: matching open orders cancels our orphans and queries a working order the exchange no longer lists', async () => {
  const r = setup();
  placeOne(r);
  await settle();
  const t = r.ex.tracker.get(S)!;
  const ours = ((CLIENT_ID_NAMESPACE << 24) >>> 0) + 9;
  const orphan = { ...orderInfo({ symbol: S, side: 'Ask', orderType: 'Limit', price: D(101), quantity: D(1), clientId: ours }, 'orph') };
  r.port.resting.clear(); // our working order ended unseen
  r.ex.matchOpenOrders([r.sym], [orphan]);
  assert.deepEqual(r.port.calls.filter((c) => c.m === 'cancelOrder').map((c) => c.args[1]), [{ orderId: 'orph' }]);
  assert.equal(t.resolving, true);
  await run(r.clock, 300);
  await run(r.clock, 600);
  assert.equal(r.ex.tracker.get(S), null, 'not found twice: gone');
  assert.deepEqual(r.failures, [], 'a working order that ended is no placement failure');
});

test('execution: two slots of one symbol (bid and ask) are placed, gated and resolved independently', async () => {
  const r = setup();
  const bidQ = quote({ side: 'Bid', price: D('99.99') });
  const askQ = quote({ side: 'Ask', price: D('100.01') });
  // The ask's placement is answered "unknown" although the exchange took it; the bid's is accepted.
  r.port.placeHandler = (req) => {
    const info = orderInfo(req, req.side === 'Bid' ? 'b-1' : 'a-1');
    r.port.resting.set(req.clientId, info);
    return req.side === 'Bid' ? { kind: 'accepted', value: info } : { kind: 'unknown', reason: 'timeout' };
  };
  assert.equal(r.ex.place(r.sym, bidQ, 'ACTIVE', ZERO, r.clock.now(), false, 'Bid').placed, true);
  assert.equal(r.ex.place(r.sym, askQ, 'ACTIVE', ZERO, r.clock.now(), false, 'Ask').placed, true, 'the bid slot does not block the ask slot');
  // A slot holding an order (even pending) is the gate's "working order".
  const again = r.ex.place(r.sym, bidQ, 'ACTIVE', ZERO, r.clock.now(), false, 'Bid');
  assert.equal(again.placed, false);
  assert.equal(r.ex.denials.byReason['working-order'], 1);
  r.sym.blockedUntil = 0; // the denial's cool-down is the symbol's; lift it for what follows
  await settle();
  const bid = r.ex.tracker.get(S, 'Bid')!;
  const ask = r.ex.tracker.get(S, 'Ask')!;
  assert.equal(bid.state, 'open');
  assert.equal(ask.state, 'unknown');
  assert.equal(r.ex.tracker.get(S), null, 'nothing in the engine slot');
  await run(r.clock, 300);
  assert.equal(ask.state, 'open', 'the unknown ask was found by query and adopted');
  assert.equal(ask.orderId, 'a-1');
  assert.equal(r.port.placed().length, 2, 'nothing resent');
  // Reconciliation: both are listed, so both stay and nothing is an orphan.
  r.ex.matchOpenOrders([r.sym], [...r.port.resting.values()]);
  assert.equal(r.port.calls.filter((c) => c.m === 'cancelOrder').length, 0);
  assert.equal(r.ex.tracker.get(S, 'Bid'), bid);
  assert.equal(r.ex.tracker.get(S, 'Ask'), ask);
  // Cancelling the bid frees its slot only.
  r.ex.cancel(r.sym, bid);
  await settle();
  assert.equal(r.ex.tracker.get(S, 'Bid'), null);
  assert.equal(r.ex.tracker.get(S, 'Ask'), ask);
  // The ask ends unseen: a reconciliation that no longer lists it queries it, and the bid slot is free to place.
  r.port.resting.clear();
  r.ex.matchOpenOrders([r.sym], []);
  assert.equal(ask.resolving, true);
  assert.equal(r.ex.place(r.sym, bidQ, 'ACTIVE', ZERO, r.clock.now(), false, 'Bid').placed, true);
  await run(r.clock, 1000);
  assert.equal(r.ex.tracker.get(S, 'Ask'), null, 'not found twice: gone');
  assert.notEqual(r.ex.tracker.get(S, 'Bid'), null, 'the new bid is untouched by the ask resolution');
});
