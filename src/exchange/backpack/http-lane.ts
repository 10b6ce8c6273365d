// A lean HTTP/1.1 keep-alive client for the latency-critical requests (order placement and cancels).
// Why not undici here: its Pool queues a request when every connection is flagged busy (a finished
// connection's 'drain' is emitted asynchronously) and undici 7 defers every write on an idle keep-alive
// socket by a setImmediate ("idle socket validation", no option turns it off), so an order triggered by a
// websocket frame reached the wire only after the rest of the frame's handling: ~1.3 ms at p50. This lane
// writes the request bytes synchronously inside request() when one of its warm connections is idle.
// One request per connection at a time (no pipelining: an order POST must never be replayed). Responses
// are framed by content-length, chunked encoding or connection close. Bytes arriving on an idle
// connection mean the stream is out of step: that connection is destroyed, never reused. What undici's
// setImmediate also catches and this lane does not: a FIN or stray bytes that reach the process in the
// same event-loop turn as our write. Idle connections are closed before the server's Keep-Alive timeout
// (its hint minus 1 s, or, without a hint, the idle time after which it was seen closing one, minus 1 s)
// so the server rarely closes first; bytes left over after a reply also retire the connection. A
// request whose connection fails is an `unknown` outcome, resolved by query like any dropped connection
// (never resent).
// Timers here are transport timers on the real clock (like undici's), not the injected Clock.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { channel } from 'node:diagnostics_channel';

/** Published right after a request's bytes were handed to the socket: {method, path, body}. */
export const LANE_SENT_CHANNEL = 'tierhunter:rest:sent';
const sentChannel = channel(LANE_SENT_CHANNEL);

export interface LaneReply {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
}

export class LaneError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LaneError';
  }
}

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

const MAX_HEAD = 64 * 1024;
/** Bytes that would end a request line or header early (request splitting); names also exclude ':' and spaces. */
const BAD_TOKEN = /[\s\0:]/;
const BAD_VALUE = /[\r\n\0]/;
/** Margin kept below the server's Keep-Alive timeout, so we close first and never write on a closing socket. */
const KEEPALIVE_MARGIN_MS = 1000;
/** A connection that lived at least this long is reopened when it closes while idle (keeps the lane warm). */
const REOPEN_MIN_LIFE_MS = 1000;

