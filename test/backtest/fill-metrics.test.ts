// The report's fill metrics (src/backtest/fill-metrics.ts) on hand-made fills and mids: markout with the
// tapes' definition, queue wait, and the cost split whose parts add up to the total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FillMetrics } from '../../src/backtest/fill-metrics.js';
import { D } from '../../src/util/decimal.js';

const S = 1e6; // µs per second

test('markout, queue wait and the cost split of one maker buy', () => {
  const m = new FillMetrics();
  const f = m.market('X_USDC_PERP', 2);
  f.mid(0, 10000, 10010); // 100.05
  f.accept('a', 0);
  f.fill('a', 1 * S, true, 10000, D('100.00'), D('2'), true);
  f.mid(5 * S, 9990, 10000); // 99.95
  f.mid(12 * S, 10010, 10020); // 100.15
  f.done('a');
  // Net PnL of the engine's ledger: long 2 from 100.00 marked at 100.15, less 0.04 of fees.
  const r = m.result(70 * S, 70_000, { fills: 1, volume: D(200), fees: D('0.04'), netPnl: D('0.26') });
  // Mid at t + h: 2 s -> 100.05 (+5 bp), 11 s -> 99.95 (-5 bp), 61 s -> 100.15 (+15 bp).
  assert.deepEqual(r.markoutBps, { '1s': 5, '10s': -5, '60s': 15 });
  assert.deepEqual(r.markoutFills, { '1s': 1, '10s': 1, '60s': 1 });
  assert.equal(r.meanQueueWaitMs, 1000);
  assert.equal(r.fillsPerMinute, Number((1 / (70 / 60)).toFixed(4)));
  // spread: earned 2 x 0.05 = 0.1; adverse: the mid fell 0.10 within 10 s = -0.2; the rest is inventory.
  assert.deepEqual(r.costPer1M, { fees: '200', spread: '-500', adverse: '1000', inventory: '-2000', total: '-1300' });
});

test('only fills with t + h inside the run count; a taker first fill waited in no queue; a fill in a gap has no spread', () => {
  const m = new FillMetrics();
  const f = m.market('X_USDC_PERP', 2);
  f.mid(0, 10000, 10010);
  f.accept('a', 0);
  f.fill('a', 1 * S, false, 10010, D('100.10'), D('1'), false);
  f.accept('b', 2 * S);
  f.fill('b', 5 * S, false, 10010, D('100.10'), D('1'), true);
  f.gap(6 * S);
  f.accept('c', 6 * S);
  f.fill('c', 7 * S, true, 10000, D('100.00'), D('1'), true);
  f.mid(8 * S, 10000, 10010);
  const r = m.result(20 * S, 20_000, { fills: 3, volume: D('300.2'), fees: D(0), netPnl: D(0) });
  // b (sold at 5 s) is still waiting for its mids when the gap at 6 s comes: dropped at every horizon. c (7 s,
  // bought 100.00 while the mid is unknown) is measured against the mid from 8 s on: +5 bp at 1 s and 10 s.
  assert.deepEqual(r.markoutFills, { '1s': 1, '10s': 1, '60s': 0 }, 'nothing has 60 s inside a 20 s run');
  assert.deepEqual(r.markoutBps, { '1s': 5, '10s': 5, '60s': null });
  assert.equal(r.queueWaitOrders, 2, 'a was a taker fill');
  assert.equal(r.meanQueueWaitMs, 2000, '(3 s + 1 s) / 2');
});

test('several markets: markouts are the mean over all their maker fills, the split sums their parts', () => {
  const m = new FillMetrics();
  const a = m.market('A_USDC_PERP', 2);
  const b = m.market('B_USDC_PERP', 1);
  a.mid(0, 10000, 10010);
  b.mid(0, 500, 502); // 50.1
  a.fill('1', S, true, 10000, D('100'), D('1'), true);
  b.fill('2', S, false, 502, D('50.2'), D('1'), true);
  b.fill('3', S, false, 502, D('50.2'), D('1'), true);
  const r = m.result(10 * S, 10_000, { fills: 3, volume: D('200.4'), fees: D(0), netPnl: D(0) });
  const ea = 5; // (100.05 - 100) / 100
  const eb = ((50.2 - 50.1) / 50.2) * 1e4;
  assert.ok(Math.abs(r.markoutBps['1s']! - Number(((ea + 2 * eb) / 3).toFixed(4))) < 1e-9);
  const c = r.costPer1M!;
  assert.ok(D(c.fees).plus(c.spread).plus(c.adverse).plus(c.inventory).eq(c.total));
});

test('a gap drops only the markouts whose window it falls in', () => {
  const m = new FillMetrics();
  const f = m.market('X_USDC_PERP', 2);
  f.mid(0, 10000, 10010);
  f.fill('a', 5 * S, true, 10000, D('100'), D('1'), true);
  f.gap(7 * S); // after 5 s + 1 s: the 1 s markout had its mid (100.05); the 10 s and 60 s ones did not
  f.mid(8 * S, 10000, 10010);
  const r = m.result(100 * S, 100_000, { fills: 1, volume: D(100), fees: D(0), netPnl: D(0) });
  assert.deepEqual(r.markoutFills, { '1s': 1, '10s': 0, '60s': 0 });
  assert.equal(r.markoutBps['1s'], 5);
});
