// ReplayVenue: one market of the replay exchange at venue time. It rebuilds the recorded book (TapeBook,
// sequence-checked) and matches OUR orders against the recorded book and trades; the recorded market is
// not affected by our orders (a resting order of ours takes no one's place in the recorded queue, and
// our taker fills do not remove recorded liquidity), as in hftbacktest. Rules (docs/BACKTEST.md):
//   arrival   validated against the market's filters; a post-only order that would cross the book as it
//             is on arrival is rejected with Backpack's error; a crossing (or market) order takes from the
//             recorded book level by level at each level's price, an IOC remainder expires, a GTC
//             remainder rests. A resting order joins behind the displayed size at its price (queue model).
//   trades    at the order's price on its side: the queue ahead first, the rest fills it (partially when
//             less than its remaining); at a worse price (the trade printed through it): filled whole.
//   depth     a change of the displayed size at its price moves the queue (queue model); the opposite side
//             reaching its price (the book crosses it) fills it with the crossing quantity displayed, and
//             later with what is added to it (the recorded levels do not shrink by our fills, so the same
//             displayed quantity must not fill it twice).
// While the book is not synced (a gap until the next snapshot) depth does not move queues nor cross
// orders: the levels are not known. Pure; time comes from the caller.
import type { OrderStatus, OrderType, TimeInForce } from '../domain/order.js';
import type { Side } from '../domain/side.js';
import { TapeBook, type BookSide } from '../tape/book.js';
import { DenseSide } from './dense-side.js';
import type { DiffEvent, GapEvent, SnapshotEvent, TradeEvent } from '../tape/types.js';
import type { Decimal } from '../util/decimal.js';
import { ZERO } from '../util/decimal.js';
import type { ReplayMarket } from './market.js';
import type { QueueModel, QueuePos } from './queue.js';

/** An order as it reaches the venue. */
export interface NewOrder {
  id: string;
  clientId: number | null;
  side: Side;
  orderType: OrderType;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  /** Tape price units (null: market order). */
  priceU: number | null;
  /** Our quantity units. */
  qtyU: number;
}

export interface VenueOrder extends NewOrder {
  symbol: string;
  remainingU: number;
  executedU: number;
  executedQuote: Decimal;
  status: OrderStatus;
  expiryReason: string | null;
  createdAtMs: number;
  /** Venue time it was accepted (µs). */
  acceptedUs: number;
  /** Queue position while resting. */
  queue: QueuePos | null;
  /** Opposite quantity (our units) crossing its price at the last look: already counted (see cross()). */
  crossSeen: number;
}

export interface VenueHooks {
  /** Our fill: book it and tell the engine. */
  fill(o: VenueOrder, priceU: number, qtyU: number, isMaker: boolean): void;
  /** Order update to tell the engine. */
  update(o: VenueOrder, type: 'accepted' | 'cancelled' | 'expired' | 'modified'): void;
  /** Our signed position on this market, in our quantity units. */
  positionU(): number;
}

export interface VenueReject {
  status: number;
  code: string;
  message: string;
}

const invalid = (message: string): VenueReject => ({ status: 400, code: 'INVALID_ORDER', message });

export class ReplayVenue {
  readonly book: TapeBook;
  /** Our resting orders on this market. */
  readonly resting: VenueOrder[] = [];

  constructor(
    readonly market: ReplayMarket,
    private readonly queue: QueueModel,
    private readonly hooks: VenueHooks,
  ) {
    this.book = new TapeBook(market.header.seqRule, (sign) => new DenseSide(sign));
  }

  // ------------------------------------------------------------------ the tape

  depth(e: SnapshotEvent | DiffEvent | GapEvent): void {
    this.book.apply(e);
    if (this.resting.length === 0 || !this.book.synced) return;
    for (let i = this.resting.length - 1; i >= 0; i--) {
      const o = this.resting[i]!;
      const own = this.side(o.side);
      const shown = own.qtyAt(o.priceU!);
      const q = o.queue!;
      if (shown !== q.level) this.queue.depth(q, shown);
      this.cross(o);
    }
  }

