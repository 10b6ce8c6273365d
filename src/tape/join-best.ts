// Fill rate of a join-best quote, from a market's public stream (trades and best bid/ask), the same for a
// real tape and for the synthetic market (docs/TAPES.md):
// - every `cadenceSec` of local time a hypothetical 1-lot bid joins the best bid and a 1-lot ask the best
//   ask, behind the displayed size there (its queue ahead Q); it never moves afterwards;
// - it is filled when, within `windowSec` (before placed + windowSec), a taker trades through its price (a sell below the bid, a buy
//   above the ask), or takers on that side trade more than Q at its price;
// - Q falls to the displayed size at its price whenever a best bid/ask shows that price with less
//   (cancels are taken to be ahead only when they must be: hftbacktest's risk-averse queue model);
// - the rate is filled / placed over quotes whose window ends by the last trade.
// Streaming: at most windowSec / cadenceSec quotes per side are alive. Pure.
import type { TapeEvent } from './types.js';

interface Quote {
  t: number;
  /** +1 bid (filled by sellers), -1 ask (filled by buyers). */
  side: 1 | -1;
  price: number;
  ahead: number;
  filled: boolean;
}

export interface JoinBestResult {
  windowSec: number;
  cadenceSec: number;
  quotes: number;
  filled: number;
  /** filled / quotes; null without quotes. */
  rate: number | null;
}

export class JoinBestTracker {
  private readonly live: Quote[] = [];
  /** Quotes whose outcome is known, waiting for the span check (their window's end). */
  private readonly done: Quote[] = [];
  private nextAt: number | null = null;
  private bid: { px: number; qty: number } | null = null;
  private ask: { px: number; qty: number } | null = null;
  private quotes = 0;
  private filled = 0;
  private readonly windowUs: number;
  private readonly cadenceUs: number;

  constructor(
    readonly windowSec = 10,
    readonly cadenceSec = 1,
  ) {
    this.windowUs = Math.round(windowSec * 1e6);
    this.cadenceUs = Math.round(cadenceSec * 1e6);
  }

  add(e: TapeEvent): void {
    if (e.type === 'bbo') this.onBbo(e.localUs, e.hasBid ? e.bidPx : null, e.bidQty, e.hasAsk ? e.askPx : null, e.askQty);
    else if (e.type === 'trade' && e.side !== null) this.onTrade(e.localUs, e.price, e.qty, e.side === 'sell' ? 1 : -1);
    else if (e.type === 'gap' && e.lost.includes('bbo')) {
      // The book is unknown: quotes alive cannot be judged, and none is placed until a new best bid/ask.
      this.live.length = 0;
      this.bid = this.ask = null;
    }
  }

  /** A best bid/ask at time t (µs); null price: that side is empty. */
  onBbo(t: number, bidPx: number | null, bidQty: number, askPx: number | null, askQty: number): void {
    this.place(t);
    this.bid = bidPx === null ? null : { px: bidPx, qty: bidQty };
    this.ask = askPx === null ? null : { px: askPx, qty: askQty };
    for (const q of this.live) {
      const shown = q.side === 1 ? this.bid : this.ask;
      if (shown !== null && shown.px === q.price && shown.qty < q.ahead) q.ahead = shown.qty;
    }
    if (this.nextAt === null && this.bid !== null && this.ask !== null) this.nextAt = t + this.cadenceUs;
  }

  /** A public trade at time t (µs); hits = +1 when the taker sold (hits bids), -1 when it bought. */
  onTrade(t: number, price: number, qty: number, hits: 1 | -1): void {
    this.place(t);
    for (const q of this.live) {
      if (q.filled || q.side !== hits) continue;
      if (q.side === 1 ? price < q.price : price > q.price) q.filled = true;
      else if (price === q.price) {
        q.ahead -= qty;
        if (q.ahead < 0) q.filled = true;
      }
    }
    this.settle(t);
  }

  /** Quotes due by time t join at the best bid/ask known then. */
  private place(t: number): void {
    while (this.nextAt !== null && this.nextAt <= t) {
      const at = this.nextAt;
      this.nextAt += this.cadenceUs;
      this.expire(at);
      if (this.bid !== null) this.live.push({ t: at, side: 1, price: this.bid.px, ahead: this.bid.qty, filled: false });
      if (this.ask !== null) this.live.push({ t: at, side: -1, price: this.ask.px, ahead: this.ask.qty, filled: false });
    }
    this.expire(t);
  }

  /** Quotes whose window closed by t leave the live set (the window is [placed, placed + windowSec)). */
  private expire(t: number): void {
    let k = 0;
    for (const q of this.live) {
      if (q.t + this.windowUs <= t) this.done.push(q);
      else this.live[k++] = q;
    }
    this.live.length = k;
  }

  /** Count finished quotes whose window ends at or before the trade at t (the span reaches that far). */
  private settle(t: number): void {
    let k = 0;
    for (const q of this.done) {
      if (q.t + this.windowUs <= t) {
        this.quotes++;
        if (q.filled) this.filled++;
      } else this.done[k++] = q;
    }
    this.done.length = k;
  }

  result(): JoinBestResult {
    return {
      windowSec: this.windowSec,
      cadenceSec: this.cadenceSec,
      quotes: this.quotes,
      filled: this.filled,
      rate: this.quotes > 0 ? this.filled / this.quotes : null,
    };
  }
}
