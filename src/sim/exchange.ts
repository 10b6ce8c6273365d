// SimExchange: the paper exchange as one pure object. It owns the markets (book + model), the accounts,
// and the order lifecycle (validate -> accept -> match -> rest/expire), and fans out public and private
// events to listeners. Time comes only from the injected Clock, so the same code runs in real time
// (SystemClock, the server) and in virtual time (VirtualClock, backtests).
import type { Clock, TimerHandle } from '../util/clock.js';
import { D, Decimal, ZERO } from '../util/decimal.js';
import type { FillQuery } from '../protocol/backpack/requests.js';
import type { Side } from '../exchange/types.js';
import { Account, feesFrom, type FeeRatesBps, type FillRecord, type FundingRecord, type OrderView } from './accounts/account.js';
import { appendFill, badSeedFill, DEFAULT_FILL_LIMIT, fillPage, fundingPage, type HistoryPage } from './accounts/history.js';
import { applyPerpFill, newPosition, unrealized, type PerpPosition } from './accounts/position.js';
import { fillable, matchTaker, wouldCross, type MatchHooks } from './engine/match.js';
import type { SimOrder } from './engine/types.js';
import { decToUnits, parseUnits } from './engine/units.js';
import { badRequest, err, invalidOrder, isApiError, parseOrder, type ApiError } from './engine/validate.js';
import type {
  BalanceChangeEvent,
  DepthEvent,
  MarkEvent,
  OrderEventType,
  OrderUpdateEvent,
  PositionUpdateEvent,
  PositionView,
  RawFill,
  SimListener,
  TradeEvent,
} from './events.js';
import { SimMarket } from './market.js';
import { DEFAULT_MARKETS, type SimMarketSpec } from './model/markets.js';
import { MarketModel, type ModelVenue } from './model/market-model.js';
import { hashString } from './model/prng.js';
import { ModelDriver } from './model-driver.js';

export type { ApiError } from './engine/validate.js';
export type Result<T> = { ok: true; value: T } | ({ ok: false } & ApiError);

export interface SimExchangeOptions {
  clock: Clock;
  seed?: number;
  /** Symbols of the built-in markets, or full specs. Default: all built-in markets. */
  markets?: Array<string | SimMarketSpec>;
  /** USDC each new account starts with (default "10000"). */
  startingCollateral?: string;
  /** Extra starting balances per asset for new accounts (e.g. {SOL: "10"} for spot market making). */
  startingBalances?: Record<string, string>;
  /** Default fee rates in bps for new accounts (maker may be negative: a rebate). */
  fees?: Partial<Record<keyof FeeRatesBps, string>>;
  /** Run the market model (default true). Tests of matching rules turn it off and place liquidity by hand. */
  model?: boolean;
  /** Delay of taker orders in ms (Backpack's 100 ms speed bump); 0 = off (default). */
  takerSpeedBumpMs?: number;
  /**
   * Keep only about this many finished orders per account in `history` (newest; trimmed in batches).
   * Default: all. A day's backtest finishes ~1.3 M orders, whose views would be most of its heap.
   */
  historyLimit?: number;
  /**
   * Keep about this many fills per account (newest; the oldest are dropped in batches). Default 1,000,000
   * (DEFAULT_FILL_LIMIT): an account's whole recent history as the real exchange keeps it, a month of a
   * busy tier hunter, far above any page a client reads at once. Packed, ~52 bytes a fill.
   */
  fillLimit?: number;
  fundingIntervalMs?: number;
  /** Maximum leverage for the perp margin check (default 10). */
  leverage?: number;
}

// The fill-history query is the wire protocol's (GET /wapi/v1/history/fills): one shape for the client
// that sends it and the paper exchange that answers it.
export type { FillQuery };

export interface SimStateFile {
  version: 1;
  savedAt: number;
  nextOrderId: number;
  tradeSeq: Record<string, number>;
  accounts: Array<{
    key: string;
    fees: Record<string, string>;
    balances: Record<string, string>;
    positions: Array<Record<string, string>>;
    /** Older state files held every fill here; now they live in an append-only log (server/fill-log.ts). */
    fills?: FillRecord[];
    /** Sequence number one past the newest fill this state covers (fills in the log beyond it are dropped). */
    fillEnd?: number;
    history: OrderView[];
    funding: FundingRecord[];
    /**
     * Orders that were resting when the file was written (also in `history` as Cancelled, since the book
     * is not restored). Read-only evidence for operators and end-to-end tests: the file written when the
     * in-process paper exchange stops shows what the bot left at the exchange. Ignored on load.
     */
    openAtSave?: OrderView[];
  }>;
}

const USDC = 'USDC';

export class SimExchange {
  readonly clock: Clock;
  readonly seed: number;
  readonly markets = new Map<string, SimMarket>();
  readonly accounts = new Map<string, Account>();
  readonly startingCollateral: Decimal;
  takerSpeedBumpMs: number;
  private readonly historyLimit: number;
  readonly fillLimit: number;
  private readonly startingBalances: Record<string, string>;
  private readonly defaultFees: FeeRatesBps;
  private readonly fundingIntervalMs: number;
  private readonly leverage: number;
  private nextOrderId = 1_000_000_000;
  private nextPositionId = 7_000_000;
  private timers: TimerHandle[] = [];
  private fundingTimer: TimerHandle | null = null;
  private readonly fundingHistory = new Map<string, Array<{ symbol: string; intervalEndTimestamp: number; fundingRate: string }>>();
  private readonly hooks = new Map<string, MatchHooks>();
  private readonly venues = new Map<string, ModelVenue>();
  private readonly drivers: ModelDriver[] = [];
  private readonly reduceChecks = new Set<Account>();

  private readonly depthL: Array<(e: DepthEvent) => void> = [];
  private readonly bookL: Array<(s: string, id: number, ts: number) => void> = [];
  private readonly tradeL: Array<(e: TradeEvent) => void> = [];
  private readonly markL: Array<(e: MarkEvent) => void> = [];
  private readonly orderL: Array<(e: OrderUpdateEvent) => void> = [];
  private readonly positionL: Array<(e: PositionUpdateEvent) => void> = [];
  private readonly balanceL: Array<(e: BalanceChangeEvent) => void> = [];
  private readonly tradeRawL: Array<NonNullable<SimListener['tradeRaw']>> = [];
  private readonly orderRawL: Array<NonNullable<SimListener['orderRaw']>> = [];
  private readonly positionRawL: Array<NonNullable<SimListener['positionRaw']>> = [];

