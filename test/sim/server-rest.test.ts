// The client's REST suite against the REAL paper exchange (startSim), not the fake server: every
// BackpackRest function, decoded values checked against what the sim holds, signing accepted and a
// wrong key rejected, and outcome classification of the sim's real rejections. The book is quiet (no
// market model) and filled by hand, so every price, quantity and fee below is exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BackpackApiError } from '../../src/exchange/backpack/rest-errors.js';
import { D, type Decimal } from '../../src/util/decimal.js';
import { SystemClock, type Clock } from '../../src/util/clock.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { newKeys, SOL, SOL_SPOT, startSimTarget, waitFor, type SimTarget } from '../helpers/sim-target.js';

let t: SimTarget;
before(async () => {
  t = await startSimTarget({ seed: 21 });
  const ex = t.sim.exchange;
  ex.addLiquidity(SOL, 'Bid', '179.90', '5');
  ex.addLiquidity(SOL, 'Bid', '179.80', '3');
  ex.addLiquidity(SOL, 'Ask', '180.10', '4');
  ex.addLiquidity(SOL, 'Ask', '180.20', '2');
  // One background trade: a taker buys 1 at 180.10 (buyer is the taker, so isBuyerMaker=false).
  ex.takeLiquidity(SOL, 'Bid', '1');
  ex.addLiquidity(SOL_SPOT, 'Bid', '179.00', '2');
  ex.addLiquidity(SOL_SPOT, 'Ask', '181.00', '2');
});
after(async () => {
  await t.stop();
});

function eq(actual: Decimal | null | undefined, expected: string, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.ok(actual.eq(expected), `${what}: expected ${expected}, got ${actual.toString()}`);
}

