// A scriptable ExchangePort for core tests. Every call is recorded in order; outcomes of placements,
// cancels and queries come from overridable handlers (default: accept / resting New order).
import type { ExchangeMetrics, ExchangePort, FillsQuery } from '../../../src/exchange/port.js';
import type { AccountFees, BalanceInfo, CollateralInfo, ExchangeEvent, FundingInfo, Outcome, PageHeaders, Paged } from '../../../src/exchange/types.js';
import type { Fill } from '../../../src/domain/fill.js';
import type { MarketInfo } from '../../../src/domain/market.js';
import type { OrderInfo, OrderRequest } from '../../../src/domain/order.js';
import type { Position } from '../../../src/domain/position.js';
import { D, type Decimal, ZERO } from '../../../src/util/decimal.js';
import { EMPTY_METRICS } from '../../../src/core/stats.js';

export function perpMarket(symbol = 'SOL_USDC_PERP', over: Partial<MarketInfo> = {}): MarketInfo {
  const [base = 'SOL', quote = 'USDC'] = symbol.split('_');
  return {
    symbol,
    baseSymbol: base,
    quoteSymbol: quote,
    marketType: symbol.endsWith('_PERP') ? 'PERP' : 'SPOT',
    tickSize: D('0.01'),
    stepSize: D('0.01'),
    minQuantity: D('0.01'),
    maxQuantity: null,
    minPrice: null,
    maxPrice: null,
    orderBookState: 'Open',
    ...over,
  };
}

export function orderInfo(req: OrderRequest, id: string, status: OrderInfo['status'] = 'New', executed: Decimal = ZERO): OrderInfo {
  return {
    id,
    clientId: req.clientId,
    symbol: req.symbol,
    side: req.side,
    orderType: req.orderType,
    price: req.price ?? null,
    quantity: req.quantity,
    executedQuantity: executed,
    executedQuoteQuantity: executed.mul(req.price ?? 0),
    status,
    postOnly: req.postOnly ?? false,
    reduceOnly: req.reduceOnly ?? false,
    timeInForce: req.timeInForce ?? 'GTC',
    createdAt: 0,
  };
}

export interface Call {
  m: string;
  args: unknown[];
}

export class FakePort implements ExchangePort {
  readonly host = 'fake';
  calls: Call[] = [];
  markets: MarketInfo[] = [perpMarket()];
  positions: Position[] = [];
  openOrders: OrderInfo[] = [];
  fills: Fill[] = [];
  funding: FundingInfo[] = [];
  balances: BalanceInfo[] = [];
  fees: AccountFees = { futuresMakerFeeBps: D(2), futuresTakerFeeBps: D(5), spotMakerFeeBps: D(8), spotTakerFeeBps: D(10) };
  feesFail = false;
  metricsValue: ExchangeMetrics = { ...EMPTY_METRICS, restLimitPerMinute: 2000 };
  /** Answer history pages with Backpack's paging headers (X-TOTAL etc.), as the real exchange does. */
  pageHeaders = false;
  /** Largest page the fake serves (the real endpoints cap limit at 1000). */
  maxLimit = 1000;
  onEvent: ((e: ExchangeEvent) => void) | null = null;
  private nextId = 1000;
  /** Resting orders by clientId as the fake exchange knows them. */
  readonly resting = new Map<number, OrderInfo>();

  placeHandler: (req: OrderRequest) => Outcome<OrderInfo> | Promise<Outcome<OrderInfo>> = (req) => {
    const info = orderInfo(req, String(this.nextId++));
    this.resting.set(req.clientId, info);
    return { kind: 'accepted', value: info };
  };
  cancelHandler: (symbol: string, id: { orderId: string } | { clientId: number }) => Outcome<OrderInfo> | Promise<Outcome<OrderInfo>> = (_s, id) => {
    const o = [...this.resting.values()].find((x) => ('orderId' in id ? x.id === id.orderId : x.clientId === id.clientId));
    if (!o) return { kind: 'rejected', code: 'RESOURCE_NOT_FOUND', message: 'Order not found', status: 404 };
    if (o.clientId !== null) this.resting.delete(o.clientId);
    return { kind: 'accepted', value: { ...o, status: 'Cancelled' } };
  };
  findHandler: (symbol: string, clientId: number) => OrderInfo | null | Promise<OrderInfo | null> = (_s, c) => this.resting.get(c) ?? null;

