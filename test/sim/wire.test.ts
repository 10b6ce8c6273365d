// REST + websocket smoke test of the wire shapes a Backpack client depends on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, canonical, naclSign, newKey, WsClient } from './helpers.js';

let sim: RunningSim;
before(async () => {
  sim = await startSim({ port: 0, seed: 9 });
});
after(async () => {
  await sim.stop();
});

const DEC = /^-?\d+(\.\d+)?$/;

test('public REST: status, ping, time, markets, depth ascending, trades, markPrices, tickers, klines, errors', async () => {
  assert.deepEqual((await call(sim.restUrl, 'GET', '/api/v1/status')).body, { status: 'Ok', message: null });
  assert.equal((await call(sim.restUrl, 'GET', '/api/v1/ping')).text, 'pong');
  const t = Number((await call(sim.restUrl, 'GET', '/api/v1/time')).text);
  assert.ok(Math.abs(t - Date.now()) < 5000);
  const markets = (await call(sim.restUrl, 'GET', '/api/v1/markets')).body as Array<Record<string, any>>;
  const sol = markets.find((m) => m['symbol'] === 'SOL_USDC_PERP')!;
  assert.equal(sol['filters'].price.tickSize, '0.01');
  assert.equal(markets.find((m) => m['symbol'] === 'BTC_USDC_PERP')!['filters'].quantity.stepSize, '0.00001');
  assert.ok(markets.some((m) => m['symbol'] === 'SOL_USDC' && m['marketType'] === 'SPOT'));
  const d = (await call(sim.restUrl, 'GET', '/api/v1/depth', { params: { symbol: 'SOL_USDC_PERP', limit: 20 } })).body as any;
  assert.equal(typeof d.lastUpdateId, 'string');
  assert.ok(d.timestamp > 1e15, 'depth timestamp is µs');
  assert.equal(d.bids.length, 20);
  const asc = (xs: string[][]) => xs.every((x, i) => i === 0 || Number(xs[i - 1]![0]) < Number(x[0]));
  assert.ok(asc(d.bids) && asc(d.asks), 'both sides ascending');
  assert.ok(Number(d.bids[d.bids.length - 1][0]) < Number(d.asks[0][0]), 'best bid (last) below best ask (first)');
  assert.ok(d.bids.every((l: string[]) => DEC.test(l[0]!) && DEC.test(l[1]!)));
  const bad = await call(sim.restUrl, 'GET', '/api/v1/depth', { params: { symbol: 'SOL_USDC_PERP', limit: 7 } });
  assert.equal(bad.status, 400);
  assert.equal(typeof bad.body, 'string', 'limit parse error is plain text');
  const unk = await call(sim.restUrl, 'GET', '/api/v1/market', { params: { symbol: 'NOPE' } });
  assert.deepEqual([unk.status, unk.body], [400, { code: 'INVALID_CLIENT_REQUEST', message: 'Invalid market symbol' }]);
  assert.equal((await call(sim.restUrl, 'GET', '/api/v1/nothing')).status, 404);
  await new Promise((r) => setTimeout(r, 400));
  const trades = (await call(sim.restUrl, 'GET', '/api/v1/trades', { params: { symbol: 'SOL_USDC_PERP', limit: 5 } })).body as any[];
  for (const tr of trades) {
    assert.deepEqual(Object.keys(tr).sort(), ['id', 'isBuyerMaker', 'price', 'quantity', 'quoteQuantity', 'timestamp']);
    assert.ok(DEC.test(tr.price));
  }
  const mp = (await call(sim.restUrl, 'GET', '/api/v1/markPrices', { params: { symbol: 'BTC_USDC_PERP' } })).body as any[];
  assert.ok(DEC.test(mp[0].markPrice) && DEC.test(mp[0].fundingRate) && Number.isInteger(mp[0].nextFundingTimestamp));
  const tk = (await call(sim.restUrl, 'GET', '/api/v1/tickers')).body as any[];
  assert.equal(tk.length, 4);
  assert.equal(typeof tk[0].trades, 'string');
  const oi = (await call(sim.restUrl, 'GET', '/api/v1/openInterest', { params: { symbol: 'SOL_USDC_PERP' } })).body as any[];
  assert.ok(DEC.test(oi[0].openInterest));
  const kl = await call(sim.restUrl, 'GET', '/api/v1/klines', { params: { symbol: 'SOL_USDC_PERP', interval: '1m', startTime: Math.floor(Date.now() / 1000) - 120 } });
  assert.equal(kl.status, 200);
});

