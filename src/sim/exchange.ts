// SimExchange: the paper exchange as one pure object. It owns the markets (book + model), the accounts,
// and the order lifecycle (validate -> accept -> match -> rest/expire), and fans out public and private
// events on its bus. Time comes only from the injected Clock, so the same code runs in real time
// (SystemClock, the server) and in virtual time (VirtualClock, backtests). This class is the facade: it
// builds the markets and their models, runs the timers, and delegates each act to the modules of
// ./exchange/ (orders, margin, settlement, funding, house liquidity, queries, state export).
import type { Clock, TimerHandle } from '../util/clock.js';
import { D, type Decimal } from '../util/decimal.js';
import type { FillQuery } from '../protocol/backpack/requests.js';
import type { AccountSummary, BalanceInfo, CollateralDetail, FundingInfo, TickerInfo } from '../exchange/types.js';
import type { Fill } from '../domain/fill.js';
import type { Side } from '../domain/side.js';
import { feesFrom, type Account, type FeeRatesBps, type SimOrderInfo } from './accounts/account.js';
import { DEFAULT_FILL_LIMIT, fillPage, fundingPage, type FillJson, type HistoryPage } from './accounts/history.js';
import type { SimListener } from './event-bus.js';
import type { MarkEvent, SimPositionInfo } from './events.js';
import { SimMarket } from './market.js';
import { parseUnits } from './matching/units.js';
import { DEFAULT_MARKETS, type SimMarketSpec } from './model/markets.js';
import { MarketModel } from './model/market-model.js';
import { hashString } from './model/prng.js';
import { ModelDriver } from './model-driver.js';
import * as funding from './exchange/funding.js';
import * as house from './exchange/house.js';
import * as orders from './exchange/orders.js';
import type { OrderRef, Result } from './exchange/orders.js';
import { flush } from './exchange/publish.js';
import * as queries from './exchange/queries.js';
import { makeHooks } from './exchange/settlement.js';
import { ExchangeState, type FundingRateRow } from './exchange/state.js';
import * as stateFile from './exchange/state-export.js';
import type { SimStateFile } from './exchange/state-export.js';
import { markEvent } from './exchange/views.js';

export type { ApiError } from './matching/validate.js';
export type { Result } from './exchange/orders.js';
export type { SimStateFile } from './exchange/state-export.js';

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

export class SimExchange {
  readonly seed: number;
  takerSpeedBumpMs: number;
  private readonly s: ExchangeState;
  private timers: TimerHandle[] = [];
  private fundingTimer: TimerHandle | null = null;
  private readonly drivers: ModelDriver[] = [];

  constructor(opts: SimExchangeOptions) {
    this.seed = (opts.seed ?? 1) >>> 0;
    this.takerSpeedBumpMs = opts.takerSpeedBumpMs ?? 0;
    const s = new ExchangeState({
      clock: opts.clock,
      startingCollateral: D(opts.startingCollateral ?? '10000'),
      startingBalances: opts.startingBalances ?? {},
      defaultFees: feesFrom(opts.fees),
      fundingIntervalMs: opts.fundingIntervalMs ?? 3_600_000,
      historyLimit: opts.historyLimit ?? Infinity,
      fillLimit: opts.fillLimit ?? DEFAULT_FILL_LIMIT,
      leverage: opts.leverage ?? 10,
    });
    this.s = s;
    const specs = (opts.markets ?? DEFAULT_MARKETS.map((m) => m.symbol)).map((x) => {
      if (typeof x !== 'string') return x;
      const spec = DEFAULT_MARKETS.find((m) => m.symbol === x);
      if (!spec) throw new Error(`unknown sim market ${x}; known: ${DEFAULT_MARKETS.map((m) => m.symbol).join(', ')}`);
      return spec;
    });
    for (const spec of specs) {
      const m = new SimMarket(spec);
      s.markets.set(spec.symbol, m);
      s.hooks.set(spec.symbol, makeHooks(s, m));
      const venue = house.makeVenue(s, m);
      s.venues.set(spec.symbol, venue);
      if (opts.model !== false) {
        const g = { tickUnit: m.ps.unit, stepUnit: m.qs.unit, minQty: m.minQty, priceScale: m.ps.scale, qtyScale: m.qs.scale };
        const model = new MarketModel(venue, spec.dynamics, g, m.lastPrice, (this.seed ^ hashString(spec.symbol)) >>> 0, s.clock.now());
        m.model = model;
        model.seedBook();
        flush(s, m);
        const driver = new ModelDriver(s.clock, model, () => {
          orders.runReduceChecks(s);
          flush(s, m);
        });
        this.drivers.push(driver);
        // Makers see every change of the book, also a user's: a sweep by a user is refilled like a model taker's.
        s.events.on('bookChanged', (symbol) => {
          if (symbol === m.symbol) driver.poke();
        });
      }
      s.fundingHistory.set(spec.symbol, []);
    }
  }

