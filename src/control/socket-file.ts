// The control socket's file: where it lives, and its lifecycle. Before binding, the path is checked (a
// sockaddr_un limit), its directory made 0700, and a socket file left by a crash removed while a live one
// (another core answering on it) stops this start. The bind happens under a restrictive umask and the
// file is then chmod 0600; at shutdown only our own file (same inode) is removed, never one a later core
// bound at the same path. The protocol spoken on it is server.ts's.
import { chmodSync, lstatSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { ensurePrivateDir } from '../runtime/home.js';

/** Longest path a sockaddr_un holds on Linux (108 with the NUL; macOS has 104). */
export const MAX_SOCKET_PATH_BYTES = 103;

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

/** A socket file nobody answers on is left over from a crash: remove it. A live one is another core. */
async function clearStale(path: string): Promise<void> {
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

/** Check the path, make its directory private and clear a stale socket file. Throws the errors above. */
export async function prepareSocketPath(path: string): Promise<void> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new ControlSocketError(`control socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes (a Unix socket limit); use a shorter TIERHUNTER_HOME`);
  }
  // The socket lives in a 0700 directory: even in the instant between bind and chmod nobody else can
  // reach it, because reaching a socket needs search permission on its directory.
  ensurePrivateDir(dirname(path));
  await clearStale(path);
}

/** Bind `server` at `path` (exclusive, restrictive umask), chmod the file 0600; returns its inode. */
export async function bindPrivateSocket(server: Server, path: string): Promise<number> {
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
  return statSync(path).ino;
}

/** Remove the socket file at `path` if it is still the one we bound (inode `ino`); quiet if gone. */
export function removeOwnSocketFile(path: string, ino: number | null): void {
  try {
    // Only our own socket: never delete one a later core bound at the same path.
    if (ino !== null && lstatSync(path).ino !== ino) return;
    unlinkSync(path);
  } catch {
    // already gone
  }
}