  trade(e: TradeEvent): void {
    if (this.resting.length === 0) return;
    // The taker's side; a trade without one sold if it printed at or below the best bid.
    const sold = e.side === 'sell' || (e.side === null && this.book.bids.size > 0 && e.price <= this.book.bestBid());
    for (let i = this.resting.length - 1; i >= 0; i--) {
      const o = this.resting[i]!;
      const p = o.priceU!;
      const bid = o.side === 'Bid';
      const through = bid ? e.price < p : e.price > p;
      if (through) {
        this.fill(o, p, o.remainingU, true);
        continue;
      }
      if (e.price !== p || sold !== bid) continue;
      const reaching = this.queue.trade(o.queue!, e.qty);
      if (reaching <= 0) continue;
      const q = this.floorStep(Math.min(o.remainingU, this.market.oursFromTape(reaching, p)));
      if (q > 0) this.fill(o, p, q, true);
    }
  }

  // ------------------------------------------------------------------ our orders

  /** An order reaching the venue. Returns the order (accepted, maybe already done) or the rejection. */
  arrive(n: NewOrder, symbol: string, nowUs: number, duplicateClientId: boolean): VenueOrder | VenueReject {
    const m = this.market;
    if (n.priceU !== null && (n.priceU <= 0 || n.priceU % m.tickU !== 0)) return invalid('Price decimal too long');
    if (n.qtyU % m.stepU !== 0) return invalid('Quantity decimal too long');
    if (n.qtyU < m.stepU) return invalid('Quantity is below the minimum allowed value');
    if (n.orderType === 'Market' && n.postOnly) return invalid('Market orders cannot be post only');
    if (n.reduceOnly && !m.isPerp) return invalid('Reduce only is not supported for spot markets');
    if (duplicateClientId) return invalid(`Order with client ID already exists: ${n.clientId}`);
    const pos = this.hooks.positionU();
    if (n.reduceOnly && (pos === 0 || pos > 0 === (n.side === 'Bid'))) return invalid('Reduce only order not reduced');
    const crosses = n.orderType === 'Market' || this.crossesBook(n.side, n.priceU!);
    if (n.postOnly && crosses) return invalid('Order would immediately match and take');

    // Fields written out, not spread from `n`: V8 gives a spread-then-extended literal a slower shape, and
    // resting orders are read on every depth change and trade.
    const o: VenueOrder = {
      id: n.id,
      clientId: n.clientId,
      side: n.side,
      orderType: n.orderType,
      timeInForce: n.timeInForce,
      postOnly: n.postOnly,
      reduceOnly: n.reduceOnly,
      priceU: n.priceU,
      qtyU: n.qtyU,
      symbol,
      remainingU: n.reduceOnly ? Math.min(n.qtyU, Math.abs(pos)) : n.qtyU,
      executedU: 0,
      executedQuote: ZERO,
      status: 'New',
      expiryReason: null,
      createdAtMs: Math.floor(nowUs / 1000),
      acceptedUs: nowUs,
      queue: null,
      crossSeen: 0,
    };
    this.hooks.update(o, 'accepted');
    if (crosses) {
      const takeable = this.takeable(o);
      if (n.timeInForce === 'FOK' && takeable < o.remainingU) return this.finish(o, 'Expired', 'FillOrKill');
      this.take(o);
      if (o.remainingU === 0) return o;
      if (n.orderType === 'Market' || n.timeInForce !== 'GTC') {
        return this.finish(o, 'Expired', n.orderType === 'Market' ? 'InsufficientLiquidity' : n.timeInForce === 'FOK' ? 'FillOrKill' : 'ImmediateOrCancel');
      }
      // What it crossed on arrival it has taken: only liquidity added later may fill the rest.
      o.crossSeen = takeable;
    } else if (n.timeInForce !== 'GTC') {
      return this.finish(o, 'Expired', n.timeInForce === 'FOK' ? 'FillOrKill' : 'ImmediateOrCancel');
    }
    o.queue = this.queue.join(this.side(o.side).qtyAt(o.priceU!));
    this.resting.push(o);
    return o;
  }

