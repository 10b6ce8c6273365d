// Every fault can be switched on and off at run time through the admin path, and really happens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, canonical, naclSign, newKey, WsClient } from './helpers.js';

let sim: RunningSim;
before(async () => {
  sim = await startSim({ port: 0, seed: 4 });
});
after(async () => {
  await sim.stop();
});

const setFaults = async (f: Record<string, number>) => {
  const r = await call(sim.restUrl, 'POST', '/_sim/faults', { body: f });
  assert.equal(r.status, 200, r.text);
  return r.body as Record<string, number>;
};
const reset = () => call(sim.restUrl, 'POST', '/_sim/faults/reset');
const status = async () => (await call(sim.restUrl, 'GET', '/api/v1/status')).status;

test('admin API: read, validate, reset', async () => {
  const f = (await call(sim.restUrl, 'GET', '/_sim/faults')).body as Record<string, number>;
  assert.ok(Object.values(f).every((v) => v === 0), 'all off by default');
  const bad = await call(sim.restUrl, 'POST', '/_sim/faults', { body: { errorRate: 2 } });
  assert.equal(bad.status, 400);
  const unk = await call(sim.restUrl, 'POST', '/_sim/faults', { body: { nope: 1 } });
  assert.equal(unk.status, 400);
  assert.equal((await setFaults({ latencyMs: 5 })).latencyMs, 5);
  await reset();
  assert.equal(((await call(sim.restUrl, 'GET', '/_sim/faults')).body as Record<string, number>)['latencyMs'], 0);
});

test('latency: replies are delayed while on, prompt when off', async () => {
  await setFaults({ latencyMs: 400, latencyJitterMs: 50 });
  let t = Date.now();
  assert.equal(await status(), 200);
  assert.ok(Date.now() - t >= 390, 'delayed');
  await reset();
  t = Date.now();
  assert.equal(await status(), 200);
  assert.ok(Date.now() - t < 350, 'prompt');
});

test('5xx share: every request 503 at 1.0, none when off', async () => {
  await setFaults({ errorRate: 1 });
  const r = await call(sim.restUrl, 'GET', '/api/v1/status');
  assert.deepEqual([r.status, r.body], [503, { code: 'SERVER_ERROR', message: 'Unknown error, please check your request or try again later.' }]);
  await reset();
  assert.equal(await status(), 200);
});

test('timeouts: an order POST is executed but never answered; answered again when off', async () => {
  const key = newKey();
  await setFaults({ timeoutRate: 1 });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 600);
  await assert.rejects(
    call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '150.00', quantity: '1', clientId: 31 }, signal: ac.signal }),
  );
  clearTimeout(timer);
  assert.equal(sim.exchange.openOrders(key.apiKey).length, 1, 'the order was executed');
  await reset();
  const r = await call(sim.restUrl, 'GET', '/api/v1/orders', { key, instruction: 'orderQueryAll' });
  assert.equal(r.status, 200);
  assert.equal((r.body as Array<{ clientId: number }>)[0]!.clientId, 31);
});

test('429 when a key exceeds the per-minute limit; unlimited when off', async () => {
  const key = newKey();
  await setFaults({ rateLimitPerMinute: 3 });
  const codes: number[] = [];
  for (let i = 0; i < 4; i++) codes.push((await call(sim.restUrl, 'GET', '/api/v1/capital', { key, instruction: 'balanceQuery' })).status);
  assert.deepEqual(codes, [200, 200, 200, 429]);
  const r = await call(sim.restUrl, 'GET', '/api/v1/capital', { key, instruction: 'balanceQuery' });
  assert.deepEqual(r.body, { code: 'TOO_MANY_REQUESTS', message: 'Too many requests, please slow down' });
  await reset();
  assert.equal((await call(sim.restUrl, 'GET', '/api/v1/capital', { key, instruction: 'balanceQuery' })).status, 200);
});

test('order rejections: refused as if the book moved while on, accepted when off', async () => {
  const key = newKey();
  const order = { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '150.00', quantity: '1', postOnly: true };
  await setFaults({ orderRejectRate: 1 });
  const r = await call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: order });
  assert.deepEqual([r.status, r.body], [400, { code: 'INVALID_ORDER', message: 'Order would immediately match and take' }]);
  await reset();
  assert.equal((await call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: order })).status, 200);
});

test('websocket disconnect now, and every N seconds; stays up when off', async () => {
  const c1 = await WsClient.open(sim.wsUrl);
  const r = await call(sim.restUrl, 'POST', '/_sim/ws/disconnect');
  assert.ok((r.body as { disconnected: number }).disconnected >= 1);
  await c1.waitClosed();
  await setFaults({ wsDisconnectEverySec: 0.5 });
  const c2 = await WsClient.open(sim.wsUrl);
  await c2.waitClosed(3000);
  await reset();
  const c3 = await WsClient.open(sim.wsUrl);
  await new Promise((res) => setTimeout(res, 1200));
  assert.equal(c3.closed, false);
  c3.close();
});

test('dropped depth messages make sequence gaps; sequential again when off', async () => {
  const c = await WsClient.open(sim.wsUrl);
  await setFaults({ dropDepthRate: 0.5 });
  c.send({ method: 'SUBSCRIBE', params: ['depth.SOL_USDC_PERP'] });
  const seq = async (n: number) => {
    const start = c.frames.length;
    await c.waitFor(() => c.frames.length - start >= n, 8000);
    return c.frames.slice(start).map((f) => JSON.parse(f).data as { U: number; u: number });
  };
  const on = await seq(15);
  assert.ok(on.some((d, i) => i > 0 && d.U !== on[i - 1]!.u + 1), 'gap seen');
  await reset();
  await new Promise((res) => setTimeout(res, 50));
  const off = await seq(15);
  assert.ok(off.slice(1).every((d, i) => d.U === off[i]!.u + 1), 'no gaps');
  c.close();
});

test('malformed frames while on; valid JSON when off', async () => {
  const c = await WsClient.open(sim.wsUrl);
  c.send({ method: 'SUBSCRIBE', params: ['depth.SOL_USDC_PERP'] });
  await c.waitFor(() => true);
  await setFaults({ malformedRate: 1 });
  let start = c.frames.length;
  await c.waitFor(() => c.frames.length - start >= 3);
  assert.throws(() => JSON.parse(c.frames[c.frames.length - 1]!));
  await reset();
  await new Promise((res) => setTimeout(res, 50));
  start = c.frames.length;
  await c.waitFor(() => c.frames.length - start >= 3);
  for (const f of c.frames.slice(start)) JSON.parse(f);
  c.close();
});

test('a private subscription keeps working after a forced disconnect and re-subscribe', async () => {
  const key = newKey();
  const sub = (c: WsClient) => {
    const ts = Date.now();
    c.send({ method: 'SUBSCRIBE', params: ['account.orderUpdate.SOL_USDC_PERP'], signature: [key.apiKey, naclSign(key, canonical('subscribe', null, ts, 5000)), String(ts), '5000'] });
  };
  const c1 = await WsClient.open(sim.wsUrl);
  sub(c1);
  await call(sim.restUrl, 'POST', '/_sim/ws/disconnect');
  await c1.waitClosed();
  const c2 = await WsClient.open(sim.wsUrl);
  sub(c2);
  await new Promise((res) => setTimeout(res, 50));
  await call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '150.00', quantity: '1' } });
  await c2.waitFor((f) => f.includes('orderAccepted'));
  c2.close();
});
