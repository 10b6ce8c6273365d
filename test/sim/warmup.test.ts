// A fresh paper exchange has a past: from the first request, recent trades, trade history, klines of every
// interval, tickers, depth and mark prices exist, stamped before now and consistent with each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, WARMUP_MS } from '../../src/sim/index.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D, Decimal, ZERO } from '../../src/util/decimal.js';
import { call } from './helpers.js';

const INTERVALS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1month'];
const NOW = Date.UTC(2026, 2, 14, 12, 34, 56, 789);

interface WireTrade {
  id: number;
  price: string;
  quantity: string;
  quoteQuantity: string;
  timestamp: number;
}

async function get<T>(base: string, path: string, params: Record<string, string | number> = {}): Promise<T> {
  const r = await call(base, 'GET', path, { params });
  assert.equal(r.status, 200, `${path} ${JSON.stringify(params)}: ${r.text}`);
  return r.body as T;
}

const sum = (xs: string[]): Decimal => xs.reduce((a, x) => a.plus(x), ZERO);
const klineTime = (s: string): number => Date.parse(s.replace(' ', 'T') + 'Z');

test('fresh startSim: trades, history, klines of every interval, tickers, depth and marks from the first call, all in the past and consistent', async () => {
  // A virtual clock that nobody advances: what the server answers is exactly what the warm-up left.
  const sim = await startSim({ port: 0, seed: 5, clock: new VirtualClock(NOW) });
  try {
    for (const symbol of sim.exchange.markets.keys()) {
      const recent = await get<WireTrade[]>(sim.restUrl, '/api/v1/trades', { symbol, limit: 1000 });
      assert.ok(recent.length >= 100, `${symbol}: ${recent.length} recent trades`);
      // Every trade the warm-up made, oldest first, through the history endpoint's pages.
      const all: WireTrade[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await get<WireTrade[]>(sim.restUrl, '/api/v1/trades/history', { symbol, limit: 1000, offset });
        if (page.length === 0) break;
        all.unshift(...page);
      }
      assert.deepEqual(all.slice(-recent.length), recent, 'recent trades are the newest of the history');
      for (let i = 0; i < all.length; i++) {
        const t = all[i]!;
        assert.ok(t.timestamp < NOW && t.timestamp >= NOW - WARMUP_MS, `${symbol} trade ${t.id} at ${t.timestamp}: in the ${WARMUP_MS / 60_000} minutes before now`);
        if (i > 0) {
          assert.equal(t.id, all[i - 1]!.id + 1, 'ids consecutive');
          assert.ok(t.timestamp >= all[i - 1]!.timestamp, 'time ascending');
        }
      }
      assert.ok(all[all.length - 1]!.timestamp > NOW - 60_000, 'trading right up to now');

      // The 24 h ticker is those trades.
      const tk = await get<Record<string, string>>(sim.restUrl, '/api/v1/ticker', { symbol });
      const prices = all.map((t) => D(t.price));
      assert.equal(tk['trades'], String(all.length));
      assert.equal(D(tk['volume']!).toString(), sum(all.map((t) => t.quantity)).toString());
      assert.equal(D(tk['quoteVolume']!).toString(), sum(all.map((t) => t.quoteQuantity)).toString());
      assert.equal(D(tk['firstPrice']!).toString(), prices[0]!.toString());
      assert.equal(D(tk['lastPrice']!).toString(), prices[prices.length - 1]!.toString());
      assert.equal(D(tk['high']!).toString(), Decimal.max(...prices).toString());
      assert.equal(D(tk['low']!).toString(), Decimal.min(...prices).toString());
      const tickers = await get<Array<Record<string, string>>>(sim.restUrl, '/api/v1/tickers');
      assert.deepEqual(tickers.find((x) => x['symbol'] === symbol), tk);

      // Klines: every interval answers; the 1m candles are the trades minute by minute.
      const startTime = Math.floor((NOW - 86_400_000) / 1000);
      for (const interval of INTERVALS) {
        const rows = await get<Array<Record<string, string>>>(sim.restUrl, '/api/v1/klines', { symbol, interval, startTime });
        assert.ok(rows.length >= 1, `${symbol} ${interval}: no klines`);
        assert.ok(rows.every((r) => klineTime(r['start']!) <= NOW), `${symbol} ${interval}: a candle starts in the future`);
        assert.equal(sum(rows.map((r) => r['volume']!)).toString(), D(tk['volume']!).toString(), `${symbol} ${interval}: volume`);
      }
      const minutes = await get<Array<Record<string, string>>>(sim.restUrl, '/api/v1/klines', { symbol, interval: '1m', startTime });
      assert.ok(minutes.length >= WARMUP_MS / 60_000, `${symbol}: ${minutes.length} one-minute candles`);
      for (const c of minutes) {
        const from = klineTime(c['start']!);
        const inside = all.filter((t) => t.timestamp >= from && t.timestamp < from + 60_000);
        assert.equal(c['trades'], String(inside.length), `${symbol} ${c['start']}: trades`);
        assert.equal(D(c['open']!).toString(), D(inside[0]!.price).toString());
        assert.equal(D(c['close']!).toString(), D(inside[inside.length - 1]!.price).toString());
      }

      // A full book and a mark the market has been trading around.
      const depth = await get<{ bids: string[][]; asks: string[][] }>(sim.restUrl, '/api/v1/depth', { symbol, limit: 20 });
      assert.equal(depth.bids.length, 20);
      assert.equal(depth.asks.length, 20);
      assert.ok(D(depth.bids[depth.bids.length - 1]![0]!).lt(D(depth.asks[0]![0]!)));
      const marks = await get<Array<Record<string, string>>>(sim.restUrl, '/api/v1/markPrices', { symbol });
      const mark = D(marks[0]!['markPrice']!);
      assert.ok(mark.gte(D(tk['low']!).mul(0.99)) && mark.lte(D(tk['high']!).mul(1.01)), `${symbol} mark ${mark} near the trades ${tk['low']}..${tk['high']}`);
    }
  } finally {
    await sim.stop();
  }
});

