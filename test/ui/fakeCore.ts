// A fake core for App tests: a real Unix-socket server speaking the control protocol (hello, snapshot,
// patches, one reply per command) that records what the UI sent and can go away and come back.
import net from 'node:net';
import { encode, parseCommand, PROTOCOL_VERSION } from '../../src/control/protocol.js';
import type { Command, ServerMessage, Snapshot } from '../../src/control/protocol.js';

export type Replier = (cmd: Command) => { ok: true; message: string } | { ok: false; error: string };

export class FakeCore {
  private server: net.Server | null = null;
  private readonly clients = new Set<net.Socket>();
  readonly received: Command[] = [];
  protocol = PROTOCOL_VERSION;
  private seq = 0;

  constructor(
    readonly path: string,
    public snapshot: Snapshot,
    public reply: Replier = (cmd) => ({ ok: true, message: `${cmd.name}${cmd.symbol ? ' ' + cmd.symbol : ' all'} done` }),
  ) {}

  get connections(): number {
    return this.clients.size;
  }

  start(): Promise<void> {
    const server = net.createServer((sock) => {
      this.clients.add(sock);
      sock.on('close', () => this.clients.delete(sock));
      sock.on('error', () => {});
      sock.setEncoding('utf8');
      let buf = '';
      sock.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const parsed = parseCommand(line);
          if (!parsed.ok) {
            sock.write(encode({ type: 'reply', id: parsed.id, ok: false, error: parsed.error }));
            continue;
          }
          this.received.push(parsed.cmd);
          const r = this.reply(parsed.cmd);
          sock.write(encode(r.ok ? { type: 'reply', id: parsed.cmd.id, ok: true, message: r.message } : { type: 'reply', id: parsed.cmd.id, ok: false, error: r.error }));
        }
      });
      sock.write(encode({ type: 'hello', protocol: this.protocol, coreVersion: '0.1.0', pid: 4242 }));
      sock.write(encode({ type: 'snapshot', seq: ++this.seq, snapshot: this.snapshot }));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
  }

  /** Replace top-level keys, and push them as a patch to every client. */
  patch(changes: Partial<Snapshot>): void {
    this.snapshot = { ...this.snapshot, ...changes };
    this.broadcast({ type: 'patch', seq: ++this.seq, changes });
  }

  broadcast(msg: ServerMessage): void {
    for (const c of this.clients) c.write(encode(msg));
  }

  /** Say bye and go away (the socket file is removed, like a core that stopped). */
  async stop(reason = 'shutdown'): Promise<void> {
    this.broadcast({ type: 'bye', reason });
    const server = this.server;
    this.server = null;
    for (const c of this.clients) c.end();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const c of this.clients) c.destroy();
  }
}
