// The competing makers of one market: a fat touch on each side made of distinct maker orders (so a
// user's quote has a real queue ahead of and behind it), thin levels beyond it, the makers' reaction to a
// move of the fair value (they cancel quotes the move left stale; a user's stale quote stays and is
// picked off), joins and cancels anywhere in the touch queue, and improvement of a spread wider than the
// one the makers settle at. The tapes this is fitted on (docs/MARKET-SPEC.md) show exactly this shape:
// one level holding most of the near liquidity, a thin gap to the next, and a touch turned over by
// cancels many times faster than by trades.
// Pure: integer price and quantity units, randomness from the model's PRNG, acts on the venue only.
import type { Side } from '../../domain/side.js';
import type { Book } from '../matching/book.js';
import type { SimOrder } from '../matching/types.js';
import type { Prng } from './prng.js';
import type { Dynamics } from './spec.js';

export interface ModelVenue {
  readonly book: Book;
  /** House size at the back of a level's queue, merged into a trailing house order (thin levels). */
  addHouse(side: Side, price: number, qty: number): void;
  /** One distinct maker order at the back of a level's queue. */
  addMaker(side: Side, price: number, qty: number): void;
  /** Remove up to qty of house size at a level from the back, never a user order. Returns the size removed. */
  cancelHouse(side: Side, price: number, qty: number): number;
  /** Cancel one resting house order wherever it is in its queue. */
  removeMaker(side: Side, o: SimOrder): void;
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

/** At most this many distinct maker orders go into a newly formed touch (larger orders beyond it); joins
 *  add more of the usual size as the level ages. Bounds the objects a fast market creates per move. */
const MAX_NEW_ORDERS = 16;

export class Makers {
  readonly spreadTicks: number;
  readonly ladderGapTicks: number;
  private readonly meanOrderUsd: number;
  /** USD -> qty units at a price: qty = usd * usdToQty / pricePu. */
  private readonly usdToQty: number;
  /** Touch price each side's ladder was last laid out from. */
  private readonly ladderFrom: Record<Side, number | null> = { Bid: null, Ask: null };
  private readonly houseIdx: number[] = [];

  constructor(
    private readonly venue: ModelVenue,
    private readonly d: Dynamics,
    private readonly g: ModelGrid,
    private readonly rng: Prng,
    initialFairPu: number,
  ) {
    const tickBps = (g.tickUnit / initialFairPu) * 1e4;
    this.spreadTicks = Math.max(1, Math.round(d.spreadBps / tickBps));
    this.ladderGapTicks = Math.max(1, Math.round(d.ladderGapBps / tickBps));
    this.meanOrderUsd = d.makerOrderUsd.median * Math.exp((d.makerOrderUsd.logSd * d.makerOrderUsd.logSd) / 2);
    this.usdToQty = 10 ** (g.priceScale + g.qtyScale);
  }

  /** USD at a price in qty units, on the step grid, at least the minimum quantity. */
  qtyOf(usd: number, pricePu: number): number {
    let q = Math.floor((usd * this.usdToQty) / pricePu);
    q -= q % this.g.stepUnit;
    return Math.max(q, this.g.minQty);
  }

  /** The bid makers settle at for a fair value: the spread centred on it, on the tick grid. */
  bidTarget(fair: number): number {
    const t = this.g.tickUnit;
    return Math.max(t, Math.round(fair / t - this.spreadTicks / 2) * t);
  }
  askTarget(fair: number): number {
    return this.bidTarget(fair) + this.spreadTicks * this.g.tickUnit;
  }
  target(side: Side, fair: number): number {
    return side === 'Bid' ? this.bidTarget(fair) : this.askTarget(fair);
  }

  /** Start of the run: a settled touch and a full ladder on both sides. */
  seed(fair: number): void {
    for (const side of ['Bid', 'Ask'] as const) {
      const p = this.target(side, fair);
      this.formTouch(side, p, this.d.touchDepthUsd);
      this.layLadder(side, p, true);
    }
  }

  /** Is the side's best price behind the price makers want to quote (or missing)? */
  behind(side: Side, fair: number): boolean {
    const best = this.venue.book.side(side).best();
    const t = this.target(side, fair);
    return best === undefined || (side === 'Bid' ? best < t : best > t);
  }

  /**
   * Makers improve to their target: a new touch level forms there with a share of the settled depth (or
   * they join a user's order that already sits at the target, behind it), and the level that was the
   * touch thins to a ladder level (its makers moved up). A quote better than the target (a user's, inside
   * the spread) is left alone: makers do not join a price they would not quote.
   */
  improve(side: Side, fair: number): void {
    const bs = this.venue.book.side(side);
    const t = this.target(side, fair);
    const old = bs.best();
    if (old !== undefined && (side === 'Bid' ? old > t : old < t)) return;
    const have = bs.houseAt(t);
    const want = this.qtyOf(this.d.touchDepthUsd * this.d.newLevelShare, t);
    if (old === t && have >= want) return;
    if (have < want) this.formTouch(side, t, ((want - have) / want) * this.d.touchDepthUsd * this.d.newLevelShare);
    if (old !== undefined && old !== t) this.thin(side, old);
    this.layLadder(side, t, false);
  }