const limit = (side: 'Bid' | 'Ask', price: string, quantity: string, clientId: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({
  symbol: SOL,
  side,
  orderType: 'Limit',
  price: D(price),
  quantity: D(quantity),
  clientId,
  ...extra,
});

test('public: status, time, markets, market, tickers, depth (ascending sides), trades, markPrices', async () => {
  const r = t.rest();
  assert.deepEqual(await r.status(), { status: 'Ok', message: null });
  const now = await r.time();
  assert.ok(Math.abs(now - Date.now()) < 5000, 'exchange time in ms');

  const markets = await r.markets();
  assert.deepEqual(markets.map((m) => m.symbol).sort(), [SOL, SOL_SPOT].sort());
  const perp = markets.find((m) => m.symbol === SOL)!;
  const spec = t.sim.exchange.market(SOL)!.spec;
  assert.equal(perp.marketType, 'PERP');
  assert.equal(perp.baseSymbol, 'SOL');
  assert.equal(perp.quoteSymbol, 'USDC');
  eq(perp.tickSize, spec.tickSize, 'tickSize');
  eq(perp.stepSize, spec.stepSize, 'stepSize');
  eq(perp.minQuantity, spec.minQuantity, 'minQuantity');
  eq(perp.minPrice, spec.minPrice, 'minPrice');
  eq(perp.maxPrice, spec.maxPrice, 'maxPrice');
  assert.equal(perp.maxQuantity, null);
  assert.equal(perp.orderBookState, 'Open');
  assert.equal(markets.find((m) => m.symbol === SOL_SPOT)!.marketType, 'SPOT');
  const one = await r.market(SOL);
  assert.ok(one.tickSize.eq(perp.tickSize) && one.symbol === SOL);
  await assert.rejects(r.market('NOPE_USDC'), (e: unknown) => e instanceof BackpackApiError && e.status === 400 && e.code === 'INVALID_CLIENT_REQUEST');

  for (const s of [SOL, SOL_SPOT]) {
    const tk = await r.ticker(s);
    const simTk = t.sim.exchange.ticker(s)!;
    assert.equal(tk.symbol, s);
    eq(tk.lastPrice, simTk.lastPrice.toString(), `${s} lastPrice`);
    eq(tk.volume, simTk.volume.toString(), `${s} volume`);
  }
  eq((await r.ticker(SOL)).lastPrice, '180.10', 'last trade price');

  const d = await r.depth(SOL);
  const simDepth = t.sim.exchange.depth(SOL)!;
  assert.equal(d.lastUpdateId, Number(simDepth.lastUpdateId));
  assert.deepEqual(d.bids, [['179.80', '3.00'], ['179.90', '5.00']], 'bids ascending: best is last');
  assert.deepEqual(d.asks, [['180.10', '3.00'], ['180.20', '2.00']], 'asks ascending: best is first');
  assert.ok(Math.abs(d.ts - Date.now()) < 5000, 'µs timestamp decoded to ms');

  const trades = await r.trades(SOL, 10);
  assert.equal(trades.length, 1);
  const tr = trades[0]!;
  eq(tr.price, '180.10', 'trade price');
  eq(tr.quantity, '1', 'trade quantity');
  assert.equal(tr.takerSide, 'Bid');
  assert.equal(tr.symbol, SOL);
  assert.ok(Number.isSafeInteger(tr.tradeId) && Math.abs(tr.ts - Date.now()) < 10_000);

  const marks = await r.markPrices();
  const mk = marks.find((m) => m.symbol === SOL)!;
  const simMark = t.sim.exchange.markEvent(t.sim.exchange.market(SOL)!);
  eq(mk.markPrice, simMark.markPrice, 'markPrice');
  eq(mk.indexPrice, simMark.indexPrice, 'indexPrice');
  eq(mk.fundingRate, simMark.fundingRate!, 'fundingRate');
  assert.equal(mk.nextFundingTimestamp, simMark.nextFundingTimestamp);
  assert.deepEqual((await r.markPrices(SOL)).map((m) => m.symbol), [SOL]);
});

test('orders: execute, get by orderId and clientId, open orders, batch, cancel by orderId/clientId, cancel all, history', async () => {
  const r = t.rest({ keys: newKeys() });
  const placed = await r.executeOrder(limit('Bid', '179.50', '0.5', 1001, { postOnly: true, timeInForce: 'GTC' }));
  assert.equal(placed.kind, 'accepted', JSON.stringify(placed));
  if (placed.kind !== 'accepted') return;
  const o = placed.value;
  assert.match(o.id, /^\d+$/);
  assert.equal(o.clientId, 1001);
  assert.equal(o.symbol, SOL);
  assert.equal(o.side, 'Bid');
  assert.equal(o.orderType, 'Limit');
  eq(o.price, '179.5', 'price');
  eq(o.quantity, '0.5', 'quantity');
  eq(o.executedQuantity, '0', 'executedQuantity');
  assert.equal(o.status, 'New');
  assert.equal(o.postOnly, true);
  assert.equal(o.reduceOnly, false);
  assert.equal(o.timeInForce, 'GTC');
  assert.ok(Math.abs(o.createdAt - Date.now()) < 5000);

  assert.equal((await r.getOrder(SOL, { orderId: o.id }))?.clientId, 1001);
  assert.equal((await r.getOrder(SOL, { clientId: 1001 }))?.id, o.id);
  assert.equal(await r.getOrder(SOL, { clientId: 999_999 }), null, 'unknown order -> null (404)');
  assert.deepEqual((await r.openOrders(SOL)).map((x) => x.id), [o.id]);
  assert.deepEqual((await r.openOrders()).map((x) => x.id), [o.id]);

  const batch = await r.executeOrders([
    limit('Ask', '180.50', '0.3', 1002),
    limit('Bid', '180.20', '0.3', 1003, { postOnly: true }), // crosses the 180.10 ask
    limit('Bid', '179.40', '0.2', 1004),
  ]);
  assert.equal(batch.kind, 'accepted', JSON.stringify(batch));
  if (batch.kind !== 'accepted') return;
  assert.equal(batch.value.length, 3);
  const [b0, b1, b2] = batch.value;
  assert.ok(b0?.ok && b0.order.clientId === 1002 && b0.order.status === 'New' && b0.order.price?.eq('180.5'));
  assert.deepEqual(b1, { ok: false, code: 'INVALID_ORDER', message: 'Order would immediately match and take' });
  assert.ok(b2?.ok && b2.order.clientId === 1004);
  assert.deepEqual((await r.openOrders(SOL)).map((x) => x.clientId).sort(), [1001, 1002, 1004]);

  const c1 = await r.cancelOrder(SOL, { orderId: o.id });
  assert.ok(c1.kind === 'accepted' && c1.value.status === 'Cancelled' && c1.value.clientId === 1001, JSON.stringify(c1));
  const c2 = await r.cancelOrder(SOL, { clientId: 1002 });
  assert.ok(c2.kind === 'accepted' && c2.value.status === 'Cancelled' && c2.value.side === 'Ask', JSON.stringify(c2));
  const again = await r.cancelOrder(SOL, { clientId: 1002 });
  assert.ok(again.kind === 'rejected' && again.status === 404 && again.code === 'RESOURCE_NOT_FOUND', JSON.stringify(again));
  assert.equal(await r.getOrder(SOL, { orderId: o.id }), null, 'a cancelled order is not on the book');

  await r.executeOrder(limit('Ask', '181.00', '0.1', 1005));
  const all = await r.cancelAll(SOL);
  assert.equal(all.kind, 'accepted');
  if (all.kind === 'accepted') {
    assert.deepEqual(all.value.map((x) => x.clientId).sort(), [1004, 1005]);
    assert.ok(all.value.every((x) => x.status === 'Cancelled'));
  }
  assert.deepEqual(await r.openOrders(SOL), []);

  const hist = await r.orderHistory({ symbol: SOL, sortDirection: 'Asc' });
  assert.deepEqual(hist.map((h) => h.clientId), [1001, 1002, 1004, 1005]);
  assert.ok(hist.every((h) => h.status === 'Cancelled'));
  assert.ok(hist[0]!.postOnly && hist[0]!.price!.eq('179.5') && hist[0]!.quantity.eq('0.5'));
  assert.ok(Math.abs(hist[0]!.createdAt - o.createdAt) <= 1, 'naive-UTC history time decodes to the same ms');
  assert.deepEqual((await r.orderHistory({ symbol: SOL, limit: 1 })).map((h) => h.clientId), [1005], 'newest first by default');
});

test('fills (fillType=User) with maker flag and fees, positions, capital, collateral, account fees, funding', async () => {
  const keys = newKeys();
  const r = t.rest({ keys });
  const fees = await r.accountFees();
  eq(fees.futuresMakerFeeBps, '2', 'maker bps');
  eq(fees.futuresTakerFeeBps, '5', 'taker bps');
  eq(fees.spotMakerFeeBps, '8', 'spot maker bps');
  eq(fees.spotTakerFeeBps, '10', 'spot taker bps');

  // Taker: IOC buy 1 at 180.10 against the resting ask.
  const take = await r.executeOrder(limit('Bid', '180.10', '1', 2001, { timeInForce: 'IOC' }));
  assert.ok(take.kind === 'accepted' && take.value.status === 'Filled', JSON.stringify(take));
  if (take.kind === 'accepted') {
    eq(take.value.executedQuantity, '1', 'executed');
    eq(take.value.executedQuoteQuantity, '180.1', 'executed quote');
    assert.equal(take.value.timeInForce, 'IOC');
  }
  // Maker: a resting ask at 180.15 that a background buyer lifts.
  const make = await r.executeOrder(limit('Ask', '180.15', '0.5', 2002, { postOnly: true }));
  assert.ok(make.kind === 'accepted' && make.value.status === 'New', JSON.stringify(make));
  t.sim.exchange.takeLiquidity(SOL, 'Bid', '2.5', '180.15');

  const fills = await r.fills({ symbol: SOL, sortDirection: 'Asc' });
  const q = t.requests.filter((x) => x.path === '/wapi/v1/history/fills').at(-1);
  assert.ok(q, 'fills request reached the sim');
  assert.equal(fills.length, 2);
  const [f1, f2] = fills;
  assert.ok(f1 && f2);
  assert.equal(f1.clientId, 2001, 'clientId decoded from its string form');
  assert.equal(f1.side, 'Bid');
  assert.equal(f1.isMaker, false);
  eq(f1.price, '180.10', 'taker price');
  eq(f1.quantity, '1', 'taker qty');
  eq(f1.fee, D('180.10').mul(1).mul(fees.futuresTakerFeeBps).div(10000).toString(), 'taker fee');
  assert.equal(f1.feeSymbol, 'USDC');
  assert.equal(f2.clientId, 2002);
  assert.equal(f2.isMaker, true);
  eq(f2.price, '180.15', 'maker price');
  eq(f2.fee, D('180.15').mul('0.5').mul(fees.futuresMakerFeeBps).div(10000).toString(), 'maker fee');
  assert.ok(f1.timestamp <= f2.timestamp && Math.abs(f2.timestamp - Date.now()) < 10_000);
  assert.equal(f1.orderId, take.kind === 'accepted' ? take.value.id : '');
  assert.deepEqual((await r.fills({ symbol: SOL, limit: 1 })).map((f) => f.clientId), [2002], 'newest first by default');
  const hist = await r.orderHistory({ symbol: SOL, sortDirection: 'Asc' });
  assert.deepEqual(hist.map((h) => [h.clientId, h.status]), [[2001, 'Filled'], [2002, 'Filled']]);

  t.sim.exchange.setMark(SOL, '180.00');
  try {
    const pos = await r.positions();
    assert.equal(pos.length, 1);
    const p = pos[0]!;
    assert.equal(p.symbol, SOL);
    eq(p.netQuantity, '0.5', 'net');
    eq(p.entryPrice, '180.1', 'entry');
    eq(p.markPrice, '180', 'mark');
    eq(p.pnlUnrealized, '-0.05', 'unrealized = 0.5 x (180 - 180.10)');
    eq(p.pnlRealized, '0.025', 'realized = 0.5 x (180.15 - 180.10)');

    const totalFees = f1.fee.add(f2.fee);
    const cap = await r.capital();
    const usdc = cap.find((b) => b.asset === 'USDC')!;
    eq(usdc.available.add(usdc.locked), D('10000').add('0.025').sub(totalFees).toString(), 'USDC after realized PnL and fees');
    const col = await r.collateral();
    eq(col.pnlUnrealized, '-0.05', 'collateral pnlUnrealized');
    eq(col.netEquity, D('10000').add('0.025').sub(totalFees).sub('0.05').toString(), 'net equity');
    assert.ok(col.netEquityAvailable.lt(col.netEquity), 'margin of the position is locked');

    // One funding interval at a pinned rate: longs pay. 0.5 x 180 x 0.0001 = 0.009.
    t.sim.exchange.settleFunding(Date.UTC(2026, 0, 1, 8), { [SOL]: '0.0001' });
    const fund = await r.fundingHistory({ symbol: SOL });
    assert.equal(fund.length, 1);
    eq(fund[0]!.quantity, '-0.009', 'funding paid');
    eq(fund[0]!.fundingRate, '0.0001', 'funding rate');
    assert.equal(fund[0]!.intervalEndTimestamp, Date.UTC(2026, 0, 1, 8));
    assert.equal(fund[0]!.symbol, SOL);
  } finally {
    t.sim.exchange.setMark(SOL, null);
  }
  // Flatten so later tests see the book as built.
  const flat = await r.executeOrder(limit('Ask', '179.90', '0.5', 2003, { reduceOnly: true, timeInForce: 'IOC' }));
  assert.ok(flat.kind === 'accepted' && flat.value.status === 'Filled', JSON.stringify(flat));
  eq((await r.positions())[0]?.netQuantity ?? D(0), '0', 'flat');
});

test('signing: signed requests carry X-API-Key of the generated key; a wrong key is rejected as BackpackApiError', async () => {
  const r = t.rest();
  const n0 = t.requests.length;
  await r.capital();
  const seen = t.requests.slice(n0).find((x) => x.path === '/api/v1/capital');
  assert.equal(seen?.apiKey, t.keys.apiKey);
  assert.equal(seen?.status, 200);

  // Signs with our secret but claims another account's public key: the sim's verify fails.
  const other = newKeys();
  const wrong = t.rest({ keys: { ...t.keys, apiKey: other.apiKey } });
  const n1 = t.requests.length;
  await assert.rejects(wrong.capital(), (e: unknown) => {
    assert.ok(e instanceof BackpackApiError, String(e));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'INVALID_CLIENT_REQUEST');
    assert.equal(e.message, 'Invalid signature');
    return true;
  });
  assert.equal(t.count('GET /api/v1/capital', n1), 1, 'a 4xx is final: no retry');
  const out = await wrong.executeOrder(limit('Bid', '170.00', '0.1', 3001));
  assert.deepEqual(out, { kind: 'rejected', code: 'INVALID_CLIENT_REQUEST', message: 'Invalid signature', status: 400 });
  assert.equal(t.sim.exchange.openOrders(other.apiKey).length, 0, 'nothing placed for the claimed key');
});

