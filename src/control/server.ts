// The control socket: a Unix socket (never TCP) at $TIERHUNTER_HOME/run/core.sock, directory 0700,
// socket 0600. Newline-delimited JSON per ./protocol.ts: on connect `hello` + a full `snapshot`, then
// coalesced `patch`es; every command gets exactly one `reply`. Nothing a client sends can hurt trading
// or other clients: lines are size-capped while being read, bad lines get an error reply, a client that
// only sends garbage is disconnected, and a slow reader is dropped instead of buffering without bound.
import { createServer, type Server, type Socket } from 'node:net';
import {
  encode,
  MAX_LINE_BYTES,
  MIN_PUSH_INTERVAL_MS,
  parseCommand,
  PROTOCOL_VERSION,
  type Command,
  type CommandReply,
  type ServerMessage,
  type Snapshot,
} from './protocol.js';
import { bindPrivateSocket, prepareSocketPath, removeOwnSocketFile } from './socket-file.js';
import { NdjsonLineReader } from './ndjson.js';


export interface ControlServerOptions {
  socketPath: string;
  getSnapshot: () => Snapshot;
  handleCommand: (cmd: Command) => Promise<CommandReply>;
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
    await prepareSocketPath(path);
    const server = createServer({ allowHalfOpen: false });
    const cs = new ControlServer(server, opts);
    server.on('connection', (sock) => cs.accept(sock));
    server.maxConnections = cs.limits.maxClients * 2;
    cs.socketIno = await bindPrivateSocket(server, path);
    server.on('error', (err: NodeJS.ErrnoException) => cs.log(`control socket error: ${err.code ?? err.message}`));
    return cs;
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
    removeOwnSocketFile(this.socketPath, this.socketIno);
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
    let result: Promise<CommandReply>;
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

  private reply(c: Client, id: string | null, r: CommandReply): void {
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

  private log(line: string): void {
    this.opts.log?.(line);
  }
}

function isResult(r: unknown): r is CommandReply {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return (o['ok'] === true && typeof o['message'] === 'string') || (o['ok'] === false && typeof o['error'] === 'string');
}
