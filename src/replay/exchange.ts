// ReplayExchange: an ExchangePort in virtual time over one or more tapes, so the real engine cannot tell it
// from the paper exchange. One discrete-event loop on one VirtualClock (the tapes' local clock) merges:
//   venue events   each tape's events at venue time (ReplayVenue: book rebuild, our queue and fills)
//   arrivals       our orders and cancels reaching the venue, an entry latency after they were sent
//   private msgs   the venue's answers and our order/position updates, a response latency after it acted
//   deliveries     each tape's events reaching the engine, a feed latency after venue time (EngineView)
//   timers         the engine's own clock timers
// in time order (ties: timers, venue events, arrivals, private messages, deliveries), the tapes k-way
// merged by time. Everything runs synchronously except that after a request was answered or a timer fired
// the loop yields one macrotask so the engine's promise chains settle at that virtual time. Queries
// (open orders, findOrder, fills, positions) travel like orders: answered from the venue's state when they
// arrive, so resolve-by-query sees what a real venue would.
import { virtualMetrics, type ExchangeMetrics, type ExchangePort } from '../exchange/port.js';
import type {
  AccountFees,
  BalanceInfo,
  CollateralInfo,
  ExchangeEvent,
  FillInfo,
  FundingInfo,
  MarketInfo,
  OrderEvent,
  OrderEventType,
  OrderInfo,
  OrderRequest,
  Outcome,
  PositionInfo,
} from '../exchange/types.js';
import type { FillMetrics, SymbolFills } from '../backtest/fill-metrics.js';
import type { LatencyModel } from '../sim/latency.js';
import { unrealized } from '../sim/accounts/position.js';
import type { TapeEvent } from '../tape/types.js';
import type { VirtualClock } from '../util/clock.js';
import { D, type Decimal, ZERO } from '../util/decimal.js';
import { ReplayAccount, STARTING_COLLATERAL } from './account.js';
import { TimedQueue, type TapeFeed } from './feed.js';
import type { ReplayMarket } from './market.js';
import type { QueueModel } from './queue.js';
import { ReplayVenue, type NewOrder, type VenueOrder, type VenueReject } from './venue.js';
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
  /** Funding: the next settlement (replay clock, µs), the rate and mark to settle at. */
  fundingDueUs: number | null;
  fundingRate: Decimal | null;
  lastMark: Decimal | null;
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

const MAX_STOP_US = 60_000_000;

export class ReplayExchange implements ExchangePort {
  readonly host = 'replay';
  readonly account: ReplayAccount;
  private readonly clock: VirtualClock;
  private readonly latency: LatencyModel;
  private readonly markets = new Map<string, Market>();
  private readonly list: Market[] = [];
  private readonly arrivals = new TimedQueue<() => void>();
  private readonly privates = new TimedQueue<() => void>();
  private lastArrival = -Infinity;
  private lastPrivate = -Infinity;
  private onEvent: ((e: ExchangeEvent) => void) | null = null;
  private readonly open = new Map<string, VenueOrder>();
  private nextOrderId = 1;
  private nextTradeId = 1;
  private needYield = false;
  private filled = false;
  /** Sees every event right after the engine handled it (the report's inventory watch). */
  observer: ((e: ExchangeEvent) => void) | null = null;
  private nowUs: number;
  private readonly metricsSink: FillMetrics | null;
  readonly counters = { requests: 0, delivered: 0, venueEvents: 0 };

