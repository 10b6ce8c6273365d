// The market model's mechanisms, each switched on alone at a fixed seed: informed steps are adverse for
// makers (and noise flow is not), competing makers improve a wide spread and join behind a user, cancels
// deplete the queue ahead of a user order (never pushing it back), a user quote the fair value moves
// through is picked off, noise arrivals cluster as their Hawkes branching says, sizes are heavy-tailed,
// and the same seed replays the same stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateMarket } from '../../src/calibrate/simulate.js';
import { SimExchange } from '../../src/sim/exchange.js';
import type { Dynamics, MarketSpecEntry } from '../../src/sim/model/spec.js';
import { VirtualClock } from '../../src/util/clock.js';

const BASE: Dynamics = {
  episodeRate: 0.3, episodeMoveBps: { median: 1.5, logSd: 0.5 }, episodeSideRepeat: 0.5, episodeStepBps: 0.3, episodeStepGapMs: 10,
  informedSizeUsd: { median: 2000, logSd: 1 }, silentStepShare: 0, reversionShare: 0, reversionSec: 30,
  noiseRate: 1, noiseBranching: 0, noiseDecaySec: 1, noiseSideRepeat: 0.5, noiseChase: 0, noiseSizeUsd: { median: 500, logSd: 1.5, maxUsd: 100_000 },
  spreadBps: 0.02, touchDepthUsd: 50_000, newLevelShare: 0.6, makerOrderUsd: { median: 1000, logSd: 1 }, makerCancelRate: 0.2, improveMs: 2,
  ladderGapBps: 0.2, ladderLevelUsd: 3000, ladderLevels: 20,
};

function entry(over: Partial<Dynamics> = {}): MarketSpecEntry {
  return {
    symbol: 'BTC_USDC_PERP', baseSymbol: 'BTC', quoteSymbol: 'USDC', marketType: 'PERP', tickSize: '0.1', stepSize: '0.00001', minQuantity: '0.00001',
    maxQuantity: null, minPrice: '0.1', maxPrice: '1000000', initialPrice: '60000.0',
    dynamics: { ...structuredClone(BASE), ...over }, provenance: { tapes: [], volumeScale: 1, note: 'test' },
  };
}

function exchange(over: Partial<Dynamics>, seed = 1): { ex: SimExchange; clock: VirtualClock } {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ex = new SimExchange({ clock, seed, markets: [entry(over)] });
  return { ex, clock };
}

test('informed steps are adverse for the makers they trade with; noise flow alone is not', () => {
  const informed = simulateMarket(entry({ noiseRate: 0 }), 30, 3).stats.touchMarkoutBps;
  const noise = simulateMarket(entry({ episodeRate: 0 }), 30, 3).stats.touchMarkoutBps;
  // An informed taker trades at the quote a move left behind: the maker is behind by at least that step.
  assert.ok(informed['1s']! < -0.3, `informed 1 s markout ${informed['1s']}`);
  assert.ok(informed['10s']! < -0.3, `informed 10 s markout ${informed['10s']}`);
  // Noise takers move nothing for good: a maker earns about half the spread.
  assert.ok(Math.abs(noise['1s']!) < 0.05 && Math.abs(noise['60s']!) < 0.05, `noise markouts ${JSON.stringify(noise)}`);
});

test('competing makers improve a spread a taker widened, and join behind a user who improved first', () => {
  const { ex, clock } = exchange({ episodeRate: 0, noiseRate: 0, makerCancelRate: 0 });
  const m = ex.market('BTC_USDC_PERP')!;
  ex.start();
  clock.advance(1000);
  const spread = () => m.book.asks.best()! - m.book.bids.best()!;
  assert.equal(spread(), 1, 'settled at one tick');
  // A taker empties the best bid: the spread opens to the ladder; makers come back within milliseconds.
  const bid = m.book.bids.best()!;
  ex.takeLiquidity('BTC_USDC_PERP', 'Ask', m.qty(m.book.bids.totalAt(bid)));
  assert.ok(spread() > 1, 'wide right after the sweep');
  clock.advance(50);
  assert.equal(spread(), 1, 'improved back to one tick');
  assert.equal(m.book.bids.best(), bid, 'at the same price: the fair value did not move');

  // Empty the bid again and let a user take the target price first: the makers join BEHIND the user.
  ex.takeLiquidity('BTC_USDC_PERP', 'Ask', m.qty(m.book.bids.totalAt(bid)));
  const r = ex.placeOrder('u', { symbol: 'BTC_USDC_PERP', side: 'Bid', orderType: 'Limit', price: m.px(bid), quantity: '0.001', postOnly: true });
  assert.ok(r.ok);
  clock.advance(50);
  assert.equal(Number(ex.queueAhead('u', r.value.id)), 0, 'first in the queue');
  assert.ok(m.book.bids.totalAt(bid) > 100, 'makers joined behind');
  ex.stop();
});

