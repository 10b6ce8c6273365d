// Outcome classification and rate limiting of the real client against the paper exchange's own faults
// (switched through its admin path): a 503 and a timeout on an order are `unknown` and never resent
// (counted where it matters: requests the sim received), the timed-out order is then resolved by
// findOrder; a 429 from the sim's per-minute limit is backed off and then succeeds; the client's own
// budget keeps it under the limit.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { TransportError } from '../../src/exchange/backpack/rest-errors.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D } from '../../src/util/decimal.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { newKeys, SOL, startSimTarget, waitFor, type SimTarget } from '../helpers/sim-target.js';

let t: SimTarget;
before(async () => {
  t = await startSimTarget({ seed: 31 });
  t.sim.exchange.addLiquidity(SOL, 'Bid', '179.90', '5');
  t.sim.exchange.addLiquidity(SOL, 'Ask', '180.10', '50');
});
afterEach(async () => {
  await t.resetFaults();
});
after(async () => {
  await t.stop();
});

const bid = (price: string, clientId: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({
  symbol: SOL,
  side: 'Bid',
  orderType: 'Limit',
  price: D(price),
  quantity: D('0.1'),
  clientId,
  ...extra,
});

test('5xx fault: order and cancel-all are unknown after ONE request; nothing was done; GETs retry a bounded number of times', async () => {
  const a = t.adapter({ keys: newKeys(), getRetries: 2 });
  await t.setFaults({ errorRate: 1 });
  const n0 = t.requests.length;
  const out = await a.placeOrder(bid('179.00', 5001));
  assert.equal(out.kind, 'unknown', JSON.stringify(out));
  if (out.kind === 'unknown') assert.match(out.reason, /503/);
  const ca = await a.cancelAll(SOL);
  assert.equal(ca.kind, 'unknown');
  await assert.rejects(a.getOpenOrders(SOL), (e: unknown) => e instanceof TransportError && e.reason === 'server' && e.status === 503);
  await t.resetFaults();
  // Resolve by query, not by resending: the sim never saw the order (503 without acting).
  assert.equal(await a.findOrder(SOL, 5001), null);
  assert.equal(t.count('POST /api/v1/order', n0), 1, 'the order was sent exactly once');
  assert.equal(t.count('DELETE /api/v1/orders', n0), 1, 'cancel-all was sent exactly once');
  assert.equal(t.count('GET /api/v1/orders', n0), 3, 'a GET: 1 + getRetries attempts, then give up');
  assert.ok(t.requests.slice(n0).filter((r) => r.path === '/api/v1/order' && r.method === 'POST').every((r) => r.status === 503));
});

test('timeout fault: the order IS executed but unanswered -> unknown; findOrder resolves it (resting, then filled via history)', async () => {
  const keys = newKeys();
  const a = t.adapter({ keys, settings: { requestTimeoutMs: 300 } });
  await t.setFaults({ timeoutRate: 1 });
  const n0 = t.requests.length;
  const rest = await a.placeOrder(bid('179.50', 6001));
  assert.equal(rest.kind, 'unknown', JSON.stringify(rest));
  if (rest.kind === 'unknown') assert.match(rest.reason, /timed out/);
  // An IOC that takes: executed and filled on the sim, never answered.
  const ioc = await a.placeOrder(bid('180.10', 6002, { timeInForce: 'IOC' }));
  assert.equal(ioc.kind, 'unknown');
  await t.resetFaults();

  const live = await a.findOrder(SOL, 6001);
  assert.ok(live, 'the resting order is found on the book');
  assert.equal(live.status, 'New');
  assert.equal(live.clientId, 6001);
  assert.ok(live.price?.eq('179.5'));
  const done = await a.findOrder(SOL, 6002);
  assert.ok(done, 'the filled IOC is found in order history');
  assert.equal(done.status, 'Filled');
  assert.ok(done.executedQuantity.eq('0.1'));
  assert.equal(await a.findOrder(SOL, 6003), null, 'never sent -> null');

  assert.equal(t.count('POST /api/v1/order', n0), 2, 'one request per order: no resend after the timeout');
  assert.equal(t.sim.exchange.openOrders(keys.apiKey).length, 1);
  const fills = (await a.getFills({ symbol: SOL })).rows;
  assert.deepEqual(fills.map((f) => [f.clientId, f.isMaker]), [[6002, false]]);
  assert.equal((await a.cancelAll(SOL)).kind, 'accepted');
});

test('order-reject fault ("as if the book moved") is a rejected outcome with the sim error; nothing placed', async () => {
  const keys = newKeys();
  const r = t.rest({ keys });
  await t.setFaults({ orderRejectRate: 1 });
  const out = await r.executeOrder(bid('179.00', 6501));
  assert.deepEqual(out, { kind: 'rejected', code: 'INVALID_ORDER', message: 'Price is out of bounds', status: 400 });
  const po = await r.executeOrder(bid('179.00', 6502, { postOnly: true }));
  assert.ok(po.kind === 'rejected' && po.code === 'INVALID_ORDER' && /immediately match/.test(po.message));
  assert.equal(t.sim.exchange.openOrders(keys.apiKey).length, 0);
});

test('429 from the sim limit: the client holds ALL requests (shared back-off), then succeeds once the window opens', async () => {
  const keys = newKeys();
  const r = t.rest({ keys, getRetries: 6 });
  await t.setFaults({ rateLimitPerMinute: 3 });
  for (let i = 0; i < 3; i++) await r.capital();
  const n0 = t.requests.length;
  const mine = () => t.requests.slice(n0).filter((x) => x.apiKey === keys.apiKey);
  const p = r.capital();
  await waitFor(() => mine().some((x) => x.status === 429), 3000, 'a 429 from the sim');
  const first429 = mine().find((x) => x.status === 429)!;
  // A second call during the hold must wait too.
  const q = r.positions();
  // The sim's minute passes (stand-in: lift the limit through the admin path).
  await t.setFaults({ rateLimitPerMinute: 0 });
  const bal = await p;
  assert.ok(bal.find((b) => b.asset === 'USDC')?.available.eq('10000'));
  assert.deepEqual(await q, []);

  const seen = mine();
  const ok = seen.filter((x) => x.status === 200);
  assert.equal(ok.length, 2, 'capital and positions each arrived once with success');
  // Limiter hold after a 429 without Retry-After: 500 ms base, jittered to 375 ms with rng 0.5.
  for (const x of ok) assert.ok(x.at - first429.at >= 340, `request ${x.path} held after the 429 (${x.at - first429.at} ms)`);
  assert.ok(r.stats.http429 >= 1);
  assert.equal(r.stats.http429, seen.filter((x) => x.status === 429).length, 'every 429 the sim sent was counted');
  assert.ok((r.stats.byEndpoint.get('GET /api/v1/capital')?.http429 ?? 0) >= 1);
});

test('the client budget keeps a burst under the sim limit: no 429 ever, the surplus waits for the (virtual) window', async () => {
  const keys = newKeys();
  // Virtual client clock 30 s behind, 60 s signing window: signatures stay valid before and after advancing.
  const clock = new VirtualClock(Date.now() - 30_000);
  const r = t.rest({ keys, clock, settings: { restRateLimit: 5, recvWindowMs: 60_000 } });
  await t.setFaults({ rateLimitPerMinute: 5 });
  const n0 = t.requests.length;
  const mine = () => t.requests.slice(n0).filter((x) => x.apiKey === keys.apiKey);
  const all = Array.from({ length: 8 }, () => r.capital());
  await waitFor(() => mine().length === 5 && mine().every((x) => x.status === 200), 3000, '5 answered requests');
  assert.equal(r.limiter.queued, 3, 'the 6th..8th wait in the client');
  assert.equal(r.limiter.lastMinute(), 5);
  assert.equal(mine().length, 5, 'never more than the budget reached the sim');
  // The sim's real minute cannot pass in a test: open its window, and move the client's window.
  await t.setFaults({ rateLimitPerMinute: 0 });
  clock.advance(60_000);
  const res = await Promise.all(all);
  assert.equal(res.length, 8);
  assert.equal(mine().length, 8);
  assert.ok(mine().every((x) => x.status === 200), 'the sim never had to answer 429');
  assert.equal(r.stats.http429, 0);
});
