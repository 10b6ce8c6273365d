// The UI's only connection to the core: a Unix-socket client speaking the control protocol
// (newline-delimited JSON, framed by the core's shared reader src/control/ndjson.ts). It checks the
// protocol version in `hello`, matches each command to its single `reply` by id (with a timeout), and
// reconnects forever with capped backoff.
// It never throws at its caller: `send` always resolves with a reply (an error reply when offline or
// timed out), and connection trouble becomes a state the Banner explains (missing / denied / ...).
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { NdjsonLineReader } from '../src/control/ndjson.js';
import { buildCommand, PROTOCOL_VERSION, encode } from '../src/control/protocol.js';
import type { CommandArgs, CommandReply, ServerMessage } from '../src/control/protocol.js';

export type ConnState = 'connecting' | 'connected' | 'reconnecting' | 'missing' | 'denied' | 'incompatible';

export interface ConnInfo {
  state: ConnState;
  path: string;
  /** What went wrong last (e.g. "ENOENT", "core said bye: shutting down"); null when healthy. */
  detail: string | null;
  /** What the operator can do about it; null when there is nothing to do. */
  hint: string | null;
  /** Failed attempts since the last good connection. */
  attempts: number;
}


export type CommandSpec = CommandArgs;

export interface CoreClientOptions {
  socketPath: string;
  /** Per-command reply timeout. */
  replyTimeoutMs?: number;
  /** First reconnect delay; doubles per failure up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A line longer than this (no newline yet) drops the connection rather than growing without bound. */
  maxLineBytes?: number;
}

interface Pending {
  resolve: (r: CommandReply) => void;
  timer: NodeJS.Timeout;
}

export interface CoreClientEvents {
  message: [ServerMessage];
  conn: [ConnInfo];
}

const DEFAULTS = { replyTimeoutMs: 5000, minBackoffMs: 250, maxBackoffMs: 5000, maxLineBytes: 16 * 1024 * 1024 };

/** Why a connect failed, for the Banner. Exported for tests. */
export function describeError(err: NodeJS.ErrnoException, path: string, everConnected: boolean): Pick<ConnInfo, 'state' | 'detail' | 'hint'> {
  const code = err.code ?? 'error';
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      state: 'denied',
      detail: `${code}: permission denied on ${path}`,
      hint: 'fix: attach as the user that runs the core (the socket is 0600), or use --socket PATH',
    };
  }
  const gone = code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK';
  if (gone && !everConnected) {
    return {
      state: 'missing',
      detail: code === 'ENOENT' ? `no socket at ${path}` : `${code}: nothing is listening on ${path} (stale socket)`,
      hint: 'fix: start the core (tierhunter run, or pm2 start), or pass --socket PATH',
    };
  }
  if (gone) {
    const why = code === 'ENOENT' ? 'socket gone: the core stopped or is restarting' : 'nothing listening: the core is restarting or crashed';
    return { state: 'reconnecting', detail: why, hint: null };
  }
  return { state: everConnected ? 'reconnecting' : 'connecting', detail: `${code}: ${err.message}`, hint: null };
}

export class CoreClient extends EventEmitter<CoreClientEvents> {
  private readonly opts: Required<CoreClientOptions>;
  private sock: net.Socket | null = null;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private retryTimer: NodeJS.Timeout | null = null;
  private backoff: number;
  private everConnected = false;
  private stopped = false;
  private info: ConnInfo;
  /** Lines that were not valid server messages (counted and skipped). */
  malformed = 0;

  constructor(opts: CoreClientOptions) {
    super();
    this.opts = { ...DEFAULTS, ...opts };
    this.backoff = this.opts.minBackoffMs;
    this.info = { state: 'connecting', path: opts.socketPath, detail: null, hint: null, attempts: 0 };
  }

  get conn(): ConnInfo {
    return this.info;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Close for good: no more reconnects; pending commands resolve with an error. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.failPending('client stopped');
    this.sock?.destroy();
    this.sock = null;
  }

