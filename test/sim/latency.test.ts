// Latency between a backtest's client and the paper exchange: an order meets the book as it is when it
// ARRIVES (after the entry latency), its answer comes after the response latency, market data and own
// fills arrive after the feed latency showing the book as it was when they left; draws are seeded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BacktestPort } from '../../src/sim/backtest-port/port.js';
import { LatencyModel, parseLatency, VPS_LATENCY } from '../../src/sim/latency.js';
import { SimExchange } from '../../src/sim/exchange.js';
import type { ExchangeEvent } from '../../src/exchange/types.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D } from '../../src/util/decimal.js';

const SYM = 'SOL_USDC_PERP';

/** A paper exchange without the model: only what the test does moves the book. */
function setup(latency: { entryMs: number; responseMs: number; feedMs: number }) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ex = new SimExchange({ clock, seed: 1, model: false, markets: [SYM] });
  ex.addLiquidity(SYM, 'Bid', '100.00', '10');
  ex.addLiquidity(SYM, 'Ask', '100.10', '10');
  const port = new BacktestPort({ clock, exchange: ex, latency: new LatencyModel({ ...latency, jitter: 0 }, 1) });
  return { clock, ex, port };
}

/** Advance virtual time timer by timer, letting promise chains settle between timers. */
async function runFor(clock: VirtualClock, port: BacktestPort, ms: number): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    const next = clock.peek();
    clock.runUntil(next === null ? end : Math.min(end, next));
    port.drain();
    await new Promise<void>((r) => setImmediate(r));
  }
}

test('an order meets the book as it is when it arrives, and is answered after the response latency', async () => {
  const { clock, ex, port } = setup({ entryMs: 20, responseMs: 15, feedMs: 0 });
  await port.start([SYM], () => undefined);
  const t0 = clock.now();
  // Post-only bid at 100.05: fine when sent (the ask is 100.10) ...
  let answeredAt = 0;
  const outcome = port.placeOrder({ symbol: SYM, side: 'Bid', orderType: 'Limit', price: D('100.05'), quantity: D('1'), postOnly: true, clientId: 1 }).then((o) => {
    answeredAt = clock.now();
    return o;
  });
  // ... but 10 ms later someone offers at 100.05, before the order arrives.
  await runFor(clock, port, 10);
  ex.addLiquidity(SYM, 'Ask', '100.05', '1');
  await runFor(clock, port, 40);
  const o = await outcome;
  assert.equal(o.kind, 'rejected', 'post-only crossed the book it met on arrival');
  assert.equal(answeredAt - t0, 35, 'answered entry + response after sending');
  assert.equal(ex.openOrders(port.apiKey).length, 0);
});

test('requests keep their order; without latency an order acts at once', async () => {
  const { clock, ex, port } = setup({ entryMs: 5, responseMs: 5, feedMs: 0 });
  await port.start([SYM], () => undefined);
  const p = port.placeOrder({ symbol: SYM, side: 'Bid', orderType: 'Limit', price: D('99.00'), quantity: D('1'), postOnly: true, clientId: 7 });
  const c = port.cancelOrder(SYM, { clientId: 7 });
  assert.equal(ex.openOrders(port.apiKey).length, 0, 'nothing reached the exchange yet');
  await runFor(clock, port, 20);
  assert.equal((await p).kind, 'accepted');
  assert.equal((await c).kind, 'accepted', 'the cancel arrived after the order it cancels');

  const z = setup({ entryMs: 0, responseMs: 0, feedMs: 0 });
  await z.port.start([SYM], () => undefined);
  void z.port.placeOrder({ symbol: SYM, side: 'Bid', orderType: 'Limit', price: D('99.00'), quantity: D('1'), postOnly: true, clientId: 8 });
  assert.equal(z.ex.openOrders(z.port.apiKey).length, 1, 'zero latency: resting before placeOrder returns');
});

test('events arrive after the feed latency and show the book as it was when they left', async () => {
  const { clock, ex, port } = setup({ entryMs: 0, responseMs: 0, feedMs: 30 });
  const seen: Array<{ at: number; e: ExchangeEvent; bid: string | null }> = [];
  await port.start([SYM], (e) => seen.push({ at: clock.now(), e, bid: e.type === 'book' ? (e.book.bestBid()?.toFixed(2) ?? null) : null }));
  await runFor(clock, port, 100);
  seen.length = 0;
  const t0 = clock.now();
  ex.addLiquidity(SYM, 'Bid', '100.01', '1');
  await runFor(clock, port, 10);
  ex.addLiquidity(SYM, 'Bid', '100.02', '1');
  await runFor(clock, port, 10);
  assert.equal(seen.length, 0, 'nothing seen before the feed latency');
  await runFor(clock, port, 50);
  const books = seen.filter((s) => s.e.type === 'book');
  assert.deepEqual(books.map((b) => [b.at - t0, b.bid]), [[30, '100.01'], [40, '100.02']], 'each update when it arrives, with the book it left with');
});

test('latency draws are seeded and jittered around the setting; --latency parses or names the bad part', () => {
  const a = new LatencyModel(VPS_LATENCY, 5);
  const b = new LatencyModel(VPS_LATENCY, 5);
  const xs = Array.from({ length: 2000 }, () => a.entry());
  assert.deepEqual(xs.slice(0, 20), Array.from({ length: 20 }, () => b.entry()));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - VPS_LATENCY.entryMs * Math.exp(0.045)) < 0.5, `mean entry ${mean} ms`);
  assert.ok(new Set(xs).size > 5, 'jittered');
  assert.deepEqual(parseLatency('8,6,3'), { entryMs: 8, responseMs: 6, feedMs: 3, jitter: VPS_LATENCY.jitter });
  assert.deepEqual(parseLatency('0'), { entryMs: 0, responseMs: 0, feedMs: 0, jitter: 0 });
  assert.match(parseLatency('8,6') as string, /ENTRY,RESPONSE,FEED/);
  assert.match(parseLatency('8,x,3') as string, /RESPONSE must be a number/);
  assert.match(parseLatency('8,6,3,9') as string, /JITTER must be a number 0\.\.2/);
});