  constructor(opts: SimExchangeOptions) {
    this.clock = opts.clock;
    this.seed = (opts.seed ?? 1) >>> 0;
    this.startingCollateral = D(opts.startingCollateral ?? '10000');
    this.startingBalances = opts.startingBalances ?? {};
    this.defaultFees = feesFrom(opts.fees);
    this.fundingIntervalMs = opts.fundingIntervalMs ?? 3_600_000;
    this.takerSpeedBumpMs = opts.takerSpeedBumpMs ?? 0;
    this.historyLimit = opts.historyLimit ?? Infinity;
    this.fillLimit = opts.fillLimit ?? DEFAULT_FILL_LIMIT;
    this.leverage = opts.leverage ?? 10;
    const specs = (opts.markets ?? DEFAULT_MARKETS.map((m) => m.symbol)).map((x) => {
      if (typeof x !== 'string') return x;
      const s = DEFAULT_MARKETS.find((m) => m.symbol === x);
      if (!s) throw new Error(`unknown sim market ${x}; known: ${DEFAULT_MARKETS.map((m) => m.symbol).join(', ')}`);
      return s;
    });
    for (const spec of specs) {
      const m = new SimMarket(spec);
      this.markets.set(spec.symbol, m);
      this.hooks.set(spec.symbol, this.makeHooks(m));
      const venue = this.makeVenue(m);
      this.venues.set(spec.symbol, venue);
      if (opts.model !== false) {
        const g = { tickUnit: m.ps.unit, stepUnit: m.qs.unit, minQty: m.minQty, priceScale: m.ps.scale, qtyScale: m.qs.scale };
        const model = new MarketModel(venue, spec.dynamics, g, m.lastPrice, (this.seed ^ hashString(spec.symbol)) >>> 0, this.clock.now());
        m.model = model;
        model.seedBook();
        this.flush(m);
        const driver = new ModelDriver(this.clock, model, () => {
          this.runReduceChecks();
          this.flush(m);
        });
        this.drivers.push(driver);
        // Makers see every change of the book, also a user's: a sweep by a user is refilled like a model taker's.
        this.bookL.push((symbol) => {
          if (symbol === m.symbol) driver.poke();
        });
      }
      this.fundingHistory.set(spec.symbol, []);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Play every model's events up to the clock's now, outside the timers (a paper server's warm-up replays
   * the minutes before now this way, the clock reading each moment of that past). A model that has not
   * played yet starts at the first such moment.
   */
  stepModels(): void {
    const now = this.clock.now();
    for (const m of this.markets.values()) {
      if (!m.model) continue;
      m.model.startAt(now);
      m.model.advanceTo(now);
      this.runReduceChecks();
      this.flush(m);
    }
  }

  /** Start the clock-driven parts: the market models, mark price pushes, funding. Idempotent. */
  start(): void {
    if (this.timers.length > 0) return;
    for (const d of this.drivers) d.start();
    this.timers.push(this.clock.setInterval(() => this.pushMarks(), 1000));
    this.scheduleFunding();
  }
  stop(): void {
    for (const d of this.drivers) d.stop();
    for (const t of this.timers) this.clock.clear(t);
    this.timers = [];
    this.clock.clear(this.fundingTimer);
    this.fundingTimer = null;
  }

  private scheduleFunding(): void {
    const now = this.clock.now();
    const next = Math.floor(now / this.fundingIntervalMs) * this.fundingIntervalMs + this.fundingIntervalMs;
    this.fundingTimer = this.clock.setTimeout(() => {
      this.settleFunding(next);
      this.scheduleFunding();
    }, next - now);
  }

  nextFundingTimestamp(): number {
    return Math.floor(this.clock.now() / this.fundingIntervalMs) * this.fundingIntervalMs + this.fundingIntervalMs;
  }

  // ---------------------------------------------------------------- listeners

  subscribe(l: SimListener): () => void {
    const pairs: Array<[unknown[], unknown]> = [];
    const add = <T>(arr: T[], fn: T | undefined) => {
      if (fn) {
        arr.push(fn);
        pairs.push([arr as unknown[], fn]);
      }
    };
    add(this.depthL, l.depth?.bind(l));
    add(this.bookL, l.bookChanged?.bind(l));
    add(this.tradeL, l.trade?.bind(l));
    add(this.markL, l.markPrice?.bind(l));
    add(this.orderL, l.order?.bind(l));
    add(this.positionL, l.position?.bind(l));
    add(this.balanceL, l.balance?.bind(l));
    add(this.tradeRawL, l.tradeRaw?.bind(l));
    add(this.orderRawL, l.orderRaw?.bind(l));
    add(this.positionRawL, l.positionRaw?.bind(l));
    return () => {
      for (const [arr, fn] of pairs) {
        const i = arr.indexOf(fn);
        if (i >= 0) arr.splice(i, 1);
      }
    };
  }

  // ---------------------------------------------------------------- accounts

  account(key: string): Account {
    let a = this.accounts.get(key);
    if (!a) {
      a = this.newAccount(key, { ...this.defaultFees });
      a.credit(USDC, this.startingCollateral);
      for (const [asset, amt] of Object.entries(this.startingBalances)) a.credit(asset, D(amt));
      this.accounts.set(key, a);
    }
    return a;
  }

  /** An account whose balance changes reach the balance listeners. */
  private newAccount(key: string, fees: FeeRatesBps): Account {
    const a = new Account(key, fees);
    a.onChange = (asset) => {
      if (this.balanceL.length === 0) return;
      const e: BalanceChangeEvent = { account: key, asset, ts: this.clock.now() };
      for (const fn of this.balanceL) fn(e);
    };
    return a;
  }

  setFees(key: string, fees: Partial<Record<keyof FeeRatesBps, string>>): void {
    const a = this.account(key);
    for (const [k, v] of Object.entries(fees)) if (v !== undefined) a.fees[k as keyof FeeRatesBps] = D(v);
  }

  market(symbol: string): SimMarket | undefined {
    return this.markets.get(symbol);
  }

  // ---------------------------------------------------------------- orders

  /** Place one order for `key` from a wire payload. Synchronous (no speed bump). */
  placeOrder(key: string, body: Record<string, unknown>): Result<OrderView> {
    return this.placeOrderAs(key, body, this.viewOf);
  }

  /**
   * placeOrder answering with `render(order, market)` instead of the wire view, called synchronously when
   * the order's placement is done (the in-process adapter builds its Decimals from units, no strings).
   */
  placeOrderAs<T>(key: string, body: Record<string, unknown>, render: (o: SimOrder, m: SimMarket) => T): Result<T> {
    const r = this.placeOrderInner(key, body, render);
    if (isApiError(r)) return { ok: false, ...r };
    return { ok: true, value: r };
  }

  /** Like placeOrder, but honours the taker speed bump (non-post-only orders that would take wait). */
  submitOrder(key: string, body: Record<string, unknown>): Promise<Result<OrderView>> {
    return this.submitOrderAs(key, body, this.viewOf);
  }

  /** submitOrder answering with `render` (see placeOrderAs). */
  submitOrderAs<T>(key: string, body: Record<string, unknown>, render: (o: SimOrder, m: SimMarket) => T): Promise<Result<T>> {
    if (this.takerSpeedBumpMs <= 0 || body['postOnly'] === true) return Promise.resolve(this.placeOrderAs(key, body, render));
    const m = typeof body['symbol'] === 'string' ? this.markets.get(body['symbol']) : undefined;
    const side = body['side'];
    if (m && (side === 'Bid' || side === 'Ask')) {
      const price = body['orderType'] === 'Market' ? null : parseUnits(body['price'], m.ps.scale);
      const takes = price === null || (typeof price === 'number' && wouldCross(m.book, side, price));
      if (!takes) return Promise.resolve(this.placeOrderAs(key, body, render));
    }
    return new Promise((resolve) => {
      this.clock.setTimeout(() => resolve(this.placeOrderAs(key, body, render)), this.takerSpeedBumpMs);
    });
  }

  private readonly viewOf = (o: SimOrder, m: SimMarket): OrderView => this.view(o, m);

  private placeOrderInner<T>(key: string, body: Record<string, unknown>, render: (o: SimOrder, m: SimMarket) => T): T | ApiError {
    const symbol = body['symbol'];
    const m = typeof symbol === 'string' ? this.markets.get(symbol) : undefined;
    if (!m) return badRequest('Invalid market symbol');
    const acct = this.account(key);
    const p = parseOrder(body, m, m.markPu());
    if (isApiError(p)) return p;
    if (p.clientId !== null && acct.byClientId.has(p.clientId)) return invalidOrder(`Order with client ID already exists: ${p.clientId}`);

    // Reduce-only: must shrink the current perp position, never open or grow one.
    let reduceCap = Number.MAX_SAFE_INTEGER;
    if (p.reduceOnly) {
      const pos = acct.positions.get(m.symbol);
      const net = pos ? decToUnits(pos.net, m.qs.scale) : 0;
      if (net === 0 || (net > 0) === (p.side === 'Bid')) return invalidOrder('Reduce only order not reduced');
      reduceCap = Math.abs(net);
    }
    if (p.postOnly && wouldCross(m.book, p.side, p.price)) return invalidOrder('Order would immediately match and take');

    const o: SimOrder = {
      id: String(this.nextOrderId++),
      account: key,
      symbol: m.symbol,
      clientId: p.clientId,
      side: p.side,
      orderType: p.orderType,
      timeInForce: p.timeInForce,
      postOnly: p.postOnly,
      reduceOnly: p.reduceOnly,
      stp: p.stp,
      price: p.price,
      quantity: p.quantity,
      quoteQuantity: p.quoteQuantity,
      remaining: p.quantity ?? Number.MAX_SAFE_INTEGER,
      executed: 0,
      executedQuote: 0,
      status: 'New',
      createdAt: Math.floor(this.clock.now()),
      expiryReason: null,
      bookedNotional: 0,
    };

    const funds = this.reserveFunds(acct, m, o);
    if (funds) {
      this.nextOrderId--;
      return funds;
    }
    acct.open.set(o.id, o);
    if (o.reduceOnly) acct.reduceOnly.add(o);
    if (o.clientId !== null) acct.byClientId.set(o.clientId, o);
    this.emitOrder(acct.key, 'orderAccepted', o, m);
    // A reduce-only order larger than the position only ever has |position| live (it cannot flip).
    if (o.remaining > reduceCap) o.remaining = reduceCap;
    this.execute(m, o);
    this.runReduceChecks();
    this.flush(m);
    return render(o, m);
  }

  /** Check and reserve funds. Spot: lock the quote (bids) or base (asks). Perps: margin check. */
  private reserveFunds(acct: Account, m: SimMarket, o: SimOrder): ApiError | null {
    if (m.isPerp) {
      if (o.reduceOnly) return null;
      const equity = this.netEquity(acct);
      if (equity.lte(0)) return err(400, 'INSUFFICIENT_MARGIN', 'Insufficient margin');
      const px = o.price !== null ? m.pxDec(o.price) : m.pxDec(m.markPu());
      const qty = o.quantity !== null ? m.qtyDec(o.quantity) : m.notionalDec(o.quoteQuantity ?? 0).div(px);
      const exposure = this.exposure(acct).add(qty.mul(px));
      if (exposure.gt(equity.mul(this.leverage))) return err(400, 'INSUFFICIENT_MARGIN', 'Insufficient margin');
      return null;
    }
    const base = m.spec.baseSymbol;
    const quote = m.spec.quoteSymbol;
    if (o.side === 'Bid') {
      if (o.price !== null) {
        const need = m.pxDec(o.price).mul(m.qtyDec(o.quantity ?? 0));
        if (acct.available(quote).lt(need)) return err(400, 'INSUFFICIENT_FUNDS', 'Insufficient funds');
        acct.lock(quote, need);
      } else {
        // Market buy: spend at most the available quote (and the quoteQuantity when given).
        const avail = decToUnits(acct.available(quote), m.ps.scale + m.qs.scale);
        if (avail <= 0) return err(400, 'INSUFFICIENT_FUNDS', 'Insufficient funds');
        o.quoteQuantity = o.quoteQuantity === null ? avail : Math.min(o.quoteQuantity, avail);
      }
      return null;
    }
    if (o.quantity === null) {
      // Reverse market sell: approximate base need at the best bid.
      return null;
    }
    const need = m.qtyDec(o.quantity);
    if (acct.available(base).lt(need)) return err(400, 'INSUFFICIENT_FUNDS', 'Insufficient funds');
    if (o.price !== null) acct.lock(base, need);
    return null;
  }

  /** Match a (user or house) taker and settle its end state. */
  private execute(m: SimMarket, o: SimOrder): void {
    if (o.timeInForce === 'FOK' && o.quantity !== null && fillable(m.book, o, o.remaining) < o.remaining) {
      this.finish(m, o, 'Expired', 'FillOrKill');
      return;
    }
    const end = matchTaker(m.book, o, m.qs.unit, this.hooks.get(m.symbol)!);
    if (o.remaining === 0) {
      o.status = 'Filled';
      if (o.account !== null) this.archive(this.accounts.get(o.account)!, m, o);
      return;
    }
    if (end === 'stpTaker') {
      this.finish(m, o, 'Expired', 'SelfTradePrevention');
    } else if (end === 'budget') {
      this.finish(m, o, o.quantity === null ? 'Filled' : 'Expired', o.quantity === null ? null : 'InsufficientFunds');
    } else if (o.orderType === 'Market' || o.timeInForce !== 'GTC') {
      const reason = o.orderType === 'Market' ? 'InsufficientLiquidity' : o.timeInForce === 'FOK' ? 'FillOrKill' : 'ImmediateOrCancel';
      this.finish(m, o, 'Expired', reason);
    } else {
      o.status = o.executed > 0 ? 'PartiallyFilled' : 'New';
      m.book.side(o.side).add(o);
      if (o.account !== null) this.track(this.accounts.get(o.account)!, m, o, true);
    }
  }

  /** Terminal transition of an order that is NOT on the book (or was just removed from it). */
  private finish(m: SimMarket, o: SimOrder, status: 'Filled' | 'Cancelled' | 'Expired', reason: string | null): void {
    o.status = status;
    o.expiryReason = reason;
    if (o.account === null) return;
    const acct = this.accounts.get(o.account)!;
    this.archive(acct, m, o);
    if (status === 'Cancelled') this.emitOrder(acct.key, 'orderCancelled', o, m);
    else if (status === 'Expired') this.emitOrder(acct.key, 'orderExpired', o, m);
  }

  private archive(acct: Account, m: SimMarket, o: SimOrder): void {
    if (!acct.open.delete(o.id)) return;
    this.track(acct, m, o, false);
    acct.reduceOnly.delete(o);
    if (o.clientId !== null && acct.byClientId.get(o.clientId) === o) acct.byClientId.delete(o.clientId);
    // Release what is still locked for this order (spot limit orders).
    if (!m.isPerp && o.price !== null && o.remaining > 0 && o.remaining !== Number.MAX_SAFE_INTEGER) {
      if (o.side === 'Bid') acct.unlock(m.spec.quoteSymbol, m.pxDec(o.price).mul(m.qtyDec(o.remaining)));
      else acct.unlock(m.spec.baseSymbol, m.qtyDec(o.remaining));
    }
    acct.history.push(this.view(o, m));
    if (acct.history.length >= 2 * this.historyLimit) acct.history.splice(0, acct.history.length - this.historyLimit);
  }

  cancelOrder(key: string, symbol: unknown, id: { orderId?: unknown; clientId?: unknown }): Result<OrderView> {
    return this.cancelOrderAs(key, symbol, id, this.viewOf);
  }

  /** cancelOrder answering with `render` (see placeOrderAs). */
  cancelOrderAs<T>(key: string, symbol: unknown, id: { orderId?: unknown; clientId?: unknown }, render: (o: SimOrder, m: SimMarket) => T): Result<T> {
    const m = typeof symbol === 'string' ? this.markets.get(symbol) : undefined;
    if (!m) return { ok: false, ...badRequest('Invalid market symbol') };
    const hasId = id.orderId !== undefined && id.orderId !== null;
    const hasCid = id.clientId !== undefined && id.clientId !== null;
    if (hasId === hasCid) return { ok: false, ...badRequest('Must specify either `clientId` or `orderId`') };
    const acct = this.account(key);
    const o = this.findLive(acct, m.symbol, id);
    if (!o) return { ok: false, ...err(404, 'RESOURCE_NOT_FOUND', 'Not Found') };
    m.book.side(o.side).remove(o);
    this.finish(m, o, 'Cancelled', null);
    this.flush(m);
    return { ok: true, value: render(o, m) };
  }

  cancelAll(key: string, symbol: unknown): Result<OrderView[]> {
    const m = typeof symbol === 'string' ? this.markets.get(symbol) : undefined;
    if (!m) return { ok: false, ...badRequest('Invalid market symbol') };
    const acct = this.account(key);
    const out: OrderView[] = [];
    for (const o of [...acct.open.values()]) {
      if (o.symbol !== m.symbol) continue;
      m.book.side(o.side).remove(o);
      this.finish(m, o, 'Cancelled', null);
      out.push(this.view(o, m));
    }
    this.flush(m);
    return { ok: true, value: out };
  }

  private findLive(acct: Account, symbol: string, id: { orderId?: unknown; clientId?: unknown }): SimOrder | undefined {
    let o: SimOrder | undefined;
    if (id.orderId !== undefined && id.orderId !== null) o = acct.open.get(String(id.orderId));
    else {
      const cid = typeof id.clientId === 'string' ? Number(id.clientId) : id.clientId;
      if (typeof cid === 'number') o = acct.byClientId.get(cid);
    }
    return o && o.symbol === symbol ? o : undefined;
  }

  getOrder(key: string, symbol: unknown, id: { orderId?: unknown; clientId?: unknown }): Result<OrderView> {
    const m = typeof symbol === 'string' ? this.markets.get(symbol) : undefined;
    if (!m) return { ok: false, ...badRequest('Invalid market symbol') };
    const hasId = id.orderId !== undefined && id.orderId !== null;
    const hasCid = id.clientId !== undefined && id.clientId !== null;
    if (hasId === hasCid) return { ok: false, ...badRequest('Must specify either `clientId` or `orderId`') };
    const o = this.findLive(this.account(key), m.symbol, id);
    if (!o) return { ok: false, ...err(404, 'RESOURCE_NOT_FOUND', 'Not Found') };
    return { ok: true, value: this.view(o, m) };
  }

  openOrders(key: string, symbol?: string): OrderView[] {
    const acct = this.account(key);
    const out: OrderView[] = [];
    for (const o of acct.open.values()) if (!symbol || o.symbol === symbol) out.push(this.view(o, this.markets.get(o.symbol)!));
    return out;
  }

  /** Order history, newest first by default (open orders included). */
  orderHistory(key: string, q: { symbol?: string; orderId?: string; limit?: number; offset?: number; sortDirection?: 'Asc' | 'Desc' }): OrderView[] {
    const acct = this.account(key);
    let rows = [...acct.history, ...this.openOrders(key)];
    if (q.symbol) rows = rows.filter((r) => r.symbol === q.symbol);
    if (q.orderId) rows = rows.filter((r) => r.id === q.orderId);
    rows.sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id));
    if (q.sortDirection !== 'Asc') rows.reverse();
    const off = q.offset ?? 0;
    return rows.slice(off, off + (q.limit ?? 100));
  }

