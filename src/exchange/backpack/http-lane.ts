// A lean HTTP/1.1 keep-alive client for the latency-critical requests (order placement and cancels).
// Why not undici here: its Pool queues a request when every connection is flagged busy (a finished
// connection's 'drain' is emitted asynchronously) and undici 7 defers every write on an idle keep-alive
// socket by a setImmediate ("idle socket validation", no option turns it off), so an order triggered by a
// websocket frame reached the wire only after the rest of the frame's handling: ~1.3 ms at p50. This lane
// writes the request bytes synchronously inside request() when one of its warm connections is idle.
// One request per connection at a time (no pipelining: an order POST must never be replayed). Responses
// are framed by content-length, chunked encoding or connection close (http-response-parser.ts, pure; one
// connection's life is lane-connection.ts, the pool of them this file). Bytes arriving on an idle
// connection mean the stream is out of step: that connection is destroyed, never reused. What undici's
// setImmediate also catches and this lane does not: a FIN or stray bytes that reach the process in the
// same event-loop turn as our write. Idle connections are closed before the server's Keep-Alive timeout
// (its hint minus 1 s, or, without a hint, the idle time after which it was seen closing one, minus 1 s)
// so the server rarely closes first; bytes left over after a reply also retire the connection. A
// request whose connection fails is an `unknown` outcome, resolved by query like any dropped connection
// (never resent).
// Timers here are transport timers on the real clock (like undici's), not the injected Clock.
import { LaneError } from './lane-error.js';
import { Conn, type LaneHost, type LaneReply, type Pending } from './lane-connection.js';

export interface LaneOptions {
  /** Connections (each carries one request at a time). */
  connections?: number;
  /** Close an idle connection after this long (ms) unless the server's Keep-Alive hint is shorter. */
  maxIdleMs?: number;
  connectTimeoutMs?: number;
  /**
   * Lowest idle limit (ms) learnt from a server closing idle connections without a Keep-Alive hint (default
   * 4000, undici's default keep-alive). One close at an odd moment (a deploy, a balancer) must not leave
   * the lane reconnecting every second for the rest of the run.
   */
  learnedIdleFloorMs?: number;
}

/** Bytes that would end a request line or header early (request splitting); names also exclude ':' and spaces. */
const BAD_TOKEN = /[\s\0:]/;
const BAD_VALUE = /[\r\n\0]/;
/** A connection that lived at least this long is reopened when it closes while idle (keeps the lane warm). */
const REOPEN_MIN_LIFE_MS = 1000;

export class HttpLane implements LaneHost {
  closed = false;
  private keepWarm = false;
  private readonly url: URL;
  private readonly host: string;
  private readonly max: number;
  /** Idle limit for new connections: maxIdleMs, lowered by what servers hinted or did (noteIdleLimit). */
  private idleMs: number;
  private readonly connectTimeoutMs: number;
  /** @internal */
  readonly learnedIdleFloorMs: number;
  private conns: Conn[] = [];
  private readonly queue: Pending[] = [];
  private closeWaiters: Array<() => void> = [];

  constructor(origin: string, opts: LaneOptions = {}) {
    this.url = new URL(origin);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new Error(`unsupported protocol ${this.url.protocol}`);
    this.host = this.url.host;
    this.max = Math.max(1, opts.connections ?? 4);
    this.idleMs = opts.maxIdleMs ?? 30_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.learnedIdleFloorMs = opts.learnedIdleFloorMs ?? 4000;
  }

  /**
   * Open connections up to the maximum now, so the first order does not pay a connect. The lane then stays
   * warm: connections that close are replaced, and after an outage the first reply read reopens the rest.
   */
  warm(): void {
    this.keepWarm = true;
    while (!this.closed && this.conns.length < this.max) this.open();
  }

