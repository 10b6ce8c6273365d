// Signature checks of the paper exchange's private REST endpoints and private websocket subscribe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { call, canonical, naclSign, newKey, signedHeaders, WsClient } from './helpers.js';

let sim: RunningSim;
before(async () => {
  sim = await startSim({ port: 0, seed: 1, exchange: { model: false } });
});
after(async () => {
  await sim.stop();
});

test('a request signed independently with tweetnacl is accepted (and creates the account)', async () => {
  const key = newKey();
  const r = await call(sim.restUrl, 'GET', '/api/v1/capital', { key, instruction: 'balanceQuery' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { USDC: { available: '10000', locked: '0', staked: '0' } });
  const order = { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '170.50', quantity: '1.5', postOnly: true, clientId: 1001 };
  const o = await call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: order });
  assert.equal(o.status, 200, o.text);
  assert.equal((o.body as { clientId: number }).clientId, 1001);
});

test('missing headers are 401 UNAUTHORIZED naming the header', async () => {
  const key = newKey();
  const h = signedHeaders(key, 'balanceQuery', null);
  for (const drop of ['X-API-Key', 'X-Signature', 'X-Timestamp']) {
    const headers = { ...h };
    delete headers[drop];
    const r = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { code: 'UNAUTHORIZED', message: `Missing ${drop} header` });
  }
  const none = await call(sim.restUrl, 'GET', '/api/v1/position');
  assert.equal(none.status, 401);
});

test('bad signature and wrong key are 400 INVALID_CLIENT_REQUEST "Invalid signature"', async () => {
  const key = newKey();
  const other = newKey();
  const ts = Date.now();
  const bad = { ...signedHeaders(key, 'balanceQuery', null, ts), 'X-Signature': naclSign(key, canonical('balanceQuery', null, ts + 1, 5000)) };
  const r1 = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: bad });
  assert.equal(r1.status, 400);
  assert.deepEqual(r1.body, { code: 'INVALID_CLIENT_REQUEST', message: 'Invalid signature' });
  // Signed by another key than the one in X-API-Key.
  const wrong = { ...signedHeaders(other, 'balanceQuery', null, ts), 'X-API-Key': key.apiKey };
  const r2 = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: wrong });
  assert.deepEqual([r2.status, r2.body], [400, { code: 'INVALID_CLIENT_REQUEST', message: 'Invalid signature' }]);
  // Signed for a different instruction (e.g. a client using the wrong table entry).
  const instr = signedHeaders(key, 'accountQuery', null, ts);
  const r3 = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: instr });
  assert.equal(r3.status, 400);
  // Not a key at all.
  const r4 = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: { ...signedHeaders(key, 'balanceQuery', null, ts), 'X-API-Key': 'abc' } });
  assert.deepEqual([r4.status, r4.body], [401, { code: 'UNAUTHORIZED', message: 'Invalid API key' }]);
});

test('expired timestamp, future timestamp and window > 60000 are rejected', async () => {
  const key = newKey();
  const old = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: signedHeaders(key, 'balanceQuery', null, Date.now() - 10_000, 5000) });
  assert.deepEqual([old.status, old.body], [400, { code: 'INVALID_CLIENT_REQUEST', message: 'Request has expired' }]);
  const fut = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: signedHeaders(key, 'balanceQuery', null, Date.now() + 60_000, 5000) });
  assert.equal(fut.status, 400);
  const win = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: signedHeaders(key, 'balanceQuery', null, Date.now(), 60_001) });
  assert.deepEqual([win.status, (win.body as { code: string }).code], [400, 'INVALID_CLIENT_REQUEST']);
  // Large but allowed window accepts an older timestamp.
  const ok = await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: signedHeaders(key, 'balanceQuery', null, Date.now() - 10_000, 60_000) });
  assert.equal(ok.status, 200);
});

test('window defaults to 5000 in the signed string when X-Window is absent', async () => {
  const key = newKey();
  const h = signedHeaders(key, 'balanceQuery', null, Date.now(), 5000);
  delete h['X-Window'];
  assert.equal((await call(sim.restUrl, 'GET', '/api/v1/capital', { headers: h })).status, 200);
});

test('batch orders are signed per order and answered per item', async () => {
  const key = newKey();
  const orders = [
    { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '170.00', quantity: '1', clientId: 1 },
    { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '170.001', quantity: '1', clientId: 2 },
  ];
  const ts = Date.now();
  const parts = orders.map((o) => canonical('orderExecute', o, 0, 0).replace(/&timestamp=0&window=0$/, ''));
  const msg = `${parts.join('&')}&timestamp=${ts}&window=5000`;
  const headers = { 'X-API-Key': key.apiKey, 'X-Signature': naclSign(key, msg), 'X-Timestamp': String(ts), 'X-Window': '5000' };
  const r = await call(sim.restUrl, 'POST', '/api/v1/orders', { headers, body: orders });
  assert.equal(r.status, 200, r.text);
  const items = r.body as Array<Record<string, unknown>>;
  assert.equal(items[0]!['operation'], 'Ok');
  assert.equal(items[0]!['clientId'], 1);
  assert.deepEqual(items[1], { operation: 'Err', code: 'INVALID_ORDER', message: 'Price decimal too long' });
});

test('private websocket subscribe needs a valid signature', async () => {
  const key = newKey();
  const c = await WsClient.open(sim.wsUrl);
  c.send({ method: 'SUBSCRIBE', params: ['account.orderUpdate'], signature: [key.apiKey, 'AAAA', String(Date.now()), '5000'] });
  const e = await c.waitFor((f) => f.includes('"error"'));
  assert.deepEqual(JSON.parse(e), { id: null, error: { code: 4003, message: 'Invalid signature' } });
  const ts = Date.now();
  c.send({ method: 'SUBSCRIBE', params: ['account.orderUpdate'], signature: [key.apiKey, naclSign(key, canonical('subscribe', null, ts, 5000)), String(ts), '5000'] });
  await new Promise((r) => setTimeout(r, 50));
  await call(sim.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '170.00', quantity: '1', clientId: 5 } });
  const acc = JSON.parse(await c.waitFor((f) => f.includes('orderAccepted')));
  assert.equal(acc.stream, 'account.orderUpdate');
  assert.equal(acc.data.c, 5);
  c.close();
});
