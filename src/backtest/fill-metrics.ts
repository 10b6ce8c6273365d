// What every backtest reports about its own fills, synthetic or tape (docs/BACKTEST.md "Fill metrics").
// The exchange side feeds it, at venue time: every best bid/ask change (or a loss of it), every order
// accepted and finished, every fill of ours. Definitions:
// - markoutBps {1s, 10s, 60s}: the tapes' maker markout (src/tape/markout.ts, the same code) of OUR maker
//   fills: mid m from the latest best bid/ask at or before t + h; bought: (m - p)/p x 1e4, sold: (p - m)/p
//   x 1e4; the mean over our maker fills with t + h inside the run. Negative = adverse selection.
// - fillsPerMinute: our fills (maker and taker) per minute of the run.
// - meanQueueWaitMs: over our orders whose first fill was a maker fill, the mean time from the order's
//   acceptance at the venue to that first fill.
// - costPer1M {fees, spread, adverse, inventory, total}, per $1M of our volume V, positive = a cost. For a
//   fill i of signed quantity s_i q_i (+ bought) at price p_i, with m_i the mid at the fill and m_i^H the
//   mid H = 10 s later (the latest at or before t_i + H; the last known mid when the run ends first):
//     spread    = -sum s_i q_i (m_i - p_i)      x 1e6/V   what the fills earned against the mid
//     adverse   = -sum s_i q_i (m_i^H - m_i)    x 1e6/V   how far the mid moved against them within H
//     fees      =  sum fee_i                    x 1e6/V
//     total     = -net PnL                      x 1e6/V   (the report's costPerMillion)
//     inventory = total - fees - spread - adverse: the rest, i.e. holding the position from t_i + H to the
//                 end valued at the final mark, plus funding. Each part is rounded to 4 dp first, so the
//                 four add up to total exactly. A fill while the mid is unknown (a gap) earns no spread or
//                 adverse part: all of it lands in inventory.
// Memory: per symbol the fills of the last 60 s (markout) and 10 s (adverse) and the live orders.
import { DEFAULT_HORIZONS_SEC, MarkoutTracker } from '../tape/markout.js';
import { D, type Decimal, ZERO } from '../util/decimal.js';

/** The cost split's horizon for adverse selection. */
export const ADVERSE_HORIZON_SEC = 10;

export interface CostPer1M {
  fees: string;
  spread: string;
  adverse: string;
  inventory: string;
  total: string;
}

export interface FillMetricsResult {
  markoutBps: Record<string, number | null>;
  /** Maker fills counted per markout horizon. */
  markoutFills: Record<string, number>;
  fillsPerMinute: number;
  meanQueueWaitMs: number | null;
  /** Orders that meanQueueWaitMs averages over. */
  queueWaitOrders: number;
  /** Null before any volume. */
  costPer1M: CostPer1M | null;
}

interface Pending {
  due: number;
  sign: number;
  qty: Decimal;
  mid2: number;
}

/** One market's fills, prices in its integer price units (mids as bid + ask, i.e. twice the mid). */
export class SymbolFills {
  readonly markout = new MarkoutTracker(DEFAULT_HORIZONS_SEC);
  private mid2: number | null = null;
  private lastMid2: number | null = null;
  private readonly pending: Pending[] = [];
  private head = 0;
  /** sum s q (m - p) and sum s q (m^H - m), in quote. */
  spread: Decimal = ZERO;
  adverse: Decimal = ZERO;
  private readonly accepted = new Map<string, number>();
  waitSumUs = 0;
  waits = 0;
  private readonly unit: Decimal;

  constructor(priceScale: number) {
    this.unit = D(10).pow(-priceScale).div(2);
  }

  /** Best bid/ask at venue time t (µs), in price units; null when a side is missing. */
  mid(t: number, bidU: number | null, askU: number | null): void {
    const m2 = bidU === null || askU === null ? null : bidU + askU;
    if (m2 === this.mid2) return;
    this.resolveBefore(t);
    this.markout.onMid(t, m2 === null ? null : m2 / 2);
    this.mid2 = m2;
    if (m2 !== null) this.lastMid2 = m2;
  }

  /** Best bid/ask data was lost at t: markouts waiting are dropped, the mid is unknown until the next. */
  gap(t: number): void {
    this.resolveBefore(t);
    this.markout.onGap(t);
    this.mid2 = null;
  }

  accept(orderId: string, t: number): void {
    this.accepted.set(orderId, t);
  }

  /** The order is finished (filled, cancelled, expired). */
  done(orderId: string): void {
    this.accepted.delete(orderId);
  }

