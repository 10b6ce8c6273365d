// DirectExchange: an ExchangePort straight onto an in-process SimExchange (no network), for
// virtual-time backtests. It delivers the same domain events the websocket adapter would (book as a
// BookView, trade, markPrice, order, position), in order, and resolves requests without I/O.
//
// Events are queued and delivered from a microtask after the exchange operation that produced them,
// so a handler may place/cancel orders without re-entering the matching engine mid-match.
//
// With a latency model (src/sim/latency.ts, via src/sim/latency-link.ts) requests act on the exchange
// after the entry latency and answer after the response latency, and events arrive after the feed latency
// carrying the book as it was when they left (SnapshotBookView); without one, nothing is delayed.
//
// How a backtest driver advances time (the clock must be the exchange's VirtualClock):
//
//   const direct = new DirectExchange({ clock, seed: 42 });
//   await direct.start(['SOL_USDC_PERP'], (e) => core.onEvent(e));
//   const end = clock.now() + hours * 3_600_000;
//   while (clock.now() < end) await direct.advance(100);   // one model step, then drain handlers
//
// advance(ms) runs clock.runUntil() in steps of at most `stepMs` (default 100 = one model step) and after
// each step awaits setImmediate, which lets queued events reach the handler and lets any promise chains
// the handler started (placeOrder -> then ...) settle before the simulated time moves on.
import type { VirtualClock } from '../util/clock.js';
import { D, Decimal, ZERO } from '../util/decimal.js';
import { virtualMetrics, type ExchangeMetrics, type ExchangePort, type FillsQuery } from '../exchange/port.js';
import type {
  AccountFees,
  BalanceInfo,
  BookView,
  CollateralInfo,
  ExchangeEvent,
  FillInfo,
  FundingInfo,
  MarketInfo,
  OrderEvent,
  OrderEventType,
  OrderInfo,
  OrderRequest,
  OrderStatus,
  Outcome,
  Paged,
  PositionInfo,
  Side,
  TradeTick,
} from '../exchange/types.js';
import { pageHeadersFor } from './accounts/history.js';
import type { OrderView } from './accounts/account.js';
import type { SimOrder } from './matching/types.js';
import { unrealized } from './accounts/position.js';
import type { BookSide } from './matching/book.js';
import { parseUnits, pow10 } from './matching/units.js';
import type { OrderUpdateEvent, PositionView } from './events.js';
import { SimExchange, type SimExchangeOptions } from './exchange.js';
import type { SimMarket } from './market.js';
import type { SimMarketSpec } from './model/markets.js';
import { SnapshotBookView } from './book-snapshot.js';
import type { LatencyModel } from './latency.js';
import { LatencyLink } from './latency-link.js';

export interface DirectExchangeOptions {
  clock: VirtualClock;
  /** Use an existing exchange (its clock must be `clock`); otherwise one is created. */
  exchange?: SimExchange;
  seed?: number;
  markets?: Array<string | SimMarketSpec>;
  /** The account this port trades as (any string; default "backtest"). */
  apiKey?: string;
  exchangeOptions?: Partial<Omit<SimExchangeOptions, 'clock'>>;
  /** Client-exchange latency (default none). */
  latency?: LatencyModel;
}

