// src/sim/backtest-port/port.ts — BacktestPort: the backtest's ExchangePort, straight onto an in-process
// SimExchange (no network), for virtual-time backtests. It delivers the same domain events the websocket
// adapter would (book as a BookView, trade, markPrice, order, position), in order, and resolves requests
// without I/O. What each event and record carries lives beside it (events.ts, records.ts, book-view.ts).
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
//   const port = new BacktestPort({ clock, seed: 42 });
//   await port.start(['SOL_USDC_PERP'], (e) => core.onEvent(e));
//   const end = clock.now() + hours * 3_600_000;
//   while (clock.now() < end) await port.advance(100);   // one model step, then drain handlers
//
// advance(ms) runs clock.runUntil() in steps of at most `stepMs` (default 100 = one model step) and after
// each step awaits setImmediate, which lets queued events reach the handler and lets any promise chains
// the handler started (placeOrder -> then ...) settle before the simulated time moves on.
import type { VirtualClock } from '../../util/clock.js';
import type { Decimal } from '../../util/decimal.js';
import { virtualMetrics, type ExchangeMetrics, type ExchangePort, type FillsQuery } from '../../exchange/port.js';
import type { AccountFees, BalanceInfo, CollateralInfo, ExchangeEvent, FundingInfo, Outcome, Paged } from '../../exchange/types.js';
import type { Fill } from '../../domain/fill.js';
import type { MarketInfo } from '../../domain/market.js';
import type { OrderInfo, OrderRequest } from '../../domain/order.js';
import type { Position } from '../../domain/position.js';
import { pageHeadersFor } from '../accounts/history.js';
import { SimExchange, type SimExchangeOptions } from '../exchange.js';
import type { SimMarketSpec } from '../model/markets.js';
import { SnapshotBookView } from '../book-snapshot.js';
import type { LatencyModel } from '../latency.js';
import { LatencyLink } from '../latency-link.js';
import { EngineBookView } from './book-view.js';
import { orderEventOf, positionEventOf, SimTradeTick } from './events.js';
import { dec, toMarketInfo } from './records.js';

export interface BacktestPortOptions {
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

export class BacktestPort implements ExchangePort {
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

  constructor(opts: BacktestPortOptions) {
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
        this.push({ type: 'order', event: orderEventOf(type, o, m, fill, ts), recvNs: this.ns() });
      },
      positionRaw: (account, _type, p, m, ts) => {
        if (account !== key) return;
        this.push({ type: 'position', event: positionEventOf(p, m, ts) });
      },
    });
    const now = this.clock.now();
    this.push({ type: 'connection', state: 'up', ts: now });
    for (const p of this.exchange.positions(key)) {
      if (!wanted.has(p.symbol)) continue;
      this.push({
        type: 'position',
        event: { symbol: p.symbol, netQuantity: p.netQuantity, entryPrice: p.entryPrice, markPrice: p.markPrice, pnlRealized: p.pnlRealized, pnlUnrealized: p.pnlUnrealized, snapshot: true, ts: now },
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
    return [...this.exchange.markets.values()].map(toMarketInfo);
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
    const r = await this.link.request(() => this.exchange.submitOrder(this.apiKey, body));
    return r.ok ? { kind: 'accepted', value: r.value } : { kind: 'rejected', code: r.code, message: r.message, status: r.status };
  }

  async cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }): Promise<Outcome<OrderInfo>> {
    this.counters.rest++;
    const r = await this.link.request(() => this.exchange.cancelOrder(this.apiKey, symbol, id));
    return r.ok ? { kind: 'accepted', value: r.value } : { kind: 'rejected', code: r.code, message: r.message, status: r.status };
  }

  async cancelAll(symbol: string): Promise<Outcome<OrderInfo[]>> {
    this.counters.rest++;
    const r = await this.link.request(() => this.exchange.cancelAll(this.apiKey, symbol));
    return r.ok ? { kind: 'accepted', value: r.value } : { kind: 'rejected', code: r.code, message: r.message, status: r.status };
  }

  async getOpenOrders(symbol?: string): Promise<OrderInfo[]> {
    this.counters.rest++;
    return this.link.request(() => this.exchange.openOrders(this.apiKey, symbol));
  }

  async findOrder(symbol: string, clientId: number): Promise<OrderInfo | null> {
    this.counters.rest++;
    return this.link.request(() => this.lookup(symbol, clientId));
  }

  private lookup(symbol: string, clientId: number): OrderInfo | null {
    const live = this.exchange.getOrder(this.apiKey, symbol, { clientId });
    if (live.ok) return live.value;
    const acct = this.exchange.account(this.apiKey);
    for (let i = acct.history.length - 1; i >= 0; i--) {
      const o = acct.history[i]!;
      if (o.symbol === symbol && o.clientId === clientId) return o;
    }
    return null;
  }

  async getPositions(): Promise<Position[]> {
    this.counters.rest++;
    return this.link.request(() => this.exchange.positions(this.apiKey));
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

  async getFills(q: FillsQuery): Promise<Paged<Fill>> {
    this.counters.rest++;
    const p = this.exchange.fillPage(this.apiKey, { ...q, sortDirection: 'Asc' });
    return { rows: p.rows, page: pageHeadersFor(p.total, q.limit ?? 100, q.offset ?? 0) };
  }

  async getFundingHistory(q: { symbol?: string; limit?: number; offset?: number }): Promise<Paged<FundingInfo>> {
    this.counters.rest++;
    const p = this.exchange.fundingPage(this.apiKey, q);
    return { rows: p.rows, page: pageHeadersFor(p.total, q.limit ?? 100, q.offset ?? 0) };
  }

  async getMarkPrice(symbol: string): Promise<Decimal | null> {
    const m = this.exchange.market(symbol);
    return m ? m.pxDec(m.markPu()) : null;
  }
}