  /** Fills of an account matching the query (newest first unless Asc), offset-paged. */
  fills(key: string, q: FillQuery): FillRecord[] {
    return this.fillPage(key, q).rows;
  }

  /** fills() plus the number of matches in all pages (the history endpoints' X-TOTAL). */
  fillPage(key: string, q: FillQuery): HistoryPage<FillRecord> {
    return fillPage(this.account(key), q);
  }

  fundingPayments(key: string, q: { symbol?: string; limit?: number; offset?: number }): FundingRecord[] {
    return this.fundingPage(key, q).rows;
  }

  fundingPage(key: string, q: { symbol?: string; limit?: number; offset?: number; sortDirection?: 'Asc' | 'Desc' }): HistoryPage<FundingRecord> {
    return fundingPage(this.account(key), q);
  }

  /**
   * Tests and tools: add historical fills to an account's history (as if traded before this exchange
   * started; balances and positions are not touched, so seed round trips that end flat). Oldest first, none
   * older than the account's newest fill. A fill without a tradeId gets the market's next one; the
   * market's trade ids continue above every seeded id.
   */
  seedFills(key: string, fills: Array<Omit<FillRecord, 'tradeId'> & { tradeId?: number }>): void {
    const acct = this.account(key);
    let last = acct.fills.newestTs ?? -Infinity;
    // All checked before any is added: a bad batch changes nothing.
    for (const f of fills) {
      const bad = badSeedFill(f) ?? (this.markets.has(f.symbol) ? null : `unknown market ${f.symbol}`);
      if (bad !== null) throw new Error(`seedFills: ${bad}`);
      if (f.timestamp < last) throw new Error(`seedFills: fill at ${f.timestamp} is older than the account's newest (${last}); seed oldest first, before trading`);
      last = f.timestamp;
    }
    for (const f of fills) {
      const m = this.markets.get(f.symbol)!;
      const tradeId = f.tradeId ?? ++m.tradeSeq;
      if (tradeId > m.tradeSeq) m.tradeSeq = tradeId;
      appendFill(acct, { ...f, tradeId }, this.fillLimit);
    }
  }


