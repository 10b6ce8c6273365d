// The exchange port's own types: its answers about the account (balances, collateral, fees, funding),
// the outcome of a state-changing request, history paging, and the one event stream it delivers. The
// concepts every layer shares (side, order, fill, position, market) are in src/domain/.
// Wire strings become Decimals at the edge (codec); nothing past the adapter sees raw exchange JSON.
import type { BookView, TradeTick } from '../domain/market.js';
import type { OrderEvent } from '../domain/order.js';
import type { PositionUpdate } from '../domain/position.js';
import type { Decimal } from '../util/decimal.js';

/** Outcome of a request that changes exchange state (place, cancel). */
export type Outcome<T> =
  | { kind: 'accepted'; value: T }
  /** The exchange proved it did not act (4xx with an error body). */
  | { kind: 'rejected'; code: string; message: string; status: number }
  /** Timeout, 5xx, dropped connection: the exchange may or may not have acted. Resolve by query. */
  | { kind: 'unknown'; reason: string };

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

/** Everything the adapter delivers to the core, in arrival order, through one callback. */
export type ExchangeEvent =
  | { type: 'book'; symbol: string; book: BookView; ts: number; recvNs: bigint }
  /** The local book is unusable (gap, crossed, resyncing): stop quoting this symbol until 'book' again. */
  | { type: 'bookInvalid'; symbol: string; reason: string; ts: number }
  | { type: 'trade'; trade: TradeTick; recvNs: bigint }
  | { type: 'markPrice'; symbol: string; markPrice: Decimal; indexPrice: Decimal | null; fundingRate: Decimal | null; ts: number }
  | { type: 'order'; event: OrderEvent; recvNs: bigint }
  | { type: 'position'; event: PositionUpdate }
  /**
   * The account's balances changed (the private balance stream). A hint only: its payload is not read for
   * amounts; the core re-reads balances by REST.
   */
  | { type: 'balance'; ts: number }
  /** Stream connectivity. After 'resynced' the core must reconcile orders and positions by REST. */
  | { type: 'connection'; state: 'up' | 'down' | 'resynced'; ts: number; detail?: string };
