// Backpack REST client: one method per endpoint the bot uses (reference §2), each decoding its reply with
// the codec. State-changing calls return an Outcome: accepted, rejected (4xx with an error body: the
// exchange proved it did not act) or unknown (timeout, 5xx, dropped connection: resolve by query, never by
// resending). Transport, signing, budget and retries are rest-transport.ts; the errors rest-errors.ts.
import type { AccountFees, BalanceInfo, CollateralInfo, FundingInfo, Outcome, Paged } from '../types.js';
import type { Fill } from '../../domain/fill.js';
import type { MarketInfo, TradeTick } from '../../domain/market.js';
import type { OrderInfo, OrderRequest } from '../../domain/order.js';
import type { Position } from '../../domain/position.js';
import type { RateLimiter, RestStats } from './ratelimit.js';
import type { ClockSync } from './clock-sync.js';
import { CodecError } from './codec/fields.js';
import {
  decodeAccountFees,
  decodeBatchItem,
  decodeCapital,
  decodeCollateral,
  decodeDepthSnapshot,
  decodeFill,
  decodeFunding,
  decodeMarket,
  decodeMarkPriceRow,
  decodeOrder,
  decodePosition,
  decodeRestTrade,
  decodeStatus,
  decodeTicker,
  decodeTime,
  isSupportedMarket,
  type BatchItem,
  type DepthSnapshot,
  type ExchangeStatus,
  type Ticker,
} from './codec/rest-rows.js';
import type { MarkPriceUpdate } from './codec/stream-frames.js';
import { BackpackApiError } from './rest-errors.js';
import { RestTransport, type Query, type RestOptions } from './rest-transport.js';
import { PATHS } from '../../protocol/backpack/endpoints.js';
import { orderBody, type FillQuery, type HistoryQuery, type OrderId } from '../../protocol/backpack/requests.js';
import type { SignParams } from '../../protocol/backpack/signing-string.js';

export class BackpackRest {
  private readonly t: RestTransport;

  constructor(opts: RestOptions) {
    this.t = new RestTransport(opts, () => this.time());
  }

  get host(): string {
    return this.t.host;
  }
  get limiter(): RateLimiter {
    return this.t.limiter;
  }
  get stats(): RestStats {
    return this.t.stats;
  }
  get clockSync(): ClockSync {
    return this.t.clockSync;
  }
  /** Malformed rows skipped in list replies, and unreadable replies to orders. */
  get codecErrors(): number {
    return this.t.codecErrors;
  }
  get hasKeys(): boolean {
    return this.t.hasKeys;
  }

  close(): Promise<void> {
    return this.t.close();
  }

  // ------------------------------------------------------------------ public market data

  async status(): Promise<ExchangeStatus> {
    return decodeStatus(await this.t.getJson(PATHS.status, null, false));
  }
  /** Exchange time (ms). */
  async time(): Promise<number> {
    return decodeTime(await this.t.get(PATHS.time, null, false));
  }
  /** SPOT and PERP markets (other market types are skipped). */
  async markets(): Promise<MarketInfo[]> {
    const x = await this.t.getJson(PATHS.markets, null, false);
    if (!Array.isArray(x)) throw new CodecError('markets: not an array');
    return this.t.rows(x.filter(isSupportedMarket), 'markets', decodeMarket);
  }
  async market(symbol: string): Promise<MarketInfo> {
    return decodeMarket(await this.t.getJson(PATHS.market, { symbol }, false));
  }
  async ticker(symbol: string): Promise<Ticker> {
    return decodeTicker(await this.t.getJson(PATHS.ticker, { symbol }, false));
  }
  async depth(symbol: string, limit = 1000): Promise<DepthSnapshot> {
    return decodeDepthSnapshot(await this.t.getJson(PATHS.depth, { symbol, limit }, false));
  }
  async trades(symbol: string, limit = 100): Promise<TradeTick[]> {
    return this.t.rows(await this.t.getJson(PATHS.trades, { symbol, limit }, false), 'trades', (r) => decodeRestTrade(r, symbol));
  }
  async markPrices(symbol?: string): Promise<MarkPriceUpdate[]> {
    return this.t.rows(await this.t.getJson(PATHS.markPrices, { symbol }, false), 'markPrices', decodeMarkPriceRow);
  }