  /** Size resting ahead of a live order in its level (queue position), as a decimal string; null if not resting. */
  queueAhead(key: string, orderId: string): string | null {
    const o = this.accounts.get(key)?.open.get(orderId);
    if (!o) return null;
    const m = this.markets.get(o.symbol)!;
    const n = m.book.side(o.side).aheadOf(o);
    return n === null ? null : m.qty(n);
  }

  // ---------------------------------------------------------------- valuation

  positionView(p: PerpPosition, m: SimMarket): PositionView {
    const mark = m.pxDec(m.markPu());
    const scale = m.qs.scale;
    const breakEven = p.net.isZero() ? ZERO : p.entry.add(p.fees.div(p.net));
    return {
      symbol: p.symbol,
      positionId: p.positionId,
      netQuantity: p.net.toFixed(scale),
      netExposureQuantity: p.net.abs().toFixed(scale),
      netExposureNotional: p.net.abs().mul(mark).toString(),
      netCost: p.net.mul(p.entry).toString(),
      entryPrice: p.entry.toString(),
      breakEvenPrice: breakEven.toString(),
      markPrice: m.px(m.markPu()),
      pnlRealized: p.realized.toString(),
      pnlUnrealized: unrealized(p, mark).toString(),
      cumulativeFundingPayment: p.cumFunding.toString(),
    };
  }