/** Live BookView over the engine's book (Decimals built only on demand). */
class EngineBookView implements BookView {
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

/**
 * The exchange's views are strings; the port hands out Decimals. The same strings (prices near the touch,
 * order sizes, "0") recur on almost every event, so parsed values are memoised (Decimals are immutable).
 * Bounded: emptied when full.
 */
const decMemo = new Map<string, Decimal>();
function dec(s: string): Decimal {
  let d = decMemo.get(s);
  if (d === undefined) {
    d = D(s);
    if (decMemo.size >= 8192) decMemo.clear();
    decMemo.set(s, d);
  }
  return d;
}

/**
 * A public trade whose Decimals are built only when read (the core reads only the float quantity; the
 * model's taker sizes are random, so a memo would rarely hit). toJSON prints it like a plain trade.
 */
class SimTradeTick implements TradeTick {
  readonly symbol: string;
  readonly quantityNum: number;
  constructor(
    private readonly m: SimMarket,
    private readonly pu: number,
    private readonly qu: number,
    readonly takerSide: Side,
    readonly tradeId: number,
    readonly ts: number,
  ) {
    this.symbol = m.symbol;
    // Both exact integers: the quotient is the double nearest the decimal, as Decimal.toNumber() gives.
    this.quantityNum = qu / pow10(m.qs.scale);
  }
  get price(): Decimal {
    return this.m.pxDec(this.pu);
  }
  get quantity(): Decimal {
    return this.m.qtyDec(this.qu);
  }
  toJSON(): Record<string, unknown> {
    return { symbol: this.symbol, price: this.price.toString(), quantity: this.quantity.toString(), takerSide: this.takerSide, tradeId: this.tradeId, ts: this.ts, quantityNum: this.quantityNum };
  }
}

const EVENT_TYPE: Record<OrderUpdateEvent['type'], OrderEventType> = {
  orderAccepted: 'accepted',
  orderFill: 'fill',
  orderCancelled: 'cancelled',
  orderExpired: 'expired',
  orderModified: 'modified',
};

function toOrderInfo(o: OrderView): OrderInfo {
  return {
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.price === null ? null : dec(o.price),
    quantity: dec(o.quantity ?? '0'),
    executedQuantity: dec(o.executedQuantity),
    executedQuoteQuantity: dec(o.executedQuoteQuantity),
    status: o.status as OrderStatus,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    timeInForce: o.timeInForce as OrderInfo['timeInForce'],
    createdAt: o.createdAt,
  };
}

/** toOrderInfo from the engine's own order (units -> memoised Decimals): the same values, no strings. */
function orderInfoOf(o: SimOrder, m: SimMarket): OrderInfo {
  return {
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.price === null ? null : m.pxDec(o.price),
    quantity: m.qtyDec(o.quantity ?? 0),
    executedQuantity: m.qtyDec(o.executed),
    executedQuoteQuantity: m.notionalDec(o.executedQuote),
    status: o.status,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    timeInForce: o.timeInForce,
    createdAt: o.createdAt,
  };
}

function toPositionInfo(p: PositionView): PositionInfo {
  return {
    symbol: p.symbol,
    netQuantity: dec(p.netQuantity),
    entryPrice: dec(p.entryPrice),
    markPrice: dec(p.markPrice),
    pnlRealized: dec(p.pnlRealized),
    pnlUnrealized: dec(p.pnlUnrealized),
    cumulativeFunding: dec(p.cumulativeFundingPayment),
  };
}

export class DirectExchange implements ExchangePort {
  readonly host = 'backtest';
  readonly exchange: SimExchange;
  readonly clock: VirtualClock;
  readonly apiKey: string;
  private readonly link: LatencyLink<ExchangeEvent>;
  private readonly pendingBook = new Set<string>();
  private scheduled = false;
  private onEvent: ((e: ExchangeEvent) => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly views = new Map<string, EngineBookView>();
  private readonly counters = { rest: 0, events: 0 };

  constructor(opts: DirectExchangeOptions) {
    this.clock = opts.clock;
    this.apiKey = opts.apiKey ?? 'backtest';
    this.exchange =
      opts.exchange ??
      new SimExchange({
        ...opts.exchangeOptions,
        clock: opts.clock,
        seed: opts.seed ?? 1,
        ...(opts.markets ? { markets: opts.markets } : {}),
      });
    this.exchange.account(this.apiKey);
    this.link = new LatencyLink(opts.clock, opts.latency ?? null, () => this.drain());
  }

  metrics(): ExchangeMetrics {
    return virtualMetrics(this.counters.rest, this.counters.events, this.onEvent !== null);
  }

  private ns(): bigint {
    return BigInt(Math.round(this.clock.now() * 1e6));
  }

  private push(e: ExchangeEvent): void {
    this.link.send(e);
    if (!this.scheduled && !this.link.delaysFeed) {
      this.scheduled = true;
      queueMicrotask(() => this.drain());
    }
  }

  /** Deliver queued events that are due, in order (also called by advance()). */
  drain(): void {
    this.scheduled = false;
    for (;;) {
      const batch = this.link.due();
      if (batch.length === 0) break;
      for (const e of batch) {
        if (e.type === 'book') this.pendingBook.delete(e.symbol);
        this.counters.events++;
        try {
          this.onEvent?.(e);
        } catch {
          // A throwing handler must not stop the backtest's event flow; the core reports its own errors.
        }
      }
    }
  }

  async start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    this.onEvent = onEvent;
    const wanted = new Set(symbols);
    for (const s of symbols) {
      const m = this.exchange.market(s);
      if (m) this.views.set(s, new EngineBookView(m));
    }
    const key = this.apiKey;
    this.unsubscribe = this.exchange.subscribe({
      bookChanged: (symbol, _id, ts) => {
        if (!wanted.has(symbol)) return;
        if (this.link.delaysFeed) {
          // The book as it is now, seen after the feed latency; several changes within one ms are one update.
          const m = this.exchange.market(symbol)!;
          const last = this.link.last();
          if (last && last.e.type === 'book' && last.e.symbol === symbol && last.e.ts === ts) last.e.book = new SnapshotBookView(m);
          else this.push({ type: 'book', symbol, book: new SnapshotBookView(m), ts, recvNs: this.ns() });
          return;
        }
        if (this.pendingBook.has(symbol)) return;
        this.pendingBook.add(symbol);
        this.push({ type: 'book', symbol, book: this.views.get(symbol)!, ts, recvNs: this.ns() });
      },
      // The raw variants: Decimals straight from the engine's units (memoised per market), no strings.
      tradeRaw: (t, pu, qu, m) => {
        if (!wanted.has(t.symbol)) return;
        this.push({
          type: 'trade',
          trade: new SimTradeTick(m, pu, qu, t.buyerIsMaker ? 'Ask' : 'Bid', t.id, t.ts),
          recvNs: this.ns(),
        });
      },
      markPrice: (e) => {
        if (!wanted.has(e.symbol)) return;
        this.push({
          type: 'markPrice',
          symbol: e.symbol,
          markPrice: dec(e.markPrice),
          indexPrice: dec(e.indexPrice),
          fundingRate: e.fundingRate === null ? null : dec(e.fundingRate),
          ts: e.ts,
        });
      },
      orderRaw: (account, type, o, m, fill, ts) => {
        if (account !== key) return;
        const event: OrderEvent = {
          type: EVENT_TYPE[type],
          symbol: o.symbol,
          orderId: o.id,
          clientId: o.clientId,
          side: o.side,
          orderType: o.orderType,
          status: o.status as OrderStatus,
          price: o.price === null ? null : m.pxDec(o.price),
          quantity: m.qtyDec(o.quantity ?? 0),
          executedQuantity: m.qtyDec(o.executed),
          executedQuoteQuantity: m.notionalDec(o.executedQuote),
          reduceOnly: o.reduceOnly,
          postOnly: o.postOnly,
          ts,
        };
        if (fill) {
          event.fill = { tradeId: String(fill.tradeId), price: m.pxDec(fill.price), quantity: m.qtyDec(fill.quantity), isMaker: fill.isMaker, fee: fill.fee, feeSymbol: fill.feeSymbol };
        }
        if (type === 'orderExpired' && o.expiryReason) event.reason = o.expiryReason;
        this.push({ type: 'order', event, recvNs: this.ns() });
      },
      positionRaw: (account, _type, p, m, ts) => {
        if (account !== key) return;
        const mark = m.pxDec(m.markPu());
        // The same values the wire view would carry (net at the step's scale; it always is on the grid).
        const net = p.net.decimalPlaces() <= m.qs.scale ? p.net : dec(p.net.toFixed(m.qs.scale));
        this.push({
          type: 'position',
          event: { symbol: p.symbol, netQuantity: net, entryPrice: p.entry, markPrice: mark, pnlRealized: p.realized, pnlUnrealized: unrealized(p, mark), snapshot: false, ts },
        });
      },
    });
    const now = this.clock.now();
    this.push({ type: 'connection', state: 'up', ts: now });
    for (const p of this.exchange.positions(key)) {
      if (!wanted.has(p.symbol)) continue;
      this.push({
        type: 'position',
        event: { symbol: p.symbol, netQuantity: dec(p.netQuantity), entryPrice: dec(p.entryPrice), markPrice: dec(p.markPrice), pnlRealized: dec(p.pnlRealized), pnlUnrealized: dec(p.pnlUnrealized), snapshot: true, ts: now },
      });
    }
    for (const s of symbols) {
      const v = this.views.get(s);
      if (v) {
        this.pendingBook.add(s);
        this.push({ type: 'book', symbol: s, book: v, ts: now, recvNs: this.ns() });
      }
    }
    this.exchange.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.exchange.stop();
    this.drain();
    this.onEvent = null;
  }