test('websocket: account.balanceUpdate publishes each changed asset after a spot fill (fee in the received asset); no per-symbol balance stream', async () => {
  const key = newKey();
  const c = await WsClient.open(sim.wsUrl);
  const ts = Date.now();
  const sig = [key.apiKey, naclSign(key, canonical('subscribe', null, ts, 5000)), String(ts), '5000'];
  c.send({ method: 'SUBSCRIBE', params: ['account.orderUpdate', 'account.balanceUpdate'], signature: sig });
  c.send({ method: 'SUBSCRIBE', params: ['account.balanceUpdate.SOL_USDC'], signature: sig });
  assert.deepEqual(JSON.parse(await c.waitFor((f) => f.includes('4006'))), { id: null, error: { code: 4006, message: 'Invalid stream' } });
  await new Promise((r) => setTimeout(r, 100)); // the subscription is processed before the order
  const r = await call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC', side: 'Bid', orderType: 'Market', quantity: '0.5', clientId: 78 } });
  assert.equal(r.status, 200, r.text);
  await c.waitFor((f) => f.includes('"account.balanceUpdate"') && f.includes('"a":"SOL"'));
  await c.waitFor((f) => f.includes('"account.balanceUpdate"') && f.includes('"a":"USDC"'));
  const frames = c.frames.map((f) => JSON.parse(f)).filter((f) => f.stream === 'account.balanceUpdate');
  const bal = (await call(sim.restUrl, 'GET', '/api/v1/capital', { key, instruction: 'balanceQuery' })).body as any;
  // One frame per asset per change burst, with the figures REST reports afterwards.
  assert.deepEqual(frames.map((f) => f.data.a).sort(), ['SOL', 'USDC']);
  for (const f of frames) {
    assert.deepEqual(Object.keys(f.data).sort(), ['E', 'T', 'a', 'e', 'f', 'l']);
    assert.equal(f.data.e, 'balanceUpdate');
    assert.ok(f.data.E > 1e15, 'µs');
    assert.deepEqual([f.data.f, f.data.l], [bal[f.data.a].available, bal[f.data.a].locked]);
  }
  // Bought 0.5 SOL as a taker: 10 bps of it is the fee, taken in SOL.
  assert.equal(bal.SOL.available, '0.4995');
  const fillAt = c.frames.findIndex((f) => f.includes('orderFill') && f.includes('"c":78'));
  const balAt = c.frames.findIndex((f) => f.includes('"account.balanceUpdate"'));
  assert.ok(fillAt >= 0 && fillAt < balAt, 'the order update first, then the balances it changed');
  c.close();
});