test('outcomes: post-only cross -> rejected INVALID_ORDER; duplicate live clientId -> rejected; both left nothing behind', async () => {
  const keys = newKeys();
  const r = t.rest({ keys });
  const bestAsk = (await r.depth(SOL)).asks[0]![0];
  const cross = await r.executeOrder(limit('Bid', bestAsk, '0.1', 4001, { postOnly: true }));
  assert.deepEqual(cross, { kind: 'rejected', code: 'INVALID_ORDER', message: 'Order would immediately match and take', status: 400 });
  assert.equal(await r.getOrder(SOL, { clientId: 4001 }), null);

  const first = await r.executeOrder(limit('Bid', '179.00', '0.1', 4002));
  assert.equal(first.kind, 'accepted');
  const dup = await r.executeOrder(limit('Bid', '178.90', '0.1', 4002));
  assert.equal(dup.kind, 'rejected', JSON.stringify(dup));
  if (dup.kind === 'rejected') {
    assert.equal(dup.status, 400);
    assert.equal(dup.code, 'INVALID_ORDER');
    assert.match(dup.message, /client ?id/i);
  }
  const open = await r.openOrders(SOL);
  assert.equal(open.length, 1);
  eq(open[0]!.price, '179', 'the original order is untouched');

  // Validation errors of the sim also classify as rejected (tick size).
  const tick = await r.executeOrder(limit('Bid', '179.005', '0.1', 4003));
  assert.ok(tick.kind === 'rejected' && tick.status === 400, JSON.stringify(tick));
  assert.equal((await r.cancelAll(SOL)).kind, 'accepted');
});