test('warm-up on the real clock: trades right after start are in the past, and live trading carries on after them', async () => {
  const sim = await startSim({ port: 0, seed: 9, markets: ['SOL_USDC_PERP'] });
  try {
    const first = await get<WireTrade[]>(sim.restUrl, '/api/v1/trades', { symbol: 'SOL_USDC_PERP', limit: 100 });
    const asked = Date.now();
    assert.equal(first.length, 100);
    assert.ok(first.every((t) => t.timestamp <= asked), 'no trade from the future');
    assert.ok(first[0]!.timestamp < asked - 10_000, 'history reaches back');
    // The calibrated SOL market trades ~1.5 times a second in clusters: wait (bounded) for the next one.
    let live: WireTrade[] = [];
    for (let i = 0; i < 40 && live.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const later = await get<WireTrade[]>(sim.restUrl, '/api/v1/trades', { symbol: 'SOL_USDC_PERP', limit: 1000 });
      live = later.filter((t) => t.id > first[first.length - 1]!.id);
    }
    assert.ok(live.length > 0, 'the model trades on after the warm-up');
    assert.ok(live.every((t) => t.timestamp >= first[first.length - 1]!.timestamp), 'and after it in time');
  } finally {
    await sim.stop();
  }
});

test('warmupMs 0 starts with no past (the option the CLI --warmup 0 uses); the same seed warms up identically', async () => {
  const none = await startSim({ port: 0, seed: 5, clock: new VirtualClock(NOW), warmupMs: 0, markets: ['SOL_USDC_PERP'] });
  const a = await startSim({ port: 0, seed: 5, clock: new VirtualClock(NOW), markets: ['SOL_USDC_PERP'] });
  const b = await startSim({ port: 0, seed: 5, clock: new VirtualClock(NOW + 3_600_000), markets: ['SOL_USDC_PERP'] });
  try {
    assert.deepEqual(await get<WireTrade[]>(none.restUrl, '/api/v1/trades', { symbol: 'SOL_USDC_PERP' }), []);
    const ta = await get<WireTrade[]>(a.restUrl, '/api/v1/trades', { symbol: 'SOL_USDC_PERP', limit: 1000 });
    const tb = await get<WireTrade[]>(b.restUrl, '/api/v1/trades', { symbol: 'SOL_USDC_PERP', limit: 1000 });
    assert.deepEqual(
      tb.map((t) => ({ ...t, timestamp: t.timestamp - 3_600_000 })),
      ta,
      'the same tape, shifted to its own now',
    );
  } finally {
    await Promise.all([none.stop(), a.stop(), b.stop()]);
  }
});
