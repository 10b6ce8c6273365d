// The payloads of the events the SimExchange fans out (the bus that carries them is event-bus.ts). Public
// ones per market, private ones per account (API key). The public market data (depth, trades, marks) are
// wire strings already rendered at the market's tick/step scale; the private records (orders, fills,
// positions) are domain Decimals, rendered by server/wire.ts. Times are ms (the server turns them into µs
// where Backpack uses µs). TradeEvent lives beside the market's trade tape (market.ts), re-exported here.
import type { SimOrderInfo } from './accounts/account.js';
import type { TradeEvent } from './market.js';
import type { Decimal } from '../util/decimal.js';
import type { Fill } from '../domain/fill.js';
import type { Position } from '../domain/position.js';
import type { WireLevel } from '../protocol/backpack/wire-types.js';

// A public trade is defined beside the market's trade tape that keeps it (market.ts); re-exported here
// with the other events.
export type { TradeEvent };

export interface DepthEvent {
  symbol: string;
  firstUpdateId: number;
  lastUpdateId: number;
  /** Absolute quantities of changed levels; "0" at step scale deletes. */
  bids: WireLevel[];
  asks: WireLevel[];
  ts: number;
}

export interface MarkEvent {
  symbol: string;
  markPrice: string;
  indexPrice: string;
  /** Null for spot. */
  fundingRate: string | null;
  nextFundingTimestamp: number | null;
  ts: number;
}

export type OrderEventType = 'orderAccepted' | 'orderFill' | 'orderCancelled' | 'orderExpired' | 'orderModified';

export interface OrderUpdateEvent {
  account: string;
  type: OrderEventType;
  order: SimOrderInfo;
  fill?: Pick<Fill, 'tradeId' | 'price' | 'quantity' | 'isMaker' | 'fee' | 'feeSymbol'>;
  ts: number;
}

/**
 * A perp position as the paper exchange reports it: the domain Position (marked at the market's mark) plus
 * what Backpack's position objects carry beyond it (their exposure and cost figures follow from these).
 */
export interface SimPositionInfo extends Position {
  positionId: string;
  /** Entry moved by the fees paid on the position's fills. */
  breakEvenPrice: Decimal;
}

export interface PositionUpdateEvent {
  account: string;
  type: 'positionOpened' | 'positionAdjusted' | 'positionClosed';
  position: SimPositionInfo;
  ts: number;
}

/** One asset of an account changed (total or lock); listeners read the figures themselves. */
export interface BalanceChangeEvent {
  account: string;
  asset: string;
  ts: number;
}

/** A private fill as the engine holds it (units and the exact fee), for in-process listeners. */
export interface RawFill {
  tradeId: number;
  /** Price units of the fill's market. */
  price: number;
  /** Quantity units of the fill's market. */
  quantity: number;
  isMaker: boolean;
  fee: Decimal;
  feeSymbol: string;
}