test('clock skew: the sim rejects the timestamp, the client resyncs from /time and retries once; plain-text 400 -> HTTP_400', async () => {
  for (const skewMs of [30_000, -30_000]) {
    const sys = new SystemClock();
    // A host clock 30 s off (ahead: "in the future", behind: "expired"), with real timers.
    const skewed: Clock = { now: () => Date.now() + skewMs, setTimeout: (f, ms) => sys.setTimeout(f, ms), setInterval: (f, ms) => sys.setInterval(f, ms), clear: (h) => sys.clear(h) };
    const r = t.rest({ keys: newKeys(), clock: skewed });
    const n0 = t.requests.length;
    const bal = await r.capital();
    assert.ok(bal.some((b) => b.asset === 'USDC'));
    const mine = t.requests.slice(n0);
    assert.deepEqual(mine.map((x) => `${x.path} ${x.status}`), ['/api/v1/capital 400', '/api/v1/time 200', '/api/v1/capital 200']);
    assert.ok(Math.abs(r.clockSync.offsetMs + skewMs) < 2000, `offset ${r.clockSync.offsetMs} corrects the skew`);
  }
  // Orders are never retried: a skewed order is rejected, and the rejection triggers the resync.
  const sys = new SystemClock();
  const ahead: Clock = { now: () => Date.now() + 30_000, setTimeout: (f, ms) => sys.setTimeout(f, ms), setInterval: (f, ms) => sys.setInterval(f, ms), clear: (h) => sys.clear(h) };
  const r = t.rest({ keys: newKeys(), clock: ahead });
  const out = await r.executeOrder(limit('Bid', '170.00', '0.1', 5001));
  assert.deepEqual(out, { kind: 'rejected', code: 'INVALID_CLIENT_REQUEST', message: 'Request timestamp is in the future', status: 400 });
  await waitFor(() => r.clockSync.isSynced, 3000, 'background resync after the rejection');
  const retry = await r.executeOrder(limit('Bid', '170.00', '0.1', 5001));
  assert.equal(retry.kind, 'accepted', JSON.stringify(retry));
  assert.equal((await r.cancelAll(SOL)).kind, 'accepted');

  await assert.rejects(t.rest().depth(SOL, 7), (e: unknown) => e instanceof BackpackApiError && e.status === 400 && e.code === 'HTTP_400' && /failed to parse parameter `limit`/.test(e.message));
});

test('adapter reads: getMarkPrice (perp and spot), getMarkets, getBalances, getOpenOrders', async () => {
  const a = t.adapter({ keys: newKeys() });
  const mk = await a.getMarkPrice(SOL);
  assert.ok(mk?.eq(t.sim.exchange.markEvent(t.sim.exchange.market(SOL)!).markPrice));
  const spot = await a.getMarkPrice(SOL_SPOT);
  assert.ok(spot?.eq(t.sim.exchange.markEvent(t.sim.exchange.market(SOL_SPOT)!).markPrice));
  assert.equal((await a.getMarkets()).length, 2);
  const bal = await a.getBalances();
  assert.deepEqual(bal.map((b) => [b.asset, b.available.toString(), b.locked.toString()]), [['USDC', '10000', '0']]);
  assert.deepEqual(await a.getOpenOrders(), []);
  assert.equal(await a.getMarkPrice('NOPE_USDC'), null, 'unknown market: null, not a throw');
});
