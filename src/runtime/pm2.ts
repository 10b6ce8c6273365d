// Process lifecycle under pm2 (or a plain shell): tell pm2 we are ready (wait_ready), and turn
// SIGINT/SIGTERM into ONE orderly async shutdown with a hard deadline, so a stuck exchange call can
// never keep the process alive past pm2's kill_timeout. A second signal means "now": exit at once.

/** Under pm2 with `wait_ready: true`, pm2 waits for this message before counting the app as online. */
export function signalReady(proc: { send?: ((msg: 'ready') => unknown) | undefined } = process): boolean {
  if (typeof proc.send !== 'function') return false;
  // Only when pm2 (or another IPC parent) started us; a plain fork parent ignores an unknown message.
  proc.send('ready');
  return true;
}

export interface ShutdownOptions {
  /** Stop quoting, cancel every order, write the final stats block. */
  shutdown: (signal: string) => Promise<void>;
  /** Hard limit for the whole shutdown (the issue asks for exit within 8 s). */
  deadlineMs?: number;
  /** What the shutdown does, for the log line (default: the core's). */
  action?: string;
  log?: (line: string) => void;
  /** Injected for tests. */
  exit?: (code: number) => void;
  proc?: Pick<NodeJS.Process, 'on' | 'off'>;
  signals?: readonly NodeJS.Signals[];
  /** A repeat within this many ms is the same request (tools like timeout(1) signal child and group). */
  repeatGraceMs?: number;
  now?: () => number;
}

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 7500;
/** With TIERHUNTER_FLATTEN_ON_STOP: up to 5 s of exits, then the usual stop; below pm2's kill_timeout of 12 s. */
export const FLATTEN_STOP_DEADLINE_MS = 11_000;
/** A repeat of the first signal this soon is a library re-raising it (see onSignal), not a second request. */
const ECHO_MS = 100;

/** Install the handlers; returns a function that removes them. */
export function installShutdownHandlers(opts: ShutdownOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const proc = opts.proc ?? process;
  const log = opts.log ?? (() => undefined);
  const deadlineMs = opts.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  const signals = opts.signals ?? (['SIGINT', 'SIGTERM'] as const);
  const now = opts.now ?? Date.now;
  const repeatGraceMs = opts.repeatGraceMs ?? 1000;
  let started = false;
  let startedAt = 0;
  let deadline: NodeJS.Timeout | null = null;

  let firstSignal: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    // conf's atomic writer (atomically -> when-exit) catches the first signal, purges its temp files and
    // raises the same signal again a few ms later: that echo is not the operator asking twice.
    if (started && signal === firstSignal && now() - startedAt < ECHO_MS) return;
    if (started && now() - startedAt < repeatGraceMs) {
      log(`${signal} again: already shutting down (send it again after ${repeatGraceMs} ms to exit at once)`);
      return;
    }
    if (started) {
      log(`${signal} again: exiting now without finishing shutdown`);
      exit(130);
      return;
    }
    started = true;
    startedAt = now();
    firstSignal = signal;
    log(`${signal} received: ${opts.action ?? 'stopping quotes and cancelling orders'} (deadline ${deadlineMs} ms)`);
    deadline = setTimeout(() => {
      log(`shutdown did not finish within ${deadlineMs} ms: exiting anyway`);
      exit(1);
    }, deadlineMs);
    deadline.unref();
    opts.shutdown(signal).then(
      () => {
        if (deadline) clearTimeout(deadline);
        exit(0);
      },
      (err: unknown) => {
        if (deadline) clearTimeout(deadline);
        log(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        exit(1);
      },
    );
  };
  for (const s of signals) proc.on(s, onSignal);
  return () => {
    for (const s of signals) proc.off(s, onSignal);
    if (deadline) clearTimeout(deadline);
  };
}
