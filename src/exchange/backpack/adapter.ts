// The Backpack implementation of ExchangePort: REST (orders, account, snapshots) + websocket (books,
// trades, mark prices, own orders and positions) + local books + codec. Everything the core hears comes
// through ONE callback in arrival order. Works unchanged against the real exchange and the paper server.
import { SystemClock, type Clock, type TimerHandle } from '../../util/clock.js';
import type { Decimal } from '../../util/decimal.js';
import type { Settings } from '../../config/settings.js';
import type { ExchangeMetrics, ExchangePort, FillsQuery } from '../port.js';
import type { AccountFees, BalanceInfo, CollateralInfo, ExchangeEvent, FundingInfo, Outcome, Paged } from '../types.js';
import type { Fill } from '../../domain/fill.js';
import type { MarketInfo } from '../../domain/market.js';
import type { OrderInfo, OrderRequest } from '../../domain/order.js';
import type { Position } from '../../domain/position.js';
import { SyncedBook } from './book.js';
import { CodecError } from './codec/fields.js';
import {
  IGNORED_ORDER_EVENTS,
  decodeDepthDelta,
  decodeMarkPriceEvent,
  decodeOrderUpdate,
  decodePositionUpdate,
  decodeTrade,
} from './codec/stream-frames.js';
import { BackpackRest } from './rest.js';
import { BackpackApiError } from './rest-errors.js';
import type { OrderId } from '../../protocol/backpack/requests.js';
import { Signer, type KeyPair } from './signing.js';
import { BackpackWs } from './ws.js';

export interface AdapterOptions {
  restUrl: string;
  wsUrl: string;
  keys: KeyPair | null;
  settings: Readonly<Settings>;
  clock?: Clock;
  /** Test/tuning hooks. */
  rng?: () => number;
  wsBackoffBaseMs?: number;
  getRetries?: number;
  /** Interval of the periodic clock resync (ms, default 60 s). */
  clockResyncMs?: number;
  /** How long start() waits for the first websocket connection before returning anyway (ms). */
  startTimeoutMs?: number;
}

/** The private balance stream (Backpack lists it; its payload is UNCONFIRMED: README, wire-protocol decisions). */
export const BALANCE_STREAM = 'account.balanceUpdate';

/** Symbols whose markPrice stream exists (perpetuals). */
export function isPerp(symbol: string): boolean {
  return symbol.endsWith('_PERP');
}

export class BackpackAdapter implements ExchangePort {
  readonly host: string;
  readonly rest: BackpackRest;
  private readonly clock: Clock;
  private readonly signer: Signer | null;
  private ws: BackpackWs | null = null;
  private readonly books = new Map<string, SyncedBook>();
  private onEvent: ((e: ExchangeEvent) => void) | null = null;
  /** Bumped when a book is invalidated by a reconnect, so a snapshot fetched before it is discarded. */
  private readonly generation = new Map<string, number>();
  private readonly snapshotInflight = new Set<string>();
  private readonly snapshotAttempts = new Map<string, number>();
  private readonly snapshotTimers = new Map<string, TimerHandle>();
  private running = false;
  /** Exceptions thrown by the core's callback (counted, not rethrown into the socket). */
  handlerErrors = 0;
  lastHandlerError: string | null = null;

  constructor(private readonly opts: AdapterOptions) {
    this.clock = opts.clock ?? new SystemClock();
    this.host = new URL(opts.restUrl).host;
    this.signer = opts.keys ? new Signer(opts.keys) : null;
    const restOpts: ConstructorParameters<typeof BackpackRest>[0] = {
      restUrl: opts.restUrl,
      keys: opts.keys,
      settings: opts.settings,
      clock: this.clock,
    };
    if (opts.rng) restOpts.rng = opts.rng;
    if (opts.getRetries !== undefined) restOpts.getRetries = opts.getRetries;
    this.rest = new BackpackRest(restOpts);
  }

  /** The local book of a symbol (valid or not); null when the symbol is not streamed. */
  book(symbol: string): SyncedBook | null {
    return this.books.get(symbol) ?? null;
  }

  // ------------------------------------------------------------------ streams

