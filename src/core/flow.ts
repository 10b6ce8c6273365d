// Taker-flow signal: taker buy vs sell volume over a sliding window, the buy/sell ratio smoothed by an
// EMA, acted on past a threshold in either direction, and a chosen side held for a minimum time.
// Floats are fine here: this is a signal, not money. Amortised O(1) per trade, no allocation per trade
// beyond the ring slots.
import type { Side } from '../domain/side.js';
import type { SideMode } from '../config/settings.js';

/** Ratio bounds when one side of the window is empty (a finite stand-in for infinity). */
export const MAX_RATIO = 100;

export type FlowDirection = 'buy' | 'sell' | null;

export interface FlowParams {
  tradeLookbackSec: number;
  imbalanceEmaAlpha: number;
  imbalanceThreshold: number;
  minSideHoldSec: number;
  sideMode: SideMode;
}

export class FlowSignal {
  private ts: number[] = [];
  private qty: number[] = [];
  private buy: boolean[] = [];
  private head = 0;
  private buyVol = 0;
  private sellVol = 0;
  /** EMA of buy/sell ratio; null until the first trade. */
  ema: number | null = null;
  /** Side we quote (from flow); null until the flow first passes the threshold. */
  side: Side | null = null;
  sideSince = 0;
  /** Whether the current side is backed by the flow right now (vs merely held). */
  fresh = false;

  constructor(private readonly p: FlowParams) {}

  /** Feed one public trade. Returns true when the chosen side changed. */
  onTrade(takerBuy: boolean, quantity: number, tsMs: number): boolean {
    if (!(quantity > 0) || !Number.isFinite(quantity)) return false;
    this.ts.push(tsMs);
    this.qty.push(quantity);
    this.buy.push(takerBuy);
    if (takerBuy) this.buyVol += quantity;
    else this.sellVol += quantity;
    this.evict(tsMs);
    const r = this.ratio();
    if (r !== null) {
      const a = this.p.imbalanceEmaAlpha;
      this.ema = this.ema === null ? r : a * r + (1 - a) * this.ema;
    }
    return this.evaluate(tsMs);
  }

  /** Re-evaluate the side at a time without a trade (hold expiry). Returns true when the side changed. */
  evaluate(nowMs: number): boolean {
    const dir = this.direction();
    const want = dir === null ? null : sideFor(dir, this.p.sideMode);
    this.fresh = want !== null && want === this.side;
    if (want === null || want === this.side) return false;
    if (this.side !== null && nowMs - this.sideSince < this.p.minSideHoldSec * 1000) return false;
    this.side = want;
    this.sideSince = nowMs;
    this.fresh = true;
    return true;
  }

  direction(): FlowDirection {
    if (this.ema === null) return null;
    const t = this.p.imbalanceThreshold;
    if (this.ema >= t) return 'buy';
    if (this.ema <= 1 / t) return 'sell';
    return null;
  }

  /** Raw window volumes (after evicting trades older than the lookback at `nowMs`). */
  volumes(nowMs: number): { buy: number; sell: number } {
    this.evict(nowMs);
    return { buy: this.buyVol, sell: this.sellVol };
  }

  private ratio(): number | null {
    const b = this.buyVol;
    const s = this.sellVol;
    if (b <= 0 && s <= 0) return null;
    if (s <= 0) return MAX_RATIO;
    if (b <= 0) return 1 / MAX_RATIO;
    return Math.min(MAX_RATIO, Math.max(1 / MAX_RATIO, b / s));
  }

  private evict(nowMs: number): void {
    const cutoff = nowMs - this.p.tradeLookbackSec * 1000;
    while (this.head < this.ts.length && this.ts[this.head]! <= cutoff) {
      const q = this.qty[this.head]!;
      if (this.buy[this.head]) this.buyVol -= q;
      else this.sellVol -= q;
      this.head++;
    }
    if (this.head === this.ts.length) {
      // Window empty: reset sums exactly (no float drift) and the arrays.
      this.buyVol = 0;
      this.sellVol = 0;
    }
    if (this.head > 1024 && this.head * 2 > this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.qty = this.qty.slice(this.head);
      this.buy = this.buy.slice(this.head);
      this.head = 0;
    } else if (this.head === this.ts.length && this.head > 0) {
      this.ts.length = 0;
      this.qty.length = 0;
      this.buy.length = 0;
      this.head = 0;
    }
  }
}

/** 'with': takers buying -> we sell to them (Ask), as the original. 'against': the other side. */
export function sideFor(dir: 'buy' | 'sell', mode: SideMode): Side {
  const withSide: Side = dir === 'buy' ? 'Ask' : 'Bid';
  return mode === 'with' ? withSide : withSide === 'Ask' ? 'Bid' : 'Ask';
}
