// ReplayMarket: one tape's market as the engine sees it (MarketInfo with a Backpack-style symbol and Decimal
// tick/step) and the conversions between the tape's integer units and our orders' units.
//
// - Symbol: the tape's own when it is Backpack-style (SOL_USDC_PERP); otherwise derived from the venue's
//   (Binance BTCUSDT perp -> BTC_USDT_PERP, BTCUSD_PERP -> BTC_USD_PERP, spot BTCUSDT -> BTC_USDT).
// - Tick: the header's tickSize, else one unit of the tape's price scale (the finest price it records).
// - Step: the header's stepSize, else one unit of the quantity scale. Our order quantities are integers
//   in units of 10^-qtyScale where qtyScale = the finer of the step's decimals and the tape's.
// - Contract tapes (qtyUnit 'contracts', e.g. Binance COIN-M: contracts of 100 USD): the engine trades the
//   base asset of a LINEAR market instead, and a displayed quantity of c contracts at price p is
//   c x contractSize / p of base (its USD value is what it is worth). Without a step in the header it is
//   the power of ten just below 1/100 of one contract's base value at the tape's first price. PnL is then
//   linear (as if USD-margined), an approximation of the inverse contract's coin PnL for small moves.
// Overrides (`--tick-size`/`--step-size`) replace the header's or the derived values.
import { SYMBOL_RE } from '../config/settings.js';
import type { MarketInfo } from '../domain/market.js';
import { DecCache, parseUnits, pow10 } from '../sim/matching/units.js';
import type { TapeHeader } from '../tape/types.js';
import { D, Decimal } from '../util/decimal.js';

const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USD', 'EUR', 'BTC', 'ETH', 'BNB'];

/** The engine's symbol for a tape, or an error line. */
export function engineSymbol(h: TapeHeader): string | { error: string } {
  const s = h.symbol.toUpperCase();
  // BASE_QUOTE_PERP for a perp, BASE_QUOTE for spot (Binance's BTCUSD_PERP is BASE+QUOTE_PERP).
  if (SYMBOL_RE.test(s) && s.split('_').length === (h.market === 'perp' ? 3 : 2)) return s;
  const bare = s.replace(/_PERP$/, '').replace(/[^A-Z0-9]/g, '');
  const quote = QUOTES.find((q) => bare.endsWith(q) && bare.length > q.length);
  if (quote) return `${bare.slice(0, -quote.length)}_${quote}${h.market === 'perp' ? '_PERP' : ''}`;
  return { error: `cannot map the tape's symbol "${h.symbol}" to a Backpack-style symbol (BASE_QUOTE or BASE_QUOTE_PERP); re-import the tape with tape import --symbol BASE_QUOTE_PERP` };
}

export interface MarketOverrides {
  tickSize?: string;
  stepSize?: string;
}

const decimalsOf = (s: string): number => D(s).decimalPlaces();

export class ReplayMarket {
  readonly symbol: string;
  readonly info: MarketInfo;
  readonly isPerp: boolean;
  /** Tape price scale (prices everywhere in the replay are tape price units). */
  readonly priceScale: number;
  /** Our quantity scale: order quantities are integers in units of 10^-qtyScale. */
  readonly qtyScale: number;
  readonly tickU: number;
  readonly stepU: number;
  readonly contractSize: number | null;
  readonly px: DecCache;
  readonly qty: DecCache;
  /** Tape quantity units -> our units, for base tapes (a power of ten). */
  private readonly tapeToOurs: number;

