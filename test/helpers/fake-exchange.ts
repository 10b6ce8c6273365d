// A small Backpack-shaped HTTP + websocket server on loopback for client tests. It verifies every signed
// request with signing.ts (so a wrong signing string fails the test), records what it received, and lets a
// test script replies per route (status/body, hang, drop the connection) and push websocket frames.
// The paper exchange (src/sim) can replace it later: client tests only need a base URL.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifySignature } from '../../src/protocol/backpack/ed25519.js';
import { INSTRUCTIONS } from '../../src/protocol/backpack/endpoints.js';
import { DEFAULT_WINDOW_MS, signingString, type SignParams } from '../../src/protocol/backpack/signing-string.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingMessage['headers'];
  /** null for unsigned requests, else whether the signature verified. */
  signatureOk: boolean | null;
  signedString: string | null;
}

export type Reply =
  | { status: number; body?: unknown; text?: string; headers?: Record<string, string> }
  | 'hang'
  | 'destroy';

export type Handler = (req: RecordedRequest) => Reply | undefined;

export interface SubscribeRecord {
  params: string[];
  signature: string[] | null;
  signatureOk: boolean | null;
  conn: number;
}

export const EXAMPLE_MARKET = {
  symbol: 'SOL_USDC_PERP',
  baseSymbol: 'SOL',
  quoteSymbol: 'USDC',
  marketType: 'PERP',
  filters: {
    price: { minPrice: '0.01', maxPrice: '10000', tickSize: '0.01' },
    quantity: { minQuantity: '0.01', maxQuantity: null, stepSize: '0.01' },
  },
  orderBookState: 'Open',
};

function defaultRoutes(): Record<string, Handler> {
  return {
    'GET /api/v1/status': () => ({ status: 200, body: { status: 'Ok', message: null } }),
    'GET /api/v1/time': () => ({ status: 200, text: String(Date.now()) }),
    'GET /api/v1/markets': () => ({ status: 200, body: [EXAMPLE_MARKET] }),
    'GET /api/v1/market': (r) =>
      r.query.symbol === EXAMPLE_MARKET.symbol
        ? { status: 200, body: EXAMPLE_MARKET }
        : { status: 400, body: { code: 'INVALID_CLIENT_REQUEST', message: 'Invalid market symbol' } },
    'GET /api/v1/markPrices': () => ({
      status: 200,
      body: [{ symbol: 'SOL_USDC_PERP', markPrice: '180.50', indexPrice: '180.49', fundingRate: '0.0000125', nextFundingTimestamp: 1750000000000 }],
    }),
    'GET /api/v1/depth': () => ({
      status: 200,
      body: { bids: [['180.40', '3'], ['180.50', '1']], asks: [['180.60', '2'], ['180.70', '4']], lastUpdateId: '100', timestamp: 1750000000000000 },
    }),
    'GET /api/v1/account': () => ({
      status: 200,
      body: { futuresMakerFee: '2', futuresTakerFee: '5', spotMakerFee: '8', spotTakerFee: '10' },
    }),
    'GET /api/v1/capital/collateral': () => ({
      status: 200,
      body: { netEquity: '1000.5', netEquityAvailable: '900', pnlUnrealized: '0' },
    }),
    'GET /api/v1/capital': () => ({ status: 200, body: { USDC: { available: '1000', locked: '0', staked: '0' } } }),
    'GET /api/v1/position': () => ({ status: 200, body: [] }),
    'GET /api/v1/orders': () => ({ status: 200, body: [] }),
    'GET /api/v1/order': () => ({ status: 404, body: { code: 'RESOURCE_NOT_FOUND', message: 'Not Found' } }),
    'GET /wapi/v1/history/orders': () => ({ status: 200, body: [] }),
    'GET /wapi/v1/history/fills': () => ({ status: 200, body: [] }),
    'GET /wapi/v1/history/funding': () => ({ status: 200, body: [] }),
    'POST /api/v1/order': (r) => {
      const b = r.body as Record<string, unknown>;
      return {
        status: 200,
        body: {
          orderType: b.orderType,
          id: '4228978331',
          clientId: b.clientId ?? null,
          symbol: b.symbol,
          side: b.side,
          price: b.price ?? null,
          quantity: b.quantity,
          executedQuantity: '0',
          executedQuoteQuantity: '0',
          postOnly: b.postOnly ?? false,
          reduceOnly: b.reduceOnly ?? null,
          timeInForce: b.timeInForce ?? 'GTC',
          status: 'New',
          createdAt: 1753626206762,
        },
      };
    },
  };
}

