// Quantile sketches with bounded memory, for statistics over streams of any length. Values fall into bins;
// a bin counts each of its first 16 distinct values exactly (so the quantiles of discrete values — sizes
// in steps, spreads in ticks — are exact) and beyond that keeps only its count and range (a quantile is
// then within the bin's width). Memory grows with the spread of the values, never with the stream's
// length. Pure.
//   QuantileSketch: non-negative values, logarithmic bins of relative width 1e-4 (within 0.01 %).
//   LinearSketch:   any values (also negative), bins of a fixed width.

interface Bin {
  n: number;
  lo: number;
  hi: number;
  /** The distinct values and their counts while there are few; null once there were more than MAX_DISTINCT. */
  vals: number[] | null;
  counts: number[];
}

const MAX_DISTINCT = 16;

abstract class BinnedSketch {
  private readonly bins = new Map<number, Bin>();
  /** The last value and its bin: streams repeat values far more often than not. */
  private lastX = NaN;
  private lastBin: Bin | null = null;
  count = 0;

  protected abstract key(x: number): number;
  protected abstract accepts(x: number): boolean;

  add(x: number): void {
    if (!Number.isFinite(x) || !this.accepts(x)) return;
    this.count++;
    let b: Bin | undefined;
    if (x === this.lastX) b = this.lastBin!;
    else {
      const k = this.key(x);
      b = this.bins.get(k);
      this.lastX = x;
      if (b === undefined) {
        this.bins.set(k, (this.lastBin = { n: 1, lo: x, hi: x, vals: [x], counts: [1] }));
        return;
      }
      this.lastBin = b;
      if (x < b.lo) b.lo = x;
      if (x > b.hi) b.hi = x;
    }
    b.n++;
    const v = b.vals;
    if (v === null) return;
    const i = v.indexOf(x);
    if (i >= 0) b.counts[i]!++;
    else if (v.length < MAX_DISTINCT) {
      v.push(x);
      b.counts.push(1);
    } else {
      b.vals = null;
      b.counts = [];
    }
  }

  /** The median (the mean of the two middle values for an even count); null without samples. */
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
    return this.bins.size;
  }

  private atRank(rank: number): number {
    let seen = 0;
    let last: Bin | null = null;
    for (const k of [...this.bins.keys()].sort((a, b) => a - b)) {
      const b = this.bins.get(k)!;
      last = b;
      if (seen + b.n >= rank) {
        const v = b.vals;
        if (v === null) return (b.lo + b.hi) / 2;
        // Few distinct values: walk them in order for the exact one.
        const order = v.map((_, i) => i).sort((p, q) => v[p]! - v[q]!);
        for (const i of order) {
          seen += b.counts[i]!;
          if (seen >= rank) return v[i]!;
        }
      }
      seen += b.n;
    }
    return last ? last.hi : 0;
  }
}

const LOG_BASE = Math.log1p(1e-4);
const INV_LOG_BASE = 1 / LOG_BASE;

export class QuantileSketch extends BinnedSketch {
  protected accepts(x: number): boolean {
    return x >= 0;
  }
  protected key(x: number): number {
    return x === 0 ? -Infinity : Math.floor(Math.log(x) * INV_LOG_BASE);
  }
}

export class LinearSketch extends BinnedSketch {
  constructor(private readonly width: number) {
    super();
  }
  protected accepts(): boolean {
    return true;
  }
  protected key(x: number): number {
    return Math.floor(x / this.width);
  }
}
