// A market: its trading rules (MarketInfo), its public trades (TradeTick) and a read-only view of its
// synchronised book (BookView).
import type { Decimal } from '../util/decimal.js';
import type { Side } from './side.js';

export type MarketType = 'SPOT' | 'PERP';

export interface MarketInfo {
  symbol: string;
  baseSymbol: string;
  quoteSymbol: string;
  marketType: MarketType;
  tickSize: Decimal;
  stepSize: Decimal;
  minQuantity: Decimal;
  maxQuantity: Decimal | null;
  minPrice: Decimal | null;
  maxPrice: Decimal | null;
  orderBookState: string;
}

export interface TradeTick {
  symbol: string;
  price: Decimal;
  quantity: Decimal;
  /** Side of the aggressor: 'Bid' = taker bought (wire m=false), 'Ask' = taker sold (wire m=true). */
  takerSide: Side;
  tradeId: number;
  ts: number; // ms
  /**
   * `quantity` as a float, when the source has it cheaply (equal to quantity.toNumber()). Only for
   * signals (the flow window); money stays in `quantity`. Absent: callers use quantity.toNumber().
   */
  quantityNum?: number;
}

/** Read-only view of a synchronised local book. Levels are best-first. */
export interface BookView {
  readonly symbol: string;
  readonly lastUpdateId: number;
  bestBid(): Decimal | null;
  bestAsk(): Decimal | null;
  /** Quantity resting at a price on one side (zero if none). */
  sizeAt(side: Side, price: Decimal): Decimal;
  /** Up to n levels, best first, as [price, quantity]. */
  levels(side: Side, n: number): Array<[Decimal, Decimal]>;
}
