// One side of a price-time-priority order book, and the two-sided book. Levels are kept in a small
// best-first array of prices plus a Map; each level is a FIFO queue of orders. The market model's house
// liquidity is merged into one trailing house order per level where possible so queues stay short.
// Every level whose total changes is marked dirty; the facade turns dirty levels into one depth delta.
import type { Side } from '../../domain/side.js';
import type { SimOrder } from './types.js';

export class Level {
  readonly orders: SimOrder[] = [];
  total = 0;
  constructor(readonly price: number) {}
}

export class BookSide {
  /** Prices best first: bids descending, asks ascending. */
  readonly prices: number[] = [];
  readonly levels = new Map<number, Level>();
  readonly dirty = new Set<number>();
  constructor(readonly side: Side) {}

  private before(a: number, b: number): boolean {
    return this.side === 'Bid' ? a > b : a < b;
  }
  best(): number | undefined {
    return this.prices[0];
  }
  worst(): number | undefined {
    return this.prices[this.prices.length - 1];
  }
  level(price: number): Level | undefined {
    return this.levels.get(price);
  }
  totalAt(price: number): number {
    return this.levels.get(price)?.total ?? 0;
  }
  /** Index where `price` is or would be inserted. */
  private indexOf(price: number): number {
    const p = this.prices;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before(p[mid]!, price)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  ensure(price: number): Level {
    let l = this.levels.get(price);
    if (!l) {
      l = new Level(price);
      this.levels.set(price, l);
      this.prices.splice(this.indexOf(price), 0, price);
    }
    return l;
  }
  private dropIfEmpty(l: Level): void {
    if (l.orders.length === 0) {
      this.levels.delete(l.price);
      const i = this.indexOf(l.price);
      if (this.prices[i] === l.price) this.prices.splice(i, 1);
    }
  }
  /** Append at the back of the level's queue (time priority). */
  add(o: SimOrder): void {
    const l = this.ensure(o.price!);
    l.orders.push(o);
    l.total += o.remaining;
    this.dirty.add(l.price);
  }
  /**
   * Add house size at the back of the queue. Merges into a trailing house order (same queue position
   * semantics: everything appended behind whatever is already there).
   */
  addHouse(price: number, qty: number, make: () => SimOrder): void {
    if (qty <= 0) return;
    const l = this.ensure(price);
    const last = l.orders[l.orders.length - 1];
    if (last && last.account === null) {
      last.remaining += qty;
      if (last.quantity !== null) last.quantity += qty;
    } else {
      const o = make();
      o.remaining = qty;
      o.quantity = qty;
      l.orders.push(o);
    }
    l.total += qty;
    this.dirty.add(price);
  }
  /**
   * Remove up to `qty` of house size at a level, BEHIND user orders first (walk from the back), so
   * background churn never moves a user order forward in the queue. Returns the size removed.
   */
  cancelHouse(price: number, qty: number): number {
    const l = this.levels.get(price);
    if (!l || qty <= 0) return 0;
    let left = qty;
    for (let i = l.orders.length - 1; i >= 0 && left > 0; i--) {
      const o = l.orders[i]!;
      if (o.account !== null) continue;
      const take = Math.min(left, o.remaining);
      o.remaining -= take;
      left -= take;
      if (o.remaining === 0) {
        o.status = 'Cancelled';
        l.orders.splice(i, 1);
      }
    }
    const removed = qty - left;
    if (removed > 0) {
      l.total -= removed;
      this.dirty.add(price);
      this.dropIfEmpty(l);
    }
    return removed;
  }
  /** House size at a level (for the model's top-up). */
  houseAt(price: number): number {
    const l = this.levels.get(price);
    if (!l) return 0;
    let n = 0;
    for (const o of l.orders) if (o.account === null) n += o.remaining;
    return n;
  }
  /** Remove a resting order (cancel/expire). */
  remove(o: SimOrder): boolean {
    if (o.price === null) return false;
    const l = this.levels.get(o.price);
    if (!l) return false;
    const i = l.orders.indexOf(o);
    if (i < 0) return false;
    l.orders.splice(i, 1);
    l.total -= o.remaining;
    this.dirty.add(l.price);
    this.dropIfEmpty(l);
    return true;
  }
  /** Reduce a resting order's remaining size in place (keeps queue position), e.g. reduce-only shrink. */
  shrink(o: SimOrder, newRemaining: number): void {
    const l = o.price === null ? undefined : this.levels.get(o.price);
    if (!l) return;
    l.total -= o.remaining - newRemaining;
    o.remaining = newRemaining;
    this.dirty.add(l.price);
  }
  /** Called by the matcher after a fill reduced the front order of a level. */
  consumed(l: Level, qty: number): void {
    l.total -= qty;
    this.dirty.add(l.price);
  }
  popFront(l: Level): void {
    l.orders.shift();
    this.dropIfEmpty(l);
  }
  /** Size ahead of an order in its level (queue position), in qty units. */
  aheadOf(o: SimOrder): number | null {
    const l = o.price === null ? undefined : this.levels.get(o.price);
    if (!l) return null;
    let n = 0;
    for (const x of l.orders) {
      if (x === o) return n;
      n += x.remaining;
    }
    return null;
  }
}

export class Book {
  readonly bids = new BookSide('Bid');
  readonly asks = new BookSide('Ask');
  /** Last depth update id (per market, sequential). */
  updateId = 0;
  side(s: Side): BookSide {
    return s === 'Bid' ? this.bids : this.asks;
  }
  hasDirty(): boolean {
    return this.bids.dirty.size > 0 || this.asks.dirty.size > 0;
  }
}
