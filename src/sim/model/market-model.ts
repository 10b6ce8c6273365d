// The market model of one market: a fair value that random-walks with volatility regimes and short
// trends, house liquidity on a price grid around it, and takers arriving in bursts whose buy/sell mix
// leans with the trend (so taker imbalance carries real but imperfect information about the next move).
// Pure: it acts on the venue through a narrow interface, takes randomness from its own seeded PRNG and
// time only as the step length. Prices are integer price units, sizes integer qty units.
import type { Side } from '../../exchange/types.js';
import type { Book } from '../engine/book.js';
import type { ModelParams } from './markets.js';
import { Prng } from './prng.js';

export interface ModelVenue {
  readonly book: Book;
  addHouse(side: Side, price: number, qty: number): void;
  cancelHouse(side: Side, price: number, qty: number): number;
  /** A background taker order through the matching engine (fills user orders by queue rules). */
  houseTake(side: Side, qty: number, limit: number | null): void;
}

export interface ModelGrid {
  /** Tick in price units (usually 1). */
  tickUnit: number;
  /** Step in qty units (usually 1). */
  stepUnit: number;
  minQty: number;
  priceScale: number;
  qtyScale: number;
}

const REGIME_MULT = [0.5, 1, 2.2];
/** Trend drift per second as a multiple of the per-sqrt-second volatility. */
const TREND_SCALE = 0.1;
const SECONDS_PER_DAY = 86400;

export class MarketModel {
  private readonly rng: Prng;
  /** Fair value in price units (a float: model state, not money). */
  fair: number;
  private regime = 1;
  /** Trend drift in log-return per second. */
  private trend = 0;
  private trendLeft = 0;
  private excitation = 0;
  private premium = 0;
  private lastBidTop: number | null = null;
  private lastAskTop: number | null = null;
  private readonly grid: number;
  private readonly sigmaPerSqrtSec: number;
  private readonly qtyPerUnit: number;
  /** Mark/index in price units and the per-interval funding estimate, refreshed every second. */
  markPu: number;
  indexPu: number;
  fundingRate = 0.0000125;
  private secAcc = 0;

  constructor(
    private readonly venue: ModelVenue,
    private readonly p: ModelParams,
    private readonly g: ModelGrid,
    initialPricePu: number,
    seed: number,
  ) {
    this.rng = new Prng(seed);
    this.fair = initialPricePu;
    this.markPu = initialPricePu;
    this.indexPu = initialPricePu;
    this.grid = p.levelSpacingTicks * g.tickUnit;
    this.sigmaPerSqrtSec = p.dailyVol / Math.sqrt(SECONDS_PER_DAY);
    this.qtyPerUnit = 10 ** g.qtyScale;
  }

  private toQty(base: number): number {
    let q = Math.round(base * this.qtyPerUnit);
    q -= q % this.g.stepUnit;
    return Math.max(q, this.g.minQty);
  }
  private bidTop(): number {
    const t = Math.floor((this.fair - this.p.halfSpreadTicks * this.g.tickUnit) / this.grid) * this.grid;
    return Math.max(t, this.grid);
  }
  private askTop(bidTop: number): number {
    const t = Math.ceil((this.fair + this.p.halfSpreadTicks * this.g.tickUnit) / this.grid) * this.grid;
    return Math.max(t, bidTop + this.grid);
  }
  private targetSize(k: number): number {
    return this.p.levelSize * (1 + 0.08 * k);
  }

  /** Fill every level once (start of the run). */
  seedBook(): void {
    const b = this.bidTop();
    const a = this.askTop(b);
    for (let k = 0; k < this.p.levels; k++) {
      this.venue.addHouse('Bid', b - k * this.grid, this.toQty(this.targetSize(k) * (0.6 + 0.8 * this.rng.next())));
      this.venue.addHouse('Ask', a + k * this.grid, this.toQty(this.targetSize(k) * (0.6 + 0.8 * this.rng.next())));
    }
    this.lastBidTop = b;
    this.lastAskTop = a;
  }

  /** Advance the model by `dtMs` of simulated time. */
  step(dtMs: number): void {
    const dt = dtMs / 1000;
    const r = this.rng;
    // Volatility regime: rare switches (mean stay ~10 minutes).
    if (r.next() < dt / 600) this.regime = r.int(3);
    // Short trends: start one now and then, lasting 10-120 s; otherwise drift decays.
    if (this.trendLeft > 0) this.trendLeft -= dt;
    else {
      this.trend *= Math.exp(-dt / 5);
      if (r.next() < dt / 45) {
        this.trendLeft = 10 + 110 * r.next();
        // Drift of a trend: about one sigma over a minute, enough to show in the flow, not to dominate.
        this.trend = r.normal() * this.sigmaPerSqrtSec * TREND_SCALE * REGIME_MULT[this.regime]!;
      }
    }
    const sigma = this.sigmaPerSqrtSec * REGIME_MULT[this.regime]!;
    this.fair *= Math.exp(this.trend * dt + sigma * Math.sqrt(dt) * r.normal());

    this.reprice();
    this.takers(dt);

    this.secAcc += dtMs;
    if (this.secAcc >= 1000) {
      this.secAcc = 0;
      this.refreshMark();
    }
  }

