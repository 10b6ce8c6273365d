// A small NDJSON client of the control socket, used by `tierhunter ctl` and by tests. It turns the
// usual failures into sentences an operator can act on, and matches replies to requests by id.
import { createConnection, type Socket } from 'node:net';
import { NdjsonLineReader } from './ndjson.js';
import { applyMessage, buildCommand, encode, type CommandArgs, type CommandName, type ReplyMessage, type ServerMessage, type Snapshot } from './protocol.js';

export type Hello = Extract<ServerMessage, { type: 'hello' }>;

/** The core cannot be reached. `code` says why (ENOENT, EACCES, ECONNREFUSED, TIMEOUT, CLOSED, ...). */
export class ControlConnectError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlConnectError';
  }
}

export function connectErrorMessage(code: string, path: string): string {
  switch (code) {
    case 'ENOENT':
      return `core not running: no socket at ${path} (start it with \`npm start\` or pm2, or pass --socket)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${path}: run as the user that owns the core`;
    case 'ECONNREFUSED':
      return `core not running: ${path} is a stale socket left by a core that stopped (the next start replaces it)`;
    case 'ENOTSOCK':
      return `${path} is not a socket; pass the core's socket with --socket`;
    case 'TIMEOUT':
      return `the core at ${path} did not answer in time`;
    case 'CLOSED':
      return `the core at ${path} closed the connection before saying hello`;
    default:
      return `cannot connect to the core at ${path}: ${code}`;
  }
}

/** Upper bound for one server line (a snapshot); protects the client from a runaway peer. */
const MAX_SERVER_LINE_BYTES = 32 * 1024 * 1024;

export class ControlClient {
  readonly socketPath: string;
  hello: Hello | null = null;
  /** Every message received, in order (tests read it; bounded). */
  readonly messages: ServerMessage[] = [];
  /** Server lines that were not JSON objects (skipped). */
  malformed = 0;
  private readonly sock: Socket;
  private readonly reader = new NdjsonLineReader({
    maxLineBytes: MAX_SERVER_LINE_BYTES,
    onLine: (line) => this.onLine(line),
    onOversized: () => {
      this.reader.stop();
      this.finish('server line too long');
      this.sock.destroy();
    },
  });
  private nextId = 1;
  private readonly pending = new Map<string, { resolve: (r: ReplyMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<(m: ServerMessage) => void>();
  private ended = false;
  private endReason = 'connection closed';

  private constructor(sock: Socket, socketPath: string) {
    this.sock = sock;
    this.socketPath = socketPath;
  }

  /** Connect and wait for the core's hello. */
  static connect(socketPath: string, opts: { timeoutMs?: number } = {}): Promise<ControlClient> {
    const timeoutMs = opts.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const sock = createConnection({ path: socketPath });
      const client = new ControlClient(sock, socketPath);
      let settled = false;
      const fail = (code: string, detail?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.destroy();
        reject(new ControlConnectError(code, detail ?? connectErrorMessage(code, socketPath)));
      };
      const timer = setTimeout(() => fail('TIMEOUT'), timeoutMs);
      sock.on('error', (err: NodeJS.ErrnoException) => {
        if (!settled) fail(err.code ?? 'ERROR');
        else client.finish(`connection error: ${err.code ?? err.message}`);
      });
      sock.on('close', () => {
        if (!settled) fail('CLOSED');
        else client.finish(client.endReason);
      });
      sock.on('data', (chunk: Buffer) => client.reader.push(chunk));
      client.onMessage((m) => {
        if (m.type === 'hello' && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(client);
        } else if (m.type === 'bye' && !settled) {
          fail('CLOSED', `the core at ${socketPath} turned the connection away: ${m.reason}`);
        }
      });
    });
  }

  onMessage(fn: (m: ServerMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolve with the first message (already received or future) matching `pred`. */
  waitFor<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, timeoutMs?: number): Promise<T>;
  waitFor(pred: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  waitFor(pred: (m: ServerMessage) => boolean, timeoutMs = 3000): Promise<ServerMessage> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new ControlConnectError('TIMEOUT', 'timed out waiting for a message from the core'));
      }, timeoutMs);
      const off = this.onMessage((m) => {
        if (pred(m)) {
          clearTimeout(timer);
          off();
          resolve(m);
        }
      });
    });
  }

  /** Send one command and wait for its reply. */
  request(name: CommandName, args: Omit<CommandArgs, 'name'> = {}, timeoutMs = 5000): Promise<ReplyMessage> {
    if (this.ended) return Promise.reject(new ControlConnectError('CLOSED', `the core closed the connection: ${this.endReason}`));
    const id = `ctl-${process.pid}-${this.nextId++}`;
    const cmd = buildCommand(id, { ...args, name });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ControlConnectError('TIMEOUT', `the core did not reply to "${name}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.sock.write(encode(cmd));
    });
  }

  /** The latest full state: the initial snapshot with every patch applied. */
  latestSnapshot(): Snapshot | null {
    let snap: Snapshot | null = null;
    for (const m of this.messages) snap = applyMessage(snap, m);
    return snap;
  }

  close(): void {
    this.ended = true;
    this.sock.end();
    this.sock.destroy();
  }

  private onLine(line: string): void {
    let m: ServerMessage;
    try {
      m = JSON.parse(line) as ServerMessage;
    } catch {
      this.malformed++; // a client skips what it cannot read
      return;
    }
    if (typeof m !== 'object' || m === null) {
      this.malformed++;
      return;
    }
    if (this.messages.length < 10000) this.messages.push(m);
    if (m.type === 'hello') this.hello = m;
    if (m.type === 'bye') this.endReason = `core said bye: ${m.reason}`;
    if (m.type === 'reply' && m.id !== null) {
      const p = this.pending.get(m.id);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(m.id);
        p.resolve(m);
      }
    }
    for (const fn of [...this.listeners]) fn(m);
  }

  private finish(reason: string): void {
    this.ended = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ControlConnectError('CLOSED', `the core closed the connection before replying: ${reason}`));
      this.pending.delete(id);
    }
  }
}
