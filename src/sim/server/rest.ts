// REST routes of the paper exchange: Backpack's public and private endpoints (same paths, query names,
// field names, string decimals, error bodies and statuses as reference §2/§4) plus the admin path
// /_sim/... (faults, websocket disconnect) which is deliberately NOT under /api/.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { endpointKey, INSTRUCTIONS, PATHS } from '../../protocol/backpack/endpoints.js';
import { PAGE_HEADERS } from '../../protocol/backpack/paging.js';
import type { SignParams } from '../../protocol/backpack/signing-string.js';
import type { SimExchange } from '../exchange.js';
import { pageHeadersFor } from '../accounts/history.js';
import { hashString } from '../model/prng.js';
import { authenticate } from './auth.js';
import { parseFaults, type FaultController } from './faults.js';
import { fillWire, fundingWire, marketWire, orderHistoryWire, orderWire, positionWire } from './wire.js';

export interface RestContext {
  ex: SimExchange;
  faults: FaultController;
  keyCache: Map<string, KeyObject>;
  /** Request timestamps per rate-limit key, for the 429 fault. */
  rate: Map<string, number[]>;
  /** Responses deliberately left unanswered (timeout fault), destroyed on stop. */
  hanging: Set<ServerResponse>;
}

interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

const ok = (json: unknown): Reply => ({ status: 200, json });

/** A history page with Backpack's paging headers (see pageHeadersFor). */
function paged(json: unknown, total: number, limit: number, offset: number): Reply {
  const p = pageHeadersFor(total, limit, offset);
  return {
    status: 200,
    json,
    headers: {
      [PAGE_HEADERS.total]: String(p.total),
      [PAGE_HEADERS.pageSize]: String(p.pageSize),
      [PAGE_HEADERS.pageCount]: String(p.pageCount),
      [PAGE_HEADERS.currentPage]: String(p.currentPage),
      'Access-Control-Expose-Headers': [PAGE_HEADERS.pageCount, PAGE_HEADERS.currentPage, PAGE_HEADERS.pageSize, PAGE_HEADERS.total].join(', '),
    },
  };
}
const apiErr = (status: number, code: string, message: string): Reply => ({ status, json: { code, message } });
const text = (status: number, t: string): Reply => ({ status, text: t });

const DEPTH_LIMITS = new Set(['5', '10', '20', '50', '100', '500', '1000']);
const KLINE_MS: Record<string, number> = {
  '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000,
  '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000, '12h': 43_200_000, '1d': 86_400_000, '3d': 259_200_000,
  '1w': 604_800_000, '1month': 2_592_000_000,
};

function userId(key: string): number {
  return 1_000_000 + (hashString(key) % 9_000_000);
}

function intParam(q: URLSearchParams, name: string, def: number, max?: number): number | Reply {
  const v = q.get(name);
  if (v === null || v === '') return def;
  if (!/^\d+$/.test(v)) return text(400, `failed to parse parameter \`${name}\`: Invalid integer`);
  const n = Number(v);
  return max !== undefined ? Math.min(n, max) : n;
}
const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 'status' in x;

function symbolOr400(ex: SimExchange, q: URLSearchParams): string | Reply {
  const s = q.get('symbol');
  if (!s || !ex.market(s)) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'Invalid market symbol');
  return s;
}

type Handler = (ctx: RestContext, q: URLSearchParams, body: unknown, apiKey: string) => Reply | Promise<Reply>;

