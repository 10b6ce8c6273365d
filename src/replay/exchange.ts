// ReplayExchange: an ExchangePort in virtual time over one or more tapes, so the real engine cannot tell it
// from the paper exchange. The loop (src/replay/loop.ts) merges the tapes' venue events, our requests'
// arrivals, the venue's answers and the deliveries to the engine in time order; this class is the venue side
// (ReplayVenue per market: book rebuild, our queues and fills; the account; funding) and the port. Queries
// (open orders, findOrder, fills, positions) travel like orders: answered from the venue's state when they
// arrive, so resolve-by-query sees what a real venue would.
import { virtualMetrics, type ExchangeMetrics, type ExchangePort, type FillsQuery } from '../exchange/port.js';
import type { AccountFees, BalanceInfo, CollateralInfo, ExchangeEvent, FundingInfo, Outcome, Paged } from '../exchange/types.js';
import type { Fill } from '../domain/fill.js';
import type { MarketInfo } from '../domain/market.js';
import type { OrderInfo, OrderRequest } from '../domain/order.js';
import type { Position } from '../domain/position.js';
import type { FillMetrics, SymbolFills } from '../backtest/fill-metrics.js';
import type { LatencyModel } from '../sim/latency.js';
import { unrealized } from '../sim/accounts/position.js';
import type { TapeEvent } from '../tape/types.js';
import type { VirtualClock } from '../util/clock.js';
import { type Decimal, ZERO } from '../util/decimal.js';
import { ReplayAccount } from './account.js';
import { AccountAnswers } from './answers.js';
import type { TapeFeed } from './feed.js';
import { FundingClock } from './funding.js';
import { ReplayLoop } from './loop.js';
import { eventOf, isReject, newOrder, orderInfo, reject } from './orders.js';
import type { ReplayMarket } from './market.js';
import type { QueueModel } from './queue.js';
import { ReplayVenue, type VenueOrder } from './venue.js';
import { EngineView, nsOf } from './view.js';

export interface ReplayFeedInput {
  feed: TapeFeed;
  market: ReplayMarket;
}

export interface ReplayExchangeOptions {
  clock: VirtualClock;
  tapes: ReplayFeedInput[];
  latency: LatencyModel;
  queue: QueueModel;
  fees: AccountFees;
  /** Receives venue-time mids, orders and fills for the report (src/backtest/fill-metrics.ts). */
  metrics?: FillMetrics;
}

/** One tape's market inside the exchange. */
interface Market {
  m: ReplayMarket;
  feed: TapeFeed;
  venue: ReplayVenue;
  view: EngineView;
  fills: SymbolFills | null;
  /** Mids for the metrics come from the tape's bbo stream when it has one, else from the rebuilt book. */
  bboMids: boolean;
  funding: FundingClock;
  /** Gap records replayed, by reason. */
  gaps: Record<string, number>;
  /** Our signed position in quantity units (the account's, kept as an integer for the venue's checks). */
  positionU: number;
}

/** What the replay of one tape met (the report's replay block). */
export interface TapeReplayFacts {
  symbol: string;
  events: number;
  gaps: Record<string, number>;
  /** Times the engine's book became unusable (it stopped quoting the market until the next snapshot). */
  bookInvalidations: number;
  firstUs: number | null;
  lastUs: number | null;
  /** The tape was read to its footer; `truncated`: it ended inside a record (a crash while recording). */
  complete: boolean;
  truncated: boolean;
}

export class ReplayExchange extends ReplayLoop implements ExchangePort {
  readonly host = 'replay';
  readonly account: ReplayAccount;
  private readonly markets = new Map<string, Market>();
  private readonly list: Market[] = [];
  private onEvent: ((e: ExchangeEvent) => void) | null = null;
  private readonly open = new Map<string, VenueOrder>();
  private nextOrderId = 1;
  private nextTradeId = 1;
  private filled = false;
  /** Sees every event right after the engine handled it (the report's inventory watch). */
  observer: ((e: ExchangeEvent) => void) | null = null;
  private readonly metricsSink: FillMetrics | null;
  private readonly answers: AccountAnswers;

