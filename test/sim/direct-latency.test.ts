// DirectExchange with request latency: an order reaches the paper exchange's book an entry latency after it
// was sent and its answer resolves a response latency later, in virtual time; the synthetic backtest with
// latency is deterministic for a seed and differs from the one without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { DirectExchange } from '../../src/sim/direct.js';
import { LatencyModel } from '../../src/sim/latency.js';
import { runBacktest } from '../../src/backtest/run.js';
import { withoutPerf } from '../../src/backtest/report.js';

const SYM = 'SOL_USDC_PERP';
const flush = () => new Promise<void>((r) => setImmediate(r));

test('an order acts at the venue after the entry latency and is answered after the response latency', async () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const x = new DirectExchange({ clock, seed: 3, markets: [SYM], latency: new LatencyModel({ entryMs: 5, responseMs: 7, feedMs: 0, jitter: 0 }) });
  assert.ok(x.hasLatency);
  await x.start([SYM], () => undefined);
  await x.advance(1000);
  const m = x.exchange.market(SYM)!;
  const price = m.pxDec(m.book.bids.best()! - 5);
  const t0 = clock.now();
  let answer: { kind: string; at: number } | null = null;
  void x.placeOrder({ symbol: SYM, side: 'Bid', orderType: 'Limit', price, quantity: m.qtyDec(m.minQty), postOnly: true, clientId: 77 }).then((o) => (answer = { kind: o.kind, at: clock.now() }));
  clock.runUntil(t0 + 4);
  await flush();
  assert.equal(x.exchange.openOrders(x.apiKey, SYM).length, 0, 'not at the venue yet');
  clock.runUntil(t0 + 6);
  await flush();
  assert.equal(x.exchange.openOrders(x.apiKey, SYM).length, 1, 'on the book since 5 ms');
  assert.equal(answer, null, 'not answered yet');
  clock.runUntil(t0 + 12);
  assert.equal(x.takeAnswered(), true);
  await flush();
  assert.deepEqual(answer, { kind: 'accepted', at: t0 + 12 });
  await x.stop();
});

test('the synthetic backtest with latency is deterministic for a seed, and latency changes it', async () => {
  const latency = { entryMs: 5, responseMs: 5, feedMs: 10, jitter: 0.3 };
  const a = await runBacktest({ hours: 0.03, seed: 4, symbols: [SYM], overrides: {}, latency });
  const b = await runBacktest({ hours: 0.03, seed: 4, symbols: [SYM], overrides: {}, latency });
  const none = await runBacktest({ hours: 0.03, seed: 4, symbols: [SYM], overrides: {} });
  assert.ok(a.fills > 0);
  assert.equal(JSON.stringify(withoutPerf(a)), JSON.stringify(withoutPerf(b)));
  assert.notEqual(JSON.stringify(withoutPerf(a)), JSON.stringify(withoutPerf(none)));
});