const PUBLIC: Record<string, Handler> = {
  [endpointKey('GET', PATHS.status)]: () => ok({ status: 'Ok', message: null }),
  [endpointKey('GET', PATHS.ping)]: () => text(200, 'pong'),
  [endpointKey('GET', PATHS.time)]: (ctx) => text(200, String(Math.floor(ctx.ex.clock.now()))),
  [endpointKey('GET', PATHS.assets)]: (ctx) => {
    const assets = new Set<string>();
    for (const m of ctx.ex.markets.values()) {
      assets.add(m.spec.baseSymbol);
      assets.add(m.spec.quoteSymbol);
    }
    return ok([...assets].map((symbol) => ({
      symbol, displayName: symbol, coingeckoId: null,
      tokens: [{ blockchain: 'Solana', contractAddress: null, depositEnabled: true, minimumDeposit: '0', withdrawEnabled: true, minimumWithdrawal: '0', maximumWithdrawal: null, withdrawalFee: '0' }],
    })));
  },
  [endpointKey('GET', PATHS.markets)]: (ctx, q) => {
    const types = q.getAll('marketType');
    return ok([...ctx.ex.markets.values()].filter((m) => types.length === 0 || types.includes(m.spec.marketType)).map(marketWire));
  },
  [endpointKey('GET', PATHS.market)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    return isReply(s) ? s : ok(marketWire(ctx.ex.market(s)!));
  },
  [endpointKey('GET', PATHS.ticker)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    return isReply(s) ? s : ok(ctx.ex.ticker(s));
  },
  [endpointKey('GET', PATHS.tickers)]: (ctx) => ok([...ctx.ex.markets.keys()].map((s) => ctx.ex.ticker(s))),
  [endpointKey('GET', PATHS.depth)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const l = q.get('limit');
    if (l !== null && !DEPTH_LIMITS.has(l)) {
      return text(400, 'failed to parse parameter `limit`: Expect a valid enumeration value: 5, 10, 20, 50, 100, 500, 1000');
    }
    return ok(ctx.ex.depth(s, l === null ? 100_000 : Number(l)));
  },
  [endpointKey('GET', PATHS.trades)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const limit = intParam(q, 'limit', 100, 1000);
    if (isReply(limit)) return limit;
    return ok(ctx.ex.market(s)!.recentTrades(limit).map(tradeRest));
  },
  [endpointKey('GET', PATHS.tradesHistory)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const limit = intParam(q, 'limit', 100, 1000);
    const offset = intParam(q, 'offset', 0);
    if (isReply(limit)) return limit;
    if (isReply(offset)) return offset;
    return ok(ctx.ex.market(s)!.recentTrades(limit, offset).map(tradeRest));
  },
  [endpointKey('GET', PATHS.klines)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const iv = q.get('interval') ?? '';
    const ms = KLINE_MS[iv];
    if (!ms) return text(400, 'failed to parse parameter `interval`: Expect a valid enumeration value');
    const start = intParam(q, 'startTime', NaN);
    const end = intParam(q, 'endTime', Math.floor(ctx.ex.clock.now() / 1000));
    if (isReply(start)) return start;
    if (isReply(end)) return end;
    if (Number.isNaN(start)) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'Missing startTime');
    const m = ctx.ex.market(s)!;
    const rows = new Map<number, { start: number; open: number; high: number; low: number; close: number; volume: number; quoteVolume: number; trades: number }>();
    for (const c of m.candles) {
      if (c.start < start * 1000 || c.start >= end * 1000) continue;
      const b = Math.floor(c.start / ms) * ms;
      const r = rows.get(b);
      if (!r) rows.set(b, { ...c, start: b });
      else {
        r.high = Math.max(r.high, c.high);
        r.low = Math.min(r.low, c.low);
        r.close = c.close;
        r.volume += c.volume;
        r.quoteVolume += c.quoteVolume;
        r.trades += c.trades;
      }
    }
    const fmt = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
    return ok([...rows.values()].map((r) => ({
      start: fmt(r.start), end: fmt(r.start + ms), open: m.px(r.open), high: m.px(r.high), low: m.px(r.low), close: m.px(r.close),
      volume: m.qty(r.volume), quoteVolume: m.notionalDec(r.quoteVolume).toString(), trades: String(r.trades),
    })));
  },
  [endpointKey('GET', PATHS.markPrices)]: (ctx, q) => {
    const s = q.get('symbol');
    if (s && !ctx.ex.market(s)) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'Symbol not found');
    const mt = q.get('marketType');
    return ok([...ctx.ex.markets.values()].filter((m) => (!s || m.symbol === s) && (!mt || m.spec.marketType === mt)).map((m) => {
      const e = ctx.ex.markEvent(m);
      const row: Record<string, unknown> = { symbol: m.symbol, markPrice: e.markPrice, indexPrice: e.indexPrice };
      if (e.fundingRate !== null) {
        row['fundingRate'] = e.fundingRate;
        row['nextFundingTimestamp'] = e.nextFundingTimestamp;
      }
      return row;
    }));
  },
  [endpointKey('GET', PATHS.fundingRates)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const limit = intParam(q, 'limit', 100, 10000);
    const offset = intParam(q, 'offset', 0);
    if (isReply(limit)) return limit;
    if (isReply(offset)) return offset;
    return ok(ctx.ex.fundingRates(s, limit, offset));
  },
  [endpointKey('GET', PATHS.openInterest)]: (ctx, q) => {
    const s = q.get('symbol');
    const ms = [...ctx.ex.markets.values()].filter((m) => m.isPerp && (!s || m.symbol === s));
    return ok(ms.map((m) => ({ symbol: m.symbol, openInterest: ctx.ex.openInterest(m.symbol), timestamp: Math.floor(ctx.ex.clock.now()) })));
  },
};

