// Domain types shared by the exchange adapter, the trading core and the backtest adapter.
// Wire strings become Decimals at the edge (codec); nothing past the adapter sees raw exchange JSON.
import type { Decimal } from '../util/decimal.js';

export type Side = 'Bid' | 'Ask';
export type OrderType = 'Limit' | 'Market';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type MarketType = 'SPOT' | 'PERP';
export type OrderStatus =
  | 'New'
  | 'PartiallyFilled'
  | 'Filled'
  | 'Cancelled'
  | 'Expired'
  | 'TriggerPending'
  | 'TriggerFailed';

export const opposite = (s: Side): Side => (s === 'Bid' ? 'Ask' : 'Bid');

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

export interface OrderRequest {
  symbol: string;
  side: Side;
  orderType: OrderType;
  /** Required for Limit. */
  price?: Decimal;
  quantity: Decimal;
  timeInForce?: TimeInForce;
  postOnly?: boolean;
  reduceOnly?: boolean;
  /** uint32, from the bot's namespace (see core/client-ids). */
  clientId: number;
}

export interface OrderInfo {
  id: string;
  clientId: number | null;
  symbol: string;
  side: Side;
  orderType: OrderType;
  price: Decimal | null;
  quantity: Decimal;
  executedQuantity: Decimal;
  executedQuoteQuantity: Decimal;
  status: OrderStatus;
  postOnly: boolean;
  reduceOnly: boolean;
  timeInForce: TimeInForce;
  createdAt: number; // ms
}

/** Outcome of a request that changes exchange state (place, cancel). */
export type Outcome<T> =
  | { kind: 'accepted'; value: T }
  /** The exchange proved it did not act (4xx with an error body). */
  | { kind: 'rejected'; code: string; message: string; status: number }
  /** Timeout, 5xx, dropped connection: the exchange may or may not have acted. Resolve by query. */
  | { kind: 'unknown'; reason: string };

export interface PositionInfo {
  symbol: string;
  /** Signed: + long, - short. */
  netQuantity: Decimal;
  entryPrice: Decimal;
  markPrice: Decimal;
  pnlRealized: Decimal;
  pnlUnrealized: Decimal;
  cumulativeFunding: Decimal;
}

export interface BalanceInfo {
  asset: string;
  available: Decimal;
  locked: Decimal;
}

export interface CollateralInfo {
  netEquity: Decimal;
  netEquityAvailable: Decimal;
  pnlUnrealized: Decimal;
}

/**
 * One asset of an account's collateral, at the exchange's mark for it (USDC value per unit). Added for the
 * paper exchange's domain API (issue 13: SimExchange returns Decimals, its server renders the wire); the
 * lead may move it with the other shared types.
 */
export interface CollateralAsset {
  asset: string;
  markPrice: Decimal;
  total: Decimal;
  locked: Decimal;
}

/**
 * An account's whole margin picture as the exchange computes it (GET /api/v1/capital/collateral); the
 * ExchangePort reads only the CollateralInfo part. Added for the paper exchange (issue 13), see above.
 */
export interface CollateralDetail extends CollateralInfo {
  assetsValue: Decimal;
  /** Initial margin fraction (1 / leverage limit) and maintenance (half of it). */
  imf: Decimal;
  mmf: Decimal;
  /** Net equity over futures exposure; null without a position. */
  marginFraction: Decimal | null;
  netEquityLocked: Decimal;
  netExposureFutures: Decimal;
  assets: CollateralAsset[];
}

/** An account's fee rates and order limits (GET /api/v1/account). Added for the paper exchange (issue 13). */
export interface AccountSummary {
  fees: AccountFees;
  leverageLimit: number;
  /** Open limit orders. */
  limitOrders: number;
}

/**
 * A market's rolling 24 h statistics (the ticker). Added for the paper exchange (issue 13); the clients'
 * ticker call still answers with the wire strings it reads (lastPrice).
 */
