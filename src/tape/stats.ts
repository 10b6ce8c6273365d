// The statistics of a market's event stream (`tape stats`, and later the synthetic market's own stream):
// one streaming pass, memory flat in the stream's length. Definitions (docs/TAPES.md), local time throughout:
// - durationSec: last event's local time minus the first's.
// - tradesPerSec: trades / (last trade's local time - first trade's).
// - spreadBpsMedian: median over bbo updates (both sides present) of (ask - bid) / mid x 1e4.
// - touchDepthMedian: median displayed size at the best bid and at the best ask over bbo updates (each
//   update gives one bid and one ask sample to `both`), in the tape's quantity unit.
// - touchMarkoutBps: maker markout of every public trade (the maker is the taker's other side), src/tape/markout.ts,
//   at 1 s, 10 s, 60 s, over trades with t + h at or before the last trade.
// - joinBest: fill rate within 10 s of a 1-lot quote joining the best bid/ask every second, src/tape/join-best.ts.
// - localMinusExchangeMsMedian: median of local - exchange time over events that carry both (feed latency
//   plus the clocks' offset).
import { JoinBestTracker, type JoinBestResult } from './join-best.js';
import { MarkoutTracker, type MarkoutResult } from './markout.js';
import { LinearSketch, QuantileSketch } from './sketch.js';
import type { TapeEvent, TapeEventType, TapeHeader } from './types.js';

export interface TapeStatsResult {
  venue: string;
  symbol: string;
  market: string;
  qtyUnit: string;
  durationSec: number;
  events: number;
  counts: Record<TapeEventType, number>;
  gaps: Record<string, number>;
  trades: number;
  tradeSpanSec: number;
  tradesPerSec: number;
  /** Traded quantity in the tape's quantity unit (a float: a statistic, not money). */
  volume: number;
  spreadBpsMedian: number | null;
  touchDepthMedian: { bid: number | null; ask: number | null; both: number | null };
  touchMarkoutBps: MarkoutResult['bps'];
  markoutTrades: MarkoutResult['fills'];
  joinBest: JoinBestResult;
  localMinusExchangeMsMedian: number | null;
}

export class TapeStats {
  private readonly counts: Record<TapeEventType, number> = { snapshot: 0, diff: 0, trade: 0, bbo: 0, mark: 0, gap: 0 };
  private readonly gaps: Record<string, number> = {};
  private events = 0;
  private first: number | null = null;
  private last: number | null = null;
  private firstTrade: number | null = null;
  private lastTrade: number | null = null;
  private volumeUnits = 0;
  private readonly spread = new QuantileSketch();
  private readonly bidDepth = new QuantileSketch();
  private readonly askDepth = new QuantileSketch();
  private readonly bothDepth = new QuantileSketch();
  private readonly markout = new MarkoutTracker();
  private readonly joinBest = new JoinBestTracker();
  /** local - exchange time, µs, in 0.1 ms bins (it can be negative: the clocks differ). */
  private readonly latency = new LinearSketch(100);
  private readonly qtyDiv: number;

  constructor(private readonly header: TapeHeader) {
    this.qtyDiv = 10 ** header.qtyScale;
  }

  add(e: TapeEvent): void {
    this.events++;
    this.counts[e.type]++;
    if (this.first === null) this.first = e.localUs;
    this.last = e.localUs;
    if (e.exchUs !== null) this.latency.add(e.localUs - e.exchUs);
    this.joinBest.add(e);
    switch (e.type) {
      case 'trade':
        if (this.firstTrade === null) this.firstTrade = e.localUs;
        this.lastTrade = e.localUs;
        this.volumeUnits += e.qty;
        // The maker took the other side of the taker: bought when the taker sold.
        if (e.side !== null) this.markout.onFill(e.localUs, e.price, e.side === 'sell' ? 'buy' : 'sell');
        return;
      case 'bbo': {
        if (e.hasBid) {
          this.bidDepth.add(e.bidQty);
          this.bothDepth.add(e.bidQty);
        }
        if (e.hasAsk) {
          this.askDepth.add(e.askQty);
          this.bothDepth.add(e.askQty);
        }
        if (e.hasBid && e.hasAsk) {
          const mid = (e.bidPx + e.askPx) / 2;
          this.spread.add(((e.askPx - e.bidPx) / mid) * 1e4);
          this.markout.onMid(e.localUs, mid);
        } else this.markout.onMid(e.localUs, null);
        return;
      }
      case 'gap':
        this.gaps[e.reason] = (this.gaps[e.reason] ?? 0) + 1;
        if (e.lost.includes('bbo')) this.markout.onGap(e.localUs);
        return;
      default:
        return;
    }
  }

  result(): TapeStatsResult {
    const h = this.header;
    const span = this.firstTrade !== null && this.lastTrade !== null ? (this.lastTrade - this.firstTrade) / 1e6 : 0;
    const trades = this.counts.trade;
    const m = this.markout.result(this.lastTrade ?? -Infinity);
    const qty = (x: number | null): number | null => (x === null ? null : x / this.qtyDiv);
    const lat = this.latency.median();
    return {
      venue: h.venue,
      symbol: h.symbol,
      market: h.market,
      qtyUnit: h.qtyUnit === 'contracts' ? `contracts of ${h.contractSize ?? '?'} ${h.contractCurrency ?? ''}`.trim() : 'base',
      durationSec: this.first !== null && this.last !== null ? (this.last - this.first) / 1e6 : 0,
      events: this.events,
      counts: { ...this.counts },
      gaps: { ...this.gaps },
      trades,
      tradeSpanSec: span,
      tradesPerSec: span > 0 ? trades / span : 0,
      volume: this.volumeUnits / this.qtyDiv,
      spreadBpsMedian: this.spread.median(),
      touchDepthMedian: { bid: qty(this.bidDepth.median()), ask: qty(this.askDepth.median()), both: qty(this.bothDepth.median()) },
      touchMarkoutBps: m.bps,
      markoutTrades: m.fills,
      joinBest: this.joinBest.result(),
      localMinusExchangeMsMedian: lat === null ? null : lat / 1000,
    };
  }

}

