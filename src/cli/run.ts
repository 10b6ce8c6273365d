// `tierhunter run [--tui]`: the trading core. Paper mode (in-process paper exchange) without BPX_API_KEY,
// live with it. Headless by default (pm2); --tui embeds the dashboard in this terminal, in which case the
// realtime log lines go to $TIERHUNTER_HOME/run/core.log instead of the screen.
// SIGINT/SIGTERM: stop quoting, cancel every order, final stats block, exit 0 within 8 s (11 s when
// TIERHUNTER_FLATTEN_ON_STOP closes the positions first).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreAlreadyRunningError, ControlSocketError } from '../control/socket-file.js';
import { ensurePrivateDir, tierhunterHome } from '../runtime/home.js';
import { DEFAULT_SHUTDOWN_DEADLINE_MS, FLATTEN_STOP_DEADLINE_MS, installShutdownHandlers, signalReady } from '../runtime/pm2.js';
import { startCore, type RunningCore } from '../runtime/composition-root.js';

const USAGE = `usage: tierhunter run [--tui]

Runs the trading core: paper mode (built-in paper exchange on loopback) when BPX_API_KEY is not set,
live at BPX_REST_URL / BPX_WS_URL when it is. Control it with \`tierhunter ctl\` or \`tierhunter attach\`.
  --tui   show the dashboard in this terminal (q stops the core); log lines go to $TIERHUNTER_HOME/run/core.log`;

export async function main(argv: string[]): Promise<number> {
  let tui = false;
  for (const a of argv) {
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    }
    if (a === '--tui') tui = true;
    else {
      console.error(`tierhunter run: unknown argument "${a}"\n${USAGE}`);
      return 2;
    }
  }
  if (tui && (!process.stdin.isTTY || typeof process.stdin.setRawMode !== 'function')) {
    console.error('tierhunter run: --tui needs an interactive terminal (stdin is not a TTY); run without --tui (e.g. under pm2) and attach later with `tierhunter attach`');
    return 2;
  }

  let out: ((line: string) => void) | undefined;
  if (tui) {
    // Ink owns the screen: log lines would tear the dashboard, so they go to a private file.
    const runDir = join(tierhunterHome(), 'run');
    ensurePrivateDir(runDir);
    const file = join(runDir, 'core.log');
    out = (line) => {
      try {
        appendFileSync(file, line + '\n', { mode: 0o600 });
      } catch {
        // the dashboard shows alerts; a lost stdout line is not worth crashing the core
      }
    };
  }

  let core: RunningCore;
  try {
    core = await startCore(out ? { out } : {});
  } catch (err) {
    if (err instanceof CoreAlreadyRunningError || err instanceof ControlSocketError) {
      console.error(`tierhunter run: ${err.message}`);
      return 2;
    }
    throw err;
  }

  const uninstall = installShutdownHandlers({
    shutdown: () => core.stop(),
    log: (line) => core.logger.info(line),
    // A flatten on stop needs its 5 s on top of the cancel: still inside pm2's kill_timeout (12 s).
    deadlineMs: core.config.settings.flattenOnStop ? FLATTEN_STOP_DEADLINE_MS : DEFAULT_SHUTDOWN_DEADLINE_MS,
  });
  // A bug must not leave orders resting: log it (redacted), cancel everything, exit 1 for pm2 to restart.
  let crashing = false;
  const onFatal = (err: unknown): void => {
    core.logger.error(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (crashing) return;
    crashing = true;
    const hard = setTimeout(() => process.exit(1), 8000);
    hard.unref();
    core.stop().finally(() => process.exit(1));
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  signalReady();
  core.logger.info(`control socket ${core.socketPath}`);

  if (!tui) {
    // Headless: the sockets keep the process alive; the signal handlers end it.
    return new Promise<number>(() => undefined);
  }
  const { runTui } = await (await import('../../ui/load.js')).loadTui();
  try {
    await runTui({ socketPath: core.socketPath, mode: 'embedded', onQuit: () => core.stop() });
  } finally {
    await core.stop();
    uninstall();
  }
  return 0;
}
