// The backtest's view of its market and of our fills: the `market` block is `tape stats` of the synthetic
// market's own public stream (checked against a tape written from that stream and read back); a spec
// file's markets replace the built-in ones; our fills' markout and the cost split add up to the ledger's
// cost per $1M; the latency setting is reported and changes the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '../../src/backtest/run.js';
import { withoutPerf } from '../../src/backtest/report.js';
import { loadMarketSpec } from '../../src/cli/backtest.js';
import type { MarketSpecFile } from '../../src/sim/model/spec.js';
import { forEachEvent, openTape } from '../../src/tape/reader.js';
import { TapeStats } from '../../src/tape/stats.js';
import { D } from '../../src/util/decimal.js';

test('the market block is tape stats of the market\'s own recorded stream', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-mt-'));
  try {
    const r = await runBacktest({ hours: 0.1, seed: 5, symbols: ['SOL_USDC_PERP', 'BTC_USDC_PERP'], overrides: {}, marketTapeDir: dir });
    for (const s of r.symbols) {
      const m = r.market![s]!;
      assert.ok(m.trades > 100 && m.counts.bbo > 100, `${s}: a live market (${m.trades} trades)`);
      const path = join(dir, `${s}.tape`);
      const t = await openTape(path);
      const stats = new TapeStats(t.header);
      t.close();
      const reader = await forEachEvent(path, (e) => stats.add(e));
      assert.ok(reader.complete, 'a whole tape');
      assert.deepEqual(stats.result(), m, `${s}: the same figures from the file`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a spec file replaces the paper markets; the report says where the dynamics came from', async () => {
  const spec = loadMarketSpec(new URL('../../data/market-specs/cm_ethusd_perp.json', import.meta.url).pathname) as MarketSpecFile;
  assert.equal(typeof spec, 'object');
  const r = await runBacktest({ hours: 0.05, seed: 2, symbols: [], overrides: {}, marketSpec: spec });
  assert.deepEqual(r.symbols, ['ETH_USDC_PERP']);
  assert.match(r.marketSpec![0]!, /^ETH_USDC_PERP: fitted on binance-coinm ETHUSD_PERP/);
  assert.ok(r.market!['ETH_USDC_PERP']!.tradesPerSec > 1, 'the calibrated market trades');
  // The tape's own tick (0.01 at ~2,700 USD): a spread of about 0.037 bp.
  assert.ok(Math.abs(r.market!['ETH_USDC_PERP']!.spreadBpsMedian! - 0.037) < 0.01);
});

test('our fills: maker markout is adverse, the cost split adds up to the cost per $1M, latency is reported', async () => {
  const r = await runBacktest({ hours: 0.25, seed: 3, symbols: ['BTC_USDC_PERP', 'ETH_USDC_PERP'], overrides: {} });
  assert.ok(r.makerFills > 50, `${r.makerFills} maker fills`);
  assert.ok(r.markoutBps['10s']! < 0, `10 s markout of our fills ${r.markoutBps['10s']} bp: the price moves against a maker`);
  const c = r.costPer1M!;
  assert.equal(D(c.fees).add(c.spread).add(c.adverse).add(c.inventory).toFixed(), c.total, `the parts add up exactly: ${JSON.stringify(c)}`);
  assert.equal(c.total, r.costPerMillion, 'total is the ledger figure');
  assert.equal(c.fees, D(r.fees).div(r.volume).mul(1e6).toDecimalPlaces(4).toFixed());
  assert.ok(D(c.adverse).gt(0), 'adverse selection costs');
  assert.ok(D(c.spread).lt(0), 'a maker earns the spread against the mid');
  assert.ok(r.fillsPerMinute > 0 && r.meanQueueWaitMs! > 0 && r.queueWaitOrders > 0);
  assert.deepEqual(r.latencyMs, { entryMs: 8, responseMs: 6, feedMs: 3, jitter: 0.3 });
  const zero = await runBacktest({ hours: 0.05, seed: 3, symbols: ['BTC_USDC_PERP'], overrides: {}, latency: { entryMs: 0, responseMs: 0, feedMs: 0, jitter: 0 } });
  const slow = await runBacktest({ hours: 0.05, seed: 3, symbols: ['BTC_USDC_PERP'], overrides: {}, latency: { entryMs: 40, responseMs: 40, feedMs: 20, jitter: 0 } });
  assert.notDeepEqual(withoutPerf(zero), withoutPerf(slow), 'latency changes what happens');
  assert.deepEqual(zero.latencyMs, { entryMs: 0, responseMs: 0, feedMs: 0, jitter: 0 });
});
