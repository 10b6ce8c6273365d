// BackpackAdapter (REST + websocket + books) against a real HTTP/WS server on loopback.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BackpackAdapter } from '../../../src/exchange/backpack/adapter.js';
import { loadKeyPair } from '../../../src/exchange/backpack/signing.js';
import { defaultSettings, type Settings } from '../../../src/config/settings.js';
import type { ExchangeEvent } from '../../../src/exchange/types.js';
import { FakeExchange } from '../../helpers/fake-exchange.js';

const KEYS = loadKeyPair('4odxgSUxFrC/zsKWZF4OQwYAgnNu9hnWH3NxWfLAPz4=');
const SYM = 'SOL_USDC_PERP';

let fx: FakeExchange;
const adapters: BackpackAdapter[] = [];

async function started(settings: Partial<Settings> = {}): Promise<{ a: BackpackAdapter; events: ExchangeEvent[] }> {
  const a = new BackpackAdapter({
    restUrl: fx.restUrl,
    wsUrl: fx.wsUrl,
    keys: KEYS,
    settings: { ...defaultSettings(), ...settings },
    rng: () => 0.5,
    wsBackoffBaseMs: 20,
  });
  adapters.push(a);
  const events: ExchangeEvent[] = [];
  await a.start([SYM], (e) => events.push(e));
  return { a, events };
}

const depth = (U: number, u: number, b: Array<[string, string]> = [], a: Array<[string, string]> = []) => ({ e: 'depth', E: 1, s: SYM, a, b, U, u, T: 1_000_000 });

before(async () => {
  fx = await FakeExchange.start();
});
after(async () => {
  for (const a of adapters) await a.close();
  await fx.close();
});

test('start subscribes public + signed private streams and syncs the book from REST; deltas publish books', async () => {
  const s0 = fx.subscribes.length;
  const { a, events } = await started();
  await fx.waitFor(() => events.some((e) => e.type === 'book'), 3000, 'first book');
  const subs = fx.subscribes.slice(s0);
  const pub = subs.find((s) => s.signature === null)!;
  const priv = subs.find((s) => s.signature !== null)!;
  assert.deepEqual(pub.params.sort(), [`depth.${SYM}`, `markPrice.${SYM}`, `trade.${SYM}`]);
  assert.deepEqual(priv.params.sort(), ['account.orderUpdate', 'account.positionUpdate']);
  assert.equal(priv.signatureOk, true);
  assert.equal(events[0]?.type, 'connection');

  const book = a.book(SYM)!;
  assert.equal(book.valid, true);
  assert.equal(book.bestBid()?.toString(), '180.5');
  assert.equal(book.bestAsk()?.toString(), '180.6');
  fx.push(`depth.${SYM}`, depth(101, 101, [['180.55', '2']]));
  await fx.waitFor(() => book.lastUpdateId === 101, 3000, 'delta applied');
  const last = events.at(-1)!;
  assert.equal(last.type, 'book');
  if (last.type === 'book') assert.equal(typeof last.recvNs, 'bigint');
  assert.equal(book.bestBid()?.toString(), '180.55');

  // Gap -> bookInvalid -> a fresh REST snapshot -> valid again.
  fx.routes['GET /api/v1/depth'] = () => ({
    status: 200,
    body: { bids: [['179', '1']], asks: [['181', '1']], lastUpdateId: '200', timestamp: 2_000_000 },
  });
  const n = events.length;
  fx.push(`depth.${SYM}`, depth(150, 150));
  await fx.waitFor(() => events.slice(n).some((e) => e.type === 'book'), 3000, 'resynced book');
  const after = events.slice(n);
  assert.equal(after[0]?.type, 'bookInvalid');
  assert.equal(book.valid, true);
  assert.equal(book.lastUpdateId, 200);
  assert.equal(book.bestBid()?.toString(), '179');
  fx.push(`depth.${SYM}`, depth(201, 201, [], [['180.9', '1']]));
  await fx.waitFor(() => book.lastUpdateId === 201, 3000, 'delta after resync');
  assert.equal(book.bestAsk()?.toString(), '180.9');

  // Trades, mark prices, own orders and positions come through the same callback, decoded.
  fx.push(`trade.${SYM}`, { e: 'trade', E: 1, s: SYM, p: '180.52', q: '1.25', b: '1', a: '2', t: 7, T: 5_000_000, m: true });
  fx.push(`markPrice.${SYM}`, { e: 'markPrice', E: 1, s: SYM, p: '180.5', f: '0.0001', i: '180.4', n: 1, T: 1000 });
  fx.push('account.orderUpdate', { e: 'orderAccepted', E: 1, s: SYM, c: 9, S: 'Ask', o: 'LIMIT', f: 'GTC', q: '1', p: '181', X: 'New', i: '77', z: '0', Z: '0', T: 3000, r: false, y: true });
  fx.push('account.positionUpdate', { s: SYM, q: '0.5', B: '180', M: '180.5', p: '0', P: '0.25' });
  await fx.waitFor(() => events.some((e) => e.type === 'position'), 3000, 'position');
  const kinds = events.slice(-4).map((e) => e.type);
  assert.deepEqual(kinds, ['trade', 'markPrice', 'order', 'position']);
  const tr = events.find((e) => e.type === 'trade');
  assert.ok(tr?.type === 'trade' && tr.trade.takerSide === 'Ask' && tr.trade.ts === 5000);
  const pos = events.find((e) => e.type === 'position');
  assert.ok(pos?.type === 'position' && pos.event.snapshot === true);
  const m = a.metrics();
  assert.equal(m.wsConnected, true);
  assert.ok(m.byStream[`depth.${SYM}`]!.messages >= 3);
  assert.ok(m.restTotal >= 3);
  await a.close();
});

