// Backpack REST client: reads over a keep-alive undici Pool, orders and cancels over a dedicated warm lane
// (http-lane.ts) that writes the request bytes before send() returns when a connection is free, so an order
// triggered by a market-data frame is on the wire within that frame's handling. Every request passes the client-side rate budget,
// has a timeout, and is counted per endpoint. Signed requests carry the exchange-corrected timestamp and are
// signed over exactly the values sent (decimals travel as JSON strings). State-changing calls return an
// Outcome: accepted, rejected (4xx with an error body: the exchange proved it did not act) or unknown
// (timeout, 5xx, dropped connection: resolve by query, never by resending). Only GETs are retried.
import { Pool } from 'undici';
import { HttpLane, LaneError } from './http-lane.js';
import { SystemClock, type Clock } from '../../util/clock.js';
import type { Settings } from '../../config/settings.js';
import type {
  AccountFees,
  BalanceInfo,
  CollateralInfo,
  FillInfo,
  FundingInfo,
  MarketInfo,
  OrderInfo,
  OrderRequest,
  Outcome,
  PageHeaders,
  Paged,
  PositionInfo,
  TradeTick,
} from '../types.js';
import { Signer, type KeyPair } from './signing.js';
import { endpointKey, INSTRUCTIONS, PATHS, type HttpMethod } from '../../protocol/backpack/endpoints.js';
import { parsePageHeaders } from '../../protocol/backpack/paging.js';
import { orderBody, type FillQuery, type HistoryQuery, type OrderId } from '../../protocol/backpack/requests.js';
import type { SignParams } from '../../protocol/backpack/signing-string.js';
import { RateLimiter, RestStats } from './ratelimit.js';
import { ClockSync, isTimestampError } from './clock-sync.js';
import { CodecError, decodeRows } from './codec/fields.js';
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

/** The exchange answered with an error status (body `{code,message}` when it sent one). */
export class BackpackApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BackpackApiError';
  }
}

/** No usable answer: timeout, connection error, or a 5xx after retries. The exchange may have acted. */
export class TransportError extends Error {
  constructor(
    readonly reason: 'timeout' | 'connection' | 'server',
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** A signed endpoint was called without API keys (paper mode without keys, `check` without keys). */
export class NoKeysError extends Error {
  constructor(what: string) {
    super(`${what} needs BPX_API_KEY and BPX_API_SECRET`);
    this.name = 'NoKeysError';
  }
}

export type RestSettings = Pick<Settings, 'restRateLimit' | 'requestTimeoutMs' | 'recvWindowMs'>;

export interface RestOptions {
  restUrl: string;
  keys: KeyPair | null;
  settings: RestSettings;
  clock?: Clock;
  /** Keep-alive connections in the pool (reads). */
  connections?: number;
  /**
   * Connections of the order lane (POST/DELETE), kept open and warm; one request each at a time (default 8:
   * at 60x the paper run kept all of 4 busy for 21% of its requests, which then waited).
   */
  orderConnections?: number;
  /** Extra attempts for idempotent GETs (default 2). */
  getRetries?: number;
  /** Base of the GET retry back-off (ms, default 200). */
  retryBaseMs?: number;
  rng?: () => number;
}

type QueryValue = string | number | boolean | undefined;
type Query = Record<string, QueryValue>;

interface RawReply {
  status: number;
  text: string;
  retryAfterMs: number | null;
  /** Paging headers of a GET reply (history endpoints), null when it had none. */
  page: PageHeaders | null;
}

function parseRetryAfter(h: string | string[] | undefined): number | null {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : null;
}

/** Error body -> {code, message}; plain-text/HTML bodies become HTTP_<status> with a short excerpt. */
export function parseErrorBody(status: number, text: string): { code: string; message: string } {
  try {
    const j = JSON.parse(text) as unknown;
    if (j && typeof j === 'object' && typeof (j as Record<string, unknown>).code === 'string') {
      const m = (j as Record<string, unknown>).message;
      return { code: (j as Record<string, string>).code!, message: typeof m === 'string' ? m : '' };
    }
  } catch {
    // not JSON: fall through
  }
  const excerpt = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160);
  return { code: `HTTP_${status}`, message: excerpt || `HTTP ${status}` };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CodecError(`${what}: reply is not JSON`);
  }
}

export class BackpackRest {
  readonly host: string;
  readonly limiter: RateLimiter;
  readonly stats: RestStats;
  readonly clockSync: ClockSync;
  /** Malformed rows skipped in list replies. */
  codecErrors = 0;
  private readonly pool: Pool;
  private readonly lane: HttpLane;
  private warmed = false;
  private readonly basePath: string;
  private readonly signer: Signer | null;
  private readonly clock: Clock;
  private readonly settings: RestSettings;
  private readonly getRetries: number;
  private readonly retryBaseMs: number;
  private readonly rng: () => number;