function tradeRest(t: { id: number; price: string; quantity: string; quoteQuantity: string; ts: number; buyerIsMaker: boolean }): Record<string, unknown> {
  return { id: t.id, price: t.price, quantity: t.quantity, quoteQuantity: t.quoteQuantity, timestamp: Math.floor(t.ts), isBuyerMaker: t.buyerIsMaker };
}

const obj = (b: unknown): Record<string, unknown> => (typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {});

async function placeOne(ctx: RestContext, key: string, body: Record<string, unknown>): Promise<Reply> {
  if (ctx.faults.roll(ctx.faults.get().orderRejectRate)) {
    return body['postOnly'] === true
      ? apiErr(400, 'INVALID_ORDER', 'Order would immediately match and take')
      : apiErr(400, 'INVALID_ORDER', 'Price is out of bounds');
  }
  const r = await ctx.ex.submitOrder(key, body);
  return r.ok ? ok(orderWire(r.value)) : apiErr(r.status, r.code, r.message);
}

const PRIVATE: Record<string, Handler> = {
  [endpointKey('POST', PATHS.order)]: (ctx, _q, body, key) => placeOne(ctx, key, obj(body)),
  [endpointKey('POST', PATHS.orders)]: async (ctx, _q, body, key) => {
    if (!Array.isArray(body)) return text(400, 'Json deserialize error: expected a JSON array of orders');
    if (body.length > 50) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'Too many orders in batch (max 50)');
    const out: unknown[] = [];
    for (const item of body) {
      const r = await placeOne(ctx, key, obj(item));
      const j = r.json as Record<string, unknown>;
      out.push(r.status === 200 ? { ...j, operation: 'Ok' } : { operation: 'Err', code: j?.['code'], message: j?.['message'] });
    }
    return ok(out);
  },
  [endpointKey('DELETE', PATHS.order)]: (ctx, _q, body, key) => {
    const b = obj(body);
    const r = ctx.ex.cancelOrder(key, b['symbol'], { orderId: b['orderId'], clientId: b['clientId'] });
    return r.ok ? ok(orderWire(r.value)) : apiErr(r.status, r.code, r.message);
  },
  [endpointKey('DELETE', PATHS.orders)]: (ctx, _q, body, key) => {
    const r = ctx.ex.cancelAll(key, obj(body)['symbol']);
    return r.ok ? ok(r.value.map(orderWire)) : apiErr(r.status, r.code, r.message);
  },
  [endpointKey('GET', PATHS.order)]: (ctx, q, _b, key) => {
    const r = ctx.ex.getOrder(key, q.get('symbol'), { orderId: q.get('orderId'), clientId: q.get('clientId') });
    return r.ok ? ok(orderWire(r.value)) : apiErr(r.status, r.code, r.message);
  },
  [endpointKey('GET', PATHS.orders)]: (ctx, q, _b, key) => {
    const s = q.get('symbol') ?? undefined;
    const mt = q.get('marketType');
    return ok(ctx.ex.openOrders(key, s).filter((o) => !mt || ctx.ex.market(o.symbol)?.spec.marketType === mt).map(orderWire));
  },
  [endpointKey('GET', PATHS.account)]: (ctx, _q, _b, key) => ok(ctx.ex.accountInfo(key)),
  [endpointKey('GET', PATHS.capital)]: (ctx, _q, _b, key) => ok(ctx.ex.balances(key)),
  [endpointKey('GET', PATHS.collateral)]: (ctx, _q, _b, key) => ok(ctx.ex.collateral(key)),
  [endpointKey('GET', PATHS.position)]: (ctx, q, _b, key) => {
    const mt = q.get('marketType');
    if (mt && mt !== 'PERP') return ok([]);
    return ok(ctx.ex.positions(key, q.get('symbol') ?? undefined).map((p) => positionWire(p, userId(key))));
  },
  [endpointKey('GET', PATHS.fillHistory)]: (ctx, q, _b, key) => {
    const fillType = q.get('fillType');
    if (fillType && fillType !== 'User') return ok([]); // the sim has no liquidations/ADL/conversions
    const limit = intParam(q, 'limit', 100, 1000);
    const offset = intParam(q, 'offset', 0);
    const from = intParam(q, 'from', -1);
    const to = intParam(q, 'to', -1);
    for (const x of [limit, offset, from, to]) if (isReply(x)) return x;
    const sd = q.get('sortDirection');
    const page = ctx.ex.fillPage(key, {
      ...(q.get('symbol') ? { symbol: q.get('symbol')! } : {}),
      ...(q.get('orderId') ? { orderId: q.get('orderId')! } : {}),
      ...((from as number) >= 0 ? { from: from as number } : {}),
      ...((to as number) >= 0 ? { to: to as number } : {}),
      limit: limit as number,
      offset: offset as number,
      sortDirection: sd === 'Asc' ? 'Asc' : 'Desc',
    });
    return paged(page.rows.map(fillWire), page.total, limit as number, offset as number);
  },
  [endpointKey('GET', PATHS.orderHistory)]: (ctx, q, _b, key) => {
    const limit = intParam(q, 'limit', 100, 1000);
    const offset = intParam(q, 'offset', 0);
    if (isReply(limit)) return limit;
    if (isReply(offset)) return offset;
    const all = ctx.ex.orderHistory(key, {
      ...(q.get('symbol') ? { symbol: q.get('symbol')! } : {}),
      ...(q.get('orderId') ? { orderId: q.get('orderId')! } : {}),
      limit: Number.MAX_SAFE_INTEGER,
      offset: 0,
      sortDirection: q.get('sortDirection') === 'Asc' ? 'Asc' : 'Desc',
    });
    return paged(all.slice(offset, offset + limit).map(orderHistoryWire), all.length, limit, offset);
  },
  [endpointKey('GET', PATHS.fundingHistory)]: (ctx, q, _b, key) => {
    const limit = intParam(q, 'limit', 100, 1000);
    const offset = intParam(q, 'offset', 0);
    if (isReply(limit)) return limit;
    if (isReply(offset)) return offset;
    const sd = q.get('sortDirection') === 'Asc' ? 'Asc' : 'Desc';
    const page = ctx.ex.fundingPage(key, { ...(q.get('symbol') ? { symbol: q.get('symbol')! } : {}), limit, offset, sortDirection: sd });
    return paged(page.rows.map((f) => fundingWire(f, userId(key))), page.total, limit, offset);
  },
};

