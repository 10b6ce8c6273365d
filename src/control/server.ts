// The control socket: a Unix socket (never TCP) at $TIERHUNTER_HOME/run/core.sock, directory 0700,
// socket 0600. Newline-delimited JSON per ./protocol.ts: on connect `hello` + a full `snapshot`, then
// coalesced `patch`es; every command gets exactly one `reply`. Nothing a client sends can hurt trading
// or other clients: lines are size-capped while being read, bad lines get an error reply, a client that
// only sends garbage is disconnected, and a slow reader is dropped instead of buffering without bound.
import { lstatSync, chmodSync, unlinkSync, statSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import {
  encode,
  MAX_LINE_BYTES,
  MIN_PUSH_INTERVAL_MS,
  parseCommand,
  PROTOCOL_VERSION,
  type Command,
  type ServerMessage,
  type Snapshot,
} from './protocol.js';
import { ensurePrivateDir } from '../runtime/home.js';
import { NdjsonLineReader } from './ndjson.js';

export type CommandResult = { ok: true; message: string; data?: unknown } | { ok: false; error: string };

export interface ControlServerOptions {
  socketPath: string;
  getSnapshot: () => Snapshot;
  handleCommand: (cmd: Command) => Promise<CommandResult>;
  coreVersion: string;
  /** Problems worth a log line (a throwing snapshot, a dropped client). Never includes client data. */
  log?: (line: string) => void;
  /** Tunables, mostly for tests. */
  limits?: Partial<ControlLimits>;
}

export interface ControlLimits {
  /** Push at most once per this many ms (per client; one global push cycle). */
  minPushIntervalMs: number;
  /** Consecutive bad lines after which a client is disconnected. */
  maxConsecutiveErrors: number;
  /** A client whose unsent output exceeds this is too slow and is dropped. */
  maxClientBufferBytes: number;
  /** Concurrent clients; more are turned away. */
  maxClients: number;
  /** Commands of one client awaiting the core at once. */
  maxInFlight: number;
}

const DEFAULT_LIMITS: ControlLimits = {
  minPushIntervalMs: MIN_PUSH_INTERVAL_MS,
  maxConsecutiveErrors: 16,
  maxClientBufferBytes: 8 * 1024 * 1024,
  maxClients: 32,
  maxInFlight: 16,
};

/** Longest path a sockaddr_un holds on Linux (108 with the NUL; macOS has 104). */
const MAX_SOCKET_PATH_BYTES = 103;

export function defaultSocketPath(home: string): string {
  return join(home, 'run', 'core.sock');
}

/** Another core owns the socket. Exit code 2, like a configuration error. */
export class CoreAlreadyRunningError extends Error {
  readonly exitCode = 2;
  constructor(readonly socketPath: string) {
    super(`another Tier Hunter core is already running (its control socket ${socketPath} accepts connections); stop it first, or use a different TIERHUNTER_HOME`);
    this.name = 'CoreAlreadyRunningError';
  }
}

/** The socket path is unusable (too long, not a socket). Exit code 2. */
export class ControlSocketError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ControlSocketError';
  }
}

interface Client {
  sock: Socket;
  /** Frames the client's bytes into lines (each kept under MAX_LINE_BYTES). */
  reader: NdjsonLineReader;
  consecutiveErrors: number;
  inFlight: number;
  seq: number;
  /** JSON of each top-level snapshot key as last sent to this client. */
  sent: Map<string, string>;
  closed: boolean;
}

/** Probe an existing socket file: true when something accepts connections on it. */
function probeLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ path });
    const done = (live: boolean) => {
      s.removeAllListeners();
      s.on('error', () => undefined);
      s.destroy();
      resolve(live);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    // A live core accepts at once; a hung one still counts as live rather than being deleted.
    s.setTimeout(1000, () => done(true));
  });
}

export class ControlServer {
  readonly socketPath: string;
  private readonly server: Server;
  private readonly opts: ControlServerOptions;
  private readonly limits: ControlLimits;
  private readonly clients = new Set<Client>();
  private pushTimer: NodeJS.Timeout | null = null;
  private lastPushAt = 0;
  private dirty = false;
  private closing = false;
  private socketIno: number | null = null;
  /** Counters for the snapshot/tests. */
  readonly counters = { connections: 0, commands: 0, badLines: 0, droppedSlow: 0, droppedGarbage: 0, pushes: 0 };

  private constructor(server: Server, opts: ControlServerOptions) {
    this.server = server;
    this.opts = opts;
    this.socketPath = opts.socketPath;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
  }