  constructor(private readonly opts: ReplayExchangeOptions) {
    this.clock = opts.clock;
    this.latency = opts.latency;
    this.nowUs = opts.clock.now() * 1000;
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
        fundingDueUs: null,
        fundingRate: null,
        lastMark: null,
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

  // ------------------------------------------------------------------ the loop

  /**
   * Run until every tape is replayed and delivered (phase 'tapes'), or, afterwards, until `until()` holds
   * or `maxMs` of virtual time passed (stopping the engine: its cancels still travel).
   */
  async run(stop?: { until: () => boolean; maxMs?: number }): Promise<void> {
    const limitUs = stop ? this.nowUs + (stop.maxMs !== undefined ? stop.maxMs * 1000 : MAX_STOP_US) : Infinity;
    const list = this.list;
    for (;;) {
      if (this.needYield) {
        this.needYield = false;
        await new Promise<void>((r) => setImmediate(r));
      }
      if (stop ? stop.until() : list.every((x) => x.feed.done)) return;
      // Earliest of every source; ties go to the earlier kind in this order.
      let best = Infinity;
      let kind = 0;
      let which: Market | null = null;
      for (let i = 0; i < list.length; i++) {
        const x = list[i]!;
        while (Number.isNaN(x.feed.headUs)) await x.feed.fill();
        if (x.feed.headUs < best) {
          best = x.feed.headUs;
          kind = 1;
          which = x;
        }
      }
      if (this.arrivals.headTime < best) {
        best = this.arrivals.headTime;
        kind = 2;
      }
      if (this.privates.headTime < best) {
        best = this.privates.headTime;
        kind = 3;
      }
      for (let i = 0; i < list.length; i++) {
        const x = list[i]!;
        const t = x.feed.inflight.headTime;
        if (t < best) {
          best = t;
          kind = 4;
          which = x;
        }
      }
      const timer = this.clock.peek();
      if (timer !== null && timer * 1000 <= best) {
        if (timer * 1000 > limitUs) return;
        this.nowUs = Math.max(this.nowUs, timer * 1000);
        this.clock.step();
        this.needYield = true;
        continue;
      }
      if (best === Infinity || best > limitUs) return;
      this.nowUs = best;
      switch (kind) {
        case 1:
          this.venueRun(which!, timer === null ? Infinity : timer * 1000);
          break;
        case 2:
          this.clock.runUntil(best / 1000);
          this.arrivals.shift()();
          break;
        case 3:
          this.clock.runUntil(best / 1000);
          this.privates.shift()();
          break;
        case 4:
          this.clock.runUntil(best / 1000);
          this.counters.delivered++;
          which!.view.deliver(which!.feed.inflight.shift(), best / 1000, this.onEvent === null ? null : this.emitFn);
          break;
      }
    }
  }

  /**
   * Apply a feed's venue events while nothing else is due first (the hot path: one source, no rescans).
   * Ties keep the loop's order: a timer at the same time first, arrivals, messages and deliveries after.
   */
  private venueRun(mk: Market, timerUs: number): void {
    // Fixed while this feed's events apply: the other feeds' heads, every delivery queue but its own, arrivals.
    let feeds = Infinity;
    let fixed = this.arrivals.headTime;
    for (const x of this.list) {
      if (x === mk) continue;
      if (x.feed.headUs < feeds) feeds = x.feed.headUs;
      if (x.feed.inflight.headTime < fixed) fixed = x.feed.inflight.headTime;
    }
    const f = mk.feed;
    for (;;) {
      this.nowUs = f.headUs;
      this.venueEvent(mk, f.take());
      const h = f.headUs;
      // NaN (the reader needs input) fails every comparison: back to the loop.
      if (!(h < timerUs && h < feeds && h <= fixed && h <= f.inflight.headTime && h <= this.privates.headTime)) return;
    }
  }

  private venueEvent(mk: Market, e: TapeEvent): void {
    this.counters.venueEvents++;
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
      case 'mark':
        this.onMark(mk, e.markPrice, e.fundingRate, e.nextFundingMs);
        return;
    }
  }

  /** Funding where the tape has it: settled when the venue's announced funding time passes. */
  private onMark(mk: Market, markPrice: string, rate: string | null, nextMs: number | null): void {
    const mark = D(markPrice);
    if (mk.fundingDueUs !== null && this.nowUs >= mk.fundingDueUs && mk.fundingRate !== null && mk.m.isPerp) {
      const end = Math.round(mk.fundingDueUs / 1000);
      this.account.settleFunding(mk.m.symbol, mk.lastMark ?? mark, mk.fundingRate, end);
      mk.fundingDueUs = null;
    }
    mk.lastMark = mark;
    if (rate !== null) mk.fundingRate = D(rate);
    if (nextMs !== null) mk.fundingDueUs = nextMs * 1000 + mk.feed.clockOffsetUs;
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
    const f: FillInfo = {
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

  /** A private message (answer or update) from the venue, after the response latency, in order. */
  private sendPrivate(fn: () => void): void {
    const t = Math.max(this.lastPrivate, this.nowUs + this.latency.response() * 1000);
    this.lastPrivate = t;
    this.privates.push(t, fn);
  }

  /** A request: reaches the venue after the entry latency, answered after the response latency. */
  private request<T>(act: () => T): Promise<T> {
    this.counters.requests++;
    return new Promise<T>((resolve) => {
      const t = Math.max(this.lastArrival, this.nowUs + this.latency.entry() * 1000);
      this.lastArrival = t;
      this.arrivals.push(t, () => {
        const out = act();
        this.sendPrivate(() => {
          this.needYield = true;
          resolve(out);
        });
      });
    });
  }

  private info(o: VenueOrder): OrderInfo {
    const m = this.markets.get(o.symbol)!.m;
    return {
      id: o.id,
      clientId: o.clientId,
      symbol: o.symbol,
      side: o.side,
      orderType: o.orderType,
      price: o.priceU === null ? null : m.px.get(o.priceU),
      quantity: m.qty.get(o.qtyU),
      executedQuantity: m.qty.get(o.executedU),
      executedQuoteQuantity: o.executedQuote,
      status: o.status,
      postOnly: o.postOnly,
      reduceOnly: o.reduceOnly,
      timeInForce: o.timeInForce,
      createdAt: o.createdAtMs,
    };
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
      const priceU = req.price === undefined ? null : mk.m.priceUnits(req.price);
      const qtyU = mk.m.qtyUnits(req.quantity);
      if (req.orderType === 'Limit' && priceU === null) return reject({ status: 400, code: 'INVALID_ORDER', message: 'Price decimal too long' });
      if (qtyU === null) return reject({ status: 400, code: 'INVALID_ORDER', message: 'Quantity decimal too long' });
      const n: NewOrder = {
        id: String(this.nextOrderId++),
        clientId: req.clientId,
        side: req.side,
        orderType: req.orderType,
        timeInForce: req.timeInForce ?? 'GTC',
        postOnly: req.postOnly ?? false,
        reduceOnly: req.reduceOnly ?? false,
        priceU: req.orderType === 'Market' ? null : priceU,
        qtyU,
      };
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
      if (o) return this.info(o);
      const h = this.account.history;
      for (let i = h.length - 1; i >= 0; i--) if (h[i]!.symbol === symbol && h[i]!.clientId === clientId) return h[i]!;
      return null;
    });
  }