export class FakeExchange {
  readonly requests: RecordedRequest[] = [];
  readonly subscribes: SubscribeRecord[] = [];
  readonly routes: Record<string, Handler> = defaultRoutes();
  readonly sockets = new Set<WebSocket>();
  /** When false, the server does not answer protocol pings (watchdog tests). */
  autoPong = true;
  /** Called after each SUBSCRIBE is recorded (e.g. to start pushing data on that socket). */
  onSubscribe: ((rec: SubscribeRecord, ws: WebSocket) => void) | null = null;
  private http!: Server;
  private wss!: WebSocketServer;
  private connCount = 0;
  private hanging: ServerResponse[] = [];
  private readonly keyCache = new Map();

  static async start(): Promise<FakeExchange> {
    const f = new FakeExchange();
    await f.listen();
    return f;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }
  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }
  /** Websocket connections accepted so far. */
  get connections(): number {
    return this.connCount;
  }

  count(route: string): number {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route).length;
  }

  /** Send a data frame to every open socket. */
  push(stream: string, data: unknown): void {
    this.raw(JSON.stringify({ stream, data }));
  }
  raw(text: string): void {
    for (const s of this.sockets) if (s.readyState === s.OPEN) s.send(text);
  }
  /** Kill every websocket connection without a close frame. */
  dropSockets(): void {
    for (const s of this.sockets) s.terminate();
  }

  /** Resolve when `pred` holds (polling; for conditions driven by real sockets). */
  async waitFor(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  private async listen(): Promise<void> {
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.http, autoPong: false });
    this.wss.on('connection', (ws) => this.onSocket(ws));
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', () => r()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const method = req.method ?? 'GET';
    const route = `${method} ${url.pathname}`;
    const rec: RecordedRequest = { method, path: url.pathname, query, body, headers: req.headers, signatureOk: null, signedString: null };
    const key = req.headers['x-api-key'];
    if (typeof key === 'string') {
      const instruction = INSTRUCTIONS[route] ?? 'unknown';
      const ts = Number(req.headers['x-timestamp']);
      const win = req.headers['x-window'] ? Number(req.headers['x-window']) : DEFAULT_WINDOW_MS;
      const params = method === 'GET' || method === 'HEAD' ? (query as SignParams) : (body as SignParams | SignParams[]);
      rec.signedString = signingString(instruction, params, ts, win);
      rec.signatureOk = verifySignature(key, rec.signedString, String(req.headers['x-signature'] ?? ''), this.keyCache);
    }
    this.requests.push(rec);
    if (rec.signatureOk === false) {
      send(res, { status: 400, body: { code: 'INVALID_CLIENT_REQUEST', message: 'Invalid signature' } });
      return;
    }
    const h = this.routes[route];
    const reply = h ? h(rec) : { status: 404, text: 'Not Found' };
    if (reply === 'hang') {
      this.hanging.push(res);
      return;
    }
    if (reply === 'destroy') {
      req.socket.destroy();
      return;
    }
    send(res, reply ?? { status: 500, body: { code: 'SERVER_ERROR', message: 'no reply' } });
  }

  private onSocket(ws: WebSocket): void {
    const conn = ++this.connCount;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('ping', (data) => {
      if (this.autoPong) ws.pong(data);
    });
    ws.on('message', (buf) => {
      let m: { method?: string; params?: unknown; signature?: unknown };
      try {
        m = JSON.parse(String(buf)) as typeof m;
      } catch {
        ws.send(JSON.stringify({ id: null, error: { code: 4002, message: 'Parse error' } }));
        return;
      }
      if (m.method !== 'SUBSCRIBE' || !Array.isArray(m.params)) return;
      const sig = Array.isArray(m.signature) ? (m.signature as string[]) : null;
      let ok: boolean | null = null;
      if (sig) {
        const [key, signature, ts, win] = sig;
        ok = verifySignature(String(key), signingString('subscribe', null, Number(ts), Number(win)), String(signature), this.keyCache);
      }
      const rec = { params: m.params as string[], signature: sig, signatureOk: ok, conn };
      this.subscribes.push(rec);
      this.onSubscribe?.(rec, ws);
    });
  }
}

function send(res: ServerResponse, r: Exclude<Reply, 'hang' | 'destroy'>): void {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  let payload = '';
  if (r.text !== undefined) {
    payload = r.text;
    headers['content-type'] ??= 'text/plain';
  } else if (r.body !== undefined) {
    payload = JSON.stringify(r.body);
    headers['content-type'] = 'application/json';
  }
  res.writeHead(r.status, headers);
  res.end(payload);
}