  metrics(): ExchangeMetrics {
    return this.metricsValue;
  }
  private rec(m: string, ...args: unknown[]): void {
    this.calls.push({ m, args });
  }
  names(): string[] {
    return this.calls.map((c) => c.m);
  }
  placed(): OrderRequest[] {
    return this.calls.filter((c) => c.m === 'placeOrder').map((c) => c.args[0] as OrderRequest);
  }

  async start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    this.rec('start', symbols);
    this.onEvent = onEvent;
  }
  async stop(): Promise<void> {
    this.rec('stop');
  }
  emit(e: ExchangeEvent): void {
    this.onEvent?.(e);
  }
  async getMarkets(): Promise<MarketInfo[]> {
    this.rec('getMarkets');
    return this.markets;
  }
  async placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    this.rec('placeOrder', req);
    return this.placeHandler(req);
  }
  async cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }): Promise<Outcome<OrderInfo>> {
    this.rec('cancelOrder', symbol, id);
    return this.cancelHandler(symbol, id);
  }
  async cancelAll(symbol: string): Promise<Outcome<OrderInfo[]>> {
    this.rec('cancelAll', symbol);
    const out = [...this.resting.values()].filter((o) => o.symbol === symbol);
    for (const o of out) if (o.clientId !== null) this.resting.delete(o.clientId);
    return { kind: 'accepted', value: out };
  }
  async getOpenOrders(symbol?: string): Promise<OrderInfo[]> {
    this.rec('getOpenOrders', symbol);
    return [...this.openOrders, ...this.resting.values()].filter((o) => symbol === undefined || o.symbol === symbol);
  }
  async findOrder(symbol: string, clientId: number): Promise<OrderInfo | null> {
    this.rec('findOrder', symbol, clientId);
    return this.findHandler(symbol, clientId);
  }
  async getPositions(): Promise<Position[]> {
    this.rec('getPositions');
    return this.positions;
  }
  async getBalances(): Promise<BalanceInfo[]> {
    this.rec('getBalances');
    return this.balances;
  }
  async getCollateral(): Promise<CollateralInfo> {
    this.rec('getCollateral');
    return { netEquity: D(1000), netEquityAvailable: D(1000), pnlUnrealized: ZERO };
  }
  async getAccountFees(): Promise<AccountFees> {
    this.rec('getAccountFees');
    if (this.feesFail) throw new Error('503 Service Unavailable');
    return { ...this.fees };
  }
  async getFills(q: FillsQuery): Promise<Paged<Fill>> {
    this.rec('getFills', q);
    const all = this.fills.filter((f) => (q.from === undefined || f.timestamp >= q.from) && (q.to === undefined || f.timestamp <= q.to) && (q.symbol === undefined || f.symbol === q.symbol));
    return this.paged(all, q);
  }
  async getFundingHistory(q: { symbol?: string; limit?: number; offset?: number }): Promise<Paged<FundingInfo>> {
    this.rec('getFundingHistory', q);
    const newestFirst = this.funding.filter((f) => q.symbol === undefined || f.symbol === q.symbol).sort((a, b) => b.intervalEndTimestamp - a.intervalEndTimestamp);
    return this.paged(newestFirst, q);
  }
  private paged<T>(all: T[], q: { limit?: number; offset?: number }): Paged<T> {
    const off = q.offset ?? 0;
    const limit = Math.min(q.limit ?? 100, this.maxLimit);
    const page: PageHeaders | null = this.pageHeaders ? { total: all.length, pageSize: limit, pageCount: Math.ceil(all.length / limit), currentPage: Math.floor(off / limit) + 1 } : null;
    return { rows: all.slice(off, off + limit), page };
  }
  async getMarkPrice(): Promise<Decimal | null> {
    return null;
  }
}
