// Market model: reproducibility (same seed + same actions => byte-identical tape), realistic activity,
// sequential depth ids, informed flow moving with the price, and that user orders are filled by model
// takers under queue rules. (The mechanisms one by one: model-mechanisms.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { SimExchange } from '../../src/sim/exchange.js';

function run(seed: number, minutes: number, act = false): { tape: string; depthIds: number[]; trades: number; ex: SimExchange } {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ex = new SimExchange({ clock, seed, markets: ['SOL_USDC_PERP', 'BTC_USDC_PERP'] });
  const lines: string[] = [];
  const depthIds: number[] = [];
  ex.subscribe({
    trade: (t) => lines.push(JSON.stringify(t)),
    depth: (d) => {
      if (d.symbol === 'SOL_USDC_PERP') depthIds.push(d.firstUpdateId, d.lastUpdateId);
    },
  });
  ex.start();
  for (let i = 0; i < minutes; i++) {
    if (act) {
      const m = ex.market('SOL_USDC_PERP')!;
      const bid = m.px(m.book.bids.best()!);
      ex.placeOrder('bot', { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: bid, quantity: '1', postOnly: true, clientId: i });
    }
    clock.advance(60_000);
  }
  ex.stop();
  return { tape: lines.join('\n'), depthIds, trades: lines.length, ex };
}

test('same seed and same actions give a byte-identical trade tape; another seed differs', () => {
  const a = run(42, 10, true);
  const b = run(42, 10, true);
  const c = run(43, 10, true);
  assert.ok(a.trades > 0);
  assert.equal(a.tape, b.tape);
  assert.notEqual(a.tape, c.tape);
});

test('activity: several trades per second per market, depth ids strictly sequential', () => {
  const r = run(7, 10);
  const perSecPerMarket = r.trades / 600 / 2;
  assert.ok(perSecPerMarket >= 1 && perSecPerMarket <= 30, `trades/s/market = ${perSecPerMarket}`);
  for (let i = 2; i < r.depthIds.length; i += 2) assert.equal(r.depthIds[i], r.depthIds[i - 1]! + 1);
  const m = r.ex.market('SOL_USDC_PERP')!;
  // The calibrated ladder: a fat touch and 30 thin levels beyond it on each side.
  assert.ok(m.book.bids.prices.length >= 20 && m.book.asks.prices.length >= 20, `many levels per side (${m.book.bids.prices.length}/${m.book.asks.prices.length})`);
  assert.ok(m.book.bids.best()! < m.book.asks.best()!, 'book not crossed');
});

test('taker flow imbalance moves with the price (informed takers trade the moves), but not perfectly', () => {
  // Correlate 10 s signed taker volume with the mid change over the same 10 s across a long run: informed
  // takers buy the quotes an up-move leaves behind, noise takers trade either way. (The old model leaned
  // its takers with a trend, so flow predicted the NEXT 10 s; on the tapes the informed flow comes with
  // the move, which is what a maker pays for.)
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ex = new SimExchange({ clock, seed: 11, markets: ['SOL_USDC_PERP'] });
  let flow = 0;
  ex.subscribe({ trade: (t) => (flow += (t.buyerIsMaker ? -1 : 1) * Number(t.quantity)) });
  ex.start();
  const m = ex.market('SOL_USDC_PERP')!;
  const xs: number[] = [];
  const ys: number[] = [];
  let prevMid = m.midPu()!;
  for (let i = 0; i < 1500; i++) {
    flow = 0;
    clock.advance(10_000);
    const mid = m.midPu()!;
    xs.push(flow);
    ys.push(mid - prevMid);
    prevMid = mid;
  }
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const corr = sxy / Math.sqrt(sxx * syy);
  if (process.env["SIM_DEBUG"]) console.log("corr", corr);
  assert.ok(corr > 0.3 && corr < 0.95, `flow <-> move correlation ${corr.toFixed(3)} should be clearly positive but imperfect`);
});

test('a resting user bid is filled by model takers and price moves, honouring the queue', () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ex = new SimExchange({ clock, seed: 5, markets: ['SOL_USDC_PERP'] });
  ex.start();
  const m = ex.market('SOL_USDC_PERP')!;
  const bid = m.px(m.book.bids.best()!);
  const r = ex.placeOrder('bot', { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: bid, quantity: '0.5', postOnly: true });
  assert.ok(r.ok);
  const ahead = Number(ex.queueAhead('bot', r.value.id));
  assert.ok(ahead > 0, 'joined behind existing size');
  for (let i = 0; i < 600 && ex.fills('bot', {}).length === 0; i++) {
    const before = ex.queueAhead('bot', r.value.id);
    clock.advance(1000);
    const after = ex.queueAhead('bot', r.value.id);
    if (before !== null && after !== null) assert.ok(Number(after) <= Number(before), 'the queue ahead never grows');
  }
  assert.ok(ex.fills('bot', {}).length > 0, 'filled within 10 minutes');
  ex.stop();
});