  /** Distinct maker orders at `price` adding up to about `usd`. */
  private formTouch(side: Side, price: number, usd: number): void {
    // Few large orders rather than many tiny ones when the depth is many order sizes: keeps a touch cheap.
    const per = Math.max(this.meanOrderUsd, usd / MAX_NEW_ORDERS);
    const scale = per / this.meanOrderUsd;
    let left = usd;
    while (left > 0) {
      const o = Math.min(left, this.orderUsd() * scale);
      this.venue.addMaker(side, price, this.qtyOf(o, price));
      left -= o;
    }
  }

  private orderUsd(): number {
    const m = this.d.makerOrderUsd;
    return this.rng.logMedian(m.median, m.logSd);
  }

  /** A former touch keeps only a ladder level's worth of house size (cancelled from the back). */
  private thin(side: Side, price: number): void {
    const keep = this.qtyOf(this.d.ladderLevelUsd, price);
    const have = this.venue.book.side(side).houseAt(price);
    if (have > keep) this.venue.cancelHouse(side, price, have - keep);
  }

  /**
   * The fair value moved: quotes priced through it are stale. Makers cancel theirs at once; a user's
   * stale quote stays and an informed taker takes it (price-time, through every stale level).
   */
  clearStale(side: Side, fair: number): void {
    const bs = this.venue.book.side(side);
    let userQty = 0;
    let sweepTo: number | null = null;
    for (let i = 0; i < bs.prices.length; ) {
      const price = bs.prices[i]!;
      if (side === 'Bid' ? price <= fair : price >= fair) break;
      const removed = this.venue.cancelHouse(side, price, Number.MAX_SAFE_INTEGER);
      const left = bs.totalAt(price);
      if (left > 0) {
        userQty += left;
        sweepTo = price;
        i++;
      } else if (removed === 0) i++;
      // else the level is gone and index i already holds the next price
    }
    if (sweepTo !== null && userQty > 0) this.venue.houseTake(side === 'Bid' ? 'Ask' : 'Bid', userQty, sweepTo);
  }

  /** Joins at the back and cancels anywhere in the touch queue over dtSec. */
  churn(side: Side, dtSec: number): void {
    const bs = this.venue.book.side(side);
    const best = bs.best();
    if (best === undefined) return;
    const level = bs.level(best)!;
    const r = this.rng;
    const k = this.d.makerCancelRate;
    if (k > 0) {
      const idx = this.houseIdx;
      idx.length = 0;
      for (let i = 0; i < level.orders.length; i++) if (level.orders[i]!.account === null) idx.push(i);
      let n = r.poisson(k * idx.length * dtSec);
      // Cancel from the highest index down so earlier indices stay valid.
      const picks: number[] = [];
      while (n-- > 0 && idx.length > 0) {
        const j = r.int(idx.length);
        picks.push(idx[j]!);
        idx[j] = idx[idx.length - 1]!;
        idx.pop();
      }
      picks.sort((a, b) => b - a);
      for (const i of picks) this.venue.removeMaker(side, level.orders[i]!);
      // Joins keep the settled depth: in equilibrium they replace what cancels remove.
      const joins = r.poisson(((k * this.d.touchDepthUsd) / this.meanOrderUsd) * dtSec);
      for (let i = 0; i < joins; i++) this.venue.addMaker(side, best, this.qtyOf(this.orderUsd(), best));
    }
  }

  /**
   * Thin levels beyond the touch on a fixed grid of ladderGapTicks (fixed prices, so a move of the touch
   * shifts the ladder by a level or two instead of rebuilding it), topped up when low, and nothing
   * house-owned far beyond them. A full pass when the touch moved, else a couple of random levels.
   */
  layLadder(side: Side, touch: number, full: boolean): void {
    const dir = side === 'Bid' ? -1 : 1;
    const step = this.ladderGapTicks * this.g.tickUnit;
    const bs = this.venue.book.side(side);
    const moved = this.ladderFrom[side] !== touch;
    const L = this.d.ladderLevels;
    // The grid point at or beyond the touch on this side; ladder level k is k grid steps past it.
    const anchor = side === 'Bid' ? Math.floor(touch / step) * step : Math.ceil(touch / step) * step;
    const fill = (k: number) => {
      const price = anchor + dir * k * step;
      if (price <= 0) return;
      const want = this.qtyOf(this.d.ladderLevelUsd, price);
      if (bs.houseAt(price) < want / 2) this.venue.addHouse(side, price, this.qtyOf(this.d.ladderLevelUsd * (0.6 + 0.8 * this.rng.next()), price));
    };
    if (full || moved) {
      for (let k = 1; k <= L; k++) fill(k);
      const limit = anchor + dir * (L + 3) * step;
      const prices = bs.prices;
      for (let i = prices.length - 1; i >= 0; i--) {
        const p = prices[i]!;
        if (side === 'Bid' ? p >= limit : p <= limit) break;
        this.venue.cancelHouse(side, p, Number.MAX_SAFE_INTEGER);
      }
      this.ladderFrom[side] = touch;
    } else {
      fill(1 + this.rng.int(L));
      // The book beyond the touch is never still: one level's makers add or cancel a little each tick.
      const price = anchor + dir * (1 + this.rng.int(L)) * step;
      const have = bs.houseAt(price);
      if (price > 0 && have > 0) {
        const delta = this.qtyOf(this.d.ladderLevelUsd * 0.3 * this.rng.next(), price);
        if (this.rng.next() < 0.5) this.venue.addHouse(side, price, delta);
        else this.venue.cancelHouse(side, price, Math.min(delta, have - this.g.minQty));
      }
    }
  }
}
