// A BookView frozen at one moment: the top levels of a simulated market's book copied as integer units
// (Decimals built only when read). With feed latency a client must see the book as it was when the event
// left the exchange, not as it is when the event arrives; the core reads the touch and the level behind
// it, so a few levels per side are all it can ask for.
import type { BookView } from '../domain/market.js';
import type { Side } from '../domain/side.js';
import { Decimal, ZERO } from '../util/decimal.js';
import { parseUnits } from './matching/units.js';
import type { SimMarket } from './market.js';

/** Levels per side kept (the core reads two). */
const SNAPSHOT_LEVELS = 5;

export class SnapshotBookView implements BookView {
  readonly symbol: string;
  readonly lastUpdateId: number;
  /** Flat [price, qty, ...] best first, in units. */
  private readonly bids: number[] = [];
  private readonly asks: number[] = [];

  constructor(private readonly m: SimMarket) {
    this.symbol = m.symbol;
    this.lastUpdateId = m.book.updateId;
    for (const [side, out] of [[m.book.bids, this.bids], [m.book.asks, this.asks]] as const) {
      for (let i = 0; i < side.prices.length && i < SNAPSHOT_LEVELS; i++) {
        const p = side.prices[i]!;
        out.push(p, side.totalAt(p));
      }
    }
  }

  bestBid(): Decimal | null {
    return this.bids.length > 0 ? this.m.pxDec(this.bids[0]!) : null;
  }
  bestAsk(): Decimal | null {
    return this.asks.length > 0 ? this.m.pxDec(this.asks[0]!) : null;
  }
  /** Size at a price among the copied levels (zero beyond them). */
  sizeAt(side: Side, price: Decimal): Decimal {
    const pu = this.m.pxUnitsOf(price) ?? parseUnits(price.toFixed(), this.m.ps.scale);
    if (typeof pu !== 'number') return ZERO;
    const lv = side === 'Bid' ? this.bids : this.asks;
    for (let i = 0; i < lv.length; i += 2) if (lv[i] === pu) return this.m.qtyDec(lv[i + 1]!);
    return ZERO;
  }
  levels(side: Side, n: number): Array<[Decimal, Decimal]> {
    const lv = side === 'Bid' ? this.bids : this.asks;
    const out: Array<[Decimal, Decimal]> = [];
    for (let i = 0; i < lv.length && out.length < n; i += 2) out.push([this.m.pxDec(lv[i]!), this.m.qtyDec(lv[i + 1]!)]);
    return out;
  }
}