  get clock(): Clock {
    return this.s.clock;
  }
  get markets(): ReadonlyMap<string, SimMarket> {
    return this.s.markets;
  }
  get accounts(): ReadonlyMap<string, Account> {
    return this.s.accounts;
  }
  get startingCollateral(): Decimal {
    return this.s.startingCollateral;
  }
  get fillLimit(): number {
    return this.s.fillLimit;
  }
  /** Every event the exchange emits, by channel (subscribe() is the usual way in). */
  get events(): ExchangeState['events'] {
    return this.s.events;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Play every model's events up to the clock's now, outside the timers (a paper server's warm-up replays
   * the minutes before now this way, the clock reading each moment of that past). A model that has not
   * played yet starts at the first such moment.
   */
  stepModels(): void {
    const now = this.s.clock.now();
    for (const m of this.s.markets.values()) {
      if (!m.model) continue;
      m.model.startAt(now);
      m.model.advanceTo(now);
      orders.runReduceChecks(this.s);
      flush(this.s, m);
    }
  }

  /** Start the clock-driven parts: the market models, mark price pushes, funding. Idempotent. */
  start(): void {
    if (this.timers.length > 0) return;
    for (const d of this.drivers) d.start();
    this.timers.push(this.s.clock.setInterval(() => funding.pushMarks(this.s), 1000));
    this.scheduleFunding();
  }
  stop(): void {
    for (const d of this.drivers) d.stop();
    for (const t of this.timers) this.s.clock.clear(t);
    this.timers = [];
    this.s.clock.clear(this.fundingTimer);
    this.fundingTimer = null;
  }

  private scheduleFunding(): void {
    const now = this.s.clock.now();
    const next = this.s.nextFundingTimestamp();
    this.fundingTimer = this.s.clock.setTimeout(() => {
      funding.settleFunding(this.s, next);
      this.scheduleFunding();
    }, next - now);
  }

  subscribe(l: SimListener): () => void {
    return this.s.events.subscribe(l);
  }

  // ---------------------------------------------------------------- accounts

  /** The account of an API key (opened with the starting balances on first use). */
  account(key: string): Account {
    return this.s.account(key);
  }

  setFees(key: string, fees: Partial<Record<keyof FeeRatesBps, string>>): void {
    const a = this.s.account(key);
    for (const [k, v] of Object.entries(fees)) if (v !== undefined) a.fees[k as keyof FeeRatesBps] = D(v);
  }

  market(symbol: string): SimMarket | undefined {
    return this.s.markets.get(symbol);
  }

  // ---------------------------------------------------------------- orders

  /** Place one order for `key` from a wire payload. Synchronous (no speed bump). */
  placeOrder(key: string, body: Record<string, unknown>): Result<SimOrderInfo> {
    return orders.placeOrder(this.s, key, body);
  }

  /** Like placeOrder, but honours the taker speed bump (non-post-only orders that would take wait). */
  submitOrder(key: string, body: Record<string, unknown>): Promise<Result<SimOrderInfo>> {
    return orders.submitOrder(this.s, this.takerSpeedBumpMs, key, body);
  }

  cancelOrder(key: string, symbol: unknown, id: OrderRef): Result<SimOrderInfo> {
    return orders.cancelOrder(this.s, key, symbol, id);
  }

  cancelAll(key: string, symbol: unknown): Result<SimOrderInfo[]> {
    return orders.cancelAll(this.s, key, symbol);
  }

  getOrder(key: string, symbol: unknown, id: OrderRef): Result<SimOrderInfo> {
    return queries.getOrder(this.s, key, symbol, id);
  }

  openOrders(key: string, symbol?: string): SimOrderInfo[] {
    return queries.openOrders(this.s, key, symbol);
  }

  /** Order history, newest first by default (open orders included). */
  orderHistory(key: string, q: queries.OrderHistoryQuery): SimOrderInfo[] {
    return queries.orderHistory(this.s, key, q);
  }

  /** Fills of an account matching the query (newest first unless Asc), offset-paged. */
  fills(key: string, q: FillQuery): Fill[] {
    return this.fillPage(key, q).rows;
  }

  /** fills() plus the number of matches in all pages (the history endpoints' X-TOTAL). */
  fillPage(key: string, q: FillQuery): HistoryPage<Fill> {
    return fillPage(this.s.account(key), q);
  }

  fundingPayments(key: string, q: { symbol?: string; limit?: number; offset?: number }): FundingInfo[] {
    return this.fundingPage(key, q).rows;
  }

  fundingPage(key: string, q: { symbol?: string; limit?: number; offset?: number; sortDirection?: 'Asc' | 'Desc' }): HistoryPage<FundingInfo> {
    return fundingPage(this.s.account(key), q);
  }

  /** Tests and tools: add historical fills, as JSON, to an account's history (see state-export.ts seedFills). */
  seedFills(key: string, fills: Array<Omit<FillJson, 'tradeId'> & { tradeId?: number }>): void {
    stateFile.seedFills(this.s, key, fills);
  }

  /** Size resting ahead of a live order in its level (queue position), as a decimal string; null if not resting. */
  queueAhead(key: string, orderId: string): string | null {
    return queries.queueAhead(this.s, key, orderId);
  }

  // ---------------------------------------------------------------- account state

  positions(key: string, symbol?: string): SimPositionInfo[] {
    return queries.positions(this.s, key, symbol);
  }

  collateral(key: string): CollateralDetail {
    return queries.collateral(this.s, key);
  }

  /** Balances by asset (available = total - locked). */
  balances(key: string): Map<string, BalanceInfo> {
    return queries.balances(this.s, key);
  }

  accountInfo(key: string): AccountSummary {
    return queries.accountInfo(this.s, key);
  }

  // ---------------------------------------------------------------- funding & marks

  /** Settle one funding interval on every perp (normally driven by the clock; tests may call it). */
  settleFunding(intervalEnd = this.s.clock.now(), rateOverride?: Record<string, string>): void {
    funding.settleFunding(this.s, intervalEnd, rateOverride);
  }

  fundingRates(symbol: string, limit = 100, offset = 0): FundingRateRow[] {
    return funding.fundingRates(this.s, symbol, limit, offset);
  }

  markEvent(m: SimMarket): MarkEvent {
    return markEvent(this.s, m);
  }

  /** Tests/tools: pin a market's mark price (null un-pins). */
  setMark(symbol: string, price: string | null): void {
    const m = this.s.markets.get(symbol)!;
    m.pinnedMark = price === null ? null : (parseUnits(price, m.ps.scale) as number);
  }

  // ---------------------------------------------------------------- house liquidity (tests and tools)

  /** Add house liquidity at a price (joins the back of the queue). */
  addLiquidity(symbol: string, side: Side, price: string, qty: string): void {
    house.addLiquidity(this.s, symbol, side, price, qty);
  }
  /** A background taker of `qty` (market, or limited at `limit`). */
  takeLiquidity(symbol: string, side: Side, qty: string, limit?: string): void {
    house.takeLiquidity(this.s, symbol, side, qty, limit);
  }
  /** Remove background size at a level (behind user orders first). */
  removeLiquidity(symbol: string, side: Side, price: string, qty: string): void {
    house.removeLiquidity(this.s, symbol, side, price, qty);
  }

  // ---------------------------------------------------------------- public market data

  depth(symbol: string, limit = 1000): ReturnType<typeof queries.depth> {
    return queries.depth(this.s, symbol, limit);
  }

  /** Rolling 24 h statistics; null for an unknown market. */
  ticker(symbol: string): TickerInfo | null {
    return queries.ticker(this.s, symbol);
  }

  openInterest(symbol: string): string {
    return queries.openInterest(this.s, symbol);
  }

  // ---------------------------------------------------------------- state file

  exportState(): SimStateFile {
    return stateFile.exportState(this.s);
  }

  importState(f: SimStateFile): void {
    stateFile.importState(this.s, f);
  }
}
