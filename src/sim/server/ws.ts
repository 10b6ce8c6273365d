// Websocket side of the paper exchange (same port as REST, any path). Backpack semantics (reference §3):
// SUBSCRIBE/UNSUBSCRIBE with no ack, `{stream,data}` envelope, errors as {"id":null,"error":{...}},
// silence for unknown symbols, signed private subscriptions (instruction=subscribe), an initial
// position snapshot without `e`, protocol-level ping/pong. Each frame is serialised once per stream.
//
// UNCONFIRMED choice: a private subscribe with a missing/invalid signature answers
// {"id":null,"error":{"code":4003,"message":"Invalid signature"}} (or "Missing signature") and the
// stream is not subscribed.
import type { Server } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import { verifySignature } from '../../protocol/backpack/ed25519.js';
import { SUBSCRIBE_INSTRUCTION } from '../../protocol/backpack/endpoints.js';
import { MAX_WINDOW_MS, signingString } from '../../protocol/backpack/signing-string.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { SimExchange } from '../exchange.js';
import { isValidApiKey } from './auth.js';
import type { FaultController } from './faults.js';
import { balanceUpdateWs, bookTickerWs, depthWs, markPriceWs, orderUpdateWs, positionUpdateWs, tickerWs, tradeWs } from './wire.js';

interface Client {
  ws: WebSocket;
  streams: Set<string>;
  alive: boolean;
}

const PUBLIC_TYPES = new Set(['depth', 'bookTicker', 'trade', 'markPrice', 'ticker', 'openInterest']);
const DEPTH_WINDOWS = new Set(['200ms', '600ms', '1000ms']);
const PRIVATE_TYPES = new Set(['account.orderUpdate', 'account.positionUpdate', 'account.balanceUpdate']);
const BALANCE_STREAM = 'account.balanceUpdate';

export interface WsHubOptions {
  pingIntervalMs?: number;
}

export class WsHub {
  readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  /** stream key -> subscribers. Private keys are `<apiKey>#<stream>`. */
  private readonly subs = new Map<string, Set<Client>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly simTimers: TimerHandle[] = [];
  private disconnectTimer: NodeJS.Timeout | null = null;
  /** Balance changes waiting to be published (account -> assets), one frame per asset per turn of the loop. */
  private readonly pendingBalances = new Map<string, Set<string>>();
  private balanceFlush: NodeJS.Immediate | null = null;
  private readonly unsubscribe: () => void;
  /** Counters for tests and benchmarks. */
  readonly stats = { framesSent: 0, depthDropped: 0, malformedSent: 0, disconnects: 0 };

  constructor(
    server: Server,
    private readonly ex: SimExchange,
    private readonly faults: FaultController,
    private readonly keyCache: Map<string, KeyObject>,
    opts: WsHubOptions = {},
  ) {
    this.wss = new WebSocketServer({ server, perMessageDeflate: false });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    faults.disconnectAll = () => this.disconnectAll();
    faults.onChange((f) => this.scheduleDisconnects(f.wsDisconnectEverySec));
    this.scheduleDisconnects(faults.get().wsDisconnectEverySec);
    const pingMs = opts.pingIntervalMs ?? 60_000;
    this.timers.push(setInterval(() => this.pingAll(), pingMs));
    this.unsubscribe = ex.subscribe({
      depth: (e) => {
        const m = ex.market(e.symbol)!;
        if (this.has(`depth.${e.symbol}`) || this.hasDepthWindow(e.symbol)) {
          if (this.faults.roll(this.faults.get().dropDepthRate)) this.stats.depthDropped++;
          else {
            const data = depthWs(e);
            this.publish(`depth.${e.symbol}`, data);
            for (const w of DEPTH_WINDOWS) this.publish(`depth.${w}.${e.symbol}`, data);
          }
        }
        if (this.has(`bookTicker.${e.symbol}`)) {
          const bt = bookTickerWs(m, e.ts);
          if (bt) this.publish(`bookTicker.${e.symbol}`, bt);
        }
      },
      trade: (e) => this.publish(`trade.${e.symbol}`, () => tradeWs(e)),
      markPrice: (e) => this.publish(`markPrice.${e.symbol}`, () => markPriceWs(e)),
      order: (e) => {
        const data = () => orderUpdateWs(e, this.ex.market(e.order.symbol));
        this.publish(`${e.account}#account.orderUpdate`, data, 'account.orderUpdate');
        this.publish(`${e.account}#account.orderUpdate.${e.order.symbol}`, data, `account.orderUpdate.${e.order.symbol}`);
      },
      balance: (e) => this.queueBalance(e.account, e.asset),
      position: (e) => {
        const data = () => positionUpdateWs(e.position, e.type, e.ts, this.ex.market(e.position.symbol));
        this.publish(`${e.account}#account.positionUpdate`, data, 'account.positionUpdate');
        this.publish(`${e.account}#account.positionUpdate.${e.position.symbol}`, data, `account.positionUpdate.${e.position.symbol}`);
      },
    });
    // Ticker and open interest are periodic in simulated time.
    const clock: Clock = ex.clock;
    this.simTimers.push(
      clock.setInterval(() => {
        for (const m of ex.markets.values()) {
          if (!this.has(`ticker.${m.symbol}`)) continue;
          const t = ex.ticker(m.symbol);
          if (t) this.publish(`ticker.${m.symbol}`, tickerWs(t, m, clock.now()));
        }
      }, 1000),
      clock.setInterval(() => {
        for (const m of ex.markets.values()) {
          if (!m.isPerp || !this.has(`openInterest.${m.symbol}`)) continue;
          const now = clock.now() * 1000;
          this.publish(`openInterest.${m.symbol}`, { e: 'openInterest', E: Math.floor(now), s: m.symbol, o: ex.openInterest(m.symbol) });
        }
      }, 60_000),
    );
  }

