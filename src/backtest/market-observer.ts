// What a backtest measures at the exchange, in exchange time (no feed latency): the synthetic market's own
// public stream through the same statistics `tape stats` computes on a real tape (the report's `market`
// block), and the quality of our own fills (issue 12 section 3): maker markout at 1 s / 10 s / 60 s with
// the tapes' definition (src/tape/markout.ts), fills per minute, the mean wait in the queue from
// acceptance to a maker fill, and cost per $1M split into fees, spread captured, adverse selection and
// inventory:
//   spread    = -(side x (mid at the fill - price) x qty): what the fill gained against the mid (negative cost);
//   adverse   = -(side x (mid 10 s later - mid at the fill) x qty): how the mid moved against it by then;
//   fees      = fees paid;
//   inventory = total - fees - spread - adverse: everything after those 10 s (holding, the exit, funding);
// each per $1M of our volume, positive = paid; total is the report's costPerMillion. Statistics, so floats
// (the money figures of the report stay exact Decimals). Memory: bounded by the fills of 60 s.
import type { SimExchange } from '../sim/exchange.js';
import { PublicTape, simTapeHeader } from '../sim/public-tape.js';
import { MarkoutTracker } from '../tape/markout.js';
import { TapeStats, type TapeStatsResult } from '../tape/stats.js';
import type { TapeEvent } from '../tape/types.js';

export const ADVERSE_HORIZON_SEC = 10;

interface SymbolFills {
  markout: MarkoutTracker;
  mid: number | null;
  /** Fills waiting for the mid ADVERSE_HORIZON_SEC later (qty in base units, mid in price units). */
  pending: Array<{ due: number; sign: number; qty: number; mid: number }>;
  head: number;
  pxDiv: number;
  qtyDiv: number;
}

export interface FillQuality {
  /** Mean maker markout of our maker fills, bp (null without fills). */
  markoutBps: Record<'1s' | '10s' | '60s', number | null>;
  markoutFills: Record<string, number>;
  fillsPerMinute: number;
  /** Mean seconds from an order's acceptance to each of its maker fills. */
  meanQueueWaitSec: number | null;
  costPer1M: { fees: number | null; spread: number | null; adverse: number | null; inventory: number | null; total: number | null };
}

export class MarketObserver {
  private readonly stats = new Map<string, TapeStats>();
  private readonly fills = new Map<string, SymbolFills>();
  private readonly accepted = new Map<string, number>();
  private readonly tape: PublicTape;
  private readonly detach: () => void;
  private fillCount = 0;
  private waitSum = 0;
  private waitN = 0;
  /** USD gained against the mid at the fill, and by the mid's move over the horizon (floats: statistics). */
  private spreadUsd = 0;
  private adverseUsd = 0;
  private readonly startMs: number;

  constructor(
    private readonly ex: SimExchange,
    symbols: readonly string[],
    account: string,
    /** Also hand every public event on (a tape writer: the synthetic market's own recording). */
    forward: ((symbol: string, e: TapeEvent) => void) | null = null,
  ) {
    this.startMs = ex.clock.now();
    for (const s of symbols) {
      const m = ex.market(s);
      if (!m) continue;
      this.stats.set(s, new TapeStats(simTapeHeader(m, { version: 'backtest', command: 'backtest' }, new Date(0).toISOString())));
      this.fills.set(s, { markout: new MarkoutTracker(), mid: null, pending: [], head: 0, pxDiv: 10 ** m.ps.scale, qtyDiv: 10 ** m.qs.scale });
    }
    this.tape = new PublicTape(ex, symbols, (symbol, e) => {
      this.stats.get(symbol)?.add(e);
      forward?.(symbol, e);
      if (e.type !== 'bbo') return;
      const f = this.fills.get(symbol);
      if (!f) return;
      const mid = e.hasBid && e.hasAsk ? (e.bidPx + e.askPx) / 2 : null;
      this.settle(f, e.localUs);
      f.mid = mid;
      f.markout.onMid(e.localUs, mid);
    });
    this.detach = ex.subscribe({
      orderRaw: (acct, type, o, _m, fill, ts) => {
        if (acct !== account) return;
        if (type === 'orderAccepted') this.accepted.set(o.id, ts);
        if (fill) this.onFill(o.symbol, o.id, o.side === 'Bid' ? 1 : -1, fill.price, fill.quantity, fill.isMaker, ts);
        if (o.status === 'Filled' || o.status === 'Cancelled' || o.status === 'Expired') this.accepted.delete(o.id);
      },
    });
  }

