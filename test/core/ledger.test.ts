// Ledger figures against numbers computed by hand (see the comments next to each step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TradingStats } from '../../src/core/stats.js';
import { D } from '../../src/util/decimal.js';

const S = 'SOL_USDC_PERP';

function scenario(): TradingStats {
  const st = new TradingStats([S]);
  // 1. buy 2 @ 100, maker fee 0.04            -> pos 2, avg 100
  st.recordFill('Bid', '2', '100', true, { symbol: S, fee: D('0.04'), ts: 1000, tradeId: 't1' });
  // 2. buy 1 @ 103, taker fee 0.0206           -> pos 3, avg (200+103)/3 = 101
  st.recordFill('Bid', '1', '103', false, { symbol: S, fee: D('0.0206'), ts: 2000, tradeId: 't2' });
  // 3. sell 1 @ 104 (partial close), rebate -0.01 -> realized +3, pos 2 avg 101
  st.recordFill('Ask', '1', '104', true, { symbol: S, fee: D('-0.01'), ts: 3000, tradeId: 't3' });
  // 4. sell 3 @ 99: closes 2 (realized -4), flips to -1 @ 99; fee 0.06 split 0.04 close / 0.02 open
  //    trip 1 = 3 - 4 - (0.04 + 0.0206 - 0.01 + 0.04) = -1.0906
  st.recordFill('Ask', '3', '99', false, { symbol: S, fee: D('0.06'), ts: 4000, tradeId: 't4' });
  // 5. funding +0.5 while short
  st.recordFunding(S, D('0.5'), 'funding:1');
  // 6. buy 1 @ 97 closes the short: realized (99-97)*1 = +2; trip 2 = -0.02 + 0.5 + 2 - 0.02 = 2.46
  st.recordFill('Bid', '1', '97', true, { symbol: S, fee: D('0.02'), ts: 6000, tradeId: 't6' });
  return st;
}

test('ledger: average cost, partial close, flip through zero, fees/rebates, funding, round trips', () => {
  const st = scenario();
  const f = st.figures(S);
  assert.equal(f.fills, 5);
  assert.equal(f.makerFills, 3);
  assert.equal(f.takerFills, 2);
  assert.equal(f.position.toString(), '0');
  assert.equal(f.realizedPnl.toString(), '1'); // 3 - 4 + 2
  assert.equal(f.fees.toString(), '0.1306'); // 0.04 + 0.0206 - 0.01 + 0.06 + 0.02
  assert.equal(f.funding.toString(), '0.5');
  assert.equal(f.netPnl.toString(), '1.3694'); // 1 - 0.1306 + 0.5
  assert.equal(f.volume.toString(), '801'); // 200 + 103 + 104 + 297 + 97
  assert.equal(f.makerVolume.toString(), '401');
  assert.equal(f.takerVolume.toString(), '400');
  assert.equal(f.filledQty.toString(), '8');
  assert.equal(f.trips, 2);
  assert.equal(f.wins, 1);
  assert.equal(f.losses, 1);
  assert.equal(f.winRate, 0.5);
  assert.equal(f.largestWin.toString(), '2.46');
  assert.equal(f.largestLoss.toString(), '-1.0906');
  assert.equal(f.averageWin?.toString(), '2.46');
  assert.equal(f.averageLoss?.toString(), '-1.0906');
  assert.equal(f.averagePnl?.toString(), '0.6847'); // (2.46 - 1.0906) / 2
  assert.equal(f.longShortRatio, 1); // bought 4, sold 4
  assert.equal(f.meanInventoryMs, 2500); // trips of 3000 ms and 2000 ms
  assert.equal(f.successRate, 1);
  // cost per $1M = -net / volume * 1e6
  assert.equal(f.costPerMillion?.toString(), D('-1.3694').div(801).mul(1_000_000).toString());
});

test('ledger: duplicate trade ids are counted once; failures feed the success rate', () => {
  const st = new TradingStats([S]);
  assert.notEqual(st.recordFill('Bid', '1', '100', true, { symbol: S, tradeId: 'x' }), null);
  assert.equal(st.recordFill('Bid', '1', '100', true, { symbol: S, tradeId: 'x' }), null);
  st.recordFailure(S, 'post-only');
  st.recordFailure(S, 'post-only');
  st.recordFailure(S, 'reduce-only');
  const f = st.figures();
  assert.equal(f.fills, 1);
  assert.equal(f.position.toString(), '1');
  assert.deepEqual(f.failures, { 'post-only': 2, 'reduce-only': 1 });
  assert.equal(f.successRate, 0.25);
});