  async start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    if (this.running) throw new Error('BackpackAdapter already started');
    this.running = true;
    this.onEvent = onEvent;
    await this.rest.clockSync.sync().catch(() => undefined);
    this.rest.clockSync.start(this.opts.clockResyncMs ?? 60_000);
    const streams: string[] = [];
    for (const s of symbols) {
      this.books.set(s, new SyncedBook(s));
      this.generation.set(s, 0);
      streams.push(`depth.${s}`, `trade.${s}`);
      if (isPerp(s)) streams.push(`markPrice.${s}`);
    }
    if (this.signer) streams.push('account.orderUpdate', 'account.positionUpdate');

    let firstResult: (() => void) | null = null;
    const first = new Promise<void>((r) => (firstResult = r));
    const wsOpts: ConstructorParameters<typeof BackpackWs>[0] = {
      url: this.opts.wsUrl,
      signer: this.signer,
      watchdogSec: this.opts.settings.wsWatchdogSec,
      recvWindowMs: this.opts.settings.recvWindowMs,
      clock: this.clock,
      now: () => this.rest.clockSync.now(),
    };
    if (this.opts.rng) wsOpts.rng = this.opts.rng;
    if (this.opts.wsBackoffBaseMs !== undefined) wsOpts.backoffBaseMs = this.opts.wsBackoffBaseMs;
    this.ws = new BackpackWs(wsOpts, {
      onMessage: (stream, data, recvNs) => this.onMessage(stream, data, recvNs),
      onOpen: (reconnect) => {
        this.emit({ type: 'connection', state: 'up', ts: this.clock.now(), ...(reconnect ? { detail: 'reconnected' } : {}) });
        for (const s of this.books.keys()) this.requestSnapshot(s, 0);
        // Streams are back (subscriptions re-sent): the core reconciles orders/positions by REST.
        if (reconnect) this.emit({ type: 'connection', state: 'resynced', ts: this.clock.now() });
        firstResult?.();
      },
      onClose: (reason) => {
        this.emit({ type: 'connection', state: 'down', ts: this.clock.now(), detail: reason });
        for (const [s, b] of this.books) {
          this.generation.set(s, (this.generation.get(s) ?? 0) + 1);
          const wasValid = b.valid;
          b.invalidate('websocket down');
          if (wasValid) this.emit({ type: 'bookInvalid', symbol: s, reason: `websocket down: ${reason}`, ts: this.clock.now() });
        }
        firstResult?.();
      },
      onConnectFailed: (reason) => {
        // Only the first failure is reported: start() returns and the core knows streams are down.
        if (!firstResult) return;
        this.emit({ type: 'connection', state: 'down', ts: this.clock.now(), detail: `connect failed: ${reason}` });
        firstResult();
        firstResult = null;
      },
    });
    this.ws.subscribe(streams);
    // Spot: balance changes are a hint to re-read balances by REST (the stream's payload is unconfirmed and
    // not read). Subscribed alone so an exchange that refuses it cannot take the order stream down with it.
    if (this.signer && symbols.some((s) => !isPerp(s))) this.ws.subscribe([BALANCE_STREAM], { alone: true });
    this.ws.start();
    // Return once the first connection attempt settled (never reject: reconnects continue in the background).
    const limit = this.opts.startTimeoutMs ?? 15_000;
    let t: TimerHandle | null = null;
    await Promise.race([first, new Promise<void>((r) => (t = this.clock.setTimeout(r, limit)))]);
    this.clock.clear(t);
    firstResult = null;
  }

  /** Stop the streams and timers. REST stays usable (cancel-on-exit); call close() to release the pool. */
  async stop(): Promise<void> {
    this.running = false;
    this.rest.clockSync.stop();
    for (const t of this.snapshotTimers.values()) this.clock.clear(t);
    this.snapshotTimers.clear();
    const ws = this.ws;
    this.ws = null;
    if (ws) await ws.stop();
    this.onEvent = null;
  }

  /** stop() and close the REST connection pool. */
  async close(): Promise<void> {
    await this.stop();
    await this.rest.close();
  }

  private emit(e: ExchangeEvent): void {
    const cb = this.onEvent;
    if (!cb) return;
    try {
      cb(e);
    } catch (err) {
      this.handlerErrors++;
      this.lastHandlerError = err instanceof Error ? err.message : String(err);
    }
  }

  private onMessage(stream: string, data: unknown, recvNs: bigint): void {
    try {
      if (stream.startsWith('depth.')) this.onDepth(data, recvNs);
      else if (stream.startsWith('trade.')) this.emit({ type: 'trade', trade: decodeTrade(data), recvNs });
      else if (stream.startsWith('markPrice.')) {
        const m = decodeMarkPriceEvent(data);
        this.emit({ type: 'markPrice', symbol: m.symbol, markPrice: m.markPrice, indexPrice: m.indexPrice, fundingRate: m.fundingRate, ts: m.ts });
      } else if (stream.startsWith('account.orderUpdate')) {
        const e = (data as { e?: unknown } | null)?.e;
        if (typeof e === 'string' && IGNORED_ORDER_EVENTS.has(e)) return;
        this.emit({ type: 'order', event: decodeOrderUpdate(data), recvNs });
      } else if (stream.startsWith('account.positionUpdate')) {
        this.emit({ type: 'position', event: decodePositionUpdate(data) });
      } else if (stream === BALANCE_STREAM) {
        this.emit({ type: 'balance', ts: this.clock.now() });
      }
    } catch (e) {
      if (e instanceof CodecError) this.ws?.countParseError(stream);
      else throw e;
    }
  }

  private onDepth(data: unknown, recvNs: bigint): void {
    const d = decodeDepthDelta(data);
    const book = this.books.get(d.symbol);
    if (!book) return;
    const r = book.applyDelta(d);
    if (r === 'applied') this.emit({ type: 'book', symbol: d.symbol, book, ts: d.ts, recvNs });
    else if (r === 'gap' || r === 'crossed') {
      this.emit({ type: 'bookInvalid', symbol: d.symbol, reason: book.invalidReason ?? r, ts: this.clock.now() });
      this.requestSnapshot(d.symbol, 0);
    }
  }

  /** Fetch a REST snapshot for a symbol after `delayMs` (one in flight per symbol). */
  private requestSnapshot(symbol: string, delayMs: number): void {
    if (!this.running || this.snapshotInflight.has(symbol) || this.snapshotTimers.has(symbol)) return;
    if (delayMs > 0) {
      this.snapshotTimers.set(
        symbol,
        this.clock.setTimeout(() => {
          this.snapshotTimers.delete(symbol);
          this.requestSnapshot(symbol, 0);
        }, delayMs),
      );
      return;
    }
    void this.fetchSnapshot(symbol);
  }

  private retrySnapshot(symbol: string): void {
    const n = (this.snapshotAttempts.get(symbol) ?? 0) + 1;
    this.snapshotAttempts.set(symbol, n);
    this.requestSnapshot(symbol, Math.min(5000, 50 * 2 ** Math.min(n, 10)));
  }

  private async fetchSnapshot(symbol: string): Promise<void> {
    const book = this.books.get(symbol);
    if (!book || !this.ws?.connected) return;
    this.snapshotInflight.add(symbol);
    const gen = this.generation.get(symbol);
    let next: 'none' | 'now' | 'later' = 'none';
    try {
      const snap = await this.rest.depth(symbol, 1000);
      if (!this.running) return;
      // The socket dropped while we fetched: this snapshot predates the new subscription.
      if (this.generation.get(symbol) !== gen) {
        next = 'now';
        return;
      }
      const r = book.loadSnapshot(snap);
      if (r === 'applied') {
        this.snapshotAttempts.set(symbol, 0);
        this.emit({ type: 'book', symbol, book, ts: snap.ts || this.clock.now(), recvNs: process.hrtime.bigint() });
      } else {
        this.emit({ type: 'bookInvalid', symbol, reason: book.invalidReason ?? r, ts: this.clock.now() });
        next = 'later';
      }
    } catch {
      next = 'later';
    } finally {
      this.snapshotInflight.delete(symbol);
      if (this.running && next === 'now') this.requestSnapshot(symbol, 0);
      else if (this.running && next === 'later') this.retrySnapshot(symbol);
    }
  }

  metrics(): ExchangeMetrics {
    const w = this.ws?.metrics();
    return {
      restTotal: this.rest.stats.total,
      restLastMinute: this.rest.limiter.lastMinute(),
      restLimitPerMinute: this.rest.limiter.limitPerMinute,
      http429: this.rest.stats.http429,
      restErrors: this.rest.stats.errors,
      byEndpoint: this.rest.stats.snapshot(),
      wsMessages: w?.messages ?? 0,
      wsBytes: w?.bytes ?? 0,
      wsParseErrors: w?.parseErrors ?? 0,
      wsLastMinute: w?.lastMinute ?? 0,
      reconnects: w?.reconnects ?? 0,
      byStream: w?.byStream ?? {},
      wsConnected: w?.connected ?? false,
      lastMessageAgoMs: w?.lastMessageAgoMs ?? null,
      clockOffsetMs: this.rest.clockSync.offsetMs,
      restParseErrors: this.rest.codecErrors,
    };
  }

  // ------------------------------------------------------------------ REST

  getMarkets(): Promise<MarketInfo[]> {
    return this.rest.markets();
  }
  placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    return this.rest.executeOrder(req);
  }
  cancelOrder(symbol: string, id: OrderId): Promise<Outcome<OrderInfo>> {
    return this.rest.cancelOrder(symbol, id);
  }
  cancelAll(symbol: string): Promise<Outcome<OrderInfo[]>> {
    return this.rest.cancelAll(symbol);
  }
  getOpenOrders(symbol?: string): Promise<OrderInfo[]> {
    return this.rest.openOrders(symbol);
  }
  /** Resting order by clientId, else the newest order-history row with that clientId, else null. */
  async findOrder(symbol: string, clientId: number): Promise<OrderInfo | null> {
    const live = await this.rest.getOrder(symbol, { clientId });
    if (live) return live;
    const rows = await this.rest.orderHistory({ symbol, limit: 200, sortDirection: 'Desc' });
    let best: OrderInfo | null = null;
    for (const r of rows) {
      if (r.clientId !== clientId) continue;
      if (!best || r.createdAt > best.createdAt) {
        const { expiryReason: _e, ...info } = r;
        best = info;
      }
    }
    return best;
  }
  getPositions(): Promise<Position[]> {
    return this.rest.positions();
  }
  getBalances(): Promise<BalanceInfo[]> {
    return this.rest.capital();
  }
  getCollateral(): Promise<CollateralInfo> {
    return this.rest.collateral();
  }
  getAccountFees(): Promise<AccountFees> {
    return this.rest.accountFees();
  }
  async getFills(q: FillsQuery): Promise<Paged<Fill>> {
    const query: Parameters<BackpackRest['fills']>[0] = { sortDirection: 'Asc' };
    if (q.symbol !== undefined) query.symbol = q.symbol;
    if (q.from !== undefined) query.from = q.from;
    if (q.to !== undefined) query.to = q.to;
    if (q.limit !== undefined) query.limit = q.limit;
    if (q.offset !== undefined) query.offset = q.offset;
    const { rows, page } = await this.rest.fillsPage(query);
    // Ascending by time whatever order the server used (stable for equal timestamps).
    return { rows: rows.map((f, i) => ({ f, i })).sort((a, b) => a.f.timestamp - b.f.timestamp || a.i - b.i).map((x) => x.f), page };
  }
  getFundingHistory(q: { symbol?: string; limit?: number; offset?: number }): Promise<Paged<FundingInfo>> {
    return this.rest.fundingPage({ ...q, sortDirection: 'Desc' });
  }
  /** Mark price from /markPrices; falls back to the ticker's last price (spot or unknown to markPrices). */
  async getMarkPrice(symbol: string): Promise<Decimal | null> {
    try {
      const rows = await this.rest.markPrices(symbol);
      const row = rows.find((r) => r.symbol === symbol);
      if (row) return row.markPrice;
    } catch (e) {
      if (!(e instanceof BackpackApiError) && !(e instanceof CodecError)) throw e;
    }
    try {
      return (await this.rest.ticker(symbol)).lastPrice;
    } catch (e) {
      if (e instanceof BackpackApiError || e instanceof CodecError) return null;
      throw e;
    }
  }
}
