// Maker markout (docs/TAPES.md, after the tapes README): for a fill of a maker at price p and time t, the
// mid m from the latest best bid/ask at or before t + h; the maker's markout is (m - p)/p x 1e4 bp when it
// bought and (p - m)/p x 1e4 when it sold; the mean over fills with t + h inside the observed span.
// Negative: the price moved against the maker (adverse selection).
//
// Streaming, for `tape stats` (every public trade, the maker being the taker's other side) and for backtest
// reports (our own fills) alike: feed mids and fills in time order; a fill waits in a per-horizon queue
// until a mid newer than t + h arrives (the one before it is then the answer), so memory is bounded by the
// fills of one horizon, not by the run. A loss of best-bid/ask data (a gap) drops the fills whose window
// it falls in, and the mid is unknown until the next update. Pure.

export type MakerSide = 'buy' | 'sell';

export const DEFAULT_HORIZONS_SEC = [1, 10, 60] as const;

interface Pending {
  t: number;
  price: number;
  /** +1 when the maker bought, -1 when it sold. */
  sign: number;
}

interface Resolved {
  /** t + h */
  due: number;
  bps: number;
}

class Horizon {
  readonly pending: Pending[] = [];
  head = 0;
  readonly resolved: Resolved[] = [];
  rhead = 0;
  sum = 0;
  n = 0;
  /** Fills whose window had no mid or fell across a gap. */
  dropped = 0;
  constructor(
    readonly label: string,
    readonly us: number,
  ) {}
}

export interface MarkoutResult {
  /** Mean markout in bp per horizon label ("1s", "10s", "60s"); null when no fill qualified. */
  bps: Record<string, number | null>;
  /** Fills counted per horizon. */
  fills: Record<string, number>;
}

export class MarkoutTracker {
  private readonly horizons: Horizon[];
  private mid: number | null = null;
  private lastT = -Infinity;

  constructor(horizonsSec: readonly number[] = DEFAULT_HORIZONS_SEC) {
    this.horizons = horizonsSec.map((h) => new Horizon(`${h}s`, Math.round(h * 1e6)));
  }

  /** A new best bid/ask at time t (µs); null when either side is missing. */
  onMid(t: number, mid: number | null): void {
    this.clock(t);
    // Resolve fills whose t + h is strictly before this update: the mid before it was the latest at t + h.
    for (const h of this.horizons) {
      while (h.head < h.pending.length && h.pending[h.head]!.t + h.us < t) this.resolve(h, h.pending[h.head++]!);
      compact(h);
    }
    this.mid = mid;
  }

  /** A maker fill at time t (µs). */
  onFill(t: number, price: number, maker: MakerSide): void {
    this.clock(t);
    this.commit(t);
    const sign = maker === 'buy' ? 1 : -1;
    for (const h of this.horizons) h.pending.push({ t, price, sign });
  }

  /** Best bid/ask data was lost at time t: fills still waiting cannot be measured, the mid is unknown. */
  onGap(t: number): void {
    this.clock(t);
    for (const h of this.horizons) {
      h.dropped += h.pending.length - h.head;
      h.pending.length = 0;
      h.head = 0;
    }
    this.mid = null;
  }

  /**
   * Fills with t + h <= end count (end: the last trade's time for a tape, the run's end for a backtest).
   * Call once, after the last event.
   */
  result(end: number): MarkoutResult {
    const bps: Record<string, number | null> = {};
    const fills: Record<string, number> = {};
    for (const h of this.horizons) {
      // No newer mid will come: the current one is the latest at or before every pending t + h.
      while (h.head < h.pending.length) this.resolve(h, h.pending[h.head++]!);
      let sum = h.sum;
      let n = h.n;
      for (let i = h.rhead; i < h.resolved.length; i++) {
        const r = h.resolved[i]!;
        if (r.due <= end) {
          sum += r.bps;
          n++;
        }
      }
      bps[h.label] = n > 0 ? sum / n : null;
      fills[h.label] = n;
    }
    return { bps, fills };
  }

  private clock(t: number): void {
    if (t < this.lastT) throw new RangeError(`markout: time went backwards (${t} after ${this.lastT})`);
    this.lastT = t;
  }

  /**
   * Count resolved markouts whose t + h is at or before the fill time t: the span ends at the last fill or
   * later, so they are inside it. (Mids do not extend the span: a tape's span is its trades'.)
   */
  private commit(t: number): void {
    for (const h of this.horizons) {
      while (h.rhead < h.resolved.length && h.resolved[h.rhead]!.due <= t) {
        h.sum += h.resolved[h.rhead]!.bps;
        h.n++;
        h.rhead++;
      }
      if (h.rhead > 1024 && h.rhead * 2 > h.resolved.length) {
        h.resolved.splice(0, h.rhead);
        h.rhead = 0;
      }
    }
  }

  private resolve(h: Horizon, f: Pending): void {
    if (this.mid === null) {
      h.dropped++;
      return;
    }
    h.resolved.push({ due: f.t + h.us, bps: (f.sign * (this.mid - f.price) * 1e4) / f.price });
  }
}

/** Drop consumed queue heads now and then (amortised O(1) per fill). */
function compact(h: Horizon): void {
  if (h.head > 1024 && h.head * 2 > h.pending.length) {
    h.pending.splice(0, h.head);
    h.head = 0;
  }
}
