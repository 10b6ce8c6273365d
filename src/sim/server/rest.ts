// REST server of the paper exchange: reads a request, applies the fault injection (rate limit, latency,
// 5xx, hang), authenticates private calls and dispatches to the route tables (rest-public.ts,
// rest-private.ts); also the admin path /_sim/... (faults, websocket disconnect, speed bump, fill seeding)
// which is deliberately NOT under /api/.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INSTRUCTIONS } from '../../protocol/backpack/endpoints.js';
import type { SignParams } from '../../protocol/backpack/signing-string.js';
import type { SimExchange } from '../exchange.js';
import { authenticate } from './auth.js';
import { parseFaults } from './faults.js';
import { PRIVATE } from './rest-private.js';
import { PUBLIC } from './rest-public.js';
import { apiErr, obj, ok, text, type Reply, type RestContext } from './rest-reply.js';

export type { RestContext } from './rest-reply.js';

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
    // Historical fills for an account (tests, tools): {"apiKey": "...", "fills": [FillJson, tradeId optional]}.
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
  const route = `${method} ${path}`;
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
