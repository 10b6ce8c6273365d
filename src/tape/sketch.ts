// Quantile sketches with bounded memory, for statistics over streams of any length. QuantileSketch (non-
// negative values): logarithmic bins of relative width 1e-4 (exact zeros apart), so a quantile is within
// 0.01 % of the true value whatever the number of samples, and memory grows only with the spread of the
// values (a few thousand bins for a tape's spreads or touch sizes), never with the stream's length. Pure.

const REL = 1e-4;
const LOG_BASE = Math.log1p(REL);
const INV_LOG_BASE = 1 / LOG_BASE;

interface Bin {
  n: number;
  lo: number;
  hi: number;
}

export class QuantileSketch {
  private readonly bins = new Map<number, Bin>();
  private zeros = 0;
  /** The last value and its bin: streams repeat values (touch sizes, spreads) far more often than not. */
  private lastX = NaN;
  private lastBin: Bin | null = null;
  count = 0;

  add(x: number): void {
    if (!(x >= 0) || !Number.isFinite(x)) return;
    this.count++;
    if (x === 0) {
      this.zeros++;
      return;
    }
    if (x === this.lastX) {
      this.lastBin!.n++;
      return;
    }
    const k = Math.floor(Math.log(x) * INV_LOG_BASE);
    const b = this.bins.get(k);
    this.lastX = x;
    if (b === undefined) this.bins.set(k, (this.lastBin = { n: 1, lo: x, hi: x }));
    else {
      this.lastBin = b;
      b.n++;
      if (x < b.lo) b.lo = x;
      if (x > b.hi) b.hi = x;
    }
  }

  /**
   * The median (the mean of the two middle values for an even count); null without samples. Exact when the
   * middle values' bins hold one distinct value each (integer sizes always do), else within 0.01 %.
   */
  median(): number | null {
    const n = this.count;
    if (n === 0) return null;
    if (n % 2 === 1) return this.atRank((n + 1) / 2);
    return (this.atRank(n / 2) + this.atRank(n / 2 + 1)) / 2;
  }

  /** The q-quantile (0..1) by nearest rank; null without samples. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    return this.atRank(Math.min(this.count, Math.max(1, Math.ceil(q * this.count))));
  }

  /** Bins in use (memory, for tests). */
  get size(): number {
    return this.bins.size + (this.zeros > 0 ? 1 : 0);
  }

  private atRank(rank: number): number {
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    const keys = [...this.bins.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      const b = this.bins.get(k)!;
      seen += b.n;
      // One distinct value: exact; else the bin's geometric middle, within REL/2 of every value in it.
      if (seen >= rank) return b.lo === b.hi ? b.lo : Math.min(b.hi, Math.max(b.lo, Math.exp((k + 0.5) * LOG_BASE)));
    }
    return this.bins.size > 0 ? this.bins.get(keys[keys.length - 1]!)!.hi : 0;
  }
}

/** Quantiles of any (also negative) values in fixed-width bins: exact to half a bin. */
export class LinearSketch {
  private readonly bins = new Map<number, number>();
  count = 0;
  constructor(private readonly width: number) {}

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    this.count++;
    const k = Math.floor(x / this.width);
    this.bins.set(k, (this.bins.get(k) ?? 0) + 1);
  }

  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.min(this.count, Math.max(1, Math.ceil(q * this.count)));
    let seen = 0;
    for (const k of [...this.bins.keys()].sort((a, b) => a - b)) {
      seen += this.bins.get(k)!;
      if (seen >= rank) return (k + 0.5) * this.width;
    }
    return null;
  }

  median(): number | null {
    return this.quantile(0.5);
  }
}