function admin(ctx: RestContext, method: string, path: string, body: unknown): Reply | null {
  if (path === '/_sim/faults' && method === 'GET') return ok(ctx.faults.get());
  if (path === '/_sim/faults' && method === 'POST') {
    const f = parseFaults(body ?? {});
    if (typeof f === 'string') return apiErr(400, 'INVALID_CLIENT_REQUEST', f);
    return ok(ctx.faults.set(f));
  }
  if (path === '/_sim/faults/reset' && method === 'POST') return ok(ctx.faults.reset());
  if (path === '/_sim/ws/disconnect' && method === 'POST') return ok({ disconnected: ctx.faults.disconnectAll() });
  if (path === '/_sim/speed-bump' && method === 'POST') {
    const ms = obj(body)['ms'];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'expected {"ms": <non-negative number>}');
    ctx.ex.takerSpeedBumpMs = ms;
    return ok({ takerSpeedBumpMs: ms });
  }
  if (path === '/_sim/health' && method === 'GET') return ok({ ok: true, time: ctx.ex.clock.now() });
  if (path === '/_sim/fills/seed' && method === 'POST') {
    // Historical fills for an account (tests, tools): {"apiKey": "...", "fills": [FillRecord without tradeId?]}.
    const b = obj(body);
    if (typeof b['apiKey'] !== 'string' || !Array.isArray(b['fills'])) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'expected {"apiKey": <key>, "fills": [...]}');
    try {
      ctx.ex.seedFills(b['apiKey'], b['fills'] as Parameters<SimExchange['seedFills']>[1]);
    } catch (e) {
      return apiErr(400, 'INVALID_CLIENT_REQUEST', (e as Error).message);
    }
    return ok({ seeded: b['fills'].length, fills: ctx.ex.account(b['apiKey']).fills.length });
  }
  return null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > 1_000_000) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: Reply): void {
  if (res.writableEnded || res.destroyed) return;
  if (r.text !== undefined) {
    res.writeHead(r.status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(r.text);
  } else {
    res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', ...r.headers });
    res.end(JSON.stringify(r.json ?? null));
  }
}

function rateLimited(ctx: RestContext, key: string, limit: number): boolean {
  const now = Date.now();
  let arr = ctx.rate.get(key);
  if (!arr) {
    arr = [];
    ctx.rate.set(key, arr);
  }
  while (arr.length > 0 && arr[0]! <= now - 60_000) arr.shift();
  if (arr.length >= limit) return true;
  arr.push(now);
  return false;
}

export function createRestHandler(ctx: RestContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch(() => send(res, apiErr(500, 'SERVER_ERROR', 'Internal server error')));
  };
}

