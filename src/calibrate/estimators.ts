// Streaming estimators for the calibration profile (src/calibrate/profile.ts). Pure, bounded memory.
import { QuantileSketch } from '../tape/sketch.js';

/**
 * A log-normal fitted by quantiles: the median, and the log-sd from the interquartile range (a normal's
 * IQR is 1.349 sd). Robust where moments are not: a tape's moves and sizes mix a mass of one-tick or
 * one-lot values with a heavy upper tail, which would make the log-sd of the moments several times larger
 * than the body's.
 */
export class LogFit {
  private readonly q = new QuantileSketch();
  add(x: number): void {
    if (x > 0 && Number.isFinite(x)) this.q.add(x);
  }
  /** {median, logSd}; null without samples. */
  fit(): { median: number; logSd: number } | null {
    const m = this.q.median();
    const lo = this.q.quantile(0.25);
    const hi = this.q.quantile(0.75);
    if (m === null || lo === null || hi === null) return null;
    return { median: m, logSd: Math.log(hi / lo) / 1.349 };
  }
}

export class WindowCounts {
  private start: number | null = null;
  private count = 0;
  private n = 0;
  private sum = 0;
  private sum2 = 0;
  constructor(private readonly us: number) {}
  add(t: number): void {
    this.roll(t);
    this.count++;
  }
  roll(t: number): void {
    if (this.start === null) this.start = t;
    while (t >= this.start + this.us) {
      this.n++;
      this.sum += this.count;
      this.sum2 += this.count * this.count;
      this.count = 0;
      this.start += this.us;
    }
  }
  /** Variance / mean of the counts of closed windows; null if too few. */
  fano(): number | null {
    if (this.n < 5 || this.sum === 0) return null;
    const m = this.sum / this.n;
    return (this.sum2 / this.n - m * m) / m;
  }
}

/**
 * Volatility of the mid on a 1 s grid: the root mean square of log returns over 1 s, 10 s and 60 s
 * (overlapping windows), in bp. Not demeaned: on minutes of data the mean return is a move, not a drift.
 */
export class VolGrid {
  private gridAt: number | null = null;
  private readonly grid: number[] = [];
  private readonly sum = new Map<number, number>([[1, 0], [10, 0], [60, 0]]);
  private readonly n = new Map<number, number>([[1, 0], [10, 0], [60, 0]]);

  /** The mid held until t (µs): record it at every whole second passed. */
  at(t: number, mid: number): void {
    if (this.gridAt === null) this.gridAt = t;
    while (this.gridAt + 1_000_000 <= t) {
      this.gridAt += 1_000_000;
      this.grid.push(mid);
      const k = this.grid.length;
      for (const h of [1, 10, 60]) {
        if (k <= h) continue;
        const r = Math.log(this.grid[k - 1]! / this.grid[k - 1 - h]!) * 1e4;
        this.sum.set(h, this.sum.get(h)! + r * r);
        this.n.set(h, this.n.get(h)! + 1);
      }
      if (k > 61) this.grid.shift();
    }
  }

  /** RMS log return over h seconds (1, 10 or 60), bp; null with too few windows. */
  bps(h: number): number | null {
    const n = this.n.get(h) ?? 0;
    return n > 10 ? Math.sqrt(this.sum.get(h)! / n) : null;
  }
}
