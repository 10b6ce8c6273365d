// EngineBookView: the backtest port's live BookView over a market's matching-engine book. Split from
// port.ts because it is the one piece that reads the book's integer units directly; it builds Decimals
// only when the core asks, and keeps the last touch (read several times per decision, rarely moved).
import { Decimal, ZERO } from '../../util/decimal.js';
import type { BookView } from '../../domain/market.js';
import type { Side } from '../../domain/side.js';
import type { BookSide } from '../matching/book.js';
import { parseUnits } from '../matching/units.js';
import type { SimMarket } from '../market.js';

/** Live BookView over the engine's book (Decimals built only on demand). */
export class EngineBookView implements BookView {
  constructor(private readonly m: SimMarket) {}
  get symbol(): string {
    return this.m.symbol;
  }
  get lastUpdateId(): number {
    return this.m.book.updateId;
  }
  // The touch is read several times per decision and rarely moves between reads: keep the last one.
  private bidPu: number | undefined = undefined;
  private bidDec: Decimal | null = null;
  private askPu: number | undefined = undefined;
  private askDec: Decimal | null = null;
  bestBid(): Decimal | null {
    const b = this.m.book.bids.best();
    if (b !== this.bidPu) {
      this.bidPu = b;
      this.bidDec = b === undefined ? null : this.m.pxDec(b);
    }
    return this.bidDec;
  }
  bestAsk(): Decimal | null {
    const a = this.m.book.asks.best();
    if (a !== this.askPu) {
      this.askPu = a;
      this.askDec = a === undefined ? null : this.m.pxDec(a);
    }
    return this.askDec;
  }
  sizeAt(side: Side, price: Decimal): Decimal {
    const pu = this.m.pxUnitsOf(price) ?? parseUnits(price.toFixed(), this.m.ps.scale);
    if (typeof pu !== 'number') return ZERO;
    return this.m.qtyDec(this.m.book.side(side).totalAt(pu));
  }
  levels(side: Side, n: number): Array<[Decimal, Decimal]> {
    const bs: BookSide = this.m.book.side(side);
    const out: Array<[Decimal, Decimal]> = [];
    for (let i = 0; i < bs.prices.length && i < n; i++) {
      const p = bs.prices[i]!;
      out.push([this.m.pxDec(p), this.m.qtyDec(bs.totalAt(p))]);
    }
    return out;
  }
}
