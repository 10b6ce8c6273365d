// One keep-alive connection of the order lane (http-lane.ts): connect (TCP or TLS), write one request at a
// time, feed the reply bytes to the pure ResponseParser, then go idle or retire. Bytes on an idle
// connection, bytes left after a reply, or a server that closes mean the connection is destroyed, never
// reused. Idle connections close themselves a margin before the server's Keep-Alive limit (hinted, or
// learnt from the server closing one). The pool (which connection, the queue, re-warming) is HttpLane's;
// the connection reports to it through LaneHost.
// Timers here are transport timers on the real clock (like undici's), not the injected Clock.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { channel } from 'node:diagnostics_channel';
import { LaneError } from './lane-error.js';
import { ResponseParser, type ParsedReply, type ResponseHead } from './http-response-parser.js';

/** Published right after a request's bytes were handed to the socket: {method, path, body}. */
export const LANE_SENT_CHANNEL = 'tierhunter:rest:sent';
const sentChannel = channel(LANE_SENT_CHANNEL);

export interface LaneReply {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
}

/** Margin kept below the server's Keep-Alive timeout, so we close first and never write on a closing socket. */
const KEEPALIVE_MARGIN_MS = 1000;

/** A request from request() until it is answered or fails. */
export interface Pending {
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

/** What a connection tells its pool (HttpLane). */
export interface LaneHost {
  readonly closed: boolean;
  readonly learnedIdleFloorMs: number;
  /** The request has left the lane's hands (answered or failed). */
  settle(p: Pending): void;
  /** A reply was read (the server works). */
  onAnswered(): void;
  /** How long the server keeps an idle connection, less our margin. */
  noteIdleLimit(ms: number): void;
  onIdle(c: Conn): void;
  onClosed(c: Conn, err: Error): void;
}

export class Conn {
  readonly socket: Socket | TLSSocket;
  state: 'connecting' | 'idle' | 'busy' | 'closed' = 'connecting';
  current: Pending | null = null;
  private readonly parser = new ResponseParser((h) => this.onHead(h));
  private idleTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null;
  private idleMs: number;
  private idleSince = 0;
  private readonly openedAt = Date.now();
  connected = false;
  closing = false;

  constructor(
    private readonly lane: LaneHost,
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
    this.parser.begin(p.method);
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
    this.parser.push(b);
    try {
      this.parse();
    } catch (e) {
      this.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private parse(): void {
    for (;;) {
      if (this.state !== 'busy') {
        if (this.parser.pending > 0) this.destroy(new LaneError('UND_ERR_SOCKET', 'bytes after the response'));
        return;
      }
      const reply = this.parser.next();
      if (!reply) return;
      this.finish(reply);
    }
  }

  /** The server's Keep-Alive hint, read with the head: close idle connections a margin before it does. */
  private onHead(h: ResponseHead): void {
    const hinted = h.keepAliveTimeoutSec !== null ? Math.min(this.idleMs, Math.max(0, h.keepAliveTimeoutSec * 1000 - KEEPALIVE_MARGIN_MS)) : this.idleMs;
    if (h.keepAliveTimeoutSec !== null) this.lane.noteIdleLimit(hinted);
    if (hinted !== this.idleMs && this.idleTimer) {
      // refresh() keeps a timer's first duration: start a new one with the shorter hint.
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.idleMs = hinted;
  }

  private finish(parsed: ParsedReply): void {
    const p = this.current!;
    const reply: LaneReply = { status: parsed.head.status, headers: parsed.head.headers, text: parsed.text };
    const keepAlive = parsed.head.keepAlive;
    this.lane.settle(p);
    p.resolve(reply);
    this.lane.onAnswered();
    // Bytes already read past the end of this reply answer nothing we asked (no pipelining): the stream is
    // out of step, and reusing the connection would hand them to the next request as its answer.
    if (!keepAlive || this.parser.pending > 0) {
      this.current = null;
      this.state = 'idle'; // not reused: destroy below
      this.destroy(new LaneError('UND_ERR_INFO', keepAlive ? 'bytes after the response' : 'server closes'));
      return;
    }
    this.becomeIdle();
  }

  private onEnd(): void {
    const closeDelimited = this.state === 'busy' ? this.parser.end() : null;
    if (closeDelimited) {
      this.finish(closeDelimited);
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
