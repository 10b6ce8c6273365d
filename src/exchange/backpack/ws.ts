// Websocket connection manager: one socket for public and private streams, `{stream,data}` envelopes,
// reconnect with exponential back-off + jitter, a watchdog that terminates a silent socket (protocol pings
// keep a healthy one talking), and a full resubscribe after every reconnect (private streams re-signed with
// a fresh timestamp). Malformed frames are counted and skipped; nothing here throws into the event loop.
import WebSocket from 'ws';
import { SystemClock, type Clock, type TimerHandle } from '../../util/clock.js';
import type { StreamStats } from '../port.js';
import { MinuteCounter } from './ratelimit.js';
import type { Signer } from './signing.js';

export interface WsHandlers {
  /** One data frame. Throwing here is caught and counted as a parse error of that stream. */
  onMessage(stream: string, data: unknown, recvNs: bigint, bytes: number): void;
  /** Socket open and every subscription sent. `reconnect` is false only for the first connection. */
  onOpen(reconnect: boolean): void;
  onClose(reason: string): void;
  /** A connection attempt failed before opening (the reconnect loop continues). */
  onConnectFailed?(reason: string): void;
  /** `{"error":{code,message}}` frames (bad subscription, parse error on the server side). */
  onServerError?(code: unknown, message: string): void;
  /** A frame that named no stream could be read (counted as a parse error; which stream lost it is unknown). */
  onUnreadable?(): void;
}

export interface WsOptions {
  url: string;
  signer: Signer | null;
  watchdogSec: number;
  recvWindowMs: number;
  clock?: Clock;
  /** Exchange-corrected time for subscribe signatures (ClockSync.now). */
  now?: () => number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  rng?: () => number;
  /** Offer permessage-deflate (less traffic, more CPU). Default off: latency first. */
  compress?: boolean;
}

export interface WsMetrics {
  connected: boolean;
  messages: number;
  bytes: number;
  parseErrors: number;
  serverErrors: number;
  lastMinute: number;
  reconnects: number;
  lastMessageAgoMs: number | null;
  byStream: Record<string, StreamStats>;
}

const UNKNOWN_STREAM = '(unparsed)';

export function isPrivateStream(s: string): boolean {
  return s.startsWith('account.');
}

export class BackpackWs {
  private ws: WebSocket | null = null;
  private readonly streams = new Set<string>();
  /** Private streams subscribed in a message of their own (see subscribe). */
  private readonly alone = new Set<string>();
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly rng: () => number;
  private stopped = true;
  private everOpened = false;
  private attempts = 0;
  private reconnectTimer: TimerHandle | null = null;
  private pingTimer: TimerHandle | null = null;
  private watchdogTimer: TimerHandle | null = null;
  private lastActivity = 0;
  private lastMessageAt: number | null = null;
  private open = false;
  // counters
  private messages = 0;
  private bytes = 0;
  private parseErrors = 0;
  private serverErrors = 0;
  private reconnects = 0;
  private readonly minute = new MinuteCounter();
  private readonly byStream = new Map<string, StreamStats>();

  constructor(
    private readonly opts: WsOptions,
    private readonly handlers: WsHandlers,
  ) {
    this.clock = opts.clock ?? new SystemClock();
    this.now = opts.now ?? (() => Date.now());
    this.rng = opts.rng ?? Math.random;
  }

  get connected(): boolean {
    return this.open;
  }

  /**
   * Add streams; sent at once when connected, and on every reconnect. `alone`: each private stream goes in
   * a SUBSCRIBE of its own, so a server that refuses it (a stream whose existence is unconfirmed) cannot
   * refuse the others with it.
   */
  subscribe(streams: string[], opts: { alone?: boolean } = {}): void {
    const fresh = streams.filter((s) => !this.streams.has(s));
    for (const s of fresh) {
      this.streams.add(s);
      if (opts.alone) this.alone.add(s);
    }
    if (this.open && fresh.length > 0) this.sendSubscribe(fresh);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clear(this.reconnectTimer);
    this.reconnectTimer = null;
    this.clearLiveTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
    this.open = false;
  }

  /** Count a frame whose payload the adapter's codec rejected. */
  countParseError(stream: string): void {
    this.parseErrors++;
    this.streamStats(stream).parseErrors++;
  }

  metrics(): WsMetrics {
    const byStream: Record<string, StreamStats> = {};
    for (const [k, v] of this.byStream) byStream[k] = { ...v };
    return {
      connected: this.open,
      messages: this.messages,
      bytes: this.bytes,
      parseErrors: this.parseErrors,
      serverErrors: this.serverErrors,
      lastMinute: this.minute.total(this.clock.now()),
      reconnects: this.reconnects,
      lastMessageAgoMs: this.lastMessageAt === null ? null : this.clock.now() - this.lastMessageAt,
      byStream,
    };
  }

  private closeReason: string | null = null;
  /** Why the last connection ended (diagnostics). */
  lastCloseReason: string | null = null;

  private streamStats(stream: string): StreamStats {
    let s = this.byStream.get(stream);
    if (!s) {
      s = { messages: 0, bytes: 0, parseErrors: 0 };
      this.byStream.set(stream, s);
    }
    return s;
  }

