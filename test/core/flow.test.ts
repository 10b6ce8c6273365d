// Taker-flow signal: window, EMA, threshold both directions, hold time, side mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowSignal, MAX_RATIO } from '../../src/core/flow.js';

const P = { tradeLookbackSec: 2, imbalanceEmaAlpha: 0.4, imbalanceThreshold: 1.3, minSideHoldSec: 1.5, sideMode: 'with' as const };

test('flow: volumes only over the lookback window', () => {
  const f = new FlowSignal(P);
  f.onTrade(true, 3, 0);
  f.onTrade(false, 1, 1000);
  assert.deepEqual(f.volumes(1500), { buy: 3, sell: 1 });
  assert.deepEqual(f.volumes(2000), { buy: 0, sell: 1 }); // the trade at t=0 is 2 s old: out
  assert.deepEqual(f.volumes(3001), { buy: 0, sell: 0 });
});

test('flow: ratio smoothed by an EMA with alpha', () => {
  const f = new FlowSignal(P);
  f.onTrade(true, 2, 0);
  f.onTrade(false, 1, 10); // ratio 2 -> first real ratio after the all-buy one
  // first trade: sell=0 -> ratio MAX_RATIO; second: ratio 2 -> ema = 0.4*2 + 0.6*100
  assert.equal(f.ema, 0.4 * 2 + 0.6 * MAX_RATIO);
  f.onTrade(false, 1, 20); // buy 2 sell 2 -> ratio 1
  assert.ok(Math.abs(f.ema! - (0.4 * 1 + 0.6 * (0.4 * 2 + 0.6 * MAX_RATIO))) < 1e-12);
});

test('flow: threshold in both directions; with mode quotes the side takers hit', () => {
  const buy = new FlowSignal(P);
  buy.onTrade(true, 1, 0);
  assert.equal(buy.direction(), 'buy');
  assert.equal(buy.side, 'Ask'); // takers buy -> we sell to them
  const sell = new FlowSignal(P);
  sell.onTrade(false, 1, 0);
  assert.equal(sell.direction(), 'sell');
  assert.equal(sell.side, 'Bid');
  const against = new FlowSignal({ ...P, sideMode: 'against' });
  against.onTrade(true, 1, 0);
  assert.equal(against.side, 'Bid');
});

test('flow: a balanced ratio inside the threshold picks nothing', () => {
  const f = new FlowSignal({ ...P, imbalanceEmaAlpha: 1 });
  f.onTrade(true, 1.2, 0);
  f.onTrade(false, 1, 1); // ratio 1.2 < 1.3 and > 1/1.3
  assert.equal(f.direction(), null);
  f.onTrade(true, 0.2, 2); // 1.4 / 1 = 1.4 >= 1.3
  assert.equal(f.direction(), 'buy');
});

test('flow: a side is held at least minSideHoldSec', () => {
  const f = new FlowSignal({ ...P, imbalanceEmaAlpha: 1 });
  f.onTrade(true, 1, 0);
  assert.equal(f.side, 'Ask');
  // takers turn to selling 1 s later: window (2 s) has buy 1 sell 5 -> sell flow, but held
  assert.equal(f.onTrade(false, 5, 1000), false);
  assert.equal(f.side, 'Ask');
  assert.equal(f.fresh, false);
  // at 1.5 s the hold has expired: the next evaluation switches
  assert.equal(f.evaluate(1500), true);
  assert.equal(f.side, 'Bid');
});
