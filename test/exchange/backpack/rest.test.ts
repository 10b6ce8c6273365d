// REST client against a real HTTP server on loopback (test/helpers/fake-exchange.ts; point `restUrl` at the paper
// exchange to run the same checks there).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BackpackRest } from '../../../src/exchange/backpack/rest.js';
import { BackpackApiError, TransportError } from '../../../src/exchange/backpack/rest-errors.js';
import type { RestOptions } from '../../../src/exchange/backpack/rest-transport.js';
import { loadKeyPair } from '../../../src/exchange/backpack/signing.js';
import { VirtualClock } from '../../../src/util/clock.js';
import { D } from '../../../src/util/decimal.js';
import { FakeExchange } from '../../helpers/fake-exchange.js';
import type { OrderRequest } from '../../../src/domain/order.js';

const SECRET = '4odxgSUxFrC/zsKWZF4OQwYAgnNu9hnWH3NxWfLAPz4=';
const KEYS = loadKeyPair(SECRET);
const SETTINGS = { restRateLimit: 2000, requestTimeoutMs: 1000, recvWindowMs: 5000 };
const ORDER: OrderRequest = { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: D('180.50'), quantity: D('1.5'), postOnly: true, clientId: 1001 };

let fx: FakeExchange;
const clients: BackpackRest[] = [];
function client(over: Partial<RestOptions> = {}): BackpackRest {
  const c = new BackpackRest({ restUrl: fx.restUrl, keys: KEYS, settings: SETTINGS, retryBaseMs: 10, ...over });
  clients.push(c);
  return c;
}

before(async () => {
  fx = await FakeExchange.start();
});
after(async () => {
  for (const c of clients) await c.close();
  await fx.close();
});

