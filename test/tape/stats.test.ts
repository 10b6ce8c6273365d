// The statistics' definitions on hand-made streams (the real tapes are checked against the README in
// import.test.ts): markout "mid from the latest bbo at or before t + h", over trades with t + h inside the
// trades' span; medians; bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarkoutTracker } from '../../src/tape/markout.js';
import { LinearSketch, QuantileSketch } from '../../src/tape/sketch.js';
import { TapeStats } from '../../src/tape/stats.js';
import { bbo, gap, header, trade } from './helpers.js';

const S = 1_000_000;

test('markout: the mid at or before t + h (a bbo exactly at t + h counts), maker side, bp of the fill price', () => {
  const m = new MarkoutTracker([1]);
  m.onMid(0, 100);
  m.onFill(0, 100, 'buy');
  m.onMid(S, 101); // exactly at t + h: this is the mid
  m.onMid(S + 1, 500); // after: not
  m.onFill(2 * S, 200, 'sell'); // the span now reaches 2 s: the first fill counts
  const r = m.result(2 * S);
  assert.equal(r.fills['1s'], 1, 'the second fill has t + h after the span: excluded');
  assert.ok(Math.abs(r.bps['1s']! - 100) < 1e-9, `(101 - 100) / 100 x 1e4 = 100 bp, got ${r.bps['1s']}`);

  // Two updates at the same instant t + h: the later one is the latest.
  const m2 = new MarkoutTracker([1]);
  m2.onMid(0, 100);
  m2.onFill(0, 100, 'sell');
  m2.onMid(S, 99);
  m2.onMid(S, 98);
  m2.onFill(3 * S, 1, 'buy');
  assert.ok(Math.abs(m2.result(3 * S).bps['1s']! - 200) < 1e-9, 'maker sold at 100, mid 98: +200 bp');
});

test('markout: the span is the trades\' (a later bbo does not extend it); no mid yet or a bbo gap drops the fill', () => {
  const m = new MarkoutTracker([1]);
  m.onMid(0, 100);
  m.onFill(0, 100, 'buy');
  m.onMid(5 * S, 110); // resolves the fill at mid 100 ...
  // ... but no trade reaches t + h = 1 s, and result's end is the last trade's time.
  assert.equal(m.result(0).fills['1s'], 0);

  const g = new MarkoutTracker([1, 10]);
  g.onFill(0, 100, 'buy'); // no mid ever before its horizon
  g.onMid(2 * S, 100);
  g.onFill(3 * S, 100, 'buy');
  g.onGap(3.5 * S); // bbo lost inside both windows of the second fill
  g.onMid(4 * S, 101);
  g.onFill(20 * S, 100, 'sell');
  const r = g.result(20 * S);
  assert.deepEqual(r.fills, { '1s': 0, '10s': 0 });
  assert.deepEqual(r.bps, { '1s': null, '10s': null });
});

test('markout memory is bounded by one horizon of fills, not by the stream', () => {
  const m = new MarkoutTracker([1]);
  for (let i = 0; i < 200_000; i++) {
    const t = i * 1000; // 1000 fills per second
    m.onMid(t, 100 + (i % 3));
    m.onFill(t, 100, i % 2 ? 'buy' : 'sell');
  }
  const internals = m as unknown as { horizons: Array<{ pending: unknown[]; resolved: unknown[] }> };
  const h = internals.horizons[0]!;
  assert.ok(h.pending.length < 5000 && h.resolved.length < 5000, `queues stay near one horizon of fills (${h.pending.length}, ${h.resolved.length})`);
  assert.ok(m.result(199_999_000).fills['1s']! > 198_000);
});

test('sketches: exact medians for repeated and integer values, the mean of the two middles for an even count, bounded bins', () => {
  const q = new QuantileSketch();
  for (const x of [951, 1045, 951, 3, 0, 20000]) q.add(x);
  assert.equal(q.median(), 951, 'sorted 0 3 951 951 1045 20000: (951 + 951) / 2');
  q.add(1046);
  assert.equal(q.median(), 951);
  const e = new QuantileSketch();
  for (const x of [1, 2, 3, 4]) e.add(x);
  assert.equal(e.median(), 2.5);
  const s = new QuantileSketch();
  for (let i = 0; i < 300_000; i++) s.add(0.0162 * (1 + ((i % 1000) - 500) / 1e5));
  assert.ok(s.size < 200, `bins grow with the values' spread, not their count (${s.size})`);
  assert.ok(Math.abs(s.median()! - 0.0162) / 0.0162 < 2e-4);
  assert.equal(new QuantileSketch().median(), null);
  const l = new LinearSketch(100);
  for (const x of [-1_270_000, -1_260_000, -1_250_000]) l.add(x);
  assert.equal(l.median(), -1_260_000, 'exact: its bin holds one value');
  l.add(-1_259_990);
  assert.equal(l.median(), (-1_260_000 + -1_259_990) / 2);
  l.add(-1_259_950);
  assert.equal(l.median(), -1_259_990, 'exact among a bin\'s few distinct values');
  const many = new LinearSketch(100);
  for (let i = 0; i < 40; i++) many.add(i);
  assert.equal(many.median(), 19.5, 'a bin of more distinct values than it counts: the middle of its range');
});

test('stats: duration over all events, trades per second over the trades\' span, spread and touch depth over bbo updates', () => {
  const st = new TapeStats(header({ priceScale: 2, qtyScale: 3 }));
  st.add(bbo(0, 10_000, 10_002, { bidQty: 1_000, askQty: 3_000, exchUs: -1_000 })); // spread 2 / 10001 x 1e4
  st.add(trade(1 * S, 10_002, 'buy', { qty: 500 }));
  st.add(bbo(2 * S, 10_000, 10_001, { bidQty: 2_000, askQty: 2_000 }));
  st.add(bbo(3 * S, 10_000, 10_001, { bidQty: 2_000, askQty: 5_000 }));
  st.add(trade(5 * S, 10_000, 'sell', { qty: 1_500 }));
  st.add(gap(6 * S, 'reconnect', ['depth', 'trade', 'bbo']));
  st.add(trade(9 * S, 10_001, null));
  const r = st.result();
  assert.equal(r.durationSec, 9);
  assert.equal(r.trades, 3);
  assert.equal(r.tradeSpanSec, 8);
  assert.equal(r.tradesPerSec, 3 / 8);
  assert.equal(r.volume, 2.001);
  assert.ok(Math.abs(r.spreadBpsMedian! - (1 / 10_000.5) * 1e4) < 1e-6, `median of 2.0, 1.0, 1.0 bp ticks: ${r.spreadBpsMedian}`);
  assert.deepEqual(r.touchDepthMedian, { bid: 2, ask: 3, both: 2 });
  assert.deepEqual(r.gaps, { reconnect: 1 });
  assert.equal(r.localMinusExchangeMsMedian, 1, 'one event with both times: local - exchange = 1 ms');
  // Markout 1 s: trade at 1 s (maker sold at 100.02), mid at 2 s is 100.005 -> (100.02 - 100.005)/100.02 x 1e4.
  assert.equal(r.markoutTrades['1s'], 1, 'the 5 s trade loses its window to the bbo gap; the 9 s trade has no side');
  assert.ok(Math.abs(r.touchMarkoutBps['1s']! - ((10_002 - 10_000.5) / 10_002) * 1e4) < 1e-9);
});