  constructor(
    readonly header: TapeHeader,
    symbol: string,
    /** A price (tape units) near the tape's start: sizes a contract tape's step. */
    refPriceU: number | null,
    o: MarketOverrides = {},
  ) {
    this.symbol = symbol;
    this.isPerp = header.market === 'perp';
    this.priceScale = header.priceScale;
    const tick = o.tickSize ?? header.tickSize ?? unitString(header.priceScale);
    if (decimalsOf(tick) > header.priceScale) throw new RangeError(`${symbol}: tick size ${tick} is finer than the tape's prices (${header.priceScale} decimals)`);
    this.tickU = D(tick).mul(pow10(header.priceScale)).toNumber();
    if (header.qtyUnit === 'contracts') {
      const cs = Number(header.contractSize);
      if (!(cs > 0)) throw new RangeError(`${symbol}: a contract tape needs its contract size (re-import with --contract-size)`);
      this.contractSize = cs;
    } else this.contractSize = null;
    const step = o.stepSize ?? header.stepSize ?? (this.contractSize === null ? unitString(header.qtyScale) : contractStep(this.contractSize, refPriceU, header.priceScale, symbol));
    this.qtyScale = this.contractSize === null ? Math.max(decimalsOf(step), header.qtyScale) : decimalsOf(step);
    this.stepU = D(step).mul(pow10(this.qtyScale)).toNumber();
    if (!Number.isInteger(this.tickU) || this.tickU < 1 || !Number.isInteger(this.stepU) || this.stepU < 1) throw new RangeError(`${symbol}: bad tick ${tick} or step ${step}`);
    this.tapeToOurs = pow10(this.qtyScale - header.qtyScale);
    this.px = new DecCache(this.priceScale);
    this.qty = new DecCache(this.qtyScale);
    const [base, quote] = symbol.split('_') as [string, string];
    this.info = {
      symbol,
      baseSymbol: base,
      quoteSymbol: quote,
      marketType: this.isPerp ? 'PERP' : 'SPOT',
      tickSize: D(tick),
      stepSize: D(step),
      minQuantity: D(step),
      maxQuantity: null,
      minPrice: D(tick),
      maxPrice: null,
      orderBookState: 'Open',
    };
  }

  /** A displayed tape quantity at a price, in our quantity units (fractional: an estimate for the queue). */
  oursFromTape(q: number, priceU: number): number {
    if (this.contractSize === null) return q * this.tapeToOurs;
    return (q * this.contractSize * pow10(this.priceScale) * pow10(this.qtyScale)) / priceU;
  }

  /** Our quantity units as tape quantity units at a price. */
  tapeFromOurs(u: number, priceU: number): number {
    if (this.contractSize === null) return u / this.tapeToOurs;
    return (u * priceU) / (this.contractSize * pow10(this.priceScale) * pow10(this.qtyScale));
  }

  /** A tape quantity as base, as a float (signals only, e.g. the engine's flow window). */
  baseNum(q: number, priceU: number): number {
    return this.oursFromTape(q, priceU) / pow10(this.qtyScale);
  }

  /** A displayed tape quantity as a Decimal of base (contract tapes: rounded down to our scale). */
  displayed(q: number, priceU: number): Decimal {
    return this.qty.get(this.contractSize === null ? q * this.tapeToOurs : Math.floor(this.oursFromTape(q, priceU)));
  }

  /** A price as tape units, or null when it is not on the tape's grid. */
  priceUnits(d: Decimal): number | null {
    const u = this.px.unitsOf(d);
    if (u !== undefined) return u;
    const p = parseUnits(d.toFixed(), this.priceScale);
    return typeof p === 'number' ? p : null;
  }

  /** A quantity as our units, or null when it has more decimals than our scale. */
  qtyUnits(d: Decimal): number | null {
    const u = this.qty.unitsOf(d);
    if (u !== undefined) return u;
    const q = parseUnits(d.toFixed(), this.qtyScale);
    return typeof q === 'number' ? q : null;
  }

  /** price x quantity in quote (exact). */
  notional(priceU: number, qtyU: number): Decimal {
    return this.px.get(priceU).mul(this.qty.get(qtyU));
  }
}

function unitString(scale: number): string {
  return scale === 0 ? '1' : `0.${'0'.repeat(scale - 1)}1`;
}

function contractStep(cs: number, refPriceU: number | null, priceScale: number, symbol: string): string {
  if (refPriceU === null || !(refPriceU > 0)) throw new RangeError(`${symbol}: no price near the tape's start to size a contract's step; pass --step-size`);
  const baseOfOne = cs / (refPriceU / pow10(priceScale));
  const exp = Math.floor(Math.log10(baseOfOne / 100));
  return exp >= 0 ? '1' : unitString(-exp);
}
