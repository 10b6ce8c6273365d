// DenseSide: a book side for replays, O(1) per level change. The tape's LevelSide keeps a sorted array of
// prices, which is cheap near the touch but moves hundreds of entries for every level added or removed deep
// in the book, and Binance's full-depth diffs do that for half of their changes (measured on the committed
// tapes: 90 % of inserts and deletes are 100+ ticks from the best). Here quantities live in a typed array
// indexed by price over a window of 2^16 price units kept centred on the best price; the rare levels
// outside it sit in a Map. The best is tracked and, when it is removed, found by scanning toward worse
// prices (the next level is nearly always a few units away). Iterating from the best (priceAt, levels)
// walks the window, then the outside levels in order. Prices are integers (tape units). Pure.
import type { BookSide } from '../tape/book.js';

const W = 1 << 16;
const LOW = W >> 2;
const HIGH = W - LOW;

export class DenseSide implements BookSide {
  private readonly q = new Float64Array(W);
  /** Key of index 0 (key = price x sign, so the best is always the largest key). */
  private base = 0;
  private inWindow = 0;
  private readonly out = new Map<number, number>();
  /** The best key, -Infinity when the side is empty. */
  private top = -Infinity;
  private placed = false;

  constructor(private readonly sign: 1 | -1) {}

  get size(): number {
    return this.inWindow + this.out.size;
  }

  clear(): void {
    if (this.inWindow > 0) this.q.fill(0);
    this.inWindow = 0;
    this.out.clear();
    this.top = -Infinity;
    this.placed = false;
  }

  best(): number {
    return this.top === -Infinity ? NaN : this.top * this.sign;
  }

  bestQty(): number {
    return this.top === -Infinity ? 0 : this.at(this.top);
  }

  qtyAt(price: number): number {
    return this.at(price * this.sign);
  }

  set(price: number, qty: number): void {
    const k = price * this.sign;
    if (!this.placed) {
      if (qty === 0) return;
      this.base = k - (W >> 1);
      this.placed = true;
    }
    const i = k - this.base;
    if (i >= 0 && i < W) {
      const had = this.q[i] !== 0;
      this.q[i] = qty;
      if (qty === 0) {
        if (!had) return;
        this.inWindow--;
        if (k === this.top) this.findTop(i);
      } else {
        if (!had) this.inWindow++;
        if (k > this.top) this.raise(k);
      }
      return;
    }
    if (qty === 0) {
      if (this.out.delete(k) && k === this.top) this.findTop(W);
      return;
    }
    this.out.set(k, qty);
    if (k > this.top) this.raise(k);
  }

  load(flat: readonly number[]): void {
    this.clear();
    for (let i = 0; i < flat.length; i += 2) this.set(flat[i]!, flat[i + 1]!);
  }

  priceAt(n: number): number {
    let seen = 0;
    for (let i = Math.min(this.top - this.base, W - 1); i >= 0; i--) {
      if (this.q[i] === 0) continue;
      if (seen++ === n) return (this.base + i) * this.sign;
    }
    for (const k of this.outsideBelow()) if (seen++ === n) return k * this.sign;
    return NaN;
  }

  levels(n = Infinity): number[] {
    const res: number[] = [];
    for (let i = Math.min(this.top - this.base, W - 1); i >= 0 && res.length < 2 * n; i--) {
      const q = this.q[i]!;
      if (q !== 0) res.push((this.base + i) * this.sign, q);
    }
    for (const k of this.outsideBelow()) {
      if (res.length >= 2 * n) break;
      res.push(k * this.sign, this.out.get(k)!);
    }
    return res;
  }

  private at(k: number): number {
    const i = k - this.base;
    return i >= 0 && i < W ? this.q[i]! : (this.out.get(k) ?? 0);
  }

  /** Outside levels below the window, best first (the rarely used tail). */
  private outsideBelow(): number[] {
    if (this.out.size === 0) return [];
    return [...this.out.keys()].filter((k) => k < this.base).sort((a, b) => b - a);
  }

  private raise(k: number): void {
    this.top = k;
    const i = k - this.base;
    if (i < LOW || i >= HIGH) this.recentre();
  }

  /** The best at window index `from` (or above the window) went: find the next one below it. */
  private findTop(from: number): void {
    for (let i = Math.min(from, W) - 1; i >= 0; i--) {
      if (this.q[i] !== 0) {
        this.top = this.base + i;
        if (i < LOW) this.recentre();
        return;
      }
    }
    // Nothing left in the window: the best is the largest outside key (or the side is empty).
    let best = -Infinity;
    for (const k of this.out.keys()) if (k > best) best = k;
    this.top = best;
    if (best !== -Infinity) this.recentre();
  }

  /** Put the best in the middle of the window again, moving levels in and out of it. */
  private recentre(): void {
    const entries: Array<[number, number]> = [];
    for (let i = 0; i < W; i++) if (this.q[i] !== 0) entries.push([this.base + i, this.q[i]!]);
    for (const e of this.out) entries.push(e);
    this.q.fill(0);
    this.out.clear();
    this.inWindow = 0;
    this.base = this.top - (W >> 1);
    for (const [k, q] of entries) {
      const i = k - this.base;
      if (i >= 0 && i < W) {
        this.q[i] = q;
        this.inWindow++;
      } else this.out.set(k, q);
    }
  }
}
