// The transport under the Backpack REST client: reads over a keep-alive undici Pool, orders and cancels
// over a dedicated warm lane (http-lane.ts) that writes the request bytes before send() returns when a
// connection is free, so an order triggered by a market-data frame is on the wire within that frame's
// handling. Every request passes the client-side rate budget, has a wall-clock timeout, and is counted
// per endpoint; back-off and Retry-After dates use the injected Clock. Signed requests carry the exchange-corrected timestamp and are signed over
// exactly the values sent (decimals travel as JSON strings). GETs are retried; a state-changing request
// is sent once and classified into an Outcome (rest-errors.ts says what each failure means).
import { Pool } from 'undici';
import { HttpLane } from './http-lane.js';
import { LaneError } from './lane-error.js';
import { SystemClock, type Clock } from '../../util/clock.js';
import type { Settings } from '../../config/settings.js';
import type { Outcome, PageHeaders, Paged } from '../types.js';
import { Signer, type KeyPair } from './signing.js';
import { RateLimiter, RestStats } from './ratelimit.js';
import { ClockSync, isTimestampError } from './clock-sync.js';
import { CodecError, decodeRows } from './codec/fields.js';
import { BackpackApiError, NoKeysError, parseErrorBody, parseRetryAfter, TransportError } from './rest-errors.js';
import { endpointKey, INSTRUCTIONS, type HttpMethod } from '../../protocol/backpack/endpoints.js';
import { parsePageHeaders } from '../../protocol/backpack/paging.js';
import type { SignParams } from '../../protocol/backpack/signing-string.js';

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
export type Query = Record<string, QueryValue>;

export interface RawReply {
  status: number;
  text: string;
  retryAfterMs: number | null;
  /** Paging headers of a GET reply (history endpoints), null when it had none. */
  page: PageHeaders | null;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CodecError(`${what}: reply is not JSON`);
  }
}

export class RestTransport {
  readonly host: string;
  readonly limiter: RateLimiter;
  readonly stats: RestStats;
  readonly clockSync: ClockSync;
  /** Malformed rows skipped in list replies, and unreadable replies to orders. */
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

  /** `exchangeTime` reads the exchange's clock (GET /api/v1/time) for the clock sync. */
  constructor(opts: RestOptions, exchangeTime: () => Promise<number>) {
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
    this.clockSync = new ClockSync(this.clock, exchangeTime);
  }

  get hasKeys(): boolean {
    return this.signer !== null;
  }

  async close(): Promise<void> {
    this.clockSync.stop();
    await Promise.all([this.pool.close().catch(() => this.pool.destroy()), this.lane.close()]);
  }

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
        // A transport timer on the real clock, like the order lane's and undici's: requestTimeoutMs is wall
        // time whatever the injected Clock runs at (a scaled test clock must not shorten it).
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
      const retryAfterMs = parseRetryAfter(retryAfter, this.clock.now());
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
  async getReply(path: string, query: Query | null, signed: boolean): Promise<RawReply> {
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

  async get(path: string, query: Query | null, signed: boolean): Promise<string> {
    return (await this.getReply(path, query, signed)).text;
  }

  async getJson(path: string, query: Query | null, signed: boolean): Promise<unknown> {
    return parseJson(await this.get(path, query, signed), path);
  }

  /** A history endpoint's rows and paging headers. */
  async getRows<T>(path: string, query: Query, what: string, one: (r: unknown) => T): Promise<Paged<T>> {
    const r = await this.getReply(path, query, true);
    return { rows: this.rows(parseJson(r.text, path), what, one), page: r.page };
  }

  /** State-changing request: exactly one attempt, classified into an Outcome. */
  async mutate<T>(method: 'POST' | 'DELETE', path: string, body: SignParams | SignParams[], decode: (x: unknown) => T): Promise<Outcome<T>> {
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

  rows<T>(x: unknown, what: string, one: (r: unknown) => T): T[] {
    return decodeRows(x, what, one, () => this.codecErrors++);
  }
}