  getPositions(): Promise<PositionInfo[]> {
    return this.request(() => {
      const out: PositionInfo[] = [];
      for (const [s, p] of this.account.positions) {
        const mk = this.markets.get(s)!;
        if (!mk.m.isPerp || p.net.isZero()) continue;
        const mark = mk.view.mark ?? p.entry;
        out.push({ symbol: s, netQuantity: p.net, entryPrice: p.entry, markPrice: mark, pnlRealized: p.realized, pnlUnrealized: unrealized(p, mark), cumulativeFunding: p.cumFunding });
      }
      return out;
    });
  }

  getBalances(): Promise<BalanceInfo[]> {
    return this.request(() => {
      const quote = new Map<string, Decimal>();
      const out: BalanceInfo[] = [];
      for (const x of this.list) {
        if (x.m.isPerp) continue;
        out.push({ asset: x.m.info.baseSymbol, available: this.account.baseBalance(x.m.symbol), locked: ZERO });
        quote.set(x.m.info.quoteSymbol, (quote.get(x.m.info.quoteSymbol) ?? STARTING_COLLATERAL).add(this.account.quoteCash(x.m.symbol)));
      }
      for (const [asset, v] of quote) out.push({ asset, available: v, locked: ZERO });
      return out;
    });
  }

  getCollateral(): Promise<CollateralInfo> {
    return this.request(() => {
      const e = this.account.equity((s) => this.markets.get(s)?.view.mark ?? null);
      return { netEquity: e.equity, netEquityAvailable: e.equity, pnlUnrealized: e.unrealized };
    });
  }

  getAccountFees(): Promise<AccountFees> {
    return this.request(() => this.opts.fees);
  }

  getFills(q: { symbol?: string; from?: number; limit?: number; offset?: number }): Promise<FillInfo[]> {
    return this.request(() => {
      const rows = this.account.fills.filter((f) => (q.symbol === undefined || f.symbol === q.symbol) && (q.from === undefined || f.timestamp >= q.from));
      const off = q.offset ?? 0;
      return rows.slice(off, off + (q.limit ?? 100));
    });
  }

  getFundingHistory(q: { symbol?: string; limit?: number; offset?: number }): Promise<FundingInfo[]> {
    return this.request(() => {
      const rows = this.account.funding.filter((f) => q.symbol === undefined || f.symbol === q.symbol).slice().reverse();
      const off = q.offset ?? 0;
      return rows.slice(off, off + (q.limit ?? 100));
    });
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

function reject(r: VenueReject): Outcome<never> {
  return { kind: 'rejected', code: r.code, message: r.message, status: r.status };
}

function isReject(x: VenueOrder | VenueReject): x is VenueReject {
  return 'code' in x;
}

function eventOf(o: OrderInfo, type: OrderEventType, ts: number): OrderEvent {
  return {
    type,
    symbol: o.symbol,
    orderId: o.id,
    clientId: o.clientId,
    side: o.side,
    orderType: o.orderType,
    status: o.status,
    price: o.price,
    quantity: o.quantity,
    executedQuantity: o.executedQuantity,
    executedQuoteQuantity: o.executedQuoteQuantity,
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly,
    ts,
  };
}