  positions(key: string, symbol?: string): PositionView[] {
    const acct = this.account(key);
    const out: PositionView[] = [];
    for (const p of acct.positions.values()) {
      if (p.net.isZero() || (symbol && p.symbol !== symbol)) continue;
      out.push(this.positionView(p, this.markets.get(p.symbol)!));
    }
    return out;
  }

  private assetPrice(asset: string): Decimal {
    if (asset === USDC) return D(1);
    for (const m of this.markets.values()) {
      if (m.spec.baseSymbol === asset && m.spec.quoteSymbol === USDC) return m.pxDec(m.markPu());
    }
    return ZERO;
  }

  private pnlUnrealized(acct: Account): Decimal {
    let u = ZERO;
    for (const p of acct.positions.values()) {
      const m = this.markets.get(p.symbol);
      if (m && !p.net.isZero()) u = u.add(unrealized(p, m.pxDec(m.markPu())));
    }
    return u;
  }

  netEquity(acct: Account): Decimal {
    let v = ZERO;
    for (const [asset, b] of acct.balances) if (!b.total.isZero()) v = v.add(b.total.mul(this.assetPrice(asset)));
    return v.add(this.pnlUnrealized(acct));
  }

  /** Perp exposure: |positions| and open perp orders at their prices, in USDC. */
  private exposure(acct: Account): Decimal {
    let e = ZERO;
    for (const p of acct.positions.values()) {
      const m = this.markets.get(p.symbol);
      if (m && !p.net.isZero()) e = e.add(p.net.abs().mul(m.pxDec(m.markPu())));
    }
    for (const [symbol, n] of acct.openNotional) if (n !== 0) e = e.add(this.markets.get(symbol)!.notionalDec(n));
    return e;
  }

  /** Keep the account's open-order notional in step with a user order (resting = on the book). */
  private track(acct: Account, m: SimMarket, o: SimOrder, resting: boolean): void {
    const v = resting && m.isPerp && !o.reduceOnly && o.price !== null ? o.price * o.remaining : 0;
    if (v === o.bookedNotional) return;
    acct.openNotional.set(o.symbol, (acct.openNotional.get(o.symbol) ?? 0) + v - o.bookedNotional);
    o.bookedNotional = v;
  }

  collateral(key: string): Record<string, unknown> {
    const acct = this.account(key);
    const netEquity = this.netEquity(acct);
    const pnl = this.pnlUnrealized(acct);
    let spotLocked = ZERO;
    let assetsValue = ZERO;
    const collateral: Array<Record<string, string>> = [];
    for (const [asset, b] of acct.balances) {
      const px = this.assetPrice(asset);
      spotLocked = spotLocked.add(b.locked.mul(px));
      assetsValue = assetsValue.add(b.total.mul(px));
      collateral.push({
        symbol: asset,
        assetMarkPrice: px.toString(),
        totalQuantity: b.total.toString(),
        balanceNotional: b.total.mul(px).toString(),
        collateralWeight: '1',
        collateralValue: b.total.mul(px).toString(),
        openOrderQuantity: b.locked.toString(),
        lendQuantity: '0',
        availableQuantity: b.total.sub(b.locked).toString(),
      });
    }
    const imf = D(1).div(this.leverage);
    const marginLocked = this.exposure(acct).mul(imf);
    const locked = spotLocked.add(marginLocked);
    let futures = ZERO;
    for (const p of acct.positions.values()) {
      const m = this.markets.get(p.symbol);
      if (m) futures = futures.add(p.net.abs().mul(m.pxDec(m.markPu())));
    }
    return {
      assetsValue: assetsValue.toString(),
      borrowLiability: '0',
      liabilitiesValue: '0',
      imf: imf.toString(),
      mmf: imf.div(2).toString(),
      marginFraction: futures.isZero() ? null : netEquity.div(futures).toString(),
      netEquity: netEquity.toString(),
      netEquityAvailable: netEquity.sub(locked).toString(),
      netEquityLocked: locked.toString(),
      netExposureFutures: futures.toString(),
      pnlUnrealized: pnl.toString(),
      unsettledEquity: '0',
      collateral,
    };
  }