export interface TickerInfo {
  symbol: string;
  firstPrice: Decimal;
  lastPrice: Decimal;
  high: Decimal;
  low: Decimal;
  volume: Decimal;
  quoteVolume: Decimal;
  trades: number;
}

export interface AccountFees {
  /** Basis points; negative = rebate. */
  futuresMakerFeeBps: Decimal;
  futuresTakerFeeBps: Decimal;
  spotMakerFeeBps: Decimal;
  spotTakerFeeBps: Decimal;
}

export interface FillInfo {
  tradeId: string;
  orderId: string;
  clientId: number | null;
  symbol: string;
  side: Side;
  price: Decimal;
  quantity: Decimal;
  fee: Decimal;
  feeSymbol: string;
  isMaker: boolean;
  timestamp: number; // ms
}

/**
 * Backpack's paging headers on history endpoints (X-TOTAL rows in all, X-PAGE-COUNT pages of X-PAGE-SIZE,
 * X-CURRENT-PAGE 1-based); each null when absent or unreadable. A client may stop early on them but must
 * still stop on a short page: a proxy or an older deployment may drop them.
 */
export interface PageHeaders {
  total: number | null;
  pageCount: number | null;
  currentPage: number | null;
  pageSize: number | null;
}

/** One page of a history endpoint, with its paging headers when the exchange sent them. */
export interface Paged<T> {
  rows: T[];
  page: PageHeaders | null;
}

export interface FundingInfo {
  symbol: string;
  /** Positive = received. */
  quantity: Decimal;
  fundingRate: Decimal;
  intervalEndTimestamp: number; // ms
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

export type OrderEventType = 'accepted' | 'fill' | 'cancelled' | 'expired' | 'modified';

export interface OrderEvent {
  type: OrderEventType;
  symbol: string;
  orderId: string;
  clientId: number | null;
  side: Side;
  orderType: OrderType;
  status: OrderStatus;
  price: Decimal | null;
  quantity: Decimal;
  executedQuantity: Decimal;
  executedQuoteQuantity: Decimal;
  reduceOnly: boolean;
  postOnly: boolean;
  /** Present on 'fill'. */
  fill?: {
    tradeId: string;
    price: Decimal;
    quantity: Decimal;
    isMaker: boolean;
    fee: Decimal;
    feeSymbol: string;
  };
  /** Expiry reason on 'expired' (e.g. PostOnlyTaker, ReduceOnlyNotReduced). */
  reason?: string;
  ts: number; // ms
}

export interface PositionEvent {
  symbol: string;
  netQuantity: Decimal;
  entryPrice: Decimal;
  markPrice: Decimal;
  pnlRealized: Decimal;
  pnlUnrealized: Decimal;
  /** True for the initial snapshot pushed on subscribe (no `e` on the wire). */
  snapshot: boolean;
  ts: number;
}

/** Everything the adapter delivers to the core, in arrival order, through one callback. */
export type ExchangeEvent =
  | { type: 'book'; symbol: string; book: BookView; ts: number; recvNs: bigint }
  /** The local book is unusable (gap, crossed, resyncing): stop quoting this symbol until 'book' again. */
  | { type: 'bookInvalid'; symbol: string; reason: string; ts: number }
  | { type: 'trade'; trade: TradeTick; recvNs: bigint }
  | { type: 'markPrice'; symbol: string; markPrice: Decimal; indexPrice: Decimal | null; fundingRate: Decimal | null; ts: number }
  | { type: 'order'; event: OrderEvent; recvNs: bigint }
  | { type: 'position'; event: PositionEvent }
  /**
   * The account's balances changed (the private balance stream). A hint only: its payload is not read for
   * amounts; the core re-reads balances by REST.
   */
  | { type: 'balance'; ts: number }
  /** Stream connectivity. After 'resynced' the core must reconcile orders and positions by REST. */
  | { type: 'connection'; state: 'up' | 'down' | 'resynced'; ts: number; detail?: string };