  /**
   * A fill changes two or three balances and its lock: they are published after the current turn of the
   * event loop (after the order update that caused them), one frame per asset with its figures then.
   */
  private queueBalance(account: string, asset: string): void {
    if (!this.has(`${account}#${BALANCE_STREAM}`)) return;
    let set = this.pendingBalances.get(account);
    if (!set) {
      set = new Set();
      this.pendingBalances.set(account, set);
    }
    set.add(asset);
    this.balanceFlush ??= setImmediate(() => this.flushBalances());
  }

  private flushBalances(): void {
    this.balanceFlush = null;
    const now = this.ex.clock.now();
    for (const [account, assets] of this.pendingBalances) {
      const all = this.ex.balances(account);
      for (const asset of assets) {
        this.publish(`${account}#${BALANCE_STREAM}`, balanceUpdateWs(asset, all.get(asset), now), BALANCE_STREAM);
      }
    }
    this.pendingBalances.clear();
  }

  connections(): number {
    return this.clients.size;
  }

  private has(key: string): boolean {
    const s = this.subs.get(key);
    return s !== undefined && s.size > 0;
  }
  private hasDepthWindow(symbol: string): boolean {
    for (const w of DEPTH_WINDOWS) if (this.has(`depth.${w}.${symbol}`)) return true;
    return false;
  }

