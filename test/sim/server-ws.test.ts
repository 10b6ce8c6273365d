// The BackpackAdapter's streams against the REAL paper exchange: public depth/trade/markPrice into a
// synchronised local book, private orderUpdate (accepted, maker fill with fee, cancelled, expired) and
// positionUpdate (incl. the subscribe-time snapshot without `e`) as ExchangeEvents, reconnect and signed
// resubscribe after the sim drops the socket, dropped depth messages and malformed frames from the sim's
// fault switches. Quiet book (no market model) driven by hand, except the last test on a live market.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { BackpackAdapter } from '../../src/exchange/backpack/adapter.js';
import type { KeyPair } from '../../src/exchange/backpack/signing.js';
import { D, type Decimal } from '../../src/util/decimal.js';
import type { ExchangeEvent } from '../../src/exchange/types.js';
import type { OrderEvent, OrderRequest } from '../../src/domain/order.js';
import type { PositionUpdate } from '../../src/domain/position.js';
import { newKeys, SOL, SOL_SPOT, startSimTarget, waitFor, type SimTarget } from '../helpers/sim-target.js';

let t: SimTarget;
before(async () => {
  t = await startSimTarget({ seed: 41 });
  const ex = t.sim.exchange;
  ex.addLiquidity(SOL, 'Bid', '179.90', '5');
  ex.addLiquidity(SOL, 'Bid', '179.80', '3');
  ex.addLiquidity(SOL, 'Ask', '180.10', '4');
  ex.addLiquidity(SOL, 'Ask', '180.20', '2');
});
const open: BackpackAdapter[] = [];
afterEach(async () => {
  // Close even when a test failed half-way, so the next test is the only websocket client.
  for (const a of open.splice(0)) await a.close();
  await t.resetFaults();
});
after(async () => {
  await t.stop();
});

function eq(actual: Decimal | null | undefined, expected: string, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.ok(actual.eq(expected), `${what}: expected ${expected}, got ${actual.toString()}`);
}

interface Running {
  a: BackpackAdapter;
  events: ExchangeEvent[];
  keys: KeyPair;
}

/** A started adapter on SOL with its own account; waits for the first valid book. */
async function running(keys: KeyPair = newKeys()): Promise<Running> {
  const a = t.adapter({ keys });
  open.push(a);
  const events: ExchangeEvent[] = [];
  const conn = t.connections();
  await a.start([SOL], (e) => events.push(e));
  await waitFor(() => events.some((e) => e.type === 'book'), 5000, 'first book');
  // The sim has processed our signed private subscribe once it shows up in its log for the new connection.
  await waitFor(() => t.subscribes.some((s) => s.conn > conn && s.signature?.[0] === keys.apiKey), 3000, 'private subscribe at the sim');
  return { a, events, keys };
}

/** First event at index >= from matching pred (waits with a deadline). */
async function nextEvent<E extends ExchangeEvent>(events: ExchangeEvent[], from: number, pred: (e: ExchangeEvent) => e is E, what: string, ms = 5000): Promise<E> {
  let hit: E | undefined;
  await waitFor(() => (hit = events.slice(from).find(pred)) !== undefined, ms, what);
  return hit!;
}
const orderEv = (type: OrderEvent['type'], clientId: number) => (e: ExchangeEvent): e is Extract<ExchangeEvent, { type: 'order' }> =>
  e.type === 'order' && e.event.type === type && e.event.clientId === clientId;
const positionEv = (pred: (p: PositionUpdate) => boolean) => (e: ExchangeEvent): e is Extract<ExchangeEvent, { type: 'position' }> =>
  e.type === 'position' && pred(e.event);

/** The local book holds exactly the sim's book (all levels, same update id). Synchronous: same process. */
function bookMatchesSim(a: BackpackAdapter): boolean {
  const book = a.book(SOL);
  const d = t.sim.exchange.depth(SOL);
  if (!book || !d || !book.valid || book.lastUpdateId !== Number(d.lastUpdateId)) return false;
  const same = (mine: Array<[Decimal, Decimal]>, theirs: Array<[string, string]>) =>
    mine.length === theirs.length && mine.every(([p, q], i) => p.eq(theirs[i]![0]) && q.eq(theirs[i]![1]));
  return same(book.levels('Bid', 10_000), d.bids.slice().reverse()) && same(book.levels('Ask', 10_000), d.asks);
}