  static async listen(opts: ControlServerOptions): Promise<ControlServer> {
    const path = opts.socketPath;
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
      throw new ControlSocketError(`control socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes (a Unix socket limit); use a shorter TIERHUNTER_HOME`);
    }
    // The socket lives in a 0700 directory: even in the instant between bind and chmod nobody else can
    // reach it, because reaching a socket needs search permission on its directory.
    ensurePrivateDir(dirname(path));
    await ControlServer.clearStale(path);

    const server = createServer({ allowHalfOpen: false });
    const cs = new ControlServer(server, opts);
    server.on('connection', (sock) => cs.accept(sock));
    server.maxConnections = cs.limits.maxClients * 2;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        if (err.code === 'EADDRINUSE') reject(new CoreAlreadyRunningError(path));
        else reject(new ControlSocketError(`cannot listen on ${path}: ${err.code ?? err.message}`));
      };
      const onListening = () => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      // Belt and braces: a restrictive umask while binding where the platform allows it (main thread).
      let prev: number | null = null;
      try {
        prev = process.umask(0o177);
      } catch {
        prev = null;
      }
      try {
        server.listen({ path, exclusive: true });
      } finally {
        if (prev !== null) process.umask(prev);
      }
    });
    chmodSync(path, 0o600);
    cs.socketIno = statSync(path).ino;
    server.on('error', (err: NodeJS.ErrnoException) => cs.log(`control socket error: ${err.code ?? err.message}`));
    return cs;
  }

  /** A socket file nobody answers on is left over from a crash: remove it. A live one is another core. */
  private static async clearStale(path: string): Promise<void> {
    let st;
    try {
      st = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (!st.isSocket()) {
      throw new ControlSocketError(`${path} exists and is not a socket; refusing to replace it (move it away or choose another TIERHUNTER_HOME)`);
    }
    if (await probeLive(path)) throw new CoreAlreadyRunningError(path);
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The core's state changed: push a patch to every client soon (coalesced). */
  notifyChanged(): void {
    if (this.closing) return;
    this.dirty = true;
    if (this.pushTimer) return;
    const wait = Math.max(0, this.lastPushAt + this.limits.minPushIntervalMs - Date.now());
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      this.pushCycle();
    }, wait);
  }

  /** Say bye, stop listening, remove the socket file. Idempotent. */
  async close(reason = 'core shutting down'): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of [...this.clients]) {
      this.send(c, { type: 'bye', reason });
      c.sock.end();
      // A client that does not read its bye must not hold the shutdown.
      setTimeout(() => c.sock.destroy(), 200).unref();
    }
    this.removeSocketFile();
    await closed;
  }

  // ---- connections ----

  private accept(sock: Socket): void {
    if (this.closing) {
      sock.destroy();
      return;
    }
    const c: Client = {
      sock,
      reader: new NdjsonLineReader({
        maxLineBytes: MAX_LINE_BYTES,
        onLine: (line) => this.onLine(c, line),
        onOversized: () => this.badLine(c, null, `line exceeds ${MAX_LINE_BYTES} bytes`),
      }),
      consecutiveErrors: 0,
      inFlight: 0,
      seq: 0,
      sent: new Map(),
      closed: false,
    };
    sock.on('error', () => this.drop(c));
    sock.on('close', () => this.drop(c));
    if (this.clients.size >= this.limits.maxClients) {
      sock.end(encode({ type: 'bye', reason: `too many control clients (max ${this.limits.maxClients})` }));
      setTimeout(() => sock.destroy(), 200).unref();
      return;
    }
    this.clients.add(c);
    this.counters.connections++;
    sock.on('data', (chunk: Buffer) => c.reader.push(chunk));
    this.send(c, { type: 'hello', protocol: PROTOCOL_VERSION, coreVersion: this.opts.coreVersion, pid: process.pid });
    this.sendFullSnapshot(c);
  }

  private drop(c: Client): void {
    if (c.closed) return;
    c.closed = true;
    c.reader.stop();
    this.clients.delete(c);
    c.sock.destroy();
  }

  private onLine(c: Client, line: string): void {
    const parsed = parseCommand(line);
    if (!parsed.ok) {
      this.badLine(c, parsed.id, parsed.error);
      return;
    }
    c.consecutiveErrors = 0;
    const cmd = parsed.cmd;
    if (c.inFlight >= this.limits.maxInFlight) {
      this.reply(c, cmd.id, { ok: false, error: `too many commands in flight (max ${this.limits.maxInFlight}); wait for replies` });
      return;
    }
    this.counters.commands++;
    if (cmd.name === 'snapshot') {
      // A read the server answers itself: no need to involve the trading core.
      const snap = this.safeSnapshot();
      this.reply(c, cmd.id, snap ? { ok: true, message: 'snapshot', data: snap } : { ok: false, error: 'snapshot unavailable' });
      return;
    }
    c.inFlight++;
    let result: Promise<CommandResult>;
    try {
      result = Promise.resolve(this.opts.handleCommand(cmd));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (r) => {
        c.inFlight--;
        this.reply(c, cmd.id, isResult(r) ? r : { ok: false, error: 'internal error: invalid command result' });
      },
      (err: unknown) => {
        c.inFlight--;
        this.reply(c, cmd.id, { ok: false, error: `internal error: ${err instanceof Error ? err.message : String(err)}` });
      },
    );
  }

  private badLine(c: Client, id: string | null, error: string): void {
    this.counters.badLines++;
    c.consecutiveErrors++;
    this.reply(c, id, { ok: false, error });
    if (c.consecutiveErrors >= this.limits.maxConsecutiveErrors && !c.closed) {
      this.counters.droppedGarbage++;
      this.send(c, { type: 'bye', reason: `too many invalid messages (${c.consecutiveErrors} in a row)` });
      c.sock.end();
      c.closed = true;
      c.reader.stop();
      this.clients.delete(c);
      setTimeout(() => c.sock.destroy(), 200).unref();
    }
  }

  private reply(c: Client, id: string | null, r: CommandResult): void {
    if (r.ok) {
      const msg: ServerMessage = { type: 'reply', id, ok: true, message: String(r.message) };
      if (r.data !== undefined) msg.data = r.data;
      this.send(c, msg);
    } else {
      this.send(c, { type: 'reply', id, ok: false, error: String(r.error) });
    }
  }

  // ---- pushes ----

  private safeSnapshot(): Snapshot | null {
    try {
      return this.opts.getSnapshot();
    } catch (err) {
      this.log(`control: snapshot failed: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  private sendFullSnapshot(c: Client): void {
    const snap = this.safeSnapshot();
    if (!snap) return;
    const parts: string[] = [];
    c.sent.clear();
    for (const [k, v] of Object.entries(snap)) {
      const json = JSON.stringify(v) ?? 'null';
      c.sent.set(k, json);
      parts.push(`${JSON.stringify(k)}:${json}`);
    }
    c.seq++;
    this.writeRaw(c, `{"type":"snapshot","seq":${c.seq},"snapshot":{${parts.join(',')}}}\n`);
  }

  private pushCycle(): void {
    if (this.closing || !this.dirty) return;
    this.dirty = false;
    this.lastPushAt = Date.now();
    if (this.clients.size === 0) return;
    const snap = this.safeSnapshot();
    if (!snap) return;
    this.counters.pushes++;
    // Serialise each top-level key once per cycle; clients compare strings.
    const current: Array<[string, string]> = Object.entries(snap).map(([k, v]) => [k, JSON.stringify(v) ?? 'null']);
    for (const c of [...this.clients]) {
      if (c.sent.size === 0) {
        // Connected while the snapshot was unavailable: it needs a full snapshot, not a patch.
        this.sendFullSnapshot(c);
        continue;
      }
      const parts: string[] = [];
      for (const [k, json] of current) {
        if (c.sent.get(k) !== json) {
          c.sent.set(k, json);
          parts.push(`${JSON.stringify(k)}:${json}`);
        }
      }
      if (parts.length === 0) continue;
      c.seq++;
      this.writeRaw(c, `{"type":"patch","seq":${c.seq},"changes":{${parts.join(',')}}}\n`);
    }
  }

  // ---- output ----

  private send(c: Client, msg: ServerMessage): void {
    this.writeRaw(c, encode(msg));
  }

  private writeRaw(c: Client, text: string): void {
    if (c.closed || c.sock.destroyed) return;
    c.sock.write(text);
    // A client that does not read would make us hold its backlog forever: drop it instead.
    if (c.sock.writableLength > this.limits.maxClientBufferBytes) {
      this.counters.droppedSlow++;
      this.log(`control: dropped a slow client (${c.sock.writableLength} bytes unsent)`);
      this.drop(c);
    }
  }

  private removeSocketFile(): void {
    try {
      // Only our own socket: never delete one a later core bound at the same path.
      if (this.socketIno !== null && lstatSync(this.socketPath).ino !== this.socketIno) return;
      unlinkSync(this.socketPath);
    } catch {
      // already gone
    }
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}

function isResult(r: unknown): r is CommandResult {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return (o['ok'] === true && typeof o['message'] === 'string') || (o['ok'] === false && typeof o['error'] === 'string');
}
