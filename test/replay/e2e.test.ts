// The real engine over a committed real tape (Binance spot BTCUSDT, hftbacktest's example data), end to end:
// it quotes and fills, the report's fields are there and consistent with the venue's own records, and the
// same tape, settings and seed give the same report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runReplay, type ReplayOptions } from '../../src/backtest/replay-run.js';
import { withoutPerf } from '../../src/backtest/report.js';
import { MemoryJournal } from '../../src/backtest/sinks.js';
import { importHftbacktest } from '../../src/tape/import/hftbacktest.js';
import { VPS_LATENCY } from '../../src/sim/latency.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { CM_ETH, SPOT } from '../tape/helpers.js';
import { FEES, tempDir } from './helpers.js';

const dir = tempDir('th-replay-e2e-');
const opts = (tape: string, over: Partial<ReplayOptions> = {}): ReplayOptions => ({
  tapes: [tape], overrides: {}, queue: 'prob', queuePower: 3, latency: VPS_LATENCY, feed: 'tape', seed: 1, fees: FEES, ...over,
});

test('the engine over a committed real tape: fills, report fields, agreement with the venue, determinism', async () => {
  const tape = join(dir, 'spot.tape.gz');
  await importHftbacktest([SPOT], tape);
  const journal = new MemoryJournal();
  const run = await runReplay(opts(tape, { journal }));
  const r = run.report;
  assert.deepEqual(r.symbols, ['BTC_USDT']);
  assert.ok(r.fills > 20, `fills ${r.fills}`);
  assert.equal(r.replay.events, 41_250, 'every event of the tape was replayed');
  assert.ok(Math.abs(r.replay.spanSec - 345.8) < 1, `span ${r.replay.spanSec}`);
  assert.deepEqual(r.replay.tapes[0]!.gaps, { 'start-partial': 1 });
  assert.equal(r.replay.feedLatency, 'from the tape');
  assert.deepEqual(r.latencyMs, VPS_LATENCY);
  // §3 fields.
  assert.deepEqual(Object.keys(r.markoutBps), ['1s', '10s', '60s']);
  for (const v of Object.values(r.markoutBps)) assert.ok(v !== null && Number.isFinite(v));
  assert.ok(r.fillsPerMinute > 0 && Math.abs(r.fillsPerMinute - r.fills / (r.replay.spanSec / 60)) < 0.01);
  assert.ok(r.meanQueueWaitMs !== null && r.meanQueueWaitMs > 0);
  const c = r.costPer1M!;
  assert.ok(D(c.fees).plus(c.spread).plus(c.adverse).plus(c.inventory).eq(c.total), 'the parts add up to the total exactly');
  assert.equal(c.total, r.costPerMillion);
  assert.ok(D(c.fees).eq(D(r.fees).mul(1e6).div(r.volume).toDecimalPlaces(4)));
  // The engine saw every fill of the venue's account once, with the same price, size and fee.
  const venue = run.exchange.account.fills;
  const core = journal.records.filter((x) => x.kind === 'fill');
  assert.equal(core.length, venue.length);
  assert.equal(r.fills, venue.length);
  let fees = ZERO;
  for (let i = 0; i < venue.length; i++) {
    assert.equal(core[i]!.tradeId, venue[i]!.tradeId);
    assert.ok(D(core[i]!.price!).eq(venue[i]!.price) && D(core[i]!.quantity!).eq(venue[i]!.quantity) && D(core[i]!.fee!).eq(venue[i]!.fee));
    fees = fees.plus(venue[i]!.fee);
  }
  assert.ok(fees.eq(r.fees));
  assert.ok(D(r.perSymbol['BTC_USDT']!.endPosition).eq(run.exchange.account.baseBalance('BTC_USDT')), 'positions agree');
  // Deterministic: the same again.
  const again = await runReplay(opts(tape));
  assert.equal(JSON.stringify(withoutPerf(again.report)), JSON.stringify(withoutPerf(r)));
  // Another latency seed draws other delays: a different run.
  const other = await runReplay(opts(tape, { seed: 2 }));
  assert.notEqual(JSON.stringify(withoutPerf(other.report)), JSON.stringify(withoutPerf(r)));
});

test('a contract tape (COIN-M, contracts of 10 USD) trades as a linear market in the base asset', async () => {
  const tape = join(dir, 'cm.tape.gz');
  await importHftbacktest([CM_ETH], tape);
  const r = (await runReplay(opts(tape, { queue: 'risk-averse' }))).report;
  assert.deepEqual(r.symbols, ['ETH_USD_PERP']);
  assert.equal(r.replay.tapes[0]!.qtyUnit, 'contracts of 10 USD');
  assert.equal(r.replay.tapes[0]!.stepSize, '0.00001', 'a hundredth of a contract (10 USD / ~2680) rounded down to a power of ten');
  assert.deepEqual(r.replay.queue, { model: 'risk-averse', power: null });
  assert.ok(r.fills > 0);
  // Our order of 50 USDC is 0.01864 ETH, about five contracts.
  assert.ok(D(r.maxInventoryNotional).gt(40) && D(r.maxInventoryNotional).lte(50), r.maxInventoryNotional);
});