test('signed requests verify on the server; decimals travel as strings; replies decode', async () => {
  const c = client();
  const out = await c.executeOrder(ORDER);
  assert.equal(out.kind, 'accepted');
  if (out.kind === 'accepted') {
    assert.equal(out.value.id, '4228978331');
    assert.equal(out.value.price?.toString(), '180.5');
  }
  const post = fx.requests.at(-1)!;
  assert.equal(post.signatureOk, true);
  assert.deepEqual(post.body, { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', quantity: '1.5', clientId: 1001, price: '180.5', postOnly: true });
  assert.match(post.signedString!, /^instruction=orderExecute&clientId=1001&orderType=Limit&postOnly=true&price=180\.5&quantity=1\.5&side=Bid&symbol=SOL_USDC_PERP&timestamp=\d+&window=5000$/);

  assert.equal((await c.collateral()).netEquity.toString(), '1000.5');
  assert.equal((await c.accountFees()).futuresTakerFeeBps.toString(), '5');
  assert.deepEqual(await c.fills({ symbol: 'SOL_USDC_PERP', limit: 10 }), []);
  const fillsReq = fx.requests.at(-1)!;
  assert.equal(fillsReq.query.fillType, 'User');
  assert.equal(fillsReq.signatureOk, true);
  assert.equal(await c.getOrder('SOL_USDC_PERP', { clientId: 5 }), null); // 404 RESOURCE_NOT_FOUND
  const cancel = await c.cancelOrder('SOL_USDC_PERP', { clientId: 1001 });
  assert.equal(cancel.kind, 'rejected'); // the fake has no DELETE route -> plain-text 404
  assert.equal(fx.requests.at(-1)!.signatureOk, true);
  assert.deepEqual(fx.requests.at(-1)!.body, { symbol: 'SOL_USDC_PERP', clientId: 1001 });
  assert.ok(fx.requests.filter((r) => r.signatureOk !== null).every((r) => r.signatureOk));
  assert.equal(c.stats.byEndpoint.get('POST /api/v1/order')?.calls, 1);
});

test('error bodies become typed errors / rejected outcomes', async () => {
  const c = client();
  fx.routes['POST /api/v1/order'] = () => ({ status: 400, body: { code: 'INVALID_ORDER', message: 'Order would immediately match and take' } });
  const out = await c.executeOrder(ORDER);
  assert.deepEqual(out, { kind: 'rejected', code: 'INVALID_ORDER', message: 'Order would immediately match and take', status: 400 });
  await assert.rejects(c.market('NOPE_USDC'), (e: unknown) => e instanceof BackpackApiError && e.status === 400 && e.code === 'INVALID_CLIENT_REQUEST' && e.message === 'Invalid market symbol');
  fx.routes['GET /api/v1/ticker'] = () => ({ status: 400, text: 'failed to parse parameter `symbol`' });
  await assert.rejects(c.ticker('SOL_USDC_PERP'), (e: unknown) => e instanceof BackpackApiError && e.code === 'HTTP_400' && /failed to parse/.test(e.message));
});

test('timeout on an order -> unknown outcome, and the order is not resent', async () => {
  const c = client({ settings: { ...SETTINGS, requestTimeoutMs: 150 } });
  fx.routes['POST /api/v1/order'] = () => 'hang';
  const before = fx.count('POST /api/v1/order');
  const out = await c.executeOrder(ORDER);
  assert.equal(out.kind, 'unknown');
  if (out.kind === 'unknown') assert.match(out.reason, /timed out/);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(fx.count('POST /api/v1/order') - before, 1);
});

test('5xx and dropped connections on POST/DELETE are unknown (one attempt); GETs are retried', async () => {
  const c = client();
  fx.routes['POST /api/v1/order'] = () => ({ status: 503, body: { code: 'SERVER_ERROR', message: 'Unknown error, please check your request or try again later.' } });
  let n = fx.count('POST /api/v1/order');
  assert.equal((await c.executeOrder(ORDER)).kind, 'unknown');
  assert.equal(fx.count('POST /api/v1/order') - n, 1);
  fx.routes['DELETE /api/v1/orders'] = () => 'destroy';
  n = fx.count('DELETE /api/v1/orders');
  const ca = await c.cancelAll('SOL_USDC_PERP');
  assert.equal(ca.kind, 'unknown');
  assert.equal(fx.count('DELETE /api/v1/orders') - n, 1);

  let k = 0;
  fx.routes['GET /api/v1/position'] = () => (++k <= 2 ? { status: 502, text: '<html>bad gateway</html>' } : { status: 200, body: [] });
  assert.deepEqual(await c.positions(), []);
  assert.equal(k, 3);
  fx.routes['GET /api/v1/orders'] = () => 'destroy';
  n = fx.count('GET /api/v1/orders');
  await assert.rejects(c.openOrders(), (e: unknown) => e instanceof TransportError);
  assert.equal(fx.count('GET /api/v1/orders') - n, 3); // 1 + getRetries(2), bounded
});

test('429 -> back-off (server hint), then success; shared by all requests', async () => {
  const c = client();
  let k = 0;
  fx.routes['GET /api/v1/markPrices'] = () => (++k === 1 ? { status: 429, body: { code: 'TOO_MANY_REQUESTS', message: 'slow down' }, headers: { 'retry-after': '0.25' } } : undefined) ?? {
    status: 200,
    body: [{ symbol: 'SOL_USDC_PERP', markPrice: '181' }],
  };
  const t0 = Date.now();
  const rows = await c.markPrices('SOL_USDC_PERP');
  assert.equal(rows[0]?.markPrice.toString(), '181');
  assert.equal(k, 2);
  assert.ok(Date.now() - t0 >= 240, 'waited for the hint');
  assert.equal(c.stats.http429, 1);
  assert.equal(c.stats.byEndpoint.get('GET /api/v1/markPrices')?.http429, 1);
});

test('the client-side budget is never exceeded (virtual clock for the window, real server)', async () => {
  const clock = new VirtualClock(Date.now());
  const c = client({ clock, settings: { ...SETTINGS, restRateLimit: 5 } });
  const n0 = fx.count('GET /api/v1/status');
  const all = Array.from({ length: 8 }, () => c.status());
  await fx.waitFor(() => fx.count('GET /api/v1/status') - n0 === 5, 3000, '5 requests');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(fx.count('GET /api/v1/status') - n0, 5, 'the 6th waits for the window');
  assert.equal(c.limiter.queued, 3);
  clock.advance(60_000);
  await Promise.all(all);
  assert.equal(fx.count('GET /api/v1/status') - n0, 8);
});

test('a timestamp rejection on a signed GET resyncs the clock and retries once', async () => {
  const c = client();
  let k = 0;
  fx.routes['GET /api/v1/capital'] = () => (++k === 1 ? { status: 400, body: { code: 'INVALID_CLIENT_REQUEST', message: 'Request has expired' } } : { status: 200, body: { USDC: { available: '5', locked: '0', staked: '0' } } });
  fx.routes['GET /api/v1/time'] = () => ({ status: 200, text: String(Date.now() + 30_000) });
  const t = fx.count('GET /api/v1/time');
  const bal = await c.capital();
  assert.equal(bal[0]?.available.toString(), '5');
  assert.equal(fx.count('GET /api/v1/time') - t, 1);
  assert.ok(c.clockSync.offsetMs > 29_000);
  const last = fx.requests.at(-1)!;
  assert.ok(Number(last.headers['x-timestamp']) > Date.now() + 25_000, 'signed with the corrected clock');
});

test('batch orders: bare array body, signed per order; per-item results; 202 cancel is unknown', async () => {
  const c = client();
  fx.routes['POST /api/v1/orders'] = (r) => {
    const arr = r.body as Array<Record<string, unknown>>;
    return {
      status: 200,
      body: [
        { operation: 'Ok', orderType: 'Limit', id: '1', clientId: arr[0]!.clientId, symbol: 'SOL_USDC_PERP', side: 'Bid', price: '180', quantity: '1', executedQuantity: '0', executedQuoteQuantity: '0', status: 'New', createdAt: 1 },
        { operation: 'Err', code: 'INVALID_ORDER', message: 'Order would immediately match and take' },
      ],
    };
  };
  const out = await c.executeOrders([
    { ...ORDER, price: D('180'), quantity: D('1'), clientId: 1 },
    { ...ORDER, price: D('181'), quantity: D('2'), clientId: 2 },
  ]);
  const req = fx.requests.at(-1)!;
  assert.equal(req.signatureOk, true);
  assert.ok(Array.isArray(req.body));
  assert.match(req.signedString!, /^instruction=orderExecute&clientId=1&.*&instruction=orderExecute&clientId=2&.*&timestamp=\d+&window=5000$/);
  assert.equal(out.kind, 'accepted');
  if (out.kind === 'accepted') {
    assert.equal(out.value[0]?.ok, true);
    assert.deepEqual(out.value[1], { ok: false, code: 'INVALID_ORDER', message: 'Order would immediately match and take' });
  }
  fx.routes['DELETE /api/v1/order'] = () => ({ status: 202, text: '' });
  assert.equal((await c.cancelOrder('SOL_USDC_PERP', { orderId: '1' })).kind, 'unknown');
});