  constructor(private readonly opts: ReplayExchangeOptions) {
    super(opts.clock, opts.latency, opts.tapes.map((t) => t.feed));
    this.metricsSink = opts.metrics ?? null;
    this.account = new ReplayAccount(
      { makerBps: opts.fees.futuresMakerFeeBps, takerBps: opts.fees.futuresTakerFeeBps },
      { makerBps: opts.fees.spotMakerFeeBps, takerBps: opts.fees.spotTakerFeeBps },
    );
    for (const t of opts.tapes) {
      if (this.markets.has(t.market.symbol)) throw new RangeError(`two tapes are both ${t.market.symbol}: import consecutive recordings of one market into one tape`);
      const symbol = t.market.symbol;
      const mk: Market = {
        m: t.market,
        feed: t.feed,
        venue: null as unknown as ReplayVenue,
        view: new EngineView(t.market),
        fills: this.metricsSink ? this.metricsSink.market(symbol, t.market.priceScale) : null,
        bboMids: t.feed.cal.hasBbo,
        funding: new FundingClock(() => t.feed.clockOffsetUs),
        gaps: {},
        positionU: 0,
      };
      mk.venue = new ReplayVenue(t.market, opts.queue, {
        fill: (o, priceU, qtyU, isMaker) => this.onFill(mk, o, priceU, qtyU, isMaker),
        update: (o, type) => this.onUpdate(mk, o, type),
        positionU: () => mk.positionU,
      });
      this.markets.set(symbol, mk);
      this.list.push(mk);
    }
    const answered = new Map([...this.markets].map(([s, mk]) => [s, { m: mk.m, mark: () => mk.view.mark }]));
    this.answers = new AccountAnswers(this.account, answered);
  }

  /** The engine's view of a market's book (tests). */
  engineBook(symbol: string) {
    return this.markets.get(symbol)?.view.view ?? null;
  }
  venueOf(symbol: string): ReplayVenue | null {
    return this.markets.get(symbol)?.venue ?? null;
  }

  facts(): TapeReplayFacts[] {
    return this.list.map((x) => ({
      symbol: x.m.symbol,
      events: x.feed.events,
      gaps: { ...x.gaps },
      bookInvalidations: x.view.invalidations,
      firstUs: x.feed.firstUs,
      lastUs: x.feed.lastUs,
      complete: x.feed.reader.complete,
      truncated: x.feed.reader.truncated,
    }));
  }

  protected deliver(i: number, e: TapeEvent, nowMs: number): void {
    this.list[i]!.view.deliver(e, nowMs, this.onEvent === null ? null : this.emitFn);
  }

  protected venueEvent(i: number, e: TapeEvent): void {
    const mk = this.list[i]!;
    const t = this.nowUs;
    switch (e.type) {
      case 'snapshot':
      case 'diff':
      case 'gap':
        if (e.type === 'gap') mk.gaps[e.reason] = (mk.gaps[e.reason] ?? 0) + 1;
        mk.venue.depth(e);
        this.afterFills(mk);
        if (mk.fills && !mk.bboMids) {
          const b = mk.venue.book;
          if (b.synced) mk.fills.mid(t, b.bids.size > 0 ? b.bestBid() : null, b.asks.size > 0 ? b.bestAsk() : null);
          else mk.fills.gap(t);
        } else if (mk.fills && e.type === 'gap' && e.lost.includes('bbo')) mk.fills.gap(t);
        return;
      case 'trade':
        mk.venue.trade(e);
        this.afterFills(mk);
        return;
      case 'bbo':
        if (mk.fills && mk.bboMids) mk.fills.mid(t, e.hasBid ? e.bidPx : null, e.hasAsk ? e.askPx : null);
        return;
      case 'mark': {
        const due = mk.funding.onMark(t, e.markPrice, e.fundingRate, e.nextFundingMs);
        if (due && mk.m.isPerp) this.account.settleFunding(mk.m.symbol, due.mark, due.rate, due.endMs);
        return;
      }
    }
  }