test('ledger: unrealized at mark, drawdown of net PnL, Sharpe of per-minute changes', () => {
  const st = new TradingStats([S]);
  st.recordFill('Bid', '1', '100', true, { symbol: S, tradeId: 'a' });
  st.setMark(S, D(110));
  st.observe(); // net 10, peak 10
  assert.equal(st.figures().unrealizedPnl.toString(), '10');
  st.setMark(S, D(95));
  st.observe(); // net -5, drawdown 15
  st.setMark(S, D(105));
  st.observe(); // net 5
  assert.equal(st.maxDrawdown.toString(), '15');
  assert.equal(st.currentDrawdown().toString(), '5');
  // Sharpe: samples 0,1,3,4 -> changes 1,2,1: mean 4/3, sample sd sqrt(1/3) -> 2.3094
  const s2 = new TradingStats([S]);
  s2.samples.push(0, 1, 3, 4);
  assert.ok(Math.abs((s2.sharpe() ?? 0) - 2.3094) < 1e-4);
});

test('ledger: short then cover at a loss; short average cost', () => {
  const st = new TradingStats([S]);
  st.recordFill('Ask', '1', '100', true, { symbol: S, tradeId: 'a', ts: 0 });
  st.recordFill('Ask', '1', '102', true, { symbol: S, tradeId: 'b', ts: 0 }); // avg 101 short 2
  st.recordFill('Bid', '2', '103', false, { symbol: S, tradeId: 'c', ts: 10 }); // (101-103)*2 = -4
  const f = st.figures(S);
  assert.equal(f.realizedPnl.toString(), '-4');
  assert.equal(f.losses, 1);
  assert.equal(f.largestLoss.toString(), '-4');
});

test('ledger (spot): a base-asset fee is a fee in quote value AND leaves the position; the round trip closes on dust', () => {
  const SP = 'SOL_USDC';
  const st = new TradingStats([SP]);
  st.ledger(SP).dust = { step: D('0.01'), min: D('0.01') };
  // buy 0.5 @ 100, fee 8 bps taken in SOL (0.0004, worth 0.04): held 0.4996 at cost 100
  st.recordFill('Bid', '0.5', '100', true, { symbol: SP, fee: D('0.04'), baseFee: D('0.0004'), ts: 1000, tradeId: 'b1' });
  let l = st.ledger(SP);
  assert.equal(l.position.toString(), '0.4996');
  assert.equal(l.avgCost.toString(), '100');
  assert.equal(l.realized.toString(), '0');
  assert.equal(l.inventorySince, 1000);
  // sell 0.49 @ 100.02, fee 8 bps in USDC (0.03920784): 0.0096 left, below the 0.01 minimum -> trip closed
  st.recordFill('Ask', '0.49', '100.02', true, { symbol: SP, fee: D('0.03920784'), ts: 1500, tradeId: 'a1' });
  l = st.ledger(SP);
  assert.equal(l.position.toString(), '0.0096');
  assert.equal(l.avgCost.toString(), '100', 'the residual keeps its cost');
  assert.equal(l.realized.toString(), '0.0098'); // 0.49 * 0.02
  assert.equal(l.fees.toString(), '0.07920784');
  assert.equal(l.baseAssetFees.toString(), '0.0004');
  assert.equal(l.quoteAssetFees.toString(), '0.03920784');
  assert.equal(l.trips, 1);
  assert.equal(l.sumLosses.toString(), '-0.06940784'); // 0.0098 - 0.04 - 0.03920784
  assert.equal(l.inventorySince, null);
  assert.equal(l.meanInventoryMs(), 500);
  // The next buy starts the next trip from the residual: 0.0096 + 0.5 - 0.0004 at cost 100.
  st.recordFill('Bid', '0.5', '100', true, { symbol: SP, fee: D('0.04'), baseFee: D('0.0004'), ts: 2000, tradeId: 'b2' });
  assert.equal(st.ledger(SP).position.toString(), '0.5092');
  assert.equal(st.ledger(SP).inventorySince, 2000);
  // Net PnL is exactly what the account made: quote -50 + 49.0098 - 0.03920784 - 50, base 0.5092 held at 100.
  st.setMark(SP, D(100));
  const cash = D(-50).plus('49.0098').minus('0.03920784').minus(50).plus(D('0.5092').mul(100));
  assert.equal(st.figures(SP).netPnl.toString(), cash.toString());
});

test('ledger: without a dust rule (perps) a trip closes only at exactly zero', () => {
  const st = new TradingStats([S]);
  st.recordFill('Bid', '0.5', '100', true, { symbol: S, fee: D('0.01'), ts: 1, tradeId: 'x1' });
  st.recordFill('Ask', '0.49', '100', true, { symbol: S, fee: D('0.01'), ts: 2, tradeId: 'x2' });
  assert.equal(st.figures(S).trips, 0);
  assert.equal(st.figures(S).quoteAssetFees.toString(), '0.02');
  st.recordFill('Ask', '0.01', '100', true, { symbol: S, fee: D('0'), ts: 3, tradeId: 'x3' });
  assert.equal(st.figures(S).trips, 1);
});