  private reprice(): void {
    const b = this.bidTop();
    const a = this.askTop(b);
    // Stale quotes (the fair value moved through them): makers pull their size, but a level holding a
    // user order is traded through up to and including that order, so resting user orders are filled
    // when the price moves through them (adverse selection stays honest) and never skipped.
    this.clearStale('Bid', b);
    this.clearStale('Ask', a);
    // Top up the levels near the touch (more when the grid moved), plus a few random deeper ones.
    const shiftB = this.lastBidTop === null ? this.p.levels : Math.abs(b - this.lastBidTop) / this.grid;
    const shiftA = this.lastAskTop === null ? this.p.levels : Math.abs(a - this.lastAskTop) / this.grid;
    this.topUp('Bid', b, -1, Math.min(this.p.levels, 4 + shiftB));
    this.topUp('Ask', a, 1, Math.min(this.p.levels, 4 + shiftA));
    this.lastBidTop = b;
    this.lastAskTop = a;
    this.churn('Bid', b, -1);
    this.churn('Ask', a, 1);
    this.trim('Bid', b - (this.p.levels + 5) * this.grid);
    this.trim('Ask', a + (this.p.levels + 5) * this.grid);
  }

  private clearStale(side: Side, top: number): void {
    const bs = this.venue.book.side(side);
    let sweepQty = 0;
    let sweepTo: number | null = null;
    for (let i = 0; i < bs.prices.length; ) {
      const price = bs.prices[i]!;
      if (side === 'Bid' ? price <= top : price >= top) break;
      const level = bs.level(price)!;
      let lastUser = -1;
      for (let j = level.orders.length - 1; j >= 0; j--) {
        if (level.orders[j]!.account !== null) {
          lastUser = j;
          break;
        }
      }
      if (lastUser < 0) {
        this.venue.cancelHouse(side, price, Number.MAX_SAFE_INTEGER);
        continue; // level removed; same index now holds the next price
      }
      let behind = 0;
      for (let j = lastUser + 1; j < level.orders.length; j++) behind += level.orders[j]!.remaining;
      if (behind > 0) this.venue.cancelHouse(side, price, behind);
      sweepQty += bs.totalAt(price);
      sweepTo = price;
      i++;
    }
    if (sweepTo !== null && sweepQty > 0) this.venue.houseTake(side === 'Bid' ? 'Ask' : 'Bid', sweepQty, sweepTo);
  }

  private topUp(side: Side, top: number, dir: number, n: number): void {
    const bs = this.venue.book.side(side);
    for (let k = 0; k < n; k++) {
      const price = top + dir * k * this.grid;
      const have = bs.houseAt(price);
      const want = this.toQty(this.targetSize(k));
      if (have < want / 2) this.venue.addHouse(side, price, this.toQty(this.targetSize(k) * (0.6 + 0.8 * this.rng.next())) );
    }
    // The far edge also appears as the price moves away from it.
    const far = top + dir * (this.p.levels - 1) * this.grid;
    if (bs.houseAt(far) === 0) this.venue.addHouse(side, far, this.toQty(this.targetSize(this.p.levels - 1)));
  }

  private churn(side: Side, top: number, dir: number): void {
    const bs = this.venue.book.side(side);
    for (let i = 0; i < 2; i++) {
      const k = 1 + this.rng.int(this.p.levels - 1);
      const price = top + dir * k * this.grid;
      const have = bs.houseAt(price);
      const want = this.targetSize(k);
      const u = this.rng.next();
      if (have < this.toQty(want) * 0.7 || u < 0.3) this.venue.addHouse(side, price, this.toQty(want * 0.3 * (0.5 + this.rng.next())));
      else if (u > 0.75) this.venue.cancelHouse(side, price, Math.floor(have * 0.3 * this.rng.next()));
    }
  }

  private trim(side: Side, limit: number): void {
    const bs = this.venue.book.side(side);
    const prices = bs.prices;
    for (let i = prices.length - 1; i >= 0; i--) {
      const price = prices[i]!;
      if (side === 'Bid' ? price >= limit : price <= limit) break;
      this.venue.cancelHouse(side, price, Number.MAX_SAFE_INTEGER);
    }
  }

  private takers(dt: number): void {
    const r = this.rng;
    this.excitation *= Math.exp(-dt / 2);
    const n = r.poisson((this.p.takerRate + this.excitation) * dt);
    if (n === 0) return;
    // Buy probability leans with the trend, with noise: informative but not perfect.
    const lean = Math.max(-0.3, Math.min(0.3, (this.trend / (this.sigmaPerSqrtSec * TREND_SCALE)) * 0.15));
    for (let i = 0; i < n; i++) {
      const pBuy = 0.5 + lean + 0.08 * r.normal();
      const side: Side = r.next() < pBuy ? 'Bid' : 'Ask';
      const qty = this.toQty(r.lognormal(this.p.takerSize, 0.9));
      this.venue.houseTake(side, qty, null);
      // Small permanent impact: flow moves the fair value a little.
      const impact = (qty / this.qtyPerUnit / this.p.levelSize) * 0.25 * this.g.tickUnit * this.p.halfSpreadTicks;
      this.fair += side === 'Bid' ? impact : -impact;
      // Self-excitation (bursts): each taker adds intensity decaying over ~2 s; branching ratio 0.5.
      this.excitation += 0.25;
    }
    if (this.excitation > 5 * this.p.takerRate) this.excitation = 5 * this.p.takerRate;
  }

  private refreshMark(): void {
    const r = this.rng;
    const tick = this.g.tickUnit;
    this.indexPu = Math.round(this.fair / tick) * tick;
    // Premium: mean-reverting noise of a few basis points.
    this.premium = this.premium * 0.95 + 0.00002 * r.normal();
    this.markPu = Math.round((this.fair * (1 + this.premium)) / tick) * tick;
    const f = 0.0000125 + 0.1 * this.premium;
    this.fundingRate = Math.max(-0.015, Math.min(0.015, f));
  }
}