  // ------------------------------------------------------------------ venue callbacks

  /** Our position moved: reduce-only orders may have to shrink or expire (after the venue's pass). */
  private afterFills(mk: Market): void {
    if (!this.filled) return;
    this.filled = false;
    mk.venue.reduceChecks();
  }

  private onFill(mk: Market, o: VenueOrder, priceU: number, qtyU: number, isMaker: boolean): void {
    this.filled = true;
    const m = mk.m;
    const price = m.px.get(priceU);
    const qty = m.qty.get(qtyU);
    const notional = price.mul(qty);
    const fee = this.account.feeFor(m.isPerp, isMaker, notional);
    const f: Fill = {
      tradeId: String(this.nextTradeId++),
      orderId: o.id,
      clientId: o.clientId,
      symbol: m.symbol,
      side: o.side,
      price,
      quantity: qty,
      fee,
      feeSymbol: m.info.quoteSymbol,
      isMaker,
      timestamp: Math.floor(this.nowUs / 1000),
    };
    this.account.applyFill(f, notional);
    mk.positionU += o.side === 'Bid' ? qtyU : -qtyU;
    mk.fills?.fill(o.id, this.nowUs, o.side === 'Bid', priceU, price, qty, isMaker);
    if (o.status === 'Filled') this.finished(mk, o);
    const info = this.info(o);
    const ts = f.timestamp;
    this.sendPrivate(() =>
      this.emit({
        type: 'order',
        event: { ...eventOf(info, 'fill', ts), fill: { tradeId: f.tradeId, price, quantity: qty, isMaker, fee, feeSymbol: f.feeSymbol } },
        recvNs: this.ns(),
      }),
    );
    if (m.isPerp) {
      const p = this.account.position(m.symbol);
      const mark = mk.view.mark ?? price;
      const ev = { symbol: m.symbol, netQuantity: p.net, entryPrice: p.entry, markPrice: mark, pnlRealized: p.realized, pnlUnrealized: unrealized(p, mark), snapshot: false, ts };
      this.sendPrivate(() => this.emit({ type: 'position', event: ev }));
    }
  }

  private onUpdate(mk: Market, o: VenueOrder, type: 'accepted' | 'cancelled' | 'expired' | 'modified'): void {
    if (type === 'accepted') {
      this.open.set(o.id, o);
      mk.fills?.accept(o.id, this.nowUs);
    } else if (type !== 'modified') this.finished(mk, o);
    const info = this.info(o);
    const ev = eventOf(info, type, Math.floor(this.nowUs / 1000));
    if (type === 'expired' && o.expiryReason) ev.reason = o.expiryReason;
    this.sendPrivate(() => this.emit({ type: 'order', event: ev, recvNs: this.ns() }));
  }

  private finished(mk: Market, o: VenueOrder): void {
    if (!this.open.delete(o.id)) return;
    mk.fills?.done(o.id);
    this.account.archive(this.info(o));
  }

  // ------------------------------------------------------------------ plumbing

  private readonly emitFn = (e: ExchangeEvent): void => this.emit(e);

  private emit(e: ExchangeEvent): void {
    if (this.onEvent === null) return;
    try {
      this.onEvent(e);
      this.observer?.(e);
    } catch {
      // A throwing handler must not stop the replay; the core reports its own errors.
    }
  }

  private ns(): bigint {
    return nsOf(this.nowUs / 1000);
  }

  private info(o: VenueOrder): OrderInfo {
    return orderInfo(o, this.markets.get(o.symbol)!.m);
  }

  // ------------------------------------------------------------------ ExchangePort

  metrics(): ExchangeMetrics {
    return virtualMetrics(this.counters.requests, this.counters.delivered, this.onEvent !== null);
  }