  /** Send one payload to every subscriber of `key`, serialising it once. */
  private publish(key: string, data: Record<string, unknown> | (() => Record<string, unknown>), streamName?: string): void {
    const set = this.subs.get(key);
    if (!set || set.size === 0) return;
    const payload = typeof data === 'function' ? data() : data;
    const frame = JSON.stringify({ stream: streamName ?? key, data: payload });
    const malformed = this.faults.get().malformedRate;
    for (const c of set) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      if (malformed > 0 && this.faults.roll(malformed)) {
        c.ws.send(frame.slice(0, Math.max(1, frame.length >> 1)) + '\u0000}{');
        this.stats.malformedSent++;
      } else {
        c.ws.send(frame);
      }
      this.stats.framesSent++;
    }
  }

  private onConnection(ws: WebSocket): void {
    const c: Client = { ws, streams: new Set(), alive: true };
    this.clients.add(c);
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('message', (raw) => this.onMessage(c, raw.toString()));
    ws.on('close', () => this.drop(c));
    ws.on('error', () => this.drop(c));
  }

  private drop(c: Client): void {
    if (!this.clients.delete(c)) return;
    for (const k of c.streams) this.subs.get(k)?.delete(c);
    c.streams.clear();
  }

  private error(c: Client, code: number, message: string): void {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(JSON.stringify({ id: null, error: { code, message } }));
  }

  private onMessage(c: Client, raw: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      this.error(c, 4002, 'Parse error');
      return;
    }
    const m = msg as { method?: unknown; params?: unknown; signature?: unknown };
    if (typeof m !== 'object' || m === null || (m.method !== 'SUBSCRIBE' && m.method !== 'UNSUBSCRIBE') || !Array.isArray(m.params)) {
      this.error(c, 4002, 'Parse error');
      return;
    }
    const subscribe = m.method === 'SUBSCRIBE';
    let apiKey: string | null = null;
    let sigChecked = false;
    for (const p of m.params) {
      if (typeof p !== 'string') {
        this.error(c, 4006, 'Invalid stream');
        continue;
      }
      const parsed = this.classify(p);
      if (parsed === 'invalid') {
        this.error(c, 4006, 'Invalid stream');
        continue;
      }
      if (parsed === 'window') {
        this.error(c, 4008, 'Invalid depth window');
        continue;
      }
      let key = p;
      if (parsed === 'private') {
        if (!sigChecked) {
          sigChecked = true;
          apiKey = subscribe ? this.verifySubscribe(c, m.signature) : this.keyOf(c);
        }
        if (!apiKey) continue;
        key = `${apiKey}#${p}`;
      }
      if (subscribe) {
        if (c.streams.has(key)) continue;
        c.streams.add(key);
        let set = this.subs.get(key);
        if (!set) {
          set = new Set();
          this.subs.set(key, set);
        }
        set.add(c);
        if (parsed === 'private' && p.startsWith('account.positionUpdate')) this.sendPositionSnapshot(c, apiKey!, p);
      } else {
        c.streams.delete(key);
        this.subs.get(key)?.delete(c);
      }
    }
  }

  private keyOf(c: Client): string | null {
    for (const k of c.streams) {
      const i = k.indexOf('#');
      if (i > 0) return k.slice(0, i);
    }
    return null;
  }

  private classify(stream: string): 'public' | 'private' | 'invalid' | 'window' {
    if (PRIVATE_TYPES.has(stream)) return 'private';
    const dot = stream.indexOf('.');
    if (dot < 0) return 'invalid';
    const head = stream.slice(0, dot);
    if (head === 'account') {
      const parts = stream.split('.');
      // Balances are per account: there is no per-symbol balance stream.
      return parts.length === 3 && PRIVATE_TYPES.has(`account.${parts[1]}`) && parts[1] !== 'balanceUpdate' ? 'private' : 'invalid';
    }
    if (!PUBLIC_TYPES.has(head) && head !== 'kline') return 'invalid';
    const rest = stream.slice(dot + 1);
    if (head === 'depth' && /^\d+ms\./.test(rest)) return DEPTH_WINDOWS.has(rest.slice(0, rest.indexOf('.'))) ? 'public' : 'window';
    return rest.length > 0 ? 'public' : 'invalid';
  }

  private verifySubscribe(c: Client, sig: unknown): string | null {
    if (!Array.isArray(sig) || sig.length !== 4 || !sig.every((x) => typeof x === 'string')) {
      this.error(c, 4003, 'Missing signature');
      return null;
    }
    const [key, signature, ts, win] = sig as [string, string, string, string];
    const timestamp = Number(ts);
    const window = Number(win);
    const now = this.ex.clock.now();
    if (!isValidApiKey(key) || !Number.isSafeInteger(timestamp) || !Number.isInteger(window) || window <= 0 || window > MAX_WINDOW_MS) {
      this.error(c, 4003, 'Invalid signature');
      return null;
    }
    if (now > timestamp + window || timestamp > now + window) {
      this.error(c, 4003, 'Request has expired');
      return null;
    }
    if (!verifySignature(key, signingString(SUBSCRIBE_INSTRUCTION, null, timestamp, window), signature, this.keyCache)) {
      this.error(c, 4003, 'Invalid signature');
      return null;
    }
    return key;
  }

  private sendPositionSnapshot(c: Client, apiKey: string, stream: string): void {
    const parts = stream.split('.');
    const symbol = parts.length === 3 ? parts[2] : undefined;
    const now = this.ex.clock.now();
    for (const p of this.ex.positions(apiKey, symbol)) {
      if (c.ws.readyState === WebSocket.OPEN) {
        c.ws.send(JSON.stringify({ stream, data: positionUpdateWs(p, null, now, this.ex.market(p.symbol)) }));
      }
    }
  }

  private pingAll(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        this.drop(c);
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch {
        /* closed between checks */
      }
    }
  }

  disconnectAll(): number {
    let n = 0;
    for (const c of [...this.clients]) {
      n++;
      c.ws.terminate();
      this.drop(c);
    }
    this.stats.disconnects += n;
    return n;
  }

  private scheduleDisconnects(everySec: number): void {
    if (this.disconnectTimer) clearInterval(this.disconnectTimer);
    this.disconnectTimer = null;
    if (everySec > 0) this.disconnectTimer = setInterval(() => this.disconnectAll(), everySec * 1000);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    for (const t of this.timers) clearInterval(t);
    for (const t of this.simTimers) this.ex.clock.clear(t);
    if (this.balanceFlush) clearImmediate(this.balanceFlush);
    if (this.disconnectTimer) clearInterval(this.disconnectTimer);
    for (const c of [...this.clients]) {
      c.ws.terminate();
      this.drop(c);
    }
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}