test('cancels deplete the queue ahead of a user order (never push it back); joins add behind it', () => {
  const run = (cancelRate: number) => {
    const { ex, clock } = exchange({ episodeRate: 0, noiseRate: 0, makerCancelRate: cancelRate }, 5);
    const m = ex.market('BTC_USDC_PERP')!;
    ex.start();
    clock.advance(1000);
    const bid = m.book.bids.best()!;
    const r = ex.placeOrder('u', { symbol: 'BTC_USDC_PERP', side: 'Bid', orderType: 'Limit', price: m.px(bid), quantity: '0.001', postOnly: true });
    assert.ok(r.ok);
    const ahead0 = Number(ex.queueAhead('u', r.value.id));
    let prev = ahead0;
    for (let i = 0; i < 60; i++) {
      clock.advance(1000);
      const a = Number(ex.queueAhead('u', r.value.id));
      assert.ok(a <= prev, 'the queue ahead never grows');
      prev = a;
    }
    const behind = m.qtyDec(m.book.bids.totalAt(bid)).minus(prev).minus('0.001').toNumber();
    ex.stop();
    return { ahead0, ahead: prev, behind };
  };
  const churn = run(0.2);
  assert.ok(churn.ahead0 > 0.3, `joined behind the touch (${churn.ahead0} BTC ahead)`);
  // 60 s at 0.2/s per order: about e^-12 of the orders ahead survive.
  assert.ok(churn.ahead < churn.ahead0 * 0.05, `cancels ahead: ${churn.ahead0} -> ${churn.ahead}`);
  // It joined at the back (nothing behind); a minute of joins put makers behind it (the level's size
  // wanders between ~0.3 and ~1 BTC: a few dozen log-normal orders born and cancelled).
  assert.ok(churn.behind > 0.1, `joins behind: ${churn.behind} BTC`);
  const still = run(0);
  assert.equal(still.ahead, still.ahead0, 'without cancels nobody ahead leaves');
});

test('a user quote the fair value moves through is picked off at once', () => {
  const { ex, clock } = exchange({ noiseRate: 0, episodeRate: 2, episodeMoveBps: { median: 3, logSd: 0.2 }, informedSizeUsd: { median: 10, logSd: 0 } }, 7);
  const m = ex.market('BTC_USDC_PERP')!;
  ex.start();
  clock.advance(500);
  let fills = 0;
  for (let i = 0; i < 40; i++) {
    const bid = m.book.bids.best()!;
    const r = ex.placeOrder('u', { symbol: 'BTC_USDC_PERP', side: 'Bid', orderType: 'Limit', price: m.px(bid), quantity: '0.001', postOnly: true });
    assert.ok(r.ok);
    // Wait for a move down through the bid: the informed taker's 10 USD cannot reach it behind 30k of
    // makers, but the makers cancel and the user's quote stays: it must be filled, never left stale.
    const start = m.model!.fair;
    for (let k = 0; k < 200 && m.model!.fair > bid; k++) clock.advance(10);
    if (m.model!.fair <= bid) {
      clock.advance(1);
      assert.equal(ex.openOrders('u').length, 0, `the stale bid was taken (fair ${start} -> ${m.model!.fair}, bid ${bid})`);
      fills++;
    } else ex.cancelAll('u', 'BTC_USDC_PERP');
    clock.advance(200);
  }
  assert.ok(fills >= 10, `saw ${fills} moves through the bid`);
  ex.stop();
});

