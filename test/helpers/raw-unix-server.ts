// A raw Unix-socket server whose per-connection behaviour a test scripts: the misbehaving peer the control
// clients (src/control/client.ts, ui/client.ts) are tested against.
import net from 'node:net';
import path from 'node:path';

export async function rawUnixServer(dir: string, name: string, onConn: (s: net.Socket) => void): Promise<{ path: string; close: () => Promise<void> }> {
  const p = path.join(dir, name);
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('error', () => {});
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(p, r));
  return {
    path: p,
    close: () =>
      new Promise<void>((r) => {
        for (const s of socks) s.destroy();
        server.close(() => r());
      }),
  };
}