  /** Send one command; resolves with the core's reply, or an error reply if offline / no reply in time. */
  send(spec: CommandSpec): Promise<CommandReply> {
    const sock = this.sock;
    if (!sock || this.info.state !== 'connected') {
      return Promise.resolve({ ok: false, error: `not connected to the core (${this.info.state})` });
    }
    const id = `ui-${this.nextId++}`;
    const cmd = buildCommand(id, spec);
    return new Promise<CommandReply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: `no reply from the core within ${Math.round(this.opts.replyTimeoutMs / 1000)}s` });
      }, this.opts.replyTimeoutMs);
      this.pending.set(id, { resolve, timer });
      sock.write(encode(cmd));
    });
  }

  private setInfo(next: Partial<ConnInfo>): void {
    this.info = { ...this.info, ...next };
    this.emit('conn', this.info);
  }

  private connect(): void {
    if (this.stopped) return;
    const sock = net.createConnection({ path: this.opts.socketPath });
    this.sock = sock;
    // One reader per connection: nothing of a dropped connection's partial line reaches the next one.
    const reader: NdjsonLineReader = new NdjsonLineReader({
      maxLineBytes: this.opts.maxLineBytes,
      onLine: (line) => {
        this.onLine(sock, line);
        if (this.sock !== sock) reader.stop();
      },
      onOversized: () => {
        reader.stop();
        this.malformed++;
        this.setInfo({ detail: 'oversized line from the core' });
        sock.destroy();
      },
    });
    // The connection only counts once the core said a compatible hello; until then we keep the old state.
    sock.on('data', (chunk: Buffer) => reader.push(chunk));
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (this.sock !== sock) return;
      const d = describeError(err, this.opts.socketPath, this.everConnected);
      this.setInfo({ ...d, attempts: this.info.attempts + 1 });
    });
    sock.on('close', () => {
      if (this.sock !== sock) return;
      this.sock = null;
      this.failPending('connection to the core closed');
      if (this.info.state === 'connected') {
        this.setInfo({ state: 'reconnecting', detail: this.info.detail ?? 'connection closed', hint: null, attempts: 1 });
      }
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.opts.maxBackoffMs, this.backoff * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private onLine(sock: net.Socket, line: string): void {
    const msg = parseServerMessage(line);
    if (!msg) {
      this.malformed++;
      return;
    }
    if (msg.type === 'hello') {
      if (msg.protocol !== PROTOCOL_VERSION) {
        this.setInfo({
          state: 'incompatible',
          detail: `core speaks control protocol ${msg.protocol}, this UI speaks ${PROTOCOL_VERSION}`,
          hint: 'fix: attach with the same Tier Hunter version as the core',
        });
        // Keep retrying slowly: the core may be restarted with a matching version.
        this.backoff = this.opts.maxBackoffMs;
        this.sock = null;
        sock.destroy();
        this.scheduleRetry();
        return;
      }
      this.everConnected = true;
      this.backoff = this.opts.minBackoffMs;
      this.setInfo({ state: 'connected', detail: null, hint: null, attempts: 0 });
    } else if (msg.type === 'reply') {
      const p = msg.id !== null ? this.pending.get(msg.id) : undefined;
      if (p && msg.id !== null) {
        clearTimeout(p.timer);
        this.pending.delete(msg.id);
        p.resolve(msg.ok ? { ok: true, message: msg.message, ...(msg.data !== undefined ? { data: msg.data } : {}) } : { ok: false, error: msg.error });
      }
    } else if (msg.type === 'bye') {
      // The socket closes right after; remember why so the reconnect banner can say it.
      this.info = { ...this.info, detail: `core said bye: ${msg.reason}` };
    }
    this.emit('message', msg);
  }

  private failPending(error: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error });
      this.pending.delete(id);
    }
  }
}

/** Minimal shape check of a server line; anything else is counted as malformed and skipped. */
export function parseServerMessage(line: string): ServerMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  switch (o['type']) {
    case 'hello':
      return typeof o['protocol'] === 'number' ? (o as unknown as ServerMessage) : null;
    case 'snapshot':
      return isObject(o['snapshot']) && Array.isArray((o['snapshot'] as Record<string, unknown>)['symbols']) ? (o as unknown as ServerMessage) : null;
    case 'patch':
      return isObject(o['changes']) ? (o as unknown as ServerMessage) : null;
    case 'reply':
      if (typeof o['ok'] !== 'boolean') return null;
      if (o['ok'] ? typeof o['message'] !== 'string' : typeof o['error'] !== 'string') return null;
      return o as unknown as ServerMessage;
    case 'bye':
      return typeof o['reason'] === 'string' ? (o as unknown as ServerMessage) : null;
    default:
      return null;
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