const order = (side: 'Bid' | 'Ask', price: string, quantity: string, clientId: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({
  symbol: SOL,
  side,
  orderType: 'Limit',
  price: D(price),
  quantity: D(quantity),
  clientId,
  ...extra,
});

test('public streams: REST snapshot + depth deltas give the sim book; trades and mark prices arrive decoded', async () => {
  const s0 = t.subscribes.length;
  const { a, events, keys } = await running();
  const subs = t.subscribes.slice(s0);
  assert.deepEqual(subs.find((s) => s.signature === null)?.params.sort(), [`depth.${SOL}`, `markPrice.${SOL}`, `trade.${SOL}`]);
  const priv = subs.find((s) => s.signature !== null)!;
  assert.deepEqual(priv.params.sort(), ['account.orderUpdate', 'account.positionUpdate']);
  assert.equal(priv.signature![0], keys.apiKey);
  assert.equal(events[0]?.type, 'connection');
  assert.ok(bookMatchesSim(a), 'the snapshot is the sim book');
  eq(a.book(SOL)!.bestBid(), '179.9', 'best bid');
  eq(a.book(SOL)!.bestAsk(), '180.1', 'best ask');

  let n = events.length;
  t.sim.exchange.addLiquidity(SOL, 'Bid', '179.95', '1.5');
  const bk = await nextEvent(events, n, (e): e is Extract<ExchangeEvent, { type: 'book' }> => e.type === 'book', 'book after delta');
  eq(bk.book.bestBid(), '179.95', 'new best bid from the delta');
  eq(bk.book.sizeAt('Bid', D('179.95')), '1.5', 'size at the new level');
  assert.equal(typeof bk.recvNs, 'bigint');
  assert.ok(Math.abs(bk.ts - Date.now()) < 5000, 'µs T decoded to ms');
  assert.ok(bookMatchesSim(a));

  n = events.length;
  t.sim.exchange.takeLiquidity(SOL, 'Ask', '0.4'); // a background seller hits 179.95
  const tr = await nextEvent(events, n, (e): e is Extract<ExchangeEvent, { type: 'trade' }> => e.type === 'trade', 'trade');
  assert.equal(tr.trade.symbol, SOL);
  assert.equal(tr.trade.takerSide, 'Ask', 'buyer was maker -> the taker sold');
  eq(tr.trade.price, '179.95', 'trade price');
  eq(tr.trade.quantity, '0.4', 'trade qty');
  assert.equal(tr.trade.tradeId, t.sim.exchange.market(SOL)!.tradeSeq);
  await waitFor(() => bookMatchesSim(a), 3000, 'book after the trade');
  eq(a.book(SOL)!.sizeAt('Bid', D('179.95')), '1.1', 'level reduced by the trade');

  const mk = await nextEvent(events, 0, (e): e is Extract<ExchangeEvent, { type: 'markPrice' }> => e.type === 'markPrice', 'markPrice (pushed every second)', 3000);
  assert.equal(mk.symbol, SOL);
  assert.ok(mk.markPrice.gt(179) && mk.markPrice.lt(181));
  eq(mk.fundingRate, '0.0000125', 'funding rate');
  assert.ok(mk.indexPrice !== null);
  const m = a.metrics();
  assert.equal(m.wsConnected, true);
  assert.ok((m.byStream[`depth.${SOL}`]?.messages ?? 0) >= 2);
  assert.ok((m.byStream[`trade.${SOL}`]?.messages ?? 0) >= 1);
  assert.equal(m.wsParseErrors, 0);
  await a.close();
});

test('private streams: accepted, maker fill with fee, position update, cancelled, expired (IOC and reduce-only)', async () => {
  const { a, events } = await running();
  const fees = await a.getAccountFees();
  let n = events.length;
  // Best bid inside the spread, then a background seller fills us: a maker fill.
  const placed = await a.placeOrder(order('Bid', '180.00', '0.5', 7001, { postOnly: true }));
  assert.equal(placed.kind, 'accepted');
  const acc = (await nextEvent(events, n, orderEv('accepted', 7001), 'orderAccepted')).event;
  assert.equal(acc.orderId, placed.kind === 'accepted' ? placed.value.id : '');
  assert.equal(acc.status, 'New');
  assert.equal(acc.side, 'Bid');
  assert.equal(acc.orderType, 'Limit');
  assert.equal(acc.postOnly, true);
  eq(acc.price, '180', 'accepted price');
  eq(acc.quantity, '0.5', 'accepted qty');

  n = events.length;
  t.sim.exchange.takeLiquidity(SOL, 'Ask', '0.5');
  const fill = (await nextEvent(events, n, orderEv('fill', 7001), 'orderFill')).event;
  assert.ok(fill.fill);
  assert.equal(fill.fill.isMaker, true);
  eq(fill.fill.price, '180', 'fill price');
  eq(fill.fill.quantity, '0.5', 'fill qty');
  eq(fill.fill.fee, D('180').mul('0.5').mul(fees.futuresMakerFeeBps).div(10000).toString(), 'maker fee');
  assert.equal(fill.fill.feeSymbol, 'USDC');
  assert.equal(fill.status, 'Filled');
  eq(fill.executedQuantity, '0.5', 'executed');
  assert.match(fill.fill.tradeId, /^\d+$/);
  const pos = (await nextEvent(events, n, positionEv((p) => p.netQuantity.eq('0.5')), 'positionUpdate')).event;
  assert.equal(pos.snapshot, false);
  assert.equal(pos.symbol, SOL);
  eq(pos.entryPrice, '180', 'entry');

  n = events.length;
  assert.equal((await a.placeOrder(order('Bid', '179.00', '0.2', 7002, { postOnly: true }))).kind, 'accepted');
  await nextEvent(events, n, orderEv('accepted', 7002), 'accepted 7002');
  const c = await a.cancelOrder(SOL, { clientId: 7002 });
  assert.equal(c.kind, 'accepted');
  const cancelled = (await nextEvent(events, n, orderEv('cancelled', 7002), 'orderCancelled')).event;
  assert.equal(cancelled.status, 'Cancelled');

  n = events.length;
  const ioc = await a.placeOrder(order('Bid', '179.00', '0.2', 7003, { timeInForce: 'IOC' }));
  assert.ok(ioc.kind === 'accepted' && ioc.value.status === 'Expired', JSON.stringify(ioc));
  const expired = (await nextEvent(events, n, orderEv('expired', 7003), 'orderExpired (IOC)')).event;
  assert.equal(expired.status, 'Expired');
  assert.equal(expired.reason, 'ImmediateOrCancel');

  // A resting reduce-only ask, then the long is closed by a taker sell: the reduce-only order expires.
  n = events.length;
  assert.equal((await a.placeOrder(order('Ask', '181.00', '0.5', 7004, { reduceOnly: true }))).kind, 'accepted');
  const close = await a.placeOrder(order('Ask', '179.90', '0.5', 7005, { timeInForce: 'IOC' }));
  assert.ok(close.kind === 'accepted' && close.value.status === 'Filled', JSON.stringify(close));
  const takerFill = (await nextEvent(events, n, orderEv('fill', 7005), 'taker fill')).event;
  assert.equal(takerFill.fill?.isMaker, false);
  const tf = takerFill.fill!;
  assert.ok(tf.price.gte('179.90'), 'a sell fills at its limit or better');
  eq(tf.fee, tf.price.mul(tf.quantity).mul(fees.futuresTakerFeeBps).div(10000).toString(), 'taker fee');
  await nextEvent(events, n, positionEv((p) => p.netQuantity.isZero() && !p.snapshot), 'position closed');
  const ro = (await nextEvent(events, n, orderEv('expired', 7004), 'reduce-only expired')).event;
  assert.equal(ro.reason, 'ReduceOnlyNotReduced');
  assert.equal(ro.reduceOnly, true);
  assert.equal(a.metrics().wsParseErrors, 0);
  assert.equal(a.handlerErrors, 0);
  await a.close();
});

test('spot balance stream: subscribed in its own SUBSCRIBE for spot symbols; every frame on it is a balance hint, never a parse error', async () => {
  const keys = newKeys();
  const a = t.adapter({ keys });
  open.push(a);
  const events: ExchangeEvent[] = [];
  const conn = t.connections();
  t.sim.exchange.addLiquidity(SOL_SPOT, 'Ask', '180.10', '4');
  await a.start([SOL_SPOT], (e) => events.push(e));
  await waitFor(() => t.subscribes.filter((s) => s.conn > conn && s.signature?.[0] === keys.apiKey).length >= 2, 3000, 'private subscribes at the sim');
  const priv = t.subscribes.filter((s) => s.conn > conn && s.signature !== null).map((s) => s.params);
  // A server that refused the (unconfirmed) balance stream could not refuse the order stream with it.
  assert.deepEqual(priv, [['account.orderUpdate', 'account.positionUpdate'], ['account.balanceUpdate']]);
  const n = events.length;
  const placed = await a.placeOrder({ symbol: SOL_SPOT, side: 'Bid', orderType: 'Limit', price: D('180.10'), quantity: D('0.5'), timeInForce: 'IOC', clientId: 7101 });
  assert.ok(placed.kind === 'accepted' && placed.value.status === 'Filled', JSON.stringify(placed));
  await waitFor(() => events.slice(n).some((e) => e.type === 'balance'), 3000, 'balance hint');
  const kinds = events.slice(n).map((e) => (e.type === 'order' ? `order:${e.event.type}` : e.type));
  assert.ok(kinds.indexOf('order:fill') < kinds.indexOf('balance'), `the fill before the balance change it caused: ${kinds.join(',')}`);
  assert.equal(a.metrics().wsParseErrors, 0);
  assert.equal(a.handlerErrors, 0);
  await a.close();
  // Perps only: no balance stream at all.
  const p = await running();
  assert.ok(!t.subscribes.some((s) => s.signature?.[0] === p.keys.apiKey && s.params.includes('account.balanceUpdate')));
});

test('reconnect: the sim drops the socket -> down, up, resynced, fresh signed resubscribe, position snapshot, valid book', async () => {
  const keys = newKeys();
  // Open a position first so the subscribe-time snapshot (no `e`) has something to say.
  const pre = t.rest({ keys });
  const buy = await pre.executeOrder(order('Bid', '180.10', '0.3', 8001, { timeInForce: 'IOC' }));
  assert.ok(buy.kind === 'accepted' && buy.value.status === 'Filled', JSON.stringify(buy));
  const { a, events } = await running(keys);
  const snap = (await nextEvent(events, 0, positionEv((p) => p.snapshot), 'initial position snapshot')).event;
  eq(snap.netQuantity, '0.3', 'snapshot net');
  eq(snap.entryPrice, '180.1', 'snapshot entry');

  const conns = t.connections();
  const s0 = t.subscribes.length;
  const firstSig = t.subscribes.slice(0, s0).filter((s) => s.signature?.[0] === keys.apiKey).at(-1)!.signature!;
  await waitFor(() => Date.now() > Number(firstSig[2]), 1000, 'a later millisecond for the next signature');
  const n = events.length;
  assert.equal(await t.disconnectWs(), 1);
  await nextEvent(events, n, (e): e is ExchangeEvent => e.type === 'connection' && e.state === 'resynced', 'resynced');
  await nextEvent(events, n, (e): e is ExchangeEvent => e.type === 'book', 'book after reconnect');
  const seq = events.slice(n).map((e) => (e.type === 'connection' ? `connection:${e.state}` : e.type));
  assert.deepEqual(seq.slice(0, 4), ['connection:down', 'bookInvalid', 'connection:up', 'connection:resynced']);
  assert.equal(t.connections(), conns + 1);
  const resub = t.subscribes.slice(s0);
  assert.ok(resub.every((s) => s.conn === conns + 1));
  assert.ok(resub.some((s) => s.params.includes(`depth.${SOL}`)));
  const priv = resub.find((s) => s.signature !== null)!;
  assert.equal(priv.signature![0], keys.apiKey);
  assert.ok(Number(priv.signature![2]) > Number(firstSig[2]), 'fresh timestamp');
  assert.notEqual(priv.signature![1], firstSig[1], 'fresh signature');
  const again = (await nextEvent(events, n, positionEv((p) => p.snapshot), 'snapshot after resubscribe')).event;
  eq(again.netQuantity, '0.3', 'snapshot after reconnect');
  await waitFor(() => bookMatchesSim(a), 3000, 'book equal to the sim after reconnect');
  assert.equal(a.metrics().reconnects, 1);

  // The re-signed private subscription is live: our own events still arrive.
  const m = events.length;
  assert.equal((await a.placeOrder(order('Ask', '179.50', '0.3', 8002, { reduceOnly: true, timeInForce: 'IOC' }))).kind, 'accepted');
  await nextEvent(events, m, orderEv('fill', 8002), 'fill after reconnect');
  await nextEvent(events, m, positionEv((p) => p.netQuantity.isZero()), 'flat after reconnect');
  await a.close();
});

test('dropped depth messages (dropDepthRate) -> bookInvalid on the gap, then a valid book again from the REST snapshot', async () => {
  const { a, events } = await running();
  const dropped0 = t.sim.ws.stats.depthDropped;
  await t.setFaults({ dropDepthRate: 1 });
  t.sim.exchange.addLiquidity(SOL, 'Bid', '179.10', '1');
  assert.equal(t.sim.ws.stats.depthDropped, dropped0 + 1, 'the sim dropped that depth message');
  await t.resetFaults();
  const r0 = t.requests.length;
  const n = events.length;
  t.sim.exchange.addLiquidity(SOL, 'Bid', '179.20', '1');
  const inv = await nextEvent(events, n, (e): e is Extract<ExchangeEvent, { type: 'bookInvalid' }> => e.type === 'bookInvalid', 'bookInvalid');
  assert.match(inv.reason, /gap|older than delta/);
  await nextEvent(events, n, (e): e is ExchangeEvent => e.type === 'book', 'valid book again');
  assert.ok(t.count('GET /api/v1/depth', r0) >= 1, 'resynced from a REST snapshot');
  await waitFor(() => bookMatchesSim(a), 3000, 'book equal to the sim');
  eq(a.book(SOL)!.sizeAt('Bid', D('179.10')), '1', 'the change carried by the dropped message is in the book');
  eq(a.book(SOL)!.sizeAt('Bid', D('179.20')), '1', 'and the one after the gap');
  await a.close();
});

test('malformed frames (malformedRate) are counted and skipped; events keep flowing', async () => {
  const { a, events } = await running();
  assert.equal(t.sim.ws.connections(), 1, 'only this adapter is connected (frame counts are exact)');
  const sent0 = t.sim.ws.stats.malformedSent;
  const p0 = a.metrics().wsParseErrors;
  await t.setFaults({ malformedRate: 1 });
  t.sim.exchange.addLiquidity(SOL, 'Ask', '180.30', '1');
  t.sim.exchange.takeLiquidity(SOL, 'Bid', '0.1');
  await t.resetFaults();
  const bad = t.sim.ws.stats.malformedSent - sent0;
  assert.ok(bad >= 3, `the sim sent malformed frames (${bad})`);
  const n = events.length;
  t.sim.exchange.takeLiquidity(SOL, 'Bid', '0.1');
  const tr = await nextEvent(events, n, (e): e is Extract<ExchangeEvent, { type: 'trade' }> => e.type === 'trade', 'a good trade after the bad frames');
  eq(tr.trade.quantity, '0.1', 'trade qty');
  // Frames arrive in order: every malformed one was handled before this trade.
  assert.equal(a.metrics().wsParseErrors - p0, t.sim.ws.stats.malformedSent - sent0, 'each malformed frame counted once');
  await waitFor(() => bookMatchesSim(a), 3000, 'book valid and equal to the sim again');
  const m = a.metrics();
  assert.equal(m.wsConnected, true);
  assert.equal(m.reconnects, 0, 'no reconnect for bad frames');
  assert.equal(a.handlerErrors, 0);
  await a.close();
});

test('live market (seeded model): the local book converges to the sim book while trades and marks stream', async () => {
  const live = await startSimTarget({ seed: 43, model: true, markets: [SOL] });
  try {
    const a = live.adapter();
    const events: ExchangeEvent[] = [];
    await a.start([SOL], (e) => events.push(e));
    const matches = (): boolean => {
      const book = a.book(SOL);
      const d = live.sim.exchange.depth(SOL, 20);
      if (!book?.valid || !d || book.lastUpdateId !== Number(d.lastUpdateId)) return false;
      const bids = book.levels('Bid', 20);
      const asks = book.levels('Ask', 20);
      const rb = d.bids.slice().reverse();
      return bids.length === rb.length && asks.length === d.asks.length &&
        bids.every(([p, q], i) => p.eq(rb[i]![0]) && q.eq(rb[i]![1])) && asks.every(([p, q], i) => p.eq(d.asks[i]![0]) && q.eq(d.asks[i]![1]));
    };
    await waitFor(() => events.filter((e) => e.type === 'book').length >= 20 && matches(), 10_000, 'local book equal to the live sim book');
    await waitFor(() => events.some((e) => e.type === 'trade') && events.some((e) => e.type === 'markPrice'), 5000, 'trades and mark prices');
    assert.equal(a.metrics().wsParseErrors, 0);
    assert.ok(!events.some((e) => e.type === 'bookInvalid'), 'no gap on a healthy stream');
    await a.close();
  } finally {
    await live.stop();
  }
});
