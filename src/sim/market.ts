// Runtime state of one simulated market: its filters in integer units, the book, the market model,
// the recent trade tape and one-minute candles (for tickers and klines). Pure: no timers, no I/O.
import { Decimal } from '../util/decimal.js';
import { Book } from './matching/book.js';
import { DecCache, fmtUnits, parseUnits, scaleOfString, type UnitScale } from './matching/units.js';
import type { SimMarketSpec } from './model/markets.js';
import type { MarketModel } from './model/market-model.js';

export interface Candle {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** qty units */
  volume: number;
  /** notional units */
  quoteVolume: number;
  trades: number;
}

/** One public trade as the market's tape keeps it and the trade stream sends it (wire strings, ms). */
export interface TradeEvent {
  symbol: string;
  id: number;
  price: string;
  quantity: string;
  quoteQuantity: string;
  buyerIsMaker: boolean;
  buyOrderId: string;
  sellOrderId: string;
  ts: number;
}

const TRADE_RING = 1000;
const CANDLE_RING = 60 * 24 * 7;

export class SimMarket {
  readonly book = new Book();
  readonly ps: UnitScale;
  readonly qs: UnitScale;
  readonly minQty: number;
  readonly maxQty: number | null;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly isPerp: boolean;
  model: MarketModel | null = null;
  /** Mark pinned by tests/tools (overrides the model and the mid). */
  pinnedMark: number | null = null;
  tradeSeq = 0;
  lastPrice: number;
  readonly trades: TradeEvent[] = [];
  readonly candles: Candle[] = [];
  /** Open interest in qty units (sum of long positions of all user accounts; the model adds a base). */
  readonly baseOpenInterest: number;
  /** Decimal views of units (see DecCache). */
  private readonly pxCache: DecCache;
  private readonly qtyCache: DecCache;
  private readonly notionalCache: DecCache;

  constructor(readonly spec: SimMarketSpec) {
    this.ps = scaleOfString(spec.tickSize);
    this.qs = scaleOfString(spec.stepSize);
    this.minQty = parseUnits(spec.minQuantity, this.qs.scale) as number;
    this.maxQty = spec.maxQuantity === null ? null : (parseUnits(spec.maxQuantity, this.qs.scale) as number);
    this.minPrice = parseUnits(spec.minPrice, this.ps.scale) as number;
    this.maxPrice = parseUnits(spec.maxPrice, this.ps.scale) as number;
    this.lastPrice = parseUnits(spec.initialPrice, this.ps.scale) as number;
    this.isPerp = spec.marketType === 'PERP';
    // Open interest the rest of the market holds: a round multiple of the touch depth (a display figure).
    this.baseOpenInterest = Math.round(((spec.dynamics.touchDepthUsd * 200) / Number(spec.initialPrice)) * 10 ** this.qs.scale);
    this.pxCache = new DecCache(this.ps.scale);
    this.qtyCache = new DecCache(this.qs.scale);
    this.notionalCache = new DecCache(this.ps.scale + this.qs.scale, 1024);
  }
  get symbol(): string {
    return this.spec.symbol;
  }
  px(pu: number): string {
    return fmtUnits(pu, this.ps.scale);
  }
  qty(qu: number): string {
    return fmtUnits(qu, this.qs.scale);
  }
  /** Notional units -> string at price+qty scale. */
  notional(nu: number): string {
    return fmtUnits(nu, this.ps.scale + this.qs.scale);
  }
  pxDec(pu: number): Decimal {
    return this.pxCache.get(pu);
  }
  /** Price units of a Decimal that pxDec handed out, else undefined (the caller parses). */
  pxUnitsOf(d: Decimal): number | undefined {
    return this.pxCache.unitsOf(d);
  }
  qtyDec(qu: number): Decimal {
    return this.qtyCache.get(qu);
  }
  notionalDec(nu: number): Decimal {
    return this.notionalCache.get(nu);
  }
  /** Mark price in price units: the model's mark, else the mid, else the last trade. */
  markPu(): number {
    if (this.pinnedMark !== null) return this.pinnedMark;
    if (this.model) return this.model.markPu;
    return this.midPu() ?? this.lastPrice;
  }
  indexPu(): number {
    return this.model ? this.model.indexPu : this.markPu();
  }
  midPu(): number | null {
    const b = this.book.bids.best();
    const a = this.book.asks.best();
    if (b === undefined || a === undefined) return null;
    return Math.round((b + a) / 2 / this.ps.unit) * this.ps.unit;
  }

  recordTrade(t: TradeEvent, pu: number, qu: number, ts: number): void {
    this.lastPrice = pu;
    this.trades.push(t);
    if (this.trades.length > TRADE_RING * 2) this.trades.splice(0, this.trades.length - TRADE_RING);
    const start = Math.floor(ts / 60000) * 60000;
    let c = this.candles[this.candles.length - 1];
    if (!c || c.start !== start) {
      c = { start, open: pu, high: pu, low: pu, close: pu, volume: 0, quoteVolume: 0, trades: 0 };
      this.candles.push(c);
      if (this.candles.length > CANDLE_RING * 1.2) this.candles.splice(0, this.candles.length - CANDLE_RING);
    }
    if (pu > c.high) c.high = pu;
    if (pu < c.low) c.low = pu;
    c.close = pu;
    c.volume += qu;
    c.quoteVolume += pu * qu;
    c.trades += 1;
  }

  recentTrades(limit: number, offset = 0): TradeEvent[] {
    const n = this.trades.length;
    const end = Math.max(0, n - offset);
    return this.trades.slice(Math.max(0, end - limit), end);
  }

  /** Rolling stats over candles starting at or after `since`. */
  stats(since: number): { first: number; last: number; high: number; low: number; volume: number; quoteVolume: number; trades: number } {
    let first: number | null = null;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let quoteVolume = 0;
    let trades = 0;
    for (let i = this.candles.length - 1; i >= 0; i--) {
      const c = this.candles[i]!;
      if (c.start < since) break;
      first = c.open;
      if (c.high > high) high = c.high;
      if (c.low < low) low = c.low;
      volume += c.volume;
      quoteVolume += c.quoteVolume;
      trades += c.trades;
    }
    const last = this.lastPrice;
    if (first === null) return { first: last, last, high: last, low: last, volume: 0, quoteVolume: 0, trades: 0 };
    return { first, last, high, low, volume, quoteVolume, trades };
  }
}