test('noise arrivals cluster as the Hawkes branching says; sizes are heavy-tailed', () => {
  const counts = (branching: number) => {
    const { ex, clock } = exchange({ episodeRate: 0, noiseRate: 2 * (1 - branching), noiseBranching: branching, noiseDecaySec: 1 }, 11);
    const per10s: number[] = [];
    let n = 0;
    // One aggression per instant (its trades with several maker orders share the millisecond).
    const sizes: number[] = [];
    let lastTs = -1;
    ex.subscribe({
      trade: (t) => {
        if (t.ts !== lastTs) {
          n++;
          sizes.push(0);
        }
        lastTs = t.ts;
        sizes[sizes.length - 1]! += Number(t.quoteQuantity);
      },
    });
    ex.start();
    for (let i = 0; i < 360; i++) {
      n = 0;
      clock.advance(10_000);
      per10s.push(n);
    }
    ex.stop();
    const mean = per10s.reduce((s, x) => s + x, 0) / per10s.length;
    const v = per10s.reduce((s, x) => s + (x - mean) ** 2, 0) / per10s.length;
    sizes.sort((a, b) => a - b);
    return { mean, fano: v / mean, p50: sizes[Math.floor(sizes.length / 2)]!, p99: sizes[Math.floor(sizes.length * 0.99)]! };
  };
  const poisson = counts(0);
  const hawkes = counts(0.7);
  assert.ok(Math.abs(poisson.mean - 20) < 2 && Math.abs(hawkes.mean - 20) < 4, `both about 2 aggressions/s: ${poisson.mean}, ${hawkes.mean}`);
  assert.ok(poisson.fano < 1.6, `Poisson counts: variance/mean ${poisson.fano}`);
  // 1/(1-n)^2 = 11 in the limit; 10 s windows with a 1 s kernel see most of it.
  assert.ok(hawkes.fano > 4, `clustered counts: variance/mean ${hawkes.fano}`);
  // Log-normal with log-sd 1.5: p99/p50 = e^(2.33 x 1.5) = 33.
  assert.ok(poisson.p99 / poisson.p50 > 15, `heavy tail: p99/p50 of an aggression's notional ${poisson.p99 / poisson.p50}`);
});

test('same seed, same stream; another seed, another', () => {
  const tape = (seed: number) => {
    const { ex, clock } = exchange({}, seed);
    const lines: string[] = [];
    ex.subscribe({ trade: (t) => lines.push(`${t.ts} ${t.price} ${t.quantity} ${t.buyerIsMaker}`) });
    ex.start();
    clock.advance(120_000);
    ex.stop();
    return lines.join('\n');
  };
  const a = tape(9);
  assert.ok(a.length > 0);
  assert.equal(a, tape(9));
  assert.notEqual(a, tape(10));
});

test('a warm-up can replay the minutes before now, and the market goes on from there', () => {
  // The clock a paper server's warm-up uses: it reads a moment of the past while the models replay it.
  const inner = new VirtualClock(Date.UTC(2026, 0, 1));
  let past: number | null = null;
  const clock = {
    now: () => past ?? inner.now(),
    setTimeout: (fn: () => void, ms: number) => inner.setTimeout(fn, ms),
    setInterval: (fn: () => void, ms: number) => inner.setInterval(fn, ms),
    clear: (h: Parameters<VirtualClock['clear']>[0]) => inner.clear(h),
  };
  const ex = new SimExchange({ clock, seed: 3, markets: [entry()] });
  const ts: number[] = [];
  ex.subscribe({ trade: (t) => ts.push(t.ts) });
  const end = inner.now();
  for (let t = end - 120_000; t < end; t += 250) {
    past = t;
    ex.stepModels();
  }
  past = null;
  assert.ok(ts.length > 50, `the replayed two minutes traded (${ts.length})`);
  assert.ok(ts[0]! < end - 100_000 && ts.every((t) => t < end), 'stamped in that past');
  const before = ts.length;
  ex.start();
  inner.advance(10_000);
  assert.ok(ts.length > before && ts.slice(before).every((t) => t >= end), 'and it goes on from now, without a gap');
  ex.stop();
});