  balances(key: string): Record<string, { available: string; locked: string; staked: string }> {
    const acct = this.account(key);
    const out: Record<string, { available: string; locked: string; staked: string }> = {};
    for (const [asset, b] of acct.balances) out[asset] = { available: b.total.sub(b.locked).toString(), locked: b.locked.toString(), staked: '0' };
    return out;
  }

  accountInfo(key: string): Record<string, unknown> {
    const acct = this.account(key);
    let limitOrders = 0;
    for (const o of acct.open.values()) if (o.orderType === 'Limit') limitOrders++;
    return {
      autoBorrowSettlements: true,
      autoLend: false,
      autoRealizePnl: true,
      autoRepayBorrows: true,
      borrowLimit: '0',
      futuresMakerFee: acct.fees.futuresMaker.toString(),
      futuresTakerFee: acct.fees.futuresTaker.toString(),
      leverageLimit: String(this.leverage),
      limitOrders,
      liquidating: false,
      positionLimit: '1000000',
      spotMakerFee: acct.fees.spotMaker.toString(),
      spotTakerFee: acct.fees.spotTaker.toString(),
      triggerOrders: 0,
    };
  }

  // ---------------------------------------------------------------- funding & marks

  /** Settle one funding interval on every perp (normally driven by the clock; tests may call it). */
  settleFunding(intervalEnd = this.clock.now(), rateOverride?: Record<string, string>): void {
    for (const m of this.markets.values()) {
      if (!m.isPerp) continue;
      const rate = D(rateOverride?.[m.symbol] ?? (m.model ? m.model.fundingRate.toFixed(10) : '0.0000125'));
      this.fundingHistory.get(m.symbol)!.push({ symbol: m.symbol, intervalEndTimestamp: intervalEnd, fundingRate: rate.toString() });
      const mark = m.pxDec(m.markPu());
      for (const acct of this.accounts.values()) {
        const p = acct.positions.get(m.symbol);
        if (!p || p.net.isZero()) continue;
        // Positive rate: longs pay shorts. Positive quantity = received.
        const payment = p.net.mul(mark).mul(rate).neg();
        acct.credit(USDC, payment);
        p.cumFunding = p.cumFunding.add(payment);
        acct.funding.push({ symbol: m.symbol, quantity: payment.toString(), fundingRate: rate.toString(), intervalEndTimestamp: intervalEnd });
      }
    }
  }

  fundingRates(symbol: string, limit = 100, offset = 0): Array<{ symbol: string; intervalEndTimestamp: number; fundingRate: string }> {
    const rows = (this.fundingHistory.get(symbol) ?? []).slice().reverse();
    return rows.slice(offset, offset + limit);
  }

  markEvent(m: SimMarket): MarkEvent {
    return {
      symbol: m.symbol,
      markPrice: m.px(m.markPu()),
      indexPrice: m.px(m.indexPu()),
      fundingRate: m.isPerp ? (m.model ? m.model.fundingRate.toFixed(10) : '0.0000125') : null,
      nextFundingTimestamp: m.isPerp ? this.nextFundingTimestamp() : null,
      ts: this.clock.now(),
    };
  }

  private pushMarks(): void {
    if (this.markL.length === 0) return;
    for (const m of this.markets.values()) {
      const e = this.markEvent(m);
      for (const fn of this.markL) fn(e);
    }
  }

  /** Tests/tools: pin a market's mark price (null un-pins). */
  setMark(symbol: string, price: string | null): void {
    const m = this.markets.get(symbol)!;
    m.pinnedMark = price === null ? null : (parseUnits(price, m.ps.scale) as number);
  }

  // ---------------------------------------------------------------- house liquidity (model + tests)

  private newHouse(m: SimMarket, side: Side, price: number | null, orderType: 'Limit' | 'Market'): SimOrder {
    return {
      id: String(this.nextOrderId++),
      account: null,
      symbol: m.symbol,
      clientId: null,
      side,
      orderType,
      timeInForce: orderType === 'Market' ? 'IOC' : 'GTC',
      postOnly: false,
      reduceOnly: false,
      stp: 'Allow',
      price,
      quantity: 0,
      quoteQuantity: null,
      remaining: 0,
      executed: 0,
      executedQuote: 0,
      status: 'New',
      createdAt: this.clock.now(),
      expiryReason: null,
      bookedNotional: 0,
    };
  }

  private makeVenue(m: SimMarket): ModelVenue {
    return {
      book: m.book,
      addHouse: (side, price, qty) => m.book.side(side).addHouse(price, qty, () => this.newHouse(m, side, price, 'Limit')),
      addMaker: (side, price, qty) => {
        if (qty <= 0) return;
        const o = this.newHouse(m, side, price, 'Limit');
        o.quantity = qty;
        o.remaining = qty;
        m.book.side(side).add(o);
      },
      cancelHouse: (side, price, qty) => m.book.side(side).cancelHouse(price, qty),
      removeMaker: (side, o) => {
        if (o.account === null && m.book.side(side).remove(o)) o.status = 'Cancelled';
      },
      houseTake: (side, qty, limit) => {
        const o = this.newHouse(m, side, limit, limit === null ? 'Market' : 'Limit');
        o.quantity = qty;
        o.remaining = qty;
        o.timeInForce = 'IOC';
        this.execute(m, o);
      },
    };
  }

  /** Tests/tools: add house liquidity at a price (joins the back of the queue). */
  addLiquidity(symbol: string, side: Side, price: string, qty: string): void {
    const m = this.markets.get(symbol)!;
    this.venues.get(symbol)!.addHouse(side, parseUnits(price, m.ps.scale) as number, parseUnits(qty, m.qs.scale) as number);
    this.flush(m);
  }
  /** Tests/tools: a background taker of `qty` (market, or limited at `limit`). */
  takeLiquidity(symbol: string, side: Side, qty: string, limit?: string): void {
    const m = this.markets.get(symbol)!;
    this.venues.get(symbol)!.houseTake(side, parseUnits(qty, m.qs.scale) as number, limit === undefined ? null : (parseUnits(limit, m.ps.scale) as number));
    this.runReduceChecks();
    this.flush(m);
  }
  /** Tests/tools: remove background size at a level (behind user orders first). */
  removeLiquidity(symbol: string, side: Side, price: string, qty: string): void {
    const m = this.markets.get(symbol)!;
    this.venues.get(symbol)!.cancelHouse(side, parseUnits(price, m.ps.scale) as number, parseUnits(qty, m.qs.scale) as number);
    this.flush(m);
  }

  // ---------------------------------------------------------------- trades & fills