  /**
   * Advance simulated time by `ms` in steps of at most `stepMs`, delivering events and letting handler
   * promise chains settle after every step.
   */
  async advance(ms: number, stepMs = 100): Promise<void> {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      this.clock.runUntil(Math.min(end, this.clock.now() + stepMs));
      this.drain();
      await new Promise<void>((r) => setImmediate(r));
      this.drain();
    }
  }

  async getMarkets(): Promise<MarketInfo[]> {
    return [...this.exchange.markets.values()].map((m) => ({
      symbol: m.symbol,
      baseSymbol: m.spec.baseSymbol,
      quoteSymbol: m.spec.quoteSymbol,
      marketType: m.spec.marketType,
      tickSize: D(m.spec.tickSize),
      stepSize: D(m.spec.stepSize),
      minQuantity: D(m.spec.minQuantity),
      maxQuantity: m.spec.maxQuantity === null ? null : D(m.spec.maxQuantity),
      minPrice: D(m.spec.minPrice),
      maxPrice: D(m.spec.maxPrice),
      orderBookState: 'Open',
    }));
  }

  async placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    this.counters.rest++;
    const m = this.exchange.market(req.symbol);
    const body: Record<string, unknown> = {
      symbol: req.symbol,
      side: req.side,
      orderType: req.orderType,
      quantity: m ? req.quantity.toFixed() : req.quantity.toString(),
      clientId: req.clientId,
    };
    if (req.price !== undefined) body['price'] = req.price.toFixed();
    if (req.timeInForce) body['timeInForce'] = req.timeInForce;
    if (req.postOnly) body['postOnly'] = true;
    if (req.reduceOnly) body['reduceOnly'] = true;
    const r = await this.link.request(() => this.exchange.submitOrderAs(this.apiKey, body, orderInfoOf));
    return r.ok ? { kind: 'accepted', value: r.value } : { kind: 'rejected', code: r.code, message: r.message, status: r.status };
  }

  async cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }): Promise<Outcome<OrderInfo>> {
    this.counters.rest++;
    const r = await this.link.request(() => this.exchange.cancelOrderAs(this.apiKey, symbol, id, orderInfoOf));
    return r.ok ? { kind: 'accepted', value: r.value } : { kind: 'rejected', code: r.code, message: r.message, status: r.status };
  }

  async cancelAll(symbol: string): Promise<Outcome<OrderInfo[]>> {
    this.counters.rest++;
    const r = await this.link.request(() => this.exchange.cancelAll(this.apiKey, symbol));
    return r.ok ? { kind: 'accepted', value: r.value.map(toOrderInfo) } : { kind: 'rejected', code: r.code, message: r.message, status: r.status };
  }

  async getOpenOrders(symbol?: string): Promise<OrderInfo[]> {
    this.counters.rest++;
    return this.link.request(() => this.exchange.openOrders(this.apiKey, symbol).map(toOrderInfo));
  }

  async findOrder(symbol: string, clientId: number): Promise<OrderInfo | null> {
    this.counters.rest++;
    return this.link.request(() => this.lookup(symbol, clientId));
  }

  private lookup(symbol: string, clientId: number): OrderInfo | null {
    const live = this.exchange.getOrder(this.apiKey, symbol, { clientId });
    if (live.ok) return toOrderInfo(live.value);
    const acct = this.exchange.account(this.apiKey);
    for (let i = acct.history.length - 1; i >= 0; i--) {
      const o = acct.history[i]!;
      if (o.symbol === symbol && o.clientId === clientId) return toOrderInfo(o);
    }
    return null;
  }

  async getPositions(): Promise<PositionInfo[]> {
    this.counters.rest++;
    return this.link.request(() => this.exchange.positions(this.apiKey).map(toPositionInfo));
  }

  async getBalances(): Promise<BalanceInfo[]> {
    this.counters.rest++;
    return [...this.exchange.balances(this.apiKey).values()];
  }

  async getCollateral(): Promise<CollateralInfo> {
    this.counters.rest++;
    const c = this.exchange.collateral(this.apiKey);
    return { netEquity: c.netEquity, netEquityAvailable: c.netEquityAvailable, pnlUnrealized: c.pnlUnrealized };
  }

  async getAccountFees(): Promise<AccountFees> {
    this.counters.rest++;
    const f = this.exchange.account(this.apiKey).fees;
    return { futuresMakerFeeBps: f.futuresMaker, futuresTakerFeeBps: f.futuresTaker, spotMakerFeeBps: f.spotMaker, spotTakerFeeBps: f.spotTaker };
  }

  async getFills(q: FillsQuery): Promise<Paged<FillInfo>> {
    this.counters.rest++;
    const p = this.exchange.fillPage(this.apiKey, { ...q, sortDirection: 'Asc' });
    return { rows: p.rows.map((f) => ({
      tradeId: String(f.tradeId),
      orderId: f.orderId,
      clientId: f.clientId,
      symbol: f.symbol,
      side: f.side,
      price: dec(f.price),
      quantity: dec(f.quantity),
      fee: dec(f.fee),
      feeSymbol: f.feeSymbol,
      isMaker: f.isMaker,
      timestamp: f.timestamp,
    })), page: pageHeadersFor(p.total, q.limit ?? 100, q.offset ?? 0) };
  }

  async getFundingHistory(q: { symbol?: string; limit?: number; offset?: number }): Promise<Paged<FundingInfo>> {
    this.counters.rest++;
    const p = this.exchange.fundingPage(this.apiKey, q);
    return { rows: p.rows.map((f) => ({
      symbol: f.symbol,
      quantity: dec(f.quantity),
      fundingRate: dec(f.fundingRate),
      intervalEndTimestamp: f.intervalEndTimestamp,
    })), page: pageHeadersFor(p.total, q.limit ?? 100, q.offset ?? 0) };
  }

  async getMarkPrice(symbol: string): Promise<Decimal | null> {
    const m = this.exchange.market(symbol);
    return m ? m.pxDec(m.markPu()) : null;
  }
}