  // ------------------------------------------------------------------ orders

  executeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    return this.t.mutate('POST', PATHS.order, orderBody(req), decodeOrder);
  }
  /** Batch: one outcome for the request; per-order results inside when accepted. */
  executeOrders(reqs: OrderRequest[]): Promise<Outcome<BatchItem[]>> {
    return this.t.mutate('POST', PATHS.orders, reqs.map(orderBody), (x) => {
      if (!Array.isArray(x)) throw new CodecError('batch reply: not an array');
      return x.map(decodeBatchItem);
    });
  }
  cancelOrder(symbol: string, id: OrderId): Promise<Outcome<OrderInfo>> {
    const body: SignParams = 'orderId' in id ? { symbol, orderId: id.orderId } : { symbol, clientId: id.clientId };
    return this.t.mutate('DELETE', PATHS.order, body, decodeOrder);
  }
  cancelAll(symbol: string): Promise<Outcome<OrderInfo[]>> {
    return this.t.mutate('DELETE', PATHS.orders, { symbol }, (x) => {
      if (!Array.isArray(x)) throw new CodecError('cancelAll reply: not an array');
      return x.map(decodeOrder);
    });
  }
  /** A resting order, or null when the exchange does not have it on the book (404 / not found). */
  async getOrder(symbol: string, id: OrderId): Promise<OrderInfo | null> {
    const q: Query = 'orderId' in id ? { symbol, orderId: id.orderId } : { symbol, clientId: id.clientId };
    try {
      return decodeOrder(await this.t.getJson(PATHS.order, q, true));
    } catch (e) {
      if (e instanceof BackpackApiError && (e.status === 404 || e.code === 'RESOURCE_NOT_FOUND' || /not found/i.test(e.message))) return null;
      throw e;
    }
  }
  async openOrders(symbol?: string): Promise<OrderInfo[]> {
    return this.t.rows(await this.t.getJson(PATHS.orders, { symbol }, true), 'orders', decodeOrder);
  }
  /** Terminal and open orders from history (rows carry expiryReason). */
  async orderHistory(q: HistoryQuery = {}): Promise<Array<OrderInfo & { expiryReason: string | null }>> {
    const query: Query = { symbol: q.symbol, orderId: q.orderId, limit: q.limit, offset: q.offset, sortDirection: q.sortDirection };
    return this.t.rows(await this.t.getJson(PATHS.orderHistory, query, true), 'orderHistory', decodeOrder);
  }

  // ------------------------------------------------------------------ account

  async positions(symbol?: string): Promise<Position[]> {
    return this.t.rows(await this.t.getJson(PATHS.position, { symbol }, true), 'positions', decodePosition);
  }
  async capital(): Promise<BalanceInfo[]> {
    return decodeCapital(await this.t.getJson(PATHS.capital, null, true));
  }
  async collateral(): Promise<CollateralInfo> {
    return decodeCollateral(await this.t.getJson(PATHS.collateral, null, true));
  }
  async accountFees(): Promise<AccountFees> {
    return decodeAccountFees(await this.t.getJson(PATHS.account, null, true));
  }
  /** Own fills only (fillType=User). */
  async fills(q: FillQuery = {}): Promise<Fill[]> {
    return (await this.fillsPage(q)).rows;
  }
  /** fills() with the reply's paging headers. */
  fillsPage(q: FillQuery = {}): Promise<Paged<Fill>> {
    const query: Query = {
      symbol: q.symbol,
      orderId: q.orderId,
      from: q.from,
      to: q.to,
      limit: q.limit,
      offset: q.offset,
      fillType: 'User',
      sortDirection: q.sortDirection,
    };
    return this.t.getRows(PATHS.fillHistory, query, 'fills', decodeFill);
  }
  async fundingHistory(q: HistoryQuery = {}): Promise<FundingInfo[]> {
    return (await this.fundingPage(q)).rows;
  }
  /** fundingHistory() with the reply's paging headers. */
  fundingPage(q: HistoryQuery = {}): Promise<Paged<FundingInfo>> {
    const query: Query = { symbol: q.symbol, limit: q.limit, offset: q.offset, sortDirection: q.sortDirection };
    return this.t.getRows(PATHS.fundingHistory, query, 'funding', decodeFunding);
  }
}