  fill(orderId: string, t: number, bought: boolean, priceU: number, price: Decimal, qty: Decimal, isMaker: boolean): void {
    const since = this.accepted.get(orderId);
    if (since !== undefined) {
      // Only the first fill counts; a taker first fill never waited in a queue.
      this.accepted.delete(orderId);
      if (isMaker) {
        this.waitSumUs += t - since;
        this.waits++;
      }
    }
    this.resolveBefore(t);
    if (isMaker) this.markout.onFill(t, priceU, bought ? 'buy' : 'sell');
    if (this.mid2 === null) return;
    const signed = bought ? qty : qty.neg();
    this.spread = this.spread.add(signed.mul(this.midDec(this.mid2).sub(price)));
    this.pending.push({ due: t + ADVERSE_HORIZON_SEC * 1e6, sign: bought ? 1 : -1, qty, mid2: this.mid2 });
  }

  /** Adverse parts still open at the end use the last known mid. */
  finish(): void {
    while (this.head < this.pending.length) this.resolve(this.pending[this.head++]!, this.lastMid2);
  }

  /** A new mid at t: every pending fill due strictly before t had the current mid as its latest. */
  private resolveBefore(t: number): void {
    const p = this.pending;
    while (this.head < p.length && p[this.head]!.due < t) this.resolve(p[this.head++]!, this.lastMid2);
    if (this.head > 1024 && this.head * 2 > p.length) {
      p.splice(0, this.head);
      this.head = 0;
    }
  }

  private resolve(f: Pending, mid2: number | null): void {
    if (mid2 === null || mid2 === f.mid2) return;
    const move = this.midDec(mid2).sub(this.midDec(f.mid2)).mul(f.qty);
    this.adverse = this.adverse.add(f.sign > 0 ? move : move.neg());
  }

  private midDec(mid2: number): Decimal {
    return this.unit.mul(mid2);
  }
}

export class FillMetrics {
  private readonly bySymbol = new Map<string, SymbolFills>();

  market(symbol: string, priceScale: number): SymbolFills {
    let s = this.bySymbol.get(symbol);
    if (!s) {
      s = new SymbolFills(priceScale);
      this.bySymbol.set(symbol, s);
    }
    return s;
  }

  get(symbol: string): SymbolFills | undefined {
    return this.bySymbol.get(symbol);
  }

  /**
   * The figures at the end of a run of `spanMs` ending at `endUs` (venue time), given the core's own
   * totals (volume, fees and net PnL from its ledger: the split's total is the report's cost per $1M).
   */
  result(endUs: number, spanMs: number, core: { fills: number; volume: Decimal; fees: Decimal; netPnl: Decimal }): FillMetricsResult {
    let spread = ZERO;
    let adverse = ZERO;
    let waitSum = 0;
    let waits = 0;
    const sums: Record<string, number> = {};
    const counts: Record<string, number> = {};
    for (const s of this.bySymbol.values()) {
      s.finish();
      spread = spread.add(s.spread);
      adverse = adverse.add(s.adverse);
      waitSum += s.waitSumUs;
      waits += s.waits;
      const m = s.markout.result(endUs);
      for (const [h, v] of Object.entries(m.bps)) {
        const n = m.fills[h] ?? 0;
        sums[h] = (sums[h] ?? 0) + (v === null ? 0 : v * n);
        counts[h] = (counts[h] ?? 0) + n;
      }
    }
    const markoutBps: Record<string, number | null> = {};
    for (const h of DEFAULT_HORIZONS_SEC.map((x) => `${x}s`)) markoutBps[h] = (counts[h] ?? 0) > 0 ? round(sums[h]! / counts[h]!, 4) : null;
    const markoutFills: Record<string, number> = {};
    for (const h of Object.keys(markoutBps)) markoutFills[h] = counts[h] ?? 0;
    return {
      markoutBps,
      markoutFills,
      fillsPerMinute: spanMs > 0 ? round(core.fills / (spanMs / 60_000), 4) : 0,
      meanQueueWaitMs: waits > 0 ? round(waitSum / waits / 1000, 3) : null,
      queueWaitOrders: waits,
      costPer1M: costSplit(core.volume, core.fees, core.netPnl, spread, adverse),
    };
  }
}

function costSplit(volume: Decimal, fees: Decimal, net: Decimal, spread: Decimal, adverse: Decimal): CostPer1M | null {
  if (!volume.gt(0)) return null;
  const per = (x: Decimal) => x.mul(1e6).div(volume).toDecimalPlaces(4);
  const f = per(fees);
  const s = per(spread.neg());
  const a = per(adverse.neg());
  const total = per(net.neg());
  const inv = total.sub(f).sub(s).sub(a);
  return { fees: f.toFixed(), spread: s.toFixed(), adverse: a.toFixed(), inventory: inv.toFixed(), total: total.toFixed() };
}

const round = (x: number, dp: number): number => Math.round(x * 10 ** dp) / 10 ** dp;
