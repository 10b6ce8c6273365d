// Events the SimExchange fans out. Public ones per market, private ones per account (API key).
// Decimals are wire strings already rendered at the market's tick/step scale; times are ms (the
// server turns them into µs where Backpack uses µs).
import type { FillRecord, OrderView } from './accounts/account.js';
import type { PerpPosition } from './accounts/position.js';
import type { SimOrder } from './engine/types.js';
import type { SimMarket } from './market.js';
import type { Decimal } from '../util/decimal.js';
import type { WireLevel } from '../protocol/backpack/wire-types.js';

export interface DepthEvent {
  symbol: string;
  firstUpdateId: number;
  lastUpdateId: number;
  /** Absolute quantities of changed levels; "0" at step scale deletes. */
  bids: WireLevel[];
  asks: WireLevel[];
  ts: number;
}

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
  order: OrderView;
  fill?: Pick<FillRecord, 'tradeId' | 'price' | 'quantity' | 'isMaker' | 'fee' | 'feeSymbol'>;
  ts: number;
}

export interface PositionView {
  symbol: string;
  positionId: string;
  netQuantity: string;
  netExposureQuantity: string;
  netExposureNotional: string;
  netCost: string;
  entryPrice: string;
  breakEvenPrice: string;
  markPrice: string;
  pnlRealized: string;
  pnlUnrealized: string;
  cumulativeFundingPayment: string;
}

export interface PositionUpdateEvent {
  account: string;
  type: 'positionOpened' | 'positionAdjusted' | 'positionClosed';
  position: PositionView;
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

export interface SimListener {
  /** Only built when some listener has it (the server); costs formatting. */
  depth?(e: DepthEvent): void;
  /** Cheap notification after every book change (the direct adapter reads the book itself). */
  bookChanged?(symbol: string, updateId: number, ts: number): void;
  trade?(e: TradeEvent): void;
  markPrice?(e: MarkEvent): void;
  order?(e: OrderUpdateEvent): void;
  position?(e: PositionUpdateEvent): void;
  /** Per change (several per fill): the server coalesces them into account.balanceUpdate frames. */
  balance?(e: BalanceChangeEvent): void;
  /**
   * In-process variants of trade, order and position (the direct adapter of a backtest): the engine's own
   * records, with no strings rendered. Called synchronously, at the same points as their string
   * counterparts; the objects are live and mutable, so a listener must copy what it needs at once.
   */
  tradeRaw?(e: TradeEvent, priceUnits: number, qtyUnits: number, m: SimMarket): void;
  orderRaw?(account: string, type: OrderEventType, o: SimOrder, m: SimMarket, fill: RawFill | null, ts: number): void;
  positionRaw?(account: string, type: PositionUpdateEvent['type'], p: PerpPosition, m: SimMarket, ts: number): void;
}
