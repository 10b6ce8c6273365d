// One side of a price-level book in integer units (price -> displayed quantity), for rebuilding tapes.
// Prices are kept in an ascending array of keys with the best at the END (bids: key = price, asks: key =
// -price), so the frequent changes near the touch splice few elements; quantities live in a Map. The
// live client's book (src/exchange/backpack/book.ts) keys wire strings by float price; tapes are integers.

export class LevelSide {
  /** Ascending keys, best last. */
  private readonly keys: number[] = [];
  private readonly qty = new Map<number, number>();
  constructor(private readonly sign: 1 | -1) {}

  get size(): number {
    return this.keys.length;
  }
  clear(): void {
    this.keys.length = 0;
    this.qty.clear();
  }
  /** Best price, NaN when the side is empty. */
  best(): number {
    const n = this.keys.length;
    return n === 0 ? NaN : this.keys[n - 1]! * this.sign;
  }
  /** Quantity at the best price, 0 when empty. */
  bestQty(): number {
    const n = this.keys.length;
    return n === 0 ? 0 : this.qty.get(this.keys[n - 1]! * this.sign)!;
  }
  /** Displayed quantity at a price (0 if no level). */
  qtyAt(price: number): number {
    return this.qty.get(price) ?? 0;
  }
  /** i-th best price (0 = best), NaN past the end. */
  priceAt(i: number): number {
    const j = this.keys.length - 1 - i;
    return j < 0 ? NaN : this.keys[j]! * this.sign;
  }
  /** Set the absolute quantity at a price; 0 removes the level. */
  set(price: number, q: number): void {
    const had = this.qty.has(price);
    if (q === 0) {
      if (!had) return;
      this.qty.delete(price);
      this.keys.splice(this.find(price * this.sign), 1);
      return;
    }
    this.qty.set(price, q);
    if (had) return;
    const key = price * this.sign;
    const n = this.keys.length;
    if (n === 0 || key > this.keys[n - 1]!) this.keys.push(key);
    else this.keys.splice(this.lowerBound(key), 0, key);
  }
  /** Replace the side with flat best-first [price, qty, ...] levels (a snapshot; zero quantities skipped). */
  load(flat: readonly number[]): void {
    this.clear();
    // Best first in the snapshot = descending keys; the array wants ascending with the best last.
    for (let i = flat.length - 2; i >= 0; i -= 2) {
      const q = flat[i + 1]!;
      if (q === 0) continue;
      const p = flat[i]!;
      if (!this.qty.has(p)) this.keys.push(p * this.sign);
      this.qty.set(p, q);
    }
    // Tapes hold snapshots best first (the encoder checks); anything else is sorted here rather than trusted.
    for (let i = 1; i < this.keys.length; i++) {
      if (this.keys[i]! <= this.keys[i - 1]!) {
        this.keys.sort((a, b) => a - b);
        break;
      }
    }
  }
  /** Flat best-first [price, qty, ...] of the first n levels (all by default). */
  levels(n = Infinity): number[] {
    const out: number[] = [];
    for (let j = this.keys.length - 1; j >= 0 && out.length < 2 * n; j--) {
      const p = this.keys[j]! * this.sign;
      out.push(p, this.qty.get(p)!);
    }
    return out;
  }

  private lowerBound(key: number): number {
    const a = this.keys;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  private find(key: number): number {
    const n = this.keys.length;
    if (n > 0 && this.keys[n - 1] === key) return n - 1;
    return this.lowerBound(key);
  }
}

/**
 * Flat [price, qty, ...] levels as a snapshot holds them: best first (bids descending, asks ascending), one
 * entry per price (the last given wins), zero quantities dropped.
 */
export function bestFirst(flat: readonly number[], side: 'bid' | 'ask'): number[] {
  const m = new Map<number, number>();
  for (let i = 0; i < flat.length; i += 2) m.set(flat[i]!, flat[i + 1]!);
  const pairs = [...m].filter((p) => p[1] > 0);
  pairs.sort(side === 'bid' ? (a, b) => b[0] - a[0] : (a, b) => a[0] - b[0]);
  return pairs.flat();
}
