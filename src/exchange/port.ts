// src/exchange/: the exchange boundary: the port the core trades through (this file), its own types
// (types.ts; the shared concepts are in src/domain/), and the Backpack client implementing it (backpack/).
//
// The exchange port: what the trading core needs from an exchange. Implemented by the Backpack
// adapter (live and paper server, over REST + websocket) and by the backtest adapter (directly on the
// paper exchange's matching engine in virtual time). The core depends on nothing else.
import type { Decimal } from '../util/decimal.js';
import type { AccountFees, BalanceInfo, CollateralInfo, ExchangeEvent, FundingInfo, Outcome, Paged } from './types.js';
import type { Fill } from '../domain/fill.js';
import type { MarketInfo } from '../domain/market.js';
import type { OrderInfo, OrderRequest } from '../domain/order.js';
import type { Position } from '../domain/position.js';

export interface EndpointStats {
  calls: number;
  errors: number;
  http429: number;
  p50Ms: number;
  p99Ms: number;
}

export interface StreamStats {
  messages: number;
  bytes: number;
  parseErrors: number;
}

/** Counters the stats, alerts and TUI read. Cheap to call (no copying of large state). */
export interface ExchangeMetrics {
  restTotal: number;
  restLastMinute: number;
  restLimitPerMinute: number;
  http429: number;
  restErrors: number;
  byEndpoint: Record<string, EndpointStats>;
  wsMessages: number;
  wsBytes: number;
  wsParseErrors: number;
  wsLastMinute: number;
  reconnects: number;
  byStream: Record<string, StreamStats>;
  wsConnected: boolean;
  /** ms since the last websocket message of any kind (null before the first). */
  lastMessageAgoMs: number | null;
  clockOffsetMs: number;
  /** Malformed rows/replies skipped in REST answers (optional: ports without a wire report none). */
  restParseErrors?: number;
}

/** The metrics of an in-process exchange in virtual time: requests and events counted, no wire, no limits hit. */
export function virtualMetrics(requests: number, events: number, connected: boolean): ExchangeMetrics {
  return {
    restTotal: requests,
    restLastMinute: 0,
    restLimitPerMinute: 2000,
    http429: 0,
    restErrors: 0,
    byEndpoint: {},
    wsMessages: events,
    wsBytes: 0,
    wsParseErrors: 0,
    wsLastMinute: 0,
    reconnects: 0,
    byStream: {},
    wsConnected: connected,
    lastMessageAgoMs: 0,
    clockOffsetMs: 0,
  };
}

export interface FillsQuery {
  symbol?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

export interface ExchangePort {
  /** Human-readable host for headers ("api.backpack.exchange", "127.0.0.1:40123", "backtest"). */
  readonly host: string;
  metrics(): ExchangeMetrics;

  /** Open streams for the symbols (public: depth, trade, markPrice; private: orderUpdate, positionUpdate). */
  start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void>;
  stop(): Promise<void>;

  getMarkets(): Promise<MarketInfo[]>;
  placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>>;
  cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }): Promise<Outcome<OrderInfo>>;
  cancelAll(symbol: string): Promise<Outcome<OrderInfo[]>>;
  getOpenOrders(symbol?: string): Promise<OrderInfo[]>;
  /**
   * Resolve what happened to an order by clientId: the resting order if on the book, else the terminal
   * state from order history, else null (the exchange never saw it).
   */
  findOrder(symbol: string, clientId: number): Promise<OrderInfo | null>;
  getPositions(): Promise<Position[]>;
  getBalances(): Promise<BalanceInfo[]>;
  getCollateral(): Promise<CollateralInfo>;
  getAccountFees(): Promise<AccountFees>;
  /** One page of own fills (fillType=User), ascending by time; `from`/`to` in ms, inclusive. */
  getFills(q: FillsQuery): Promise<Paged<Fill>>;
  /** One page of funding payments, newest first (the endpoint has no time filter: page by offset). */
  getFundingHistory(q: { symbol?: string; limit?: number; offset?: number }): Promise<Paged<FundingInfo>>;
  /** Mid/mark for valuation when no stream is running (check command). */
  getMarkPrice(symbol: string): Promise<Decimal | null>;
}
