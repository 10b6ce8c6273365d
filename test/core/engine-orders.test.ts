// Engine order flow against the fake port: start-up order, one working order, unknown outcomes resolved
// by query (never resent), post-only back-off, reduce-only re-reads the position, inventory switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/errors.js';
import { CLIENT_ID_NAMESPACE, isOurClientId } from '../../src/core/client-ids.js';
import { D } from '../../src/util/decimal.js';
import { bookEvent, fillEvent, makeHarness, settle, startQuoting, tradeEvent } from './helpers/harness.js';
import { orderInfo, perpMarket } from './helpers/fake-port.js';
import type { OrderInfo } from '../../src/domain/order.js';

const S = 'SOL_USDC_PERP';

test('start-up: unknown symbol is a config error', async () => {
  const h = makeHarness({ symbols: ['SOL_USDC_PERP', 'NOPE_USDC_PERP'] });
  await assert.rejects(h.engine.start(), ConfigError);
});

test('start-up: orphans of our namespace are cancelled before anything is placed; others are left alone', async () => {
  const h = makeHarness();
  const mk = (id: string, clientId: number | null): OrderInfo => ({
    ...orderInfo({ symbol: S, side: 'Bid', orderType: 'Limit', price: D(99), quantity: D(1), clientId: clientId ?? 0 }, id),
    clientId,
  });
  const ours = ((CLIENT_ID_NAMESPACE << 24) >>> 0) + 7;
  h.port.openOrders = [mk('o1', ours), mk('o2', 12345), mk('o3', null)];
  h.port.cancelHandler = (_s, id) => {
    h.port.openOrders = h.port.openOrders.filter((o) => !('orderId' in id) || o.id !== id.orderId);
    return { kind: 'accepted', value: mk('o1', ours) };
  };
  await startQuoting(h);
  const names = h.port.names();
  assert.equal(names[0], 'getMarkets');
  const cancelIdx = names.indexOf('cancelOrder');
  const placeIdx = names.indexOf('placeOrder');
  assert.ok(cancelIdx > 0 && placeIdx > cancelIdx, names.join(','));
  const cancels = h.port.calls.filter((c) => c.m === 'cancelOrder');
  assert.equal(cancels.length, 1);
  assert.deepEqual(cancels[0]!.args[1], { orderId: 'o1' });
  const startIdx = names.indexOf('start');
  assert.ok(startIdx > 0 && startIdx < placeIdx, `the streams start before the first order: ${names.join(',')}`);
  const req = h.port.placed()[0]!;
  assert.ok(isOurClientId(req.clientId));
  assert.equal(req.side, 'Ask'); // takers bought: quote with the flow
  assert.equal(req.postOnly, true);
  assert.equal(req.price?.toString(), '100.05');
});

test('at most one working order: nothing new while a cancel is unconfirmed', async () => {
  const h = makeHarness({ minRequoteMs: 0 });
  let release: (() => void) | null = null;
  await startQuoting(h);
  assert.equal(h.port.placed().length, 1);
  const orig = h.port.cancelHandler;
  h.port.cancelHandler = (s, id) => new Promise((r) => (release = () => r(orig(s, id) as never)));
  h.book.set('Ask', '100.05', 0); // best ask moves away: requote needed
  h.port.emit(bookEvent(h.book));
  await settle();
  assert.equal(h.port.names().filter((n) => n === 'cancelOrder').length, 1);
  h.port.emit(bookEvent(h.book.set('Ask', '100.04', 3)));
  h.clock.advance(5000);
  await settle();
  assert.equal(h.port.placed().length, 1, 'no placement before the cancel is confirmed');
  release!();
  await settle();
  assert.equal(h.port.placed().length, 2);
  assert.equal(h.port.placed()[1]!.price?.toString(), '100.04');
  assert.equal(h.engine.view.replacements['price'], 1);
});

test('unknown place outcome: resolved by findOrder, never resent', async () => {
  const h = makeHarness();
  let placeCount = 0;
  h.port.placeHandler = (req) => {
    placeCount++;
    h.port.resting.set(req.clientId, orderInfo(req, 'late-1')); // it did reach the book
    return { kind: 'unknown', reason: 'timeout' };
  };
  await startQuoting(h);
  assert.equal(placeCount, 1);
  for (let i = 0; i < 10; i++) {
    h.clock.advance(300);
    await settle();
  }
  assert.equal(placeCount, 1, 'never resent');
  assert.ok(h.port.names().includes('findOrder'));
  const t = h.engine.view.tracker.get(S);
  assert.equal(t?.state, 'open');
  assert.equal(t?.orderId, 'late-1');
});

test('unknown place outcome that never reached the exchange: two "not found" answers, then a fresh order', async () => {
  const h = makeHarness();
  let n = 0;
  h.port.placeHandler = (req) => {
    n++;
    if (n === 1) return { kind: 'unknown', reason: '503' };
    const info = orderInfo(req, 'ok-2');
    h.port.resting.set(req.clientId, info);
    return { kind: 'accepted', value: info };
  };
  await startQuoting(h);
  h.clock.advance(300);
  await settle();
  assert.equal(n, 1, 'one not-found is not enough');
  for (let i = 0; i < 20; i++) {
    h.clock.advance(250);
    await settle();
  }
  assert.equal(n, 2);
  const [a, b] = h.port.placed();
  assert.notEqual(a!.clientId, b!.clientId, 'a new clientId, never a duplicate');
  assert.equal(h.engine.view.stats.figures().failures['lost'], 1);
});