interface Pending {
  method: string;
  path: string;
  body: string | undefined;
  wire: string;
  resolve: (r: LaneReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
  conn: Conn | null;
  /** Answered or failed: no timer may be armed for it any more. */
  settled: boolean;
}

type BodyMode = { kind: 'length'; remaining: number } | { kind: 'chunked'; step: 'size' | 'data' | 'crlf' | 'trailers'; remaining: number } | { kind: 'close' };

class Conn {
  readonly socket: Socket | TLSSocket;
  state: 'connecting' | 'idle' | 'busy' | 'closed' = 'connecting';
  current: Pending | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private status = 0;
  private headers: Record<string, string> | null = null;
  private mode: BodyMode | null = null;
  private keepAlive = true;
  private chunks: Buffer[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null;
  private idleMs: number;
  private idleSince = 0;
  private readonly openedAt = Date.now();
  connected = false;
  closing = false;

  constructor(
    private readonly lane: HttpLane,
    url: URL,
    maxIdleMs: number,
    connectTimeoutMs: number,
  ) {
    this.idleMs = maxIdleMs;
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol === 'https:') {
      this.socket = tlsConnect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] });
      this.socket.once('secureConnect', () => this.onConnect());
    } else {
      this.socket = netConnect({ host, port });
      this.socket.once('connect', () => this.onConnect());
    }
    this.socket.setNoDelay(true);
    this.connectTimer = setTimeout(() => this.destroy(new LaneError('UND_ERR_CONNECT_TIMEOUT', 'connect timeout')), connectTimeoutMs);
    this.connectTimer.unref();
    this.socket.on('data', (b: Buffer) => this.onData(b));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (e) => this.destroy(e));
    this.socket.on('close', () => this.destroy(new LaneError('UND_ERR_SOCKET', 'other side closed')));
  }

  get lifeMs(): number {
    return Date.now() - this.openedAt;
  }

  private onConnect(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.connected = true;
    this.socket.setKeepAlive(true, 60_000);
    this.becomeIdle();
  }

  /** Write one request now. Precondition: state idle. */
  send(p: Pending): void {
    this.state = 'busy';
    this.current = p;
    p.conn = this;
    this.socket.write(p.wire);
    if (sentChannel.hasSubscribers) sentChannel.publish({ method: p.method, path: p.path, body: p.body });
    // Housekeeping after the write. The idle timer is left running: it checks the state when it fires.
    this.socket.ref();
  }

  private becomeIdle(): void {
    this.state = 'idle';
    this.current = null;
    if (this.closing || this.lane.closed) return this.destroy(new LaneError('UND_ERR_CLOSED', 'closed'));
    this.socket.unref();
    this.idleSince = Date.now();
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => this.onIdleTimer(), this.idleMs);
      this.idleTimer.unref();
    }
    this.lane.onIdle(this);
  }

  /** Re-armed (refresh) each time the connection turns idle; closes it if it has stayed idle since. */
  private onIdleTimer(): void {
    if (this.state === 'idle' && Date.now() - this.idleSince >= this.idleMs - 10) this.destroy(new LaneError('UND_ERR_INFO', 'idle'));
  }

  private onData(b: Buffer): void {
    if (this.state !== 'busy') return this.destroy(new LaneError('UND_ERR_SOCKET', 'unsolicited bytes on an idle connection'));
    this.buf = this.buf.length === 0 ? b : Buffer.concat([this.buf, b]);
    try {
      this.parse();
    } catch (e) {
      this.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private parse(): void {
    for (;;) {
      if (this.state !== 'busy') {
        if (this.buf.length > 0) this.destroy(new LaneError('UND_ERR_SOCKET', 'bytes after the response'));
        return;
      }
      if (this.headers === null) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.buf.length > MAX_HEAD) throw new LaneError('UND_ERR_HEADERS_OVERFLOW', 'response head too large');
          return;
        }
        const head = this.buf.subarray(0, end).toString('latin1');
        this.buf = this.buf.subarray(end + 4);
        if (!this.readHead(head)) continue; // 1xx: wait for the final response
      }
      if (!this.readBody()) return;
      this.finish();
    }
  }

  /** False for an informational (1xx) response, which is skipped. */
  private readHead(head: string): boolean {
    const lines = head.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!m) throw new LaneError('UND_ERR_SOCKET', 'malformed status line');
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return false;
    const h: Record<string, string> = {};
    let last = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (last && (line[0] === ' ' || line[0] === '\t')) {
        // obs-fold (RFC 9112 5.2): a continuation of the previous header's value, joined with a space.
        const v = line.trim();
        if (v) h[last] = h[last] ? `${h[last]} ${v}` : v;
        continue;
      }
      const c = line.indexOf(':');
      if (c <= 0) continue;
      const k = line.slice(0, c).trim().toLowerCase();
      const v = line.slice(c + 1).trim();
      h[k] = h[k] === undefined ? v : `${h[k]}, ${v}`;
      last = k;
    }
    const conn = (h['connection'] ?? '').toLowerCase();
    this.keepAlive = m[1] === '1' ? !conn.includes('close') : conn.includes('keep-alive');
    const hint = /timeout=(\d+)/i.exec(h['keep-alive'] ?? '');
    const hinted = hint ? Math.min(this.idleMs, Math.max(0, Number(hint[1]) * 1000 - KEEPALIVE_MARGIN_MS)) : this.idleMs;
    if (hint) this.lane.noteIdleLimit(hinted);
    if (hinted !== this.idleMs && this.idleTimer) {
      // refresh() keeps a timer's first duration: start a new one with the shorter hint.
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.idleMs = hinted;
    this.status = status;
    this.headers = h;
    this.chunks = [];
    if (this.current!.method === 'HEAD' || status === 204 || status === 304) this.mode = { kind: 'length', remaining: 0 };
    else if (/chunked/i.test(h['transfer-encoding'] ?? '')) this.mode = { kind: 'chunked', step: 'size', remaining: 0 };
    else if (h['content-length'] !== undefined) {
      // Digits only: Number() would take '', '0x10' or '1e3'; two differing values ('2, 3') are refused too.
      const cl = h['content-length'];
      const n = /^\d+$/.test(cl) ? Number(cl) : NaN;
      if (!Number.isSafeInteger(n)) throw new LaneError('UND_ERR_SOCKET', 'bad content-length');
      this.mode = { kind: 'length', remaining: n };
    } else {
      this.mode = { kind: 'close' };
      this.keepAlive = false;
    }
    return true;
  }

  /** Consume body bytes from the buffer; true when the body is complete. */
  private readBody(): boolean {
    const mode = this.mode!;
    if (mode.kind === 'close') {
      if (this.buf.length) this.chunks.push(this.buf);
      this.buf = Buffer.alloc(0);
      return false; // completes on 'end'
    }
    if (mode.kind === 'length') {
      const n = Math.min(mode.remaining, this.buf.length);
      if (n > 0) this.chunks.push(this.buf.subarray(0, n));
      this.buf = this.buf.subarray(n);
      mode.remaining -= n;
      return mode.remaining === 0;
    }
    for (;;) {
      if (mode.step === 'data') {
        const n = Math.min(mode.remaining, this.buf.length);
        if (n > 0) this.chunks.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        mode.remaining -= n;
        if (mode.remaining > 0) return false;
        mode.step = 'crlf';
      }
      if (mode.step === 'crlf') {
        if (this.buf.length < 2) return false;
        if (this.buf[0] !== 13 || this.buf[1] !== 10) throw new LaneError('UND_ERR_SOCKET', 'bad chunk terminator');
        this.buf = this.buf.subarray(2);
        mode.step = 'size';
      }
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) {
        if (this.buf.length > 4096) throw new LaneError('UND_ERR_SOCKET', 'chunk line too long');
        return false;
      }
      const line = this.buf.subarray(0, eol).toString('latin1');
      this.buf = this.buf.subarray(eol + 2);
      if (mode.step === 'trailers') {
        if (line === '') return true; // trailer lines end with an empty line
        continue;
      }
      const hex = line.split(';')[0]!.trim();
      const size = /^[0-9a-fA-F]{1,12}$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (!Number.isSafeInteger(size)) throw new LaneError('UND_ERR_SOCKET', 'bad chunk size');
      if (size === 0) mode.step = 'trailers';
      else {
        mode.step = 'data';
        mode.remaining = size;
      }
    }
  }

  private finish(): void {
    const p = this.current!;
    const reply: LaneReply = { status: this.status, headers: this.headers!, text: Buffer.concat(this.chunks).toString('utf8') };
    this.headers = null;
    this.mode = null;
    this.chunks = [];
    this.lane.settle(p);
    p.resolve(reply);
    this.lane.onAnswered();
    // Bytes already read past the end of this reply answer nothing we asked (no pipelining): the stream is
    // out of step, and reusing the connection would hand them to the next request as its answer.
    if (!this.keepAlive || this.buf.length > 0) {
      this.current = null;
      this.state = 'idle'; // not reused: destroy below
      this.destroy(new LaneError('UND_ERR_INFO', this.keepAlive ? 'bytes after the response' : 'server closes'));
      return;
    }
    this.becomeIdle();
  }

  private onEnd(): void {
    if (this.state === 'busy' && this.mode?.kind === 'close' && this.headers) {
      this.finish();
      return;
    }
    if (this.state === 'idle') {
      // The server closed an idle connection: it keeps them about this long without saying so (no
      // Keep-Alive hint). New connections close themselves a margin before that: a request written as the
      // server's FIN is on its way is an unknown outcome.
      const idle = Date.now() - this.idleSince;
      if (idle - KEEPALIVE_MARGIN_MS >= this.lane.learnedIdleFloorMs) this.lane.noteIdleLimit(idle - KEEPALIVE_MARGIN_MS);
    }
    this.destroy(new LaneError('UND_ERR_SOCKET', 'other side closed'));
  }

  destroy(err: Error): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.socket.destroy();
    const p = this.current;
    this.current = null;
    if (p) {
      this.lane.settle(p);
      p.reject(err);
    }
    this.lane.onClosed(this, err);
  }
}

export class HttpLane {
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