async function handle(ctx: RestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const raw = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  let body: unknown = undefined;
  if (raw.trim()) {
    try {
      body = JSON.parse(raw);
    } catch (e) {
      send(res, text(400, `Json deserialize error: ${(e as Error).message}`));
      return;
    }
  }
  if (path.startsWith('/_sim/')) {
    send(res, admin(ctx, method, path, body) ?? text(404, 'Not Found'));
    return;
  }
  const route = `${method} ${path}`; // endpointKey's shape, for any method a client sends
  const pub = PUBLIC[route];
  const priv = PRIVATE[route];
  if (!pub && !priv) {
    send(res, text(404, 'Not Found'));
    return;
  }
  const f = ctx.faults.get();
  if (f.rateLimitPerMinute > 0) {
    const h = req.headers['x-api-key'];
    const rk = (Array.isArray(h) ? h[0] : h) ?? req.socket.remoteAddress ?? 'anon';
    if (rateLimited(ctx, rk, f.rateLimitPerMinute)) {
      send(res, apiErr(429, 'TOO_MANY_REQUESTS', 'Too many requests, please slow down'));
      return;
    }
  }
  const delay = ctx.faults.latency();
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  if (ctx.faults.roll(f.errorRate)) {
    send(res, apiErr(503, 'SERVER_ERROR', 'Unknown error, please check your request or try again later.'));
    return;
  }
  const hang = ctx.faults.roll(f.timeoutRate);
  let reply: Reply;
  if (pub) reply = await pub(ctx, url.searchParams, body, '');
  else {
    const instruction = INSTRUCTIONS[route]!;
    let params: SignParams | SignParams[] | null;
    if (Array.isArray(body)) params = body as SignParams[];
    else {
      const qp: SignParams = {};
      for (const [k, v] of url.searchParams) qp[k] = v;
      params = { ...qp, ...(obj(body) as SignParams) };
    }
    const a = authenticate(instruction, req.headers, params, ctx.ex.clock.now(), ctx.keyCache);
    if (!a.ok) reply = apiErr(a.status, a.code, a.message);
    else reply = await priv!(ctx, url.searchParams, body, a.apiKey);
  }
  if (hang) {
    // Accepted (and acted on) but never answered: the client's timeout must handle it.
    ctx.hanging.add(res);
    res.on('close', () => ctx.hanging.delete(res));
    return;
  }
  send(res, reply);
}