  private makeHooks(m: SimMarket): MatchHooks {
    return {
      trade: (maker, taker, price, qty) => {
        const ts = this.clock.now();
        const id = ++m.tradeSeq;
        const buyerIsMaker = maker.side === 'Bid';
        const t: TradeEvent = {
          symbol: m.symbol,
          id,
          price: m.px(price),
          quantity: m.qty(qty),
          quoteQuantity: m.notional(price * qty),
          buyerIsMaker,
          buyOrderId: buyerIsMaker ? maker.id : taker.id,
          sellOrderId: buyerIsMaker ? taker.id : maker.id,
          ts,
        };
        m.recordTrade(t, price, qty, ts);
        for (const fn of this.tradeL) fn(t);
        for (const fn of this.tradeRawL) fn(t, price, qty, m);
        if (maker.account !== null) {
          this.track(this.accounts.get(maker.account)!, m, maker, true);
          this.userFill(m, maker, price, qty, true, id, ts);
        }
        if (taker.account !== null) {
          if (taker.remaining === 0) taker.status = 'Filled';
          else taker.status = 'PartiallyFilled';
          this.userFill(m, taker, price, qty, false, id, ts);
        }
      },
      makerFilled: (maker) => {
        if (maker.account !== null) this.archive(this.accounts.get(maker.account)!, m, maker);
      },
      makerStp: (maker) => {
        if (maker.account !== null) {
          const acct = this.accounts.get(maker.account)!;
          this.archive(acct, m, maker);
          this.emitOrder(acct.key, 'orderExpired', maker, m);
        }
      },
    };
  }

  private userFill(m: SimMarket, o: SimOrder, price: number, qty: number, isMaker: boolean, tradeId: number, ts: number): void {
    const acct = this.accounts.get(o.account!)!;
    const P = m.pxDec(price);
    const Q = m.qtyDec(qty);
    const notional = P.mul(Q);
    const base = m.spec.baseSymbol;
    const quote = m.spec.quoteSymbol;
    let fee: Decimal;
    let feeSymbol: string;
    if (m.isPerp) {
      const rate = isMaker ? acct.fees.futuresMaker : acct.fees.futuresTaker;
      fee = notional.mul(rate).div(10000);
      feeSymbol = quote;
      let pos = acct.positions.get(m.symbol);
      if (!pos) {
        pos = newPosition(m.symbol, String(this.nextPositionId++));
        acct.positions.set(m.symbol, pos);
      }
      const wasFlat = pos.net.isZero();
      if (wasFlat) {
        pos.realized = ZERO;
        pos.fees = ZERO;
        pos.cumFunding = ZERO;
      }
      const realized = applyPerpFill(pos, o.side, Q, P);
      pos.fees = pos.fees.add(fee);
      acct.credit(quote, realized.sub(fee));
      this.reduceChecks.add(acct);
      const type = wasFlat ? 'positionOpened' : pos.net.isZero() ? 'positionClosed' : 'positionAdjusted';
      if (this.positionL.length > 0) {
        const e: PositionUpdateEvent = { account: acct.key, type, position: this.positionView(pos, m), ts };
        for (const fn of this.positionL) fn(e);
      }
      for (const fn of this.positionRawL) fn(acct.key, type, pos, m, ts);
    } else {
      const rate = isMaker ? acct.fees.spotMaker : acct.fees.spotTaker;
      if (o.side === 'Bid') {
        fee = Q.mul(rate).div(10000);
        feeSymbol = base;
        acct.credit(base, Q.sub(fee));
        acct.credit(quote, notional.neg());
        if (o.price !== null) acct.unlock(quote, m.pxDec(o.price).mul(Q));
      } else {
        fee = notional.mul(rate).div(10000);
        feeSymbol = quote;
        acct.credit(base, Q.neg());
        if (o.price !== null) acct.unlock(base, Q);
        acct.credit(quote, notional.sub(fee));
      }
    }
    const rec: FillRecord = {
      tradeId,
      orderId: o.id,
      clientId: o.clientId,
      symbol: m.symbol,
      side: o.side,
      price: m.px(price),
      quantity: m.qty(qty),
      fee: fee.toString(),
      feeSymbol,
      isMaker,
      timestamp: ts,
    };
    appendFill(acct, rec, this.fillLimit);
    if (this.orderL.length > 0) {
      const e: OrderUpdateEvent = {
        account: acct.key,
        type: 'orderFill',
        order: this.view(o, m),
        fill: { tradeId, price: rec.price, quantity: rec.quantity, isMaker, fee: rec.fee, feeSymbol },
        ts,
      };
      for (const fn of this.orderL) fn(e);
    }
    if (this.orderRawL.length > 0) {
      const f: RawFill = { tradeId, price, quantity: qty, isMaker, fee, feeSymbol };
      for (const fn of this.orderRawL) fn(acct.key, 'orderFill', o, m, f, ts);
    }
  }

  /** Resting reduce-only orders may never grow a position: shrink (orderModified) or expire them. */
  private runReduceChecks(): void {
    if (this.reduceChecks.size === 0) return;
    for (const acct of this.reduceChecks) {
      if (acct.reduceOnly.size === 0) continue;
      for (const o of [...acct.reduceOnly]) {
        const m = this.markets.get(o.symbol)!;
        const pos = acct.positions.get(o.symbol);
        const net = pos ? decToUnits(pos.net, m.qs.scale) : 0;
        const onBook = m.book.side(o.side).aheadOf(o) !== null;
        if (net === 0 || (net > 0) === (o.side === 'Bid')) {
          if (onBook) m.book.side(o.side).remove(o);
          this.finish(m, o, 'Expired', 'ReduceOnlyNotReduced');
          this.flush(m);
        } else if (o.remaining > Math.abs(net) && onBook) {
          const cut = o.remaining - Math.abs(net);
          m.book.side(o.side).shrink(o, Math.abs(net));
          if (o.quantity !== null) o.quantity -= cut;
          this.emitOrder(acct.key, 'orderModified', o, m);
          this.flush(m);
        }
      }
    }
    this.reduceChecks.clear();
  }

  // ---------------------------------------------------------------- views & events

  view(o: SimOrder, m: SimMarket): OrderView {
    return {
      id: o.id,
      clientId: o.clientId,
      symbol: o.symbol,
      side: o.side,
      orderType: o.orderType,
      price: o.price === null ? null : m.px(o.price),
      quantity: o.quantity === null ? null : m.qty(o.quantity),
      quoteQuantity: o.quoteQuantity === null || o.quantity !== null ? null : m.notionalDec(o.quoteQuantity).toString(),
      executedQuantity: m.qty(o.executed),
      executedQuoteQuantity: m.notionalDec(o.executedQuote).toString(),
      status: o.status,
      timeInForce: o.timeInForce,
      postOnly: o.postOnly,
      reduceOnly: o.reduceOnly,
      selfTradePrevention: o.stp,
      expiryReason: o.expiryReason,
      createdAt: o.createdAt,
    };
  }

