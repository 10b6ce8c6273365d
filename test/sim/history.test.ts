// The paper exchange keeps an account's whole fill history (packed, bounded by fillLimit), pages it with
// Backpack's X-PAGE-* / X-TOTAL headers, can be seeded with historical fills, and saves it incrementally
// (an append-only fill log next to the state file) without losing or inventing fills across a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startSim, SimExchange } from '../../src/sim/index.js';
import { fillFromJson, type FillJson } from '../../src/sim/accounts/history.js';
import type { Fill } from '../../src/domain/fill.js';
import { FillStore } from '../../src/sim/accounts/fill-store.js';
import { SimStateStore } from '../../src/sim/server/state-file.js';
import { fillLogPath } from '../../src/sim/server/fill-log.js';
import { VirtualClock } from '../../src/util/clock.js';
import { call, newKey } from './helpers.js';

const T0 = Date.UTC(2026, 0, 1);

/** A fill as the seeding route takes it (decimal strings). */
function rec(i: number, over: Partial<FillJson> = {}): FillJson {
  return {
    tradeId: 1000 + i,
    orderId: String(5_000_000 + i),
    clientId: i % 3 === 0 ? null : 7 + i,
    symbol: i % 2 === 0 ? 'SOL_USDC_PERP' : 'ETH_USDC_PERP',
    side: i % 4 < 2 ? 'Bid' : 'Ask',
    price: i % 2 === 0 ? '180.07' : '3499.90',
    quantity: i % 2 === 0 ? '0.27' : '0.0142',
    fee: i % 5 === 0 ? '-0.000972378' : '0.0099397160',
    feeSymbol: 'USDC',
    isMaker: i % 7 !== 0,
    timestamp: T0 + i * 1000,
    ...over,
  };
}

/** A fill with its Decimals printed, to compare by value (a Decimal keeps no trailing zeros, nor -0). */
function plain(f: Fill): Record<string, unknown> {
  return { ...f, price: f.price.toString(), quantity: f.quantity.toString(), fee: f.fee.toString() };
}
/** The fill seeded as rec(i, over), as the exchange hands it out. */
function want(i: number, over: Partial<FillJson> = {}): Record<string, unknown> {
  return plain(fillFromJson(rec(i, over)));
}

test('fill store: every field reads back exactly, odd values included; queries page, filter and count like the endpoint', () => {
  const s = new FillStore();
  const odd = [
    rec(0, { price: '1e-7', quantity: '0007', fee: '-0', orderId: 'abc-1' }),
    rec(1, { fee: '123456789012.123456789', price: '99999999999.5', quantity: '4294967296.1' }),
    rec(2, { clientId: 4_294_967_295, orderId: '0012', fee: '1e-35' }),
  ].map(fillFromJson);
  const all = [...odd, ...Array.from({ length: 200 }, (_, i) => fillFromJson(rec(i + 3)))];
  for (const f of all) s.append(f);
  assert.equal(s.length, all.length);
  const at = (i: number) => plain(s.at(i));
  assert.deepEqual(Array.from({ length: s.length }, (_, i) => at(i)), all.map(plain));
  assert.equal(s.at(2).fee.toString(), '1e-35', 'a value in exponent form is kept whole');
  // Newest first, filtered by symbol and time, offset-paged, with the total of all matches.
  const q = { symbol: 'SOL_USDC_PERP', from: T0 + 10_000, to: T0 + 150_000 };
  const match = all.filter((f) => f.symbol === q.symbol && f.timestamp >= q.from && f.timestamp <= q.to).map(plain);
  const desc = s.query(q, true, 5, 10);
  assert.equal(desc.total, match.length);
  assert.deepEqual(desc.idx.map(at), match.slice().reverse().slice(5, 15));
  const asc = s.query(q, false, 60, 1000);
  assert.deepEqual(asc.idx.map(at), match.slice(60));
  assert.deepEqual(s.query({ orderId: 'abc-1' }, false, 0, 10).idx, [0]);
  assert.equal(s.query({ symbol: 'NOPE_USDC' }, false, 0, 10).total, 0);
  // Trimming keeps the newest and their sequence numbers.
  s.keepNewest(50);
  assert.equal(s.length, 50);
  assert.equal(s.dropped, all.length - 50);
  assert.deepEqual(s.range(s.end - 2).map(plain), all.slice(-2).map(plain));
  assert.deepEqual(at(0), plain(all[all.length - 50]!));
});

test('fill store: memory-frugal (packed columns, far below an object of strings per fill)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const used = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const n = 200_000;
  const before = used();
  const s = new FillStore();
  for (let i = 0; i < n; i++) s.append(fillFromJson(rec(i, { tradeId: 10_000_000 + i, timestamp: T0 + i * 50, price: (180 + (i % 997) / 100).toFixed(2) })));
  const perFill = (used() - before) / n;
  assert.equal(s.length, n);
  // ~52 bytes a fill (+ up to half again of unused capacity); the same fills as objects take ~300+.
  assert.ok(perFill < 100, `bytes per fill: ${perFill.toFixed(1)}`);
});

