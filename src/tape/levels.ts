// One side of a price-level book in integer units (price -> displayed quantity), for rebuilding tapes, on
// the same price ladder as the live client's book (whose quantities are wire strings).
import { PriceLadder } from '../util/price-ladder.js';

export class LevelSide extends PriceLadder<number> {
  /** Quantity at the best price, 0 when empty. */
  bestQty(): number {
    const n = this.keys.length;
    return n === 0 ? 0 : this.qty.get(this.keys[n - 1]! * this.sign)!;
  }
  /** Displayed quantity at a price (0 if no level). */
  qtyAt(price: number): number {
    return this.qty.get(price) ?? 0;
  }
  /** Set the absolute quantity at a price; 0 removes the level. */
  set(price: number, q: number): void {
    const had = this.qty.has(price);
    if (q === 0) {
      if (!had) return;
      this.qty.delete(price);
      this.removePrice(price);
      return;
    }
    this.qty.set(price, q);
    if (!had) this.insertPrice(price);
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
