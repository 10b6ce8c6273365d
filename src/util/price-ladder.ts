// The price ladder under both book sides — the live client's (src/exchange/backpack/book.ts, wire-string
// quantities) and the tapes' (src/tape/levels.ts, integer units): prices in an ascending array of keys with
// the best at the END (bids: key = price, asks: key = -price), so the frequent changes near the touch
// splice few elements, and the quantities in a Map keyed by price. Pure.

export class PriceLadder<Q> {
  /** Ascending keys, best last. */
  readonly keys: number[] = [];
  readonly qty = new Map<number, Q>();
  constructor(protected readonly sign: 1 | -1) {}

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
  /** i-th best price (0 = best), NaN past the end. */
  priceAt(i: number): number {
    const j = this.keys.length - 1 - i;
    return j < 0 ? NaN : this.keys[j]! * this.sign;
  }

  /** Add a price not yet on the ladder; true when it is the new best. */
  protected insertPrice(price: number): boolean {
    const key = price * this.sign;
    const n = this.keys.length;
    // Fast path: a new best (append) is the most frequent insert near the touch.
    if (n === 0 || key > this.keys[n - 1]!) {
      this.keys.push(key);
      return true;
    }
    this.keys.splice(lowerBound(this.keys, key), 0, key);
    return false;
  }

  /** Remove a price that is on the ladder; true when it was the best. */
  protected removePrice(price: number): boolean {
    const keys = this.keys;
    const key = price * this.sign;
    const n = keys.length;
    // Deletes are mostly at the touch: check the end first.
    const idx = n > 0 && keys[n - 1] === key ? n - 1 : lowerBound(keys, key);
    keys.splice(idx, 1);
    return idx === n - 1;
  }
}

/** The first index whose key is >= `key`. */
function lowerBound(keys: readonly number[], key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