  private onFill(symbol: string, orderId: string, sign: number, pricePu: number, qtyQu: number, isMaker: boolean, ts: number): void {
    this.fillCount++;
    const f = this.fills.get(symbol);
    if (!f || f.mid === null) return;
    const us = Math.round(ts * 1000);
    const qty = qtyQu / f.qtyDiv;
    this.spreadUsd += (sign * (f.mid - pricePu) * qty) / f.pxDiv;
    f.pending.push({ due: us + ADVERSE_HORIZON_SEC * 1e6, sign, qty, mid: f.mid });
    if (!isMaker) return;
    f.markout.onFill(us, pricePu, sign > 0 ? 'buy' : 'sell');
    const at = this.accepted.get(orderId);
    if (at !== undefined) {
      this.waitSum += (ts - at) / 1000;
      this.waitN++;
    }
  }

  /** Fills whose horizon ended before t take the mid that held until t. */
  private settle(f: SymbolFills, t: number): void {
    while (f.head < f.pending.length && f.pending[f.head]!.due < t) {
      const p = f.pending[f.head++]!;
      if (f.mid !== null) this.adverseUsd += (p.sign * (f.mid - p.mid) * p.qty) / f.pxDiv;
    }
    if (f.head > 1024 && f.head * 2 > f.pending.length) {
      f.pending.splice(0, f.head);
      f.head = 0;
    }
  }

  stop(): void {
    this.tape.stop();
    this.detach();
  }

  /** The `market` block: tape statistics per symbol. */
  market(): Record<string, TapeStatsResult> {
    const out: Record<string, TapeStatsResult> = {};
    for (const [s, st] of this.stats) out[s] = st.result();
    return out;
  }

  /** Our fills' quality; volume, fees and total cost (USD, positive = paid) from the ledger. */
  fillQuality(volume: number, fees: number, cost: number): FillQuality {
    const now = this.ex.clock.now();
    const endUs = Math.round(now * 1000);
    // Fills whose horizon is still open at the end take the last mid.
    for (const f of this.fills.values()) this.settle(f, Infinity);
    // Pooled over symbols: the mean over all our maker fills, as the tapes' figure is over all trades.
    const n: Record<string, number> = {};
    const sums: Record<string, number> = {};
    for (const f of this.fills.values()) {
      const r = f.markout.result(endUs);
      for (const [h, v] of Object.entries(r.bps)) {
        const k = r.fills[h] ?? 0;
        if (v === null || k === 0) continue;
        sums[h] = (sums[h] ?? 0) + v * k;
        n[h] = (n[h] ?? 0) + k;
      }
    }
    const mk = (h: string) => ((n[h] ?? 0) > 0 ? sums[h]! / n[h]! : null);
    const per = (usd: number) => (volume > 0 ? (usd / volume) * 1e6 : null);
    const minutes = (now - this.startMs) / 60_000;
    const total = per(cost);
    const feesPer = per(fees);
    const spread = per(-this.spreadUsd);
    const adverse = per(-this.adverseUsd);
    const r4 = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);
    return {
      markoutBps: { '1s': mk('1s'), '10s': mk('10s'), '60s': mk('60s') },
      markoutFills: { '1s': n['1s'] ?? 0, '10s': n['10s'] ?? 0, '60s': n['60s'] ?? 0 },
      fillsPerMinute: minutes > 0 ? this.fillCount / minutes : 0,
      meanQueueWaitSec: this.waitN > 0 ? this.waitSum / this.waitN : null,
      costPer1M: {
        fees: r4(feesPer),
        spread: r4(spread),
        adverse: r4(adverse),
        inventory: total === null || feesPer === null || spread === null || adverse === null ? null : r4(total - feesPer - spread - adverse),
        total: r4(total),
      },
    };
  }
}