  private connect(): void {
    if (this.stopped) return;
    this.closeReason = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url, { perMessageDeflate: this.opts.compress ?? false, handshakeTimeout: 10_000 });
    } catch (e) {
      this.scheduleReconnect(`connect failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.open = true;
      const reconnect = this.everOpened;
      this.everOpened = true;
      if (reconnect) this.reconnects++;
      this.lastActivity = this.clock.now();
      if (this.streams.size > 0) this.sendSubscribe([...this.streams]);
      this.armLiveTimers(ws);
      this.safe(() => this.handlers.onOpen(reconnect));
    });
    ws.on('message', (buf: Buffer | ArrayBuffer | Buffer[]) => this.onFrame(ws, buf));
    ws.on('pong', () => {
      if (this.ws === ws) this.lastActivity = this.clock.now();
    });
    ws.on('error', (e: Error) => {
      // 'close' follows; remember why.
      if (this.ws === ws && !this.closeReason) this.closeReason = `error: ${e.message}`;
    });
    ws.on('close', (code: number) => {
      if (this.ws !== ws) return;
      const wasOpen = this.open;
      this.open = false;
      this.ws = null;
      this.clearLiveTimers();
      const reason = this.closeReason ?? `closed (${code})`;
      if (wasOpen) this.safe(() => this.handlers.onClose(reason));
      else this.safe(() => this.handlers.onConnectFailed?.(reason));
      this.scheduleReconnect(reason);
    });
  }

  private onFrame(ws: WebSocket, buf: Buffer | ArrayBuffer | Buffer[]): void {
    const recvNs = process.hrtime.bigint();
    if (this.ws !== ws) return;
    const now = this.clock.now();
    this.lastActivity = now;
    this.lastMessageAt = now;
    const b = Array.isArray(buf) ? Buffer.concat(buf) : Buffer.isBuffer(buf) ? buf : Buffer.from(buf);
    this.messages++;
    this.bytes += b.length;
    this.minute.add(now);
    // A healthy stream resets the back-off.
    this.attempts = 0;
    let msg: unknown;
    try {
      msg = JSON.parse(b.toString('utf8'));
    } catch {
      this.unreadable();
      return;
    }
    if (typeof msg !== 'object' || msg === null) {
      this.unreadable();
      return;
    }
    const m = msg as Record<string, unknown>;
    if (typeof m.stream === 'string' && m.data !== undefined) {
      const st = this.streamStats(m.stream);
      st.messages++;
      st.bytes += b.length;
      try {
        this.handlers.onMessage(m.stream, m.data, recvNs, b.length);
      } catch {
        this.countParseError(m.stream);
      }
      return;
    }
    if (m.error && typeof m.error === 'object') {
      this.serverErrors++;
      const err = m.error as Record<string, unknown>;
      this.safe(() => this.handlers.onServerError?.(err.code, typeof err.message === 'string' ? err.message : ''));
      return;
    }
    this.unreadable();
  }

  private unreadable(): void {
    this.countParseError(UNKNOWN_STREAM);
    this.safe(() => this.handlers.onUnreadable?.());
  }

  private sendSubscribe(streams: string[]): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const pub = streams.filter((s) => !isPrivateStream(s));
    const priv = streams.filter((s) => isPrivateStream(s) && !this.alone.has(s));
    if (pub.length > 0) ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: pub }));
    if (!this.opts.signer) return;
    const signer = this.opts.signer;
    const groups = [priv, ...streams.filter((s) => this.alone.has(s)).map((s) => [s])];
    for (const params of groups) {
      if (params.length === 0) continue;
      // A fresh timestamp per (re)subscribe: the signature is only valid for the window.
      const signature = signer.wsSignature(this.now(), this.opts.recvWindowMs);
      ws.send(JSON.stringify({ method: 'SUBSCRIBE', params, signature }));
    }
  }

  private armLiveTimers(ws: WebSocket): void {
    this.clearLiveTimers();
    const watchdogMs = this.opts.watchdogSec * 1000;
    this.pingTimer = this.clock.setInterval(() => {
      if (this.ws === ws && ws.readyState === WebSocket.OPEN) {
        try {
          ws.ping();
        } catch {
          // socket closing; 'close' handles it
        }
      }
    }, Math.max(100, watchdogMs / 3));
    this.watchdogTimer = this.clock.setInterval(() => {
      if (this.ws !== ws) return;
      if (this.clock.now() - this.lastActivity > watchdogMs) {
        this.closeReason = `watchdog: silent for more than ${this.opts.watchdogSec} s`;
        ws.terminate();
      }
    }, Math.max(50, Math.min(1000, watchdogMs / 4)));
  }

  private clearLiveTimers(): void {
    this.clock.clear(this.pingTimer);
    this.clock.clear(this.watchdogTimer);
    this.pingTimer = null;
    this.watchdogTimer = null;
  }

  private scheduleReconnect(reason: string): void {
    if (this.stopped) return;
    const base = Math.min(this.opts.backoffMaxMs ?? 15_000, (this.opts.backoffBaseMs ?? 250) * 2 ** Math.min(this.attempts, 16));
    const delay = base / 2 + (this.rng() * base) / 2;
    this.attempts++;
    this.lastCloseReason = reason;
    this.clock.clear(this.reconnectTimer);
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch {
      // a handler bug must not kill the socket manager
    }
  }
}