  /**
   * Send one request. When a connection is idle the bytes are written before this returns; otherwise the
   * request waits (FIFO) for a connection. Rejects with the socket's error or LaneError; with code
   * UND_ERR_TIMEOUT after `timeoutMs` (an in-flight request's connection is destroyed: its answer could
   * otherwise be read as the next request's). The timer is armed after the write: it is not on the way to
   * the wire (an AbortController + listener cost ~80 µs there on a cold loop).
   */
  request(method: string, path: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<LaneReply> {
    if (this.closed) return Promise.reject(new LaneError('UND_ERR_CLOSED', 'lane closed'));
    // Never put the values in the message: they are API keys and signatures.
    if (BAD_TOKEN.test(method) || /[\s\0]/.test(path)) return Promise.reject(new LaneError('UND_ERR_INVALID_ARG', 'invalid method or path'));
    let wire = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\n`;
    for (const k in headers) {
      const v = headers[k]!;
      if (BAD_TOKEN.test(k) || BAD_VALUE.test(v)) return Promise.reject(new LaneError('UND_ERR_INVALID_ARG', 'invalid header (name or value)'));
      wire += `${k}: ${v}\r\n`;
    }
    if (body !== undefined) wire += `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    else wire += method === 'POST' || method === 'PUT' ? 'content-length: 0\r\n\r\n' : '\r\n';
    return new Promise<LaneReply>((resolve, reject) => {
      const p: Pending = { method, path, body, wire, resolve, reject, timer: null, conn: null, settled: false };
      const idle = this.idleConn();
      if (idle && this.queue.length === 0) idle.send(p);
      else {
        this.queue.push(p);
        if (this.conns.length < this.max) this.open();
      }
      // Not armed for a request that already failed (a timer nobody clears would hold the process open).
      if (!p.settled) p.timer = setTimeout(() => this.timeout(p, timeoutMs), timeoutMs);
    });
  }

  private timeout(p: Pending, ms: number): void {
    p.timer = null;
    const err = new LaneError('UND_ERR_TIMEOUT', `no answer within ${ms} ms`);
    if (p.conn) return p.conn.destroy(err);
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
    this.settle(p);
    p.reject(err);
  }

  /** Connections open or opening, and requests waiting for one (tests, diagnostics). */
  get counts(): { connections: number; queued: number } {
    return { connections: this.conns.length, queued: this.queue.length };
  }

  /** Stop: queued requests fail, in-flight ones finish, then every connection closes. */
  close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) {
      this.settle(p);
      p.reject(new LaneError('UND_ERR_CLOSED', 'lane closed'));
    }
    for (const c of [...this.conns]) {
      if (c.state === 'busy') c.closing = true;
      else c.destroy(new LaneError('UND_ERR_CLOSED', 'closed'));
    }
    if (this.conns.length === 0) return Promise.resolve();
    return new Promise((r) => this.closeWaiters.push(r));
  }

  /** Stop now: queued and in-flight requests fail (in-flight ones are `unknown` to the caller). */
  destroy(): void {
    this.closed = true;
    for (const p of this.queue.splice(0)) {
      this.settle(p);
      p.reject(new LaneError('UND_ERR_DESTROYED', 'destroyed'));
    }
    for (const c of [...this.conns]) c.destroy(new LaneError('UND_ERR_DESTROYED', 'destroyed'));
  }

  // ------------------------------------------------------------------ connection callbacks

  /** The most recently used idle connection (LIFO keeps one connection hot). */
  private idleConn(): Conn | null {
    for (let i = this.conns.length - 1; i >= 0; i--) {
      const c = this.conns[i]!;
      // writable: a socket Node has already torn down (its 'error'/'close' still queued) is not written to.
      if (c.state === 'idle' && c.socket.writable) return c;
    }
    return null;
  }

  private open(): void {
    this.conns.push(new Conn(this, this.url, this.idleMs, this.connectTimeoutMs));
  }

  /** @internal the request has left the lane's hands (answered or failed). */
  settle(p: Pending): void {
    p.settled = true;
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
  }

  /**
   * @internal a reply was read: the server works, so after an outage (connections failed to open or were
   * dropped young) refill the warm set. Not on a mere connect: a peer that accepts and drops every
   * connection (a proxy with no backend) would make each connect open the next, a reconnect loop.
   */
  onAnswered(): void {
    if (this.keepWarm && this.conns.length < this.max) this.warm();
  }

  /** @internal how long the server keeps an idle connection, less our margin (only ever lowered). */
  noteIdleLimit(ms: number): void {
    if (ms < this.idleMs) this.idleMs = ms;
  }

  /** @internal */
  onIdle(c: Conn): void {
    // Move to the end: idleConn() prefers it next.
    const i = this.conns.indexOf(c);
    if (i >= 0 && i !== this.conns.length - 1) {
      this.conns.splice(i, 1);
      this.conns.push(c);
    }
    const p = this.queue.shift();
    if (p) c.send(p);
  }

  /** @internal */
  onClosed(c: Conn, err: Error): void {
    const i = this.conns.indexOf(c);
    if (i >= 0) this.conns.splice(i, 1);
    if (this.closed) {
      if (this.conns.length === 0) for (const w of this.closeWaiters.splice(0)) w();
      return;
    }
    if (!c.connected && !this.conns.some((o) => o.connected)) {
      // Cannot connect at all: fail the waiting requests rather than retrying forever.
      for (const p of this.queue.splice(0)) {
        this.settle(p);
        p.reject(err);
      }
      return;
    }
    // Keep the lane warm: replace a connection that had been up a while (closed by the idle timer, the
    // server or an error), or one that died with requests waiting. A connection that dies young with
    // nothing waiting, or never connected, is not replaced at once: no reconnect loop against a server
    // that closes or refuses every connection (the next request opens one).
    if (c.connected && (c.lifeMs >= REOPEN_MIN_LIFE_MS || this.queue.length > 0)) this.open();
  }
}