  constructor(opts: RestOptions) {
    const url = new URL(opts.restUrl);
    this.host = url.host;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.clock = opts.clock ?? new SystemClock();
    this.settings = opts.settings;
    this.signer = opts.keys ? new Signer(opts.keys) : null;
    this.rng = opts.rng ?? Math.random;
    this.getRetries = opts.getRetries ?? 2;
    this.retryBaseMs = opts.retryBaseMs ?? 200;
    this.limiter = new RateLimiter(this.clock, opts.settings.restRateLimit, this.rng);
    this.stats = new RestStats(this.clock);
    this.pool = new Pool(url.origin, { connections: opts.connections ?? 8, keepAliveTimeout: 30_000, pipelining: 1 });
    this.lane = new HttpLane(url.origin, { connections: opts.orderConnections ?? 8, maxIdleMs: 30_000 });
    this.clockSync = new ClockSync(this.clock, () => this.time());
  }

  get hasKeys(): boolean {
    return this.signer !== null;
  }

  async close(): Promise<void> {
    this.clockSync.stop();
    await Promise.all([this.pool.close().catch(() => this.pool.destroy()), this.lane.close()]);
  }

  // ------------------------------------------------------------------ transport

  /**
   * One HTTP exchange: budget, sign, send with a timeout, count. Throws TransportError on no answer.
   * Synchronous up to the write when the budget has a free slot (no await before it): a POST/DELETE on an
   * idle lane connection is on the socket when this returns its promise.
   */
  private async send(method: HttpMethod, path: string, query: Query | null, body: SignParams | SignParams[] | null, signed: boolean): Promise<RawReply> {
    if (!this.limiter.tryAcquire()) await this.limiter.acquire();
    if (!this.warmed && this.signer) {
      // Open the order connections with the first request (start-up reads), not with the first order.
      this.warmed = true;
      this.lane.warm();
    }
    const endpoint = endpointKey(method, path);
    let qs = '';
    const signParams: SignParams = {};
    if (query) {
      const parts: string[] = [];
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined) continue;
        signParams[k] = v;
        parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
      }
      if (parts.length) qs = '?' + parts.join('&');
    }
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    if (body !== null) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    if (signed) {
      if (!this.signer) throw new NoKeysError(endpoint);
      const instruction = INSTRUCTIONS[endpoint];
      if (!instruction) throw new Error(`no signing instruction for ${endpoint}`);
      Object.assign(headers, this.signer.headers(instruction, body ?? signParams, this.clockSync.now(), this.settings.recvWindowMs));
    }
    const t0 = performance.now();
    let timeout: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      let status: number;
      let text: string;
      let retryAfter: string | string[] | undefined;
      let page: PageHeaders | null = null;
      if (method === 'GET') {
        const ac = new AbortController();
        timeout = setTimeout(() => {
          timedOut = true;
          ac.abort();
        }, this.settings.requestTimeoutMs);
        const res = await this.pool.request({
          path: this.basePath + path + qs,
          method: 'GET',
          headers,
          body: payload ?? null,
          // undici closes the connection after a DELETE that carries a body unless told otherwise; only
          // GETs use the pool now (the lane keeps its connections after Backpack's DELETE-with-body
          // cancels), kept so a body-carrying request here would not cost a TCP connect either.
          reset: false,
          signal: ac.signal,
        });
        text = await res.body.text();
        status = res.statusCode;
        retryAfter = res.headers['retry-after'];
        page = parsePageHeaders(res.headers);
      } else {
        const res = await this.lane.request(method, this.basePath + path + qs, headers, payload, this.settings.requestTimeoutMs);
        ({ status, text } = res);
        retryAfter = res.headers['retry-after'];
      }
      const latency = performance.now() - t0;
      this.stats.record(endpoint, latency, status === 429 ? '429' : status >= 400 ? 'error' : 'ok');
      const retryAfterMs = parseRetryAfter(retryAfter);
      if (status === 429) this.limiter.on429(retryAfterMs);
      else this.limiter.onAnswer();
      return { status, text, retryAfterMs, page };
    } catch (e) {
      this.stats.record(endpoint, performance.now() - t0, 'error');
      if (timedOut || (e instanceof LaneError && e.code === 'UND_ERR_TIMEOUT')) throw new TransportError('timeout', `${endpoint} timed out after ${this.settings.requestTimeoutMs} ms`);
      const code = e instanceof LaneError ? `${e.code} (${e.message})` : ((e as { code?: string }).code ?? (e as Error).name);
      throw new TransportError('connection', `${endpoint} failed: ${code}`);
    } finally {
      if (timeout) clearTimeout(timeout);
    }
  }

  private backoff(attempt: number): Promise<void> {
    const base = Math.min(2000, this.retryBaseMs * 2 ** attempt);
    const ms = base / 2 + (this.rng() * base) / 2;
    return new Promise((r) => this.clock.setTimeout(r, ms));
  }

  /**
   * Idempotent GET: retried on no answer, 5xx and 429 (bounded, backoff + jitter; the limiter holds 429s).
   * A timestamp rejection triggers a clock resync and one more try. Returns the 2xx reply.
   */
  private async getReply(path: string, query: Query | null, signed: boolean): Promise<RawReply> {
    let lastErr: Error | null = null;
    let resynced = false;
    for (let attempt = 0; attempt <= this.getRetries; attempt++) {
      if (attempt > 0) await this.backoff(attempt - 1);
      let r: RawReply;
      try {
        r = await this.send('GET', path, query, null, signed);
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        lastErr = e;
        continue;
      }
      if (r.status >= 200 && r.status < 300) return r;
      const { code, message } = parseErrorBody(r.status, r.text);
      const err = new BackpackApiError(r.status, code, message);
      if (r.status === 429 || r.status >= 500) {
        lastErr = r.status >= 500 ? new TransportError('server', `GET ${path}: HTTP ${r.status} ${message}`, r.status) : err;
        continue;
      }
      if (signed && isTimestampError(message) && !resynced) {
        resynced = true;
        await this.clockSync.sync().catch(() => undefined);
        attempt--; // the resync retry does not consume a retry
        continue;
      }
      throw err;
    }
    throw lastErr ?? new TransportError('connection', `GET ${path} failed`);
  }

  private async get(path: string, query: Query | null, signed: boolean): Promise<string> {
    return (await this.getReply(path, query, signed)).text;
  }

  private async getJson(path: string, query: Query | null, signed: boolean): Promise<unknown> {
    return parseJson(await this.get(path, query, signed), path);
  }

  /** A history endpoint's rows and paging headers. */
  private async getRows<T>(path: string, query: Query, what: string, one: (r: unknown) => T): Promise<Paged<T>> {
    const r = await this.getReply(path, query, true);
    return { rows: this.rows(parseJson(r.text, path), what, one), page: r.page };
  }

  /** State-changing request: exactly one attempt, classified into an Outcome. */
  private async mutate<T>(method: 'POST' | 'DELETE', path: string, body: SignParams | SignParams[], decode: (x: unknown) => T): Promise<Outcome<T>> {
    let r: RawReply;
    try {
      r = await this.send(method, path, null, body, true);
    } catch (e) {
      if (e instanceof TransportError) return { kind: 'unknown', reason: e.message };
      throw e;
    }
    if (r.status === 202) return { kind: 'unknown', reason: `${method} ${path}: accepted (202), not yet executed` };
    if (r.status >= 200 && r.status < 300) {
      try {
        return { kind: 'accepted', value: decode(JSON.parse(r.text) as unknown) };
      } catch (e) {
        this.codecErrors++;
        return { kind: 'unknown', reason: `${method} ${path}: unreadable reply (${e instanceof Error ? e.message : String(e)})` };
      }
    }
    const { code, message } = parseErrorBody(r.status, r.text);
    if (r.status >= 500 || r.status === 408) return { kind: 'unknown', reason: `${method} ${path}: HTTP ${r.status} ${code} ${message}` };
    if (isTimestampError(message)) this.clockSync.noteError(message);
    return { kind: 'rejected', code, message, status: r.status };
  }

  private rows<T>(x: unknown, what: string, one: (r: unknown) => T): T[] {
    return decodeRows(x, what, one, () => this.codecErrors++);
  }

  // ------------------------------------------------------------------ public market data

  async status(): Promise<ExchangeStatus> {
    return decodeStatus(await this.getJson(PATHS.status, null, false));
  }
  /** Exchange time (ms). */
  async time(): Promise<number> {
    return decodeTime(await this.get(PATHS.time, null, false));
  }
  /** SPOT and PERP markets (other market types are skipped). */
  async markets(): Promise<MarketInfo[]> {
    const x = await this.getJson(PATHS.markets, null, false);
    if (!Array.isArray(x)) throw new CodecError('markets: not an array');
    return this.rows(x.filter(isSupportedMarket), 'markets', decodeMarket);
  }
  async market(symbol: string): Promise<MarketInfo> {
    return decodeMarket(await this.getJson(PATHS.market, { symbol }, false));
  }
  async ticker(symbol: string): Promise<Ticker> {
    return decodeTicker(await this.getJson(PATHS.ticker, { symbol }, false));
  }
  async depth(symbol: string, limit = 1000): Promise<DepthSnapshot> {
    return decodeDepthSnapshot(await this.getJson(PATHS.depth, { symbol, limit }, false));
  }
  async trades(symbol: string, limit = 100): Promise<TradeTick[]> {
    return this.rows(await this.getJson(PATHS.trades, { symbol, limit }, false), 'trades', (r) => decodeRestTrade(r, symbol));
  }
  async markPrices(symbol?: string): Promise<MarkPriceUpdate[]> {
    return this.rows(await this.getJson(PATHS.markPrices, { symbol }, false), 'markPrices', decodeMarkPriceRow);
  }

  // ------------------------------------------------------------------ orders

  executeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    return this.mutate('POST', PATHS.order, orderBody(req), decodeOrder);
  }
  /** Batch: one outcome for the request; per-order results inside when accepted. */
  executeOrders(reqs: OrderRequest[]): Promise<Outcome<BatchItem[]>> {
    return this.mutate('POST', PATHS.orders, reqs.map(orderBody), (x) => {
      if (!Array.isArray(x)) throw new CodecError('batch reply: not an array');
      return x.map(decodeBatchItem);
    });
  }
  cancelOrder(symbol: string, id: OrderId): Promise<Outcome<OrderInfo>> {
    const body: SignParams = 'orderId' in id ? { symbol, orderId: id.orderId } : { symbol, clientId: id.clientId };
    return this.mutate('DELETE', PATHS.order, body, decodeOrder);
  }
  cancelAll(symbol: string): Promise<Outcome<OrderInfo[]>> {
    return this.mutate('DELETE', PATHS.orders, { symbol }, (x) => {
      if (!Array.isArray(x)) throw new CodecError('cancelAll reply: not an array');
      return x.map(decodeOrder);
    });
  }
  /** A resting order, or null when the exchange does not have it on the book (404 / not found). */
  async getOrder(symbol: string, id: OrderId): Promise<OrderInfo | null> {
    const q: Query = 'orderId' in id ? { symbol, orderId: id.orderId } : { symbol, clientId: id.clientId };
    try {
      return decodeOrder(await this.getJson(PATHS.order, q, true));
    } catch (e) {
      if (e instanceof BackpackApiError && (e.status === 404 || e.code === 'RESOURCE_NOT_FOUND' || /not found/i.test(e.message))) return null;
      throw e;
    }
  }
  async openOrders(symbol?: string): Promise<OrderInfo[]> {
    return this.rows(await this.getJson(PATHS.orders, { symbol }, true), 'orders', decodeOrder);
  }
  /** Terminal and open orders from history (rows carry expiryReason). */
  async orderHistory(q: HistoryQuery = {}): Promise<Array<OrderInfo & { expiryReason: string | null }>> {
    const query: Query = { symbol: q.symbol, orderId: q.orderId, limit: q.limit, offset: q.offset, sortDirection: q.sortDirection };
    return this.rows(await this.getJson(PATHS.orderHistory, query, true), 'orderHistory', decodeOrder);
  }

  // ------------------------------------------------------------------ account

  async positions(symbol?: string): Promise<PositionInfo[]> {
    return this.rows(await this.getJson(PATHS.position, { symbol }, true), 'positions', decodePosition);
  }
  async capital(): Promise<BalanceInfo[]> {
    return decodeCapital(await this.getJson(PATHS.capital, null, true));
  }
  async collateral(): Promise<CollateralInfo> {
    return decodeCollateral(await this.getJson(PATHS.collateral, null, true));
  }
  async accountFees(): Promise<AccountFees> {
    return decodeAccountFees(await this.getJson(PATHS.account, null, true));
  }
  /** Own fills only (fillType=User). */
  async fills(q: FillQuery = {}): Promise<FillInfo[]> {
    return (await this.fillsPage(q)).rows;
  }
  /** fills() with the reply's paging headers. */
  fillsPage(q: FillQuery = {}): Promise<Paged<FillInfo>> {
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
    return this.getRows(PATHS.fillHistory, query, 'fills', decodeFill);
  }
  async fundingHistory(q: HistoryQuery = {}): Promise<FundingInfo[]> {
    return (await this.fundingPage(q)).rows;
  }
  /** fundingHistory() with the reply's paging headers. */
  fundingPage(q: HistoryQuery = {}): Promise<Paged<FundingInfo>> {
    const query: Query = { symbol: q.symbol, limit: q.limit, offset: q.offset, sortDirection: q.sortDirection };
    return this.getRows(PATHS.fundingHistory, query, 'funding', decodeFunding);
  }
}