test('post-only rejection: back-off doubling, re-quote from the fresh book', async () => {
  const h = makeHarness({ rejectBackoffMs: 250 });
  const times: number[] = [];
  h.port.placeHandler = () => {
    times.push(h.clock.now());
    return { kind: 'rejected', code: 'INVALID_ORDER', message: 'Order would immediately match and take', status: 400 };
  };
  await startQuoting(h);
  for (let i = 0; i < 40; i++) {
    h.port.emit(bookEvent(h.book.set('Bid', '100.00', 5 + i))); // book activity must not bypass the back-off
    h.clock.advance(50);
    await settle();
  }
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(gaps.length >= 3, `gaps ${gaps}`);
  assert.ok(gaps[0]! >= 250 && gaps[1]! >= 500 && gaps[2]! >= 1000, `gaps ${gaps}`);
  assert.equal(h.engine.view.stats.figures().failures['post-only'], times.length);
});

test('reduce-only rejection re-reads the position before retrying', async () => {
  const h = makeHarness({ rejectBackoffMs: 100 });
  await startQuoting(h);
  // get a long position by a fill on our Ask? Use a Bid fill from the working order's view instead:
  const t = h.engine.view.tracker.get(S)!;
  h.port.placeHandler = () => ({ kind: 'rejected', code: 'INVALID_ORDER', message: 'Reduce only order not reduced', status: 400 });
  h.port.positions = [];
  // our Ask is hit: short 0.49 -> the engine wants a reduce-only Bid
  h.port.emit(fillEvent({ symbol: S, orderId: t.orderId!, clientId: t.clientId, side: 'Ask', price: D('100.05'), quantity: t.quantity }, { tradeId: 'f1', qty: t.quantity }, t.quantity, h.clock.now()));
  await settle();
  const before = h.port.names().filter((n) => n === 'getPositions').length;
  const req = h.port.placed().at(-1)!;
  assert.equal(req.reduceOnly, true);
  assert.equal(req.side, 'Bid');
  h.clock.advance(200);
  await settle();
  const after = h.port.names().filter((n) => n === 'getPositions').length;
  assert.ok(after > before, 'position re-read after a reduce-only rejection');
  // the exchange says flat: the position is adopted and no reduce-only exit is retried
  const placedBefore = h.port.placed().length;
  h.clock.advance(5000);
  await settle();
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0');
  assert.ok(h.port.placed().slice(placedBefore).every((r) => !r.reduceOnly));
});

test('fill -> inventory switch: log line, cancel first, then a reduce-only exit for the whole position', async () => {
  const h = makeHarness({ minRequoteMs: 10_000 });
  await h.engine.start();
  h.port.emit(tradeEvent(S, 'Ask', 1, h.clock.now())); // takers sell: we bid
  h.port.emit(bookEvent(h.book));
  await settle();
  const bid = h.port.placed()[0]!;
  assert.equal(bid.side, 'Bid');
  const t = h.engine.view.tracker.get(S)!;
  // partial fill 0.2 of 0.5 (fills may arrive before anything else)
  h.port.emit(fillEvent({ symbol: S, orderId: t.orderId!, clientId: t.clientId, side: 'Bid', price: D('100'), quantity: t.quantity }, { tradeId: 'p1', qty: '0.2', fee: '0.004' }, D('0.2'), h.clock.now()));
  await settle();
  assert.ok(h.logger.lines.some((l) => l.includes(`[${S}] inventory switch: Bid -> Ask, position=0.20, notional=`)), h.logger.lines.join('\n'));
  assert.ok(h.port.names().includes('cancelOrder'));
  const exit = h.port.placed().at(-1)!;
  assert.equal(exit.side, 'Ask');
  assert.equal(exit.reduceOnly, true);
  assert.equal(exit.postOnly, true);
  assert.equal(exit.quantity.toString(), '0.2');
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0.2');
  assert.ok(h.logger.lines.some((l) => l.includes('FILL Bid 0.20 @ 100.0000 maker fee=0.004000 realized=0.000000 position=0.20')));
});

test('a fill event before the REST reply is matched by clientId', async () => {
  const h = makeHarness();
  let resolvePlace: ((v: unknown) => void) | null = null;
  h.port.placeHandler = (req) =>
    new Promise((r) => {
      resolvePlace = () => r({ kind: 'accepted', value: orderInfo(req, 'x9', 'Filled', req.quantity) });
    });
  await startQuoting(h);
  const req = h.port.placed()[0]!;
  h.port.emit(fillEvent({ symbol: S, orderId: 'x9', clientId: req.clientId, side: req.side, price: req.price!, quantity: req.quantity }, { tradeId: 'e1', qty: req.quantity }, req.quantity, h.clock.now()));
  assert.equal(h.engine.view.tracker.find(req.clientId, null)?.state, 'filled', 'filled by the stream while the REST call is in flight');
  resolvePlace!(null);
  await settle();
  assert.equal(h.engine.view.tracker.find(req.clientId, null)?.state, 'filled', 'a late REST reply does not regress the state');
  assert.equal(h.engine.view.stats.figures().fills, 1);
});

test('market without the symbol list entry: markets are validated', async () => {
  const h = makeHarness({ symbols: ['SOL_USDC_PERP'] });
  h.port.markets = [perpMarket('BTC_USDC_PERP')];
  await assert.rejects(h.engine.start(), /SOL_USDC_PERP/);
});