  async start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    const unknown = symbols.filter((s) => !this.markets.has(s));
    if (unknown.length > 0) throw new RangeError(`no tape for ${unknown.join(', ')}`);
    this.onEvent = onEvent;
    const ts = this.clock.now();
    this.emit({ type: 'connection', state: 'up', ts });
    for (const s of symbols) {
      const mk = this.markets.get(s)!;
      if (!mk.m.isPerp) continue;
      const p = this.account.position(s);
      const mark = mk.view.mark ?? ZERO;
      this.emit({ type: 'position', event: { symbol: s, netQuantity: p.net, entryPrice: p.entry, markPrice: mark, pnlRealized: p.realized, pnlUnrealized: ZERO, snapshot: true, ts } });
    }
  }

  async stop(): Promise<void> {
    this.onEvent = null;
  }

  async getMarkets(): Promise<MarketInfo[]> {
    return this.request(() => this.list.map((x) => x.m.info));
  }

  placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    return this.request(() => {
      const mk = this.markets.get(req.symbol);
      if (!mk) return reject({ status: 400, code: 'INVALID_CLIENT_REQUEST', message: 'Invalid market symbol' });
      const n = newOrder(req, mk.m, () => String(this.nextOrderId++));
      if (isReject(n)) return reject(n);
      const dup = [...this.open.values()].some((o) => o.clientId === req.clientId && req.clientId !== null);
      const r = mk.venue.arrive(n, mk.m.symbol, this.nowUs, dup);
      if (isReject(r)) return reject(r);
      this.afterFills(mk);
      return { kind: 'accepted', value: this.info(r) } as Outcome<OrderInfo>;
    });
  }

  cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }): Promise<Outcome<OrderInfo>> {
    return this.request(() => {
      const mk = this.markets.get(symbol);
      const o = mk ? this.findOpen(symbol, id) : undefined;
      if (!mk || !o) return reject({ status: 404, code: 'RESOURCE_NOT_FOUND', message: 'Not Found' });
      mk.venue.cancel(o);
      return { kind: 'accepted', value: this.info(o) } as Outcome<OrderInfo>;
    });
  }

  cancelAll(symbol: string): Promise<Outcome<OrderInfo[]>> {
    return this.request(() => {
      const mk = this.markets.get(symbol);
      if (!mk) return reject({ status: 400, code: 'INVALID_CLIENT_REQUEST', message: 'Invalid market symbol' });
      const out: OrderInfo[] = [];
      for (const o of [...this.open.values()]) {
        if (o.symbol !== symbol) continue;
        mk.venue.cancel(o);
        out.push(this.info(o));
      }
      return { kind: 'accepted', value: out } as Outcome<OrderInfo[]>;
    });
  }

  getOpenOrders(symbol?: string): Promise<OrderInfo[]> {
    return this.request(() => [...this.open.values()].filter((o) => symbol === undefined || o.symbol === symbol).map((o) => this.info(o)));
  }

  findOrder(symbol: string, clientId: number): Promise<OrderInfo | null> {
    return this.request(() => {
      const o = this.findOpen(symbol, { clientId });
      return o ? this.info(o) : this.answers.finished(symbol, clientId);
    });
  }

  getPositions(): Promise<Position[]> {
    return this.request(() => this.answers.positions());
  }

  getBalances(): Promise<BalanceInfo[]> {
    return this.request(() => this.answers.balances());
  }

  getCollateral(): Promise<CollateralInfo> {
    return this.request(() => this.answers.collateral());
  }

  getAccountFees(): Promise<AccountFees> {
    return this.request(() => this.opts.fees);
  }

  getFills(q: FillsQuery): Promise<Paged<Fill>> {
    return this.request(() => this.answers.fills(q));
  }

  getFundingHistory(q: { symbol?: string; limit?: number; offset?: number }): Promise<Paged<FundingInfo>> {
    return this.request(() => this.answers.funding(q));
  }

  async getMarkPrice(symbol: string): Promise<Decimal | null> {
    return this.markets.get(symbol)?.view.mark ?? null;
  }

  private findOpen(symbol: string, id: { orderId: string } | { clientId: number }): VenueOrder | undefined {
    if ('orderId' in id) {
      const o = this.open.get(id.orderId);
      return o && o.symbol === symbol ? o : undefined;
    }
    for (const o of this.open.values()) if (o.symbol === symbol && o.clientId === id.clientId) return o;
    return undefined;
  }
}
