// A loopback proxy in front of the paper exchange: REST requests are forwarded (and counted, with the
// shared clock's time, so budgets are checked SERVER-side), websocket upgrades are piped through. Faults
// the paper exchange itself cannot make are made here: the whole exchange going away (every socket
// dropped, new connections refused), synthetic replies (e.g. a reduce-only rejection) and edited JSON
// replies (unexpected or missing fields).
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/util/clock.js';

export interface ProxiedRequest {
  /** Clock time (the shared clock) when the request arrived. */
  t: number;
  method: string;
  /** Path without the query string. */
  path: string;
  body: unknown;
  /** Status sent back; null = no reply reached the client (it gave up or the upstream hung). */
  status: number | null;
  /** True when the proxy made the reply itself (fault) instead of the exchange. */
  synthetic: boolean;
  /** Start of the reply body when the status is an error (>= 400). */
  error?: string;
}

export interface SyntheticReply {
  status: number;
  json: unknown;
}

export interface ProxyHooks {
  /** Return a reply to answer without forwarding (fault), or null to forward. */
  onRequest?: (r: { method: string; path: string; body: unknown }) => SyntheticReply | null;
  /** Rewrite a forwarded JSON reply (fault); return the value to send. */
  onReply?: (r: { method: string; path: string; status: number }, json: unknown) => unknown;
  /** Rewrite a forwarded reply's headers (e.g. drop the paging headers, as some proxies do). */
  onReplyHeaders?: (r: { method: string; path: string; status: number }, headers: Record<string, string | string[] | undefined>) => Record<string, string | string[] | undefined>;
}

export class ExchangeProxy {
  readonly requests: ProxiedRequest[] = [];
  hooks: ProxyHooks = {};
  upgrades = 0;
  refusedConnections = 0;
  private down = false;
  private readonly sockets = new Set<Socket>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly upstreamPort: number,
    private readonly clock: Clock,
  ) {}

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }
  get isDown(): boolean {
    return this.down;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('connection', (s) => {
      if (this.down) {
        this.refusedConnections++;
        s.destroy();
        return;
      }
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('upgrade', (req, sock, head) => this.onUpgrade(req, sock as Socket, head));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** The exchange disappears: every open connection (REST and websocket) is cut, new ones are refused. */
  goDown(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
  comeBack(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.goDown();
    this.agent.destroy();
    const s = this.server;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Requests matching a route ("POST /api/v1/order") in [from, to] (clock time). */
  count(route: string, from = -Infinity, to = Infinity): number {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route && r.t >= from && r.t <= to).length;
  }

  /** Most requests seen in any window of `windowMs` (clock time), optionally only after `from`. */
  maxInWindow(windowMs: number, from = -Infinity): number {
    const ts = this.requests.filter((r) => r.t >= from && r.path.startsWith('/') && !r.path.startsWith('/_sim')).map((r) => r.t).sort((a, b) => a - b);
    let best = 0;
    let lo = 0;
    for (let hi = 0; hi < ts.length; hi++) {
      while (ts[hi]! - ts[lo]! >= windowMs) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const method = (req.method ?? 'GET').toUpperCase();
      let body: unknown = undefined;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = raw.toString('utf8');
        }
      }
      const rec: ProxiedRequest = { t: this.clock.now(), method, path: url.pathname, body, status: null, synthetic: false };
      this.requests.push(rec);
      if (this.down) {
        req.socket.destroy();
        return;
      }
      const synthetic = this.hooks.onRequest?.({ method, path: url.pathname, body }) ?? null;
      if (synthetic) {
        rec.synthetic = true;
        rec.status = synthetic.status;
        res.writeHead(synthetic.status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(synthetic.json));
        return;
      }
      const up = httpRequest(
        { host: '127.0.0.1', port: this.upstreamPort, method, path: req.url, headers: req.headers, agent: this.agent },
        (ur) => {
          const parts: Buffer[] = [];
          ur.on('data', (c: Buffer) => parts.push(c));
          ur.on('error', () => res.destroy());
          ur.on('end', () => {
            if (res.destroyed || req.socket.destroyed) return;
            let text = Buffer.concat(parts);
            const status = ur.statusCode ?? 502;
            const onReply = this.hooks.onReply;
            if (onReply && /json/.test(String(ur.headers['content-type'] ?? ''))) {
              try {
                const edited = onReply({ method, path: url.pathname, status }, JSON.parse(text.toString('utf8')));
                text = Buffer.from(JSON.stringify(edited), 'utf8');
              } catch {
                // not JSON after all: forward unchanged
              }
            }
            let headers: Record<string, string | string[] | undefined> = { ...ur.headers, 'content-length': String(text.length) };
            delete headers['transfer-encoding'];
            if (this.hooks.onReplyHeaders) headers = this.hooks.onReplyHeaders({ method, path: url.pathname, status }, headers);
            rec.status = status;
            if (status >= 400) rec.error = text.toString('utf8').slice(0, 200);
            res.writeHead(status, headers);
            res.end(text);
          });
        },
      );
      up.on('error', () => res.destroy());
      // The client gave up (its timeout): the upstream may still act, exactly like a lost reply.
      res.on('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      up.end(raw);
    });
  }

  private onUpgrade(req: IncomingMessage, sock: Socket, head: Buffer): void {
    if (this.down) {
      sock.destroy();
      return;
    }
    this.upgrades++;
    this.sockets.add(sock);
    const up = connect(this.upstreamPort, '127.0.0.1');
    this.sockets.add(up);
    const cleanup = () => {
      sock.destroy();
      up.destroy();
      this.sockets.delete(sock);
      this.sockets.delete(up);
    };
    up.on('connect', () => {
      let h = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) h += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      up.write(h + '\r\n');
      if (head.length > 0) up.write(head);
      up.pipe(sock);
      sock.pipe(up);
    });
    up.on('error', cleanup);
    sock.on('error', cleanup);
    up.on('close', cleanup);
    sock.on('close', cleanup);
  }
}