  private emitOrder(account: string, type: OrderEventType, o: SimOrder, m: SimMarket): void {
    if (this.orderL.length > 0) {
      const e: OrderUpdateEvent = { account, type, order: this.view(o, m), ts: this.clock.now() };
      for (const fn of this.orderL) fn(e);
    }
    if (this.orderRawL.length > 0) {
      const ts = this.clock.now();
      for (const fn of this.orderRawL) fn(account, type, o, m, null, ts);
    }
  }

  /** Close one depth update: bump the market's update id and publish the changed levels. */
  flush(m: SimMarket): void {
    const book = m.book;
    if (!book.hasDirty()) return;
    const id = ++book.updateId;
    const ts = this.clock.now();
    if (this.depthL.length > 0) {
      const bids: Array<[string, string]> = [];
      const asks: Array<[string, string]> = [];
      for (const p of book.bids.dirty) bids.push([m.px(p), m.qty(book.bids.totalAt(p))]);
      for (const p of book.asks.dirty) asks.push([m.px(p), m.qty(book.asks.totalAt(p))]);
      const e: DepthEvent = { symbol: m.symbol, firstUpdateId: id, lastUpdateId: id, bids, asks, ts };
      for (const fn of this.depthL) fn(e);
    }
    book.bids.dirty.clear();
    book.asks.dirty.clear();
    for (const fn of this.bookL) fn(m.symbol, id, ts);
  }

  // ---------------------------------------------------------------- public market data

  depth(symbol: string, limit = 1000): { asks: Array<[string, string]>; bids: Array<[string, string]>; lastUpdateId: string; timestamp: number } | null {
    const m = this.markets.get(symbol);
    if (!m) return null;
    const asks: Array<[string, string]> = [];
    const bids: Array<[string, string]> = [];
    const ap = m.book.asks.prices;
    for (let i = 0; i < ap.length && i < limit; i++) asks.push([m.px(ap[i]!), m.qty(m.book.asks.totalAt(ap[i]!))]);
    const bp = m.book.bids.prices;
    // Both sides ascending, as Backpack serves them: best bid is the LAST element.
    for (let i = Math.min(bp.length, limit) - 1; i >= 0; i--) bids.push([m.px(bp[i]!), m.qty(m.book.bids.totalAt(bp[i]!))]);
    return { asks, bids, lastUpdateId: String(m.book.updateId), timestamp: Math.floor(this.clock.now() * 1000) };
  }

  ticker(symbol: string): Record<string, string> | null {
    const m = this.markets.get(symbol);
    if (!m) return null;
    const s = m.stats(this.clock.now() - 86_400_000);
    const first = m.pxDec(s.first);
    const last = m.pxDec(s.last);
    const change = last.sub(first);
    return {
      symbol,
      firstPrice: m.px(s.first),
      lastPrice: m.px(s.last),
      priceChange: change.toFixed(m.ps.scale),
      priceChangePercent: first.isZero() ? '0' : change.div(first).toFixed(6),
      high: m.px(s.high),
      low: m.px(s.low),
      volume: m.qty(s.volume),
      quoteVolume: m.notionalDec(s.quoteVolume).toString(),
      trades: String(s.trades),
    };
  }

  openInterest(symbol: string): string {
    const m = this.markets.get(symbol)!;
    let oi = m.baseOpenInterest;
    for (const a of this.accounts.values()) {
      const p = a.positions.get(symbol);
      if (p && p.net.isPositive()) oi += decToUnits(p.net, m.qs.scale);
    }
    return m.qty(oi);
  }

  // ---------------------------------------------------------------- state file

  exportState(): SimStateFile {
    const accounts: SimStateFile['accounts'] = [];
    for (const a of this.accounts.values()) {
      const balances: Record<string, string> = {};
      for (const [asset, b] of a.balances) balances[asset] = b.total.toString();
      const history = [...a.history];
      const openAtSave: OrderView[] = [];
      // Open orders do not survive a restart (the book is rebuilt): saved as cancelled.
      for (const o of a.open.values()) {
        const v = this.view(o, this.markets.get(o.symbol)!);
        openAtSave.push(v);
        history.push({ ...v, status: 'Cancelled' });
      }
      accounts.push({
        key: a.key,
        fees: Object.fromEntries(Object.entries(a.fees).map(([k, v]) => [k, (v as Decimal).toString()])),
        balances,
        positions: [...a.positions.values()].map((p) => ({
          symbol: p.symbol,
          positionId: p.positionId,
          net: p.net.toString(),
          entry: p.entry.toString(),
          realized: p.realized.toString(),
          cumFunding: p.cumFunding.toString(),
          fees: p.fees.toString(),
        })),
        fillEnd: a.fills.end,
        history,
        funding: a.funding,
        openAtSave,
      });
    }
    const tradeSeq: Record<string, number> = {};
    for (const m of this.markets.values()) tradeSeq[m.symbol] = m.tradeSeq;
    return { version: 1, savedAt: this.clock.now(), nextOrderId: this.nextOrderId, tradeSeq, accounts };
  }

  importState(s: SimStateFile): void {
    if (s.version !== 1) throw new Error(`unsupported sim state version ${String(s.version)}`);
    this.nextOrderId = Math.max(this.nextOrderId, s.nextOrderId);
    for (const [sym, seq] of Object.entries(s.tradeSeq)) {
      const m = this.markets.get(sym);
      if (m) m.tradeSeq = Math.max(m.tradeSeq, seq);
    }
    for (const sa of s.accounts) {
      const a = this.newAccount(sa.key, feesFrom(sa.fees));
      for (const [asset, total] of Object.entries(sa.balances)) a.balance(asset).total = D(total);
      for (const p of sa.positions) {
        a.positions.set(p['symbol']!, {
          symbol: p['symbol']!,
          positionId: p['positionId']!,
          net: D(p['net']!),
          entry: D(p['entry']!),
          realized: D(p['realized']!),
          cumFunding: D(p['cumFunding']!),
          fees: D(p['fees'] ?? '0'),
        });
      }
      // Fills: inline in older state files; otherwise the state file's loader adds them from the fill log.
      for (const f of sa.fills ?? []) a.fills.append(f);
      a.history.push(...sa.history);
      // A state saved without limits (or with larger ones) is cut to this exchange's limits.
      a.fills.keepNewest(this.fillLimit);
      if (a.history.length > this.historyLimit) a.history.splice(0, a.history.length - this.historyLimit);
      a.funding.push(...sa.funding);
      this.accounts.set(a.key, a);
    }
  }
}