test('malformed frames are counted and skipped; the stream continues', async () => {
  const { a, events } = await started();
  await fx.waitFor(() => events.some((e) => e.type === 'book'), 3000, 'first book');
  fx.raw('this is not json');
  fx.push(`trade.${SYM}`, { e: 'trade', s: SYM, p: 'abc', q: '1', t: 1, T: 1, m: false });
  fx.raw(JSON.stringify({ id: null, error: { code: 4006, message: 'Invalid stream' } }));
  fx.push(`trade.${SYM}`, { e: 'trade', E: 1, s: SYM, p: '180.52', q: '1.25', t: 8, T: 5_000_000, m: false });
  await fx.waitFor(() => events.some((e) => e.type === 'trade'), 3000, 'good trade after bad frames');
  const m = a.metrics();
  assert.equal(m.wsParseErrors, 2);
  assert.equal(m.byStream[`trade.${SYM}`]?.parseErrors, 1);
  assert.equal(m.byStream[`trade.${SYM}`]?.messages, 2);
  assert.equal(m.wsConnected, true);
  await a.close();
});

test('server drops the socket -> down, reconnect, resubscribe with a fresh signature, resynced, book resynced', async () => {
  const { a, events } = await started();
  await fx.waitFor(() => events.some((e) => e.type === 'book'), 3000, 'first book');
  const conns = fx.connections;
  const subs0 = fx.subscribes.length;
  const firstSig = fx.subscribes.filter((s) => s.signature).at(-1)!.signature!;
  await new Promise((r) => setTimeout(r, 5)); // a later millisecond for the next signature
  const n = events.length;
  fx.dropSockets();
  await fx.waitFor(() => events.slice(n).some((e) => e.type === 'connection' && e.state === 'resynced'), 5000, 'resynced');
  await fx.waitFor(() => events.slice(n).some((e) => e.type === 'book'), 3000, 'book after reconnect');
  const seq = events.slice(n).map((e) => (e.type === 'connection' ? `connection:${e.state}` : e.type));
  assert.deepEqual(seq.slice(0, 4), ['connection:down', 'bookInvalid', 'connection:up', 'connection:resynced']);
  assert.equal(fx.connections, conns + 1);
  const resub = fx.subscribes.slice(subs0);
  const priv = resub.find((s) => s.signature)!;
  assert.equal(priv.signatureOk, true);
  assert.notEqual(priv.signature![2], firstSig[2], 'fresh timestamp');
  assert.ok(resub.some((s) => s.params.includes(`depth.${SYM}`)));
  assert.equal(a.metrics().reconnects, 1);
  assert.equal(a.book(SYM)!.valid, true);
  await a.close();
});

test('watchdog: no message and no pong for wsWatchdogSec -> terminate and reconnect', async () => {
  fx.autoPong = false;
  try {
    const { a, events } = await started({ wsWatchdogSec: 1 });
    const conns = fx.connections;
    await fx.waitFor(() => fx.connections > conns, 4000, 'watchdog reconnect');
    await fx.waitFor(() => events.some((e) => e.type === 'connection' && e.state === 'resynced'), 2000, 'resynced');
    const down = events.find((e) => e.type === 'connection' && e.state === 'down');
    assert.ok(down?.type === 'connection' && /watchdog/.test(down.detail ?? ''));
    await a.close();
  } finally {
    fx.autoPong = true;
  }
});

test('findOrder: resting order by clientId, else order history, else null', async () => {
  const { a } = await started();
  const row = { orderType: 'Limit', id: '55', clientId: 42, symbol: SYM, side: 'Bid', price: '1', quantity: '1', executedQuantity: '1', executedQuoteQuantity: '1', status: 'Filled', createdAt: '2025-07-27T17:39:00.092' };
  fx.routes['GET /wapi/v1/history/orders'] = () => ({ status: 200, body: [{ ...row, clientId: 41, id: '54' }, row] });
  const found = await a.findOrder(SYM, 42);
  assert.equal(found?.id, '55');
  assert.equal(found?.status, 'Filled');
  assert.equal(await a.findOrder(SYM, 43), null);
  fx.routes['GET /api/v1/order'] = (r) => (r.query.clientId === '44' ? { status: 200, body: { ...row, clientId: 44, id: '60', status: 'New', createdAt: 1 } } : { status: 404, body: { code: 'RESOURCE_NOT_FOUND', message: 'Not Found' } });
  assert.equal((await a.findOrder(SYM, 44))?.id, '60');
  assert.equal((await a.getMarkPrice(SYM))?.toString(), '180.5');
  await a.close();
});

test('start returns promptly with a down event when the websocket is unreachable, and keeps retrying', async () => {
  const a = new BackpackAdapter({ restUrl: fx.restUrl, wsUrl: 'ws://127.0.0.1:1', keys: null, settings: defaultSettings(), rng: () => 0.5, wsBackoffBaseMs: 20 });
  adapters.push(a);
  const events: ExchangeEvent[] = [];
  const t0 = Date.now();
  await a.start([SYM], (e) => events.push(e));
  assert.ok(Date.now() - t0 < 5000);
  const down = events.find((e) => e.type === 'connection');
  assert.ok(down?.type === 'connection' && down.state === 'down' && /connect failed/.test(down.detail ?? ''));
  assert.equal(a.metrics().wsConnected, false);
  await a.close();
});