test('websocket: envelope, depth U/u sequence, trade m flag, µs E/T, private orderFill fields, position snapshot', async () => {
  const key = newKey();
  const c = await WsClient.open(sim.wsUrl);
  const ts = Date.now();
  const sig = [key.apiKey, naclSign(key, canonical('subscribe', null, ts, 5000)), String(ts), '5000'];
  // Open a position first so the snapshot has something in it.
  const first = await call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Market', quantity: '0.5' } });
  assert.equal(first.status, 200, first.text);
  c.send({ method: 'SUBSCRIBE', params: ['depth.SOL_USDC_PERP', 'trade.SOL_USDC_PERP', 'bookTicker.SOL_USDC_PERP', 'markPrice.SOL_USDC_PERP', 'account.orderUpdate', 'account.positionUpdate'], signature: sig });
  c.send({ method: 'SUBSCRIBE', params: ['nonsense.SOL_USDC_PERP'] });
  c.send('not json');
  const snap = JSON.parse(await c.waitFor((f) => f.includes('"account.positionUpdate"')));
  assert.equal(snap.data.e, undefined, 'initial snapshot has no e');
  assert.equal(snap.data.q, '0.50');
  assert.deepEqual(JSON.parse(await c.waitFor((f) => f.includes('4006'))), { id: null, error: { code: 4006, message: 'Invalid stream' } });
  await c.waitFor((f) => f.includes('4002'));
  // A public trade of our own making (the calibrated SOL market can be quiet for seconds: its trades come
  // in bursts with the price moves, ~1.5/s on average).
  const other = newKey();
  const t2 = await call(sim.restUrl, 'POST', '/api/v1/order', { key: other, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Market', quantity: '0.1' } });
  assert.equal(t2.status, 200, t2.text);
  const trade = JSON.parse(await c.waitFor((f) => f.includes('"trade.SOL_USDC_PERP"'), 8000));
  assert.equal(typeof trade.data.m, 'boolean');
  assert.ok(trade.data.E > 1e15 && trade.data.T > 1e15, 'µs');
  assert.equal(typeof trade.data.t, 'number');
  await c.waitFor((f) => f.includes('"markPrice.SOL_USDC_PERP"'), 3000);
  await c.waitFor((f) => f.includes('"bookTicker.SOL_USDC_PERP"'));
  // A marketable order produces accepted + fill with the full field set.
  const r = await call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Ask', orderType: 'Market', quantity: '0.25', clientId: 77 } });
  assert.equal(r.status, 200, r.text);
  const fill = JSON.parse(await c.waitFor((f) => f.includes('orderFill') && f.includes('"c":77')));
  for (const k of ['e', 'E', 's', 'c', 'S', 'o', 'f', 'q', 'X', 'i', 't', 'l', 'L', 'm', 'n', 'N', 'z', 'Z', 'V', 'T', 'O']) assert.ok(k in fill.data, `orderFill has ${k}`);
  assert.equal(fill.data.o, 'MARKET');
  assert.equal(fill.data.m, false);
  assert.equal(fill.data.N, 'USDC');
  assert.ok(DEC.test(fill.data.n) && DEC.test(fill.data.l) && DEC.test(fill.data.L));
  await c.waitFor((f) => f.includes('positionAdjusted'));
  // Depth deltas are strictly sequential.
  const depth = c.frames.filter((f) => f.includes('"depth.SOL_USDC_PERP"')).map((f) => JSON.parse(f).data);
  assert.ok(depth.length > 2);
  for (let i = 1; i < depth.length; i++) assert.equal(depth[i].U, depth[i - 1].u + 1);
  // Fill history over REST: naive UTC timestamp, clientId string.
  const fills = (await call(sim.restUrl, 'GET', '/wapi/v1/history/fills', { key, instruction: 'fillHistoryQueryAll', params: { fillType: 'User', limit: 10 } })).body as any[];
  // Two orders, each one fill or more: a market order may sweep two levels of the calibrated book.
  assert.equal(new Set(fills.map((f) => f.orderId)).size, 2, JSON.stringify(fills.map((f) => [f.orderId, f.quantity])));
  assert.ok(fills.length >= 2);
  assert.match(fills[0].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(fills[0].clientId, '77');
  const hist = (await call(sim.restUrl, 'GET', '/wapi/v1/history/orders', { key, instruction: 'orderHistoryQueryAll', params: { limit: 10 } })).body as any[];
  assert.equal(hist[0].clientId, 77);
  assert.ok('expiryReason' in hist[0]);
  const acct = (await call(sim.restUrl, 'GET', '/api/v1/account', { key, instruction: 'accountQuery' })).body as any;
  assert.deepEqual([acct.futuresMakerFee, acct.futuresTakerFee, acct.spotMakerFee, acct.spotTakerFee], ['2', '5', '8', '10']);
  const col = (await call(sim.restUrl, 'GET', '/api/v1/capital/collateral', { key, instruction: 'collateralQuery' })).body as any;
  assert.ok(DEC.test(col.netEquity) && DEC.test(col.netEquityAvailable));
  c.close();
});