  cancel(o: VenueOrder): void {
    this.unrest(o);
    o.status = 'Cancelled';
    this.hooks.update(o, 'cancelled');
  }

  /** After our position changed: a reduce-only order may not outgrow it nor flip it (Backpack shrinks or expires). */
  reduceChecks(): void {
    const pos = this.hooks.positionU();
    for (let i = this.resting.length - 1; i >= 0; i--) {
      const o = this.resting[i]!;
      if (!o.reduceOnly) continue;
      if (pos === 0 || pos > 0 === (o.side === 'Bid')) {
        this.unrest(o);
        this.finish(o, 'Expired', 'ReduceOnlyNotReduced');
      } else if (o.remainingU > Math.abs(pos)) {
        o.qtyU -= o.remainingU - Math.abs(pos);
        o.remainingU = Math.abs(pos);
        this.hooks.update(o, 'modified');
      }
    }
  }

  // ------------------------------------------------------------------ matching

  private side(s: Side): BookSide {
    return s === 'Bid' ? this.book.bids : this.book.asks;
  }

  private crossesBook(side: Side, priceU: number): boolean {
    const opp = side === 'Bid' ? this.book.asks : this.book.bids;
    if (opp.size === 0) return false;
    return side === 'Bid' ? opp.best() <= priceU : opp.best() >= priceU;
  }

  /** Opposite levels within the order's price, best first, as [priceU, our units] (floored to the step). */
  private *levelsWithin(o: VenueOrder): Generator<[number, number]> {
    const opp = o.side === 'Bid' ? this.book.asks : this.book.bids;
    for (let i = 0; i < opp.size; i++) {
      const p = opp.priceAt(i);
      if (o.priceU !== null && (o.side === 'Bid' ? p > o.priceU : p < o.priceU)) return;
      yield [p, this.floorStep(this.market.oursFromTape(opp.qtyAt(p), p))];
    }
  }

  private takeable(o: VenueOrder): number {
    let n = 0;
    for (const [, q] of this.levelsWithin(o)) n += q;
    return n;
  }

  private take(o: VenueOrder): void {
    for (const [p, q] of this.levelsWithin(o)) {
      if (o.remainingU === 0) return;
      const x = Math.min(o.remainingU, q);
      if (x > 0) this.fill(o, p, x, false);
    }
  }

  /** The opposite side reached a resting order's price: it fills with the crossing quantity not yet counted. */
  private cross(o: VenueOrder): void {
    if (!this.crossesBook(o.side, o.priceU!)) {
      o.crossSeen = 0;
      return;
    }
    const now = this.takeable(o);
    const fresh = now - o.crossSeen;
    o.crossSeen = now;
    const q = Math.min(o.remainingU, fresh);
    if (q > 0) this.fill(o, o.priceU!, q, true);
  }

  private fill(o: VenueOrder, priceU: number, qtyU: number, isMaker: boolean): void {
    o.remainingU -= qtyU;
    o.executedU += qtyU;
    o.executedQuote = o.executedQuote.add(this.market.notional(priceU, qtyU));
    if (o.remainingU === 0) {
      o.status = 'Filled';
      this.unrest(o);
    } else o.status = 'PartiallyFilled';
    this.hooks.fill(o, priceU, qtyU, isMaker);
  }

  private finish(o: VenueOrder, status: 'Expired', reason: string): VenueOrder {
    o.status = status;
    o.expiryReason = reason;
    this.hooks.update(o, 'expired');
    return o;
  }

  private unrest(o: VenueOrder): void {
    const i = this.resting.indexOf(o);
    if (i >= 0) this.resting.splice(i, 1);
    o.queue = null;
  }

  private floorStep(u: number): number {
    const s = this.market.stepU;
    return Math.floor(u / s + 1e-9) * s;
  }
}