test('fillLimit bounds the history (newest kept, trimmed in batches); the default is far above any page cap', () => {
  const ex = new SimExchange({ clock: new VirtualClock(T0), model: false, fillLimit: 1000 });
  const key = newKey().apiKey;
  ex.seedFills(key, Array.from({ length: 2500 }, (_, i) => rec(i)));
  const n = ex.account(key).fills.length;
  assert.ok(n >= 1000 && n < 2000, `kept ${n}`);
  assert.equal(ex.fills(key, { limit: 1 })[0]!.tradeId, String(1000 + 2499), 'the newest is kept');
  assert.equal(new SimExchange({ clock: new VirtualClock(T0), model: false }).fillLimit, 1_000_000);
});

test('history endpoints page with X-TOTAL / X-PAGE-COUNT / X-CURRENT-PAGE / X-PAGE-SIZE; seeding via the admin route', async () => {
  const sim = await startSim({ port: 0, seed: 4, exchange: { model: false } });
  const key = newKey();
  try {
    const fills = Array.from({ length: 2500 }, (_, i) => {
      const { tradeId: _t, ...rest } = rec(i);
      return rest;
    });
    // Over the admin path (not under /api/), in batches under the body limit.
    for (let i = 0; i < fills.length; i += 1000) {
      const r = await call(sim.restUrl, 'POST', '/_sim/fills/seed', { body: { apiKey: key.apiKey, fills: fills.slice(i, i + 1000) } });
      assert.equal(r.status, 200, r.text);
    }
    const bad = await call(sim.restUrl, 'POST', '/_sim/fills/seed', { body: { apiKey: key.apiKey, fills: [{ ...fills[0], price: 'x' }] } });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /price must be a decimal string/);
    const older = await call(sim.restUrl, 'POST', '/_sim/fills/seed', { body: { apiKey: key.apiKey, fills: [fills[0]] } });
    assert.match(older.text, /older than the account's newest/);
    assert.equal(sim.exchange.account(key.apiKey).fills.length, 2500, 'a refused batch adds nothing');

    const page = await call(sim.restUrl, 'GET', '/wapi/v1/history/fills', { key, instruction: 'fillHistoryQueryAll', params: { symbol: 'SOL_USDC_PERP', limit: 1000, offset: 1000, sortDirection: 'Asc' } });
    assert.equal(page.status, 200, page.text);
    const rows = page.body as Array<{ tradeId: number; symbol: string }>;
    assert.equal(rows.length, 250);
    assert.equal(page.headers.get('x-total'), '1250');
    assert.equal(page.headers.get('x-page-size'), '1000');
    assert.equal(page.headers.get('x-page-count'), '2');
    assert.equal(page.headers.get('x-current-page'), '2');
    // Trade ids were assigned per market and continue above the seeded ones.
    const sol = rows.map((r) => r.tradeId);
    assert.ok(sol.every((id, i) => i === 0 || id > sol[i - 1]!));
    assert.ok(sim.exchange.market('SOL_USDC_PERP')!.tradeSeq >= sol[sol.length - 1]!);

    sim.exchange.settleFunding(T0 + 3_600_000, { SOL_USDC_PERP: '0.0001' });
    const fund = await call(sim.restUrl, 'GET', '/wapi/v1/history/funding', { key, instruction: 'fundingHistoryQueryAll', params: { limit: 10 } });
    assert.equal(fund.headers.get('x-total'), '0');
    const orders = await call(sim.restUrl, 'GET', '/wapi/v1/history/orders', { key, instruction: 'orderHistoryQueryAll', params: { limit: 5 } });
    assert.equal(orders.headers.get('x-total'), '0');
    assert.equal(orders.headers.get('x-current-page'), '1');
  } finally {
    await sim.stop();
  }
});

test('state: fills go to an append-only log (only new ones per save); fills logged after the last state write are dropped on load', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'th-simlog-'));
  const file = join(dir, 'paper-exchange.json');
  const key = newKey().apiKey;
  try {
    const ex = new SimExchange({ clock: new VirtualClock(T0), model: false });
    const store = new SimStateStore(file, ex);
    ex.seedFills(key, Array.from({ length: 300 }, (_, i) => rec(i)));
    await store.save();
    ex.seedFills(key, Array.from({ length: 5 }, (_, i) => rec(300 + i)));
    await store.save();
    await store.save(); // nothing new: nothing appended
    const lines = (await readFile(fillLogPath(file), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { k: string; s: number; r: unknown[] });
    assert.deepEqual(lines.map((l) => [l.s, l.r.length]), [[0, 300], [300, 5]], 'each save appended only what was new');
    const state = JSON.parse(await readFile(file, 'utf8')) as { accounts: Array<{ fills?: unknown; fillEnd: number }> };
    assert.equal(state.accounts[0]!.fills, undefined);
    assert.equal(state.accounts[0]!.fillEnd, 305);

    // A crash between the log append and the state write: the log has fills the state does not cover.
    ex.seedFills(key, [rec(305), rec(306)]);
    await store.fillLog.save(ex, new Map([[key, ex.account(key).fills.end]]));
    const ex2 = new SimExchange({ clock: new VirtualClock(T0), model: false });
    const store2 = new SimStateStore(file, ex2);
    assert.equal(await store2.load(), true);
    assert.deepEqual(ex2.fills(key, { limit: 1e9, sortDirection: 'Asc' }).map(plain), Array.from({ length: 305 }, (_, i) => want(i)), 'exactly the fills the state covers');
    // New fills after that reuse the dropped sequence numbers: the log is rewritten, never ambiguous.
    ex2.seedFills(key, [rec(400)]);
    await store2.save();
    const ex3 = new SimExchange({ clock: new VirtualClock(T0), model: false });
    await new SimStateStore(file, ex3).load();
    assert.deepEqual(ex3.fills(key, { limit: 1e9, sortDirection: 'Asc' }).map(plain), [...Array.from({ length: 305 }, (_, i) => want(i)), want(400)]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('state: an older state file with fills inline moves them to the log; an oversized log is rewritten to what is kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'th-simlog-'));
  const file = join(dir, 'sim.json');
  const key = newKey().apiKey;
  try {
    const legacy = { version: 1, savedAt: T0, nextOrderId: 1_000_000_100, tradeSeq: { SOL_USDC_PERP: 5000 }, accounts: [{ key, fees: {}, balances: { USDC: '10000' }, positions: [], fills: [rec(0), rec(1)], history: [], funding: [] }] };
    await writeFile(file, JSON.stringify(legacy));
    const ex = new SimExchange({ clock: new VirtualClock(T0), model: false, fillLimit: 1000 });
    const store = new SimStateStore(file, ex);
    await store.load();
    assert.deepEqual(ex.fills(key, { limit: 10, sortDirection: 'Asc' }).map(plain), [want(0), want(1)]);
    await store.save();
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as { accounts: Array<{ fills?: unknown }> }).accounts[0]!.fills, undefined);
    // Many saves of a bounded history: the log is rewritten once it holds twice what is kept (+1024).
    for (let b = 0; b < 8; b++) {
      ex.seedFills(key, Array.from({ length: 600 }, (_, i) => rec(2 + b * 600 + i)));
      await store.save();
    }
    const rows = (await readFile(fillLogPath(file), 'utf8')).trim().split('\n').reduce((n, l) => n + (JSON.parse(l) as { r: unknown[] }).r.length, 0);
    const kept = ex.account(key).fills.length;
    assert.ok(rows <= 2 * kept + 1024 + 600, `log rows ${rows}, kept ${kept}`);
    const ex2 = new SimExchange({ clock: new VirtualClock(T0), model: false, fillLimit: 1000 });
    await new SimStateStore(file, ex2).load();
    // Loaded cut to the limit (the running exchange trims in batches above it): the newest, exactly.
    assert.equal(ex2.account(key).fills.length, Math.min(1000, kept));
    assert.deepEqual(ex2.fills(key, { limit: 1e9 }).map(plain), ex.fills(key, { limit: 1000 }).map(plain));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('state: a fill-log row whose decimals do not parse is not loaded (nor a crash), and the log is rewritten without it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'th-simlog-'));
  const file = join(dir, 'sim.json');
  const key = newKey().apiKey;
  try {
    const ex = new SimExchange({ clock: new VirtualClock(T0), model: false });
    const store = new SimStateStore(file, ex);
    ex.seedFills(key, [rec(0), rec(1)]);
    await store.save();
    // The second row's price is garbage (a hand-edited or damaged log).
    const log = await readFile(fillLogPath(file), 'utf8');
    await writeFile(fillLogPath(file), log.replace('"3499.90"', '"3499.9x"'));
    const ex2 = new SimExchange({ clock: new VirtualClock(T0), model: false });
    const store2 = new SimStateStore(file, ex2);
    assert.equal(await store2.load(), true);
    assert.deepEqual(ex2.fills(key, { limit: 10, sortDirection: 'Asc' }).map(plain), [want(0)]);
    await store2.save();
    assert.doesNotMatch(await readFile(fillLogPath(file), 'utf8'), /3499\.9x/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
