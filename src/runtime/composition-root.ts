// The composition root: the one place that builds a running core from the environment: config ->
// (paper: in-process paper exchange on loopback + a kept paper key pair | live: the operator's keys and
// BPX_* urls) -> BackpackAdapter -> Engine with the file edges -> control socket -> start. The control
// socket is bound BEFORE the engine starts: if another core owns it we stop there, before this one
// cancels "orphaned" orders that are really the other core's working orders.
import { join } from 'node:path';
import { loadConfig, type Config } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { ControlServer } from '../control/server.js';
import { defaultSocketPath } from '../control/socket-file.js';
import { Engine } from '../core/engine.js';
import { BackpackAdapter } from '../exchange/backpack/adapter.js';
import { loadKeyPair, type KeyPair } from '../exchange/backpack/signing.js';
import { PAPER_RETENTION, startSim, type RunningSim } from '../sim/index.js';
import { SystemClock } from '../util/clock.js';
import { FileJournal } from './journal.js';
import { LogFile } from './logfile.js';
import { ConsoleLogger } from './logger.js';
import { loadOrCreatePaperKeys } from './paper-keys.js';
import { coreVersion } from './version.js';
import { livePreflight } from './preflight.js';
import { FileRunStateStore } from './run-state.js';

export interface StartCoreOptions {
  env?: NodeJS.ProcessEnv;
  /** Working directory that a relative TIERHUNTER_LOG_FILE resolves against. */
  cwd?: string;
  /** Where stdout lines go (default process.stdout; the embedded TUI redirects them to a file). */
  out?: (line: string) => void;
  /** Override the control socket path (tests). */
  socketPath?: string;
}

export interface RunningCore {
  config: Readonly<Config>;
  engine: Engine;
  control: ControlServer;
  adapter: BackpackAdapter;
  /** The in-process paper exchange (paper mode only). */
  sim: RunningSim | null;
  logger: ConsoleLogger;
  socketPath: string;
  /** Stop quoting, cancel every order, final stats block, close the socket and the paper exchange. Idempotent. */
  stop(): Promise<void>;
}

/** Every spelling of the key material the logger must scrub. */
function secretsOf(env: NodeJS.ProcessEnv, keys: KeyPair | null, paperSecret: string | null): string[] {
  const out: string[] = [];
  if (env['BPX_API_SECRET']) out.push(env['BPX_API_SECRET']);
  if (keys) out.push(Buffer.from(keys.seed).toString('base64'));
  if (paperSecret) out.push(paperSecret);
  return out;
}

function simSeed(env: NodeJS.ProcessEnv): number {
  const raw = env['TIERHUNTER_SIM_SEED'];
  if (raw === undefined || raw.trim() === '') return 1;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError('TIERHUNTER_SIM_SEED', `TIERHUNTER_SIM_SEED=${JSON.stringify(raw)} is invalid: expected a whole number`);
  return Number(raw);
}

function paperPort(env: NodeJS.ProcessEnv): number {
  const raw = env['TIERHUNTER_PAPER_PORT'];
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError('TIERHUNTER_PAPER_PORT', `TIERHUNTER_PAPER_PORT=${JSON.stringify(raw)} is invalid: expected a port 0-65535 (0 = any free port)`);
  return n;
}

export async function startCore(opts: StartCoreOptions = {}): Promise<RunningCore> {
  const env = opts.env ?? process.env;
  const config = loadConfig(env);
  const home = config.home;

  let keys = config.keys;
  let paperSecret: string | null = null;
  if (config.runMode === 'paper') {
    const pk = loadOrCreatePaperKeys(home);
    paperSecret = pk.secret;
    keys = loadKeyPair(pk.secret, pk.apiKey);
  }
  const logger = new ConsoleLogger({ secrets: secretsOf(env, config.keys, paperSecret), ...(opts.out ? { out: opts.out } : {}) });
  const socketPath = opts.socketPath ?? defaultSocketPath(home);

  // Claim the control socket first (see the header): a second core stops here, exit code 2.
  let engine: Engine | null = null;
  const control = await ControlServer.listen({
    socketPath,
    coreVersion: coreVersion(),
    getSnapshot: () => {
      if (!engine) throw new Error('core is starting');
      return engine.snapshot();
    },
    handleCommand: async (cmd) => (engine ? engine.command(cmd) : { ok: false, error: 'core is starting; try again in a moment' }),
    log: (line) => logger.warn(line),
  });

  let sim: RunningSim | null = null;
  let journal: FileJournal | null = null;
  let adapter: BackpackAdapter | null = null;
  try {
    let restUrl = config.restUrl;
    let wsUrl = config.wsUrl;
    if (config.runMode === 'paper') {
      sim = await startSim({ host: '127.0.0.1', port: paperPort(env), seed: simSeed(env), stateFile: join(home, 'paper-exchange.json'), exchange: { ...PAPER_RETENTION, fillLimit: config.settings.paperFillHistory } });
      restUrl = sim.restUrl;
      wsUrl = sim.wsUrl;
      logger.info(`paper mode: paper exchange at ${restUrl} (no BPX_API_KEY set; set it to trade live)`);
    }
    adapter = new BackpackAdapter({ restUrl, wsUrl, keys, settings: config.settings });
    // Live: refuse to start for the reasons `check` would fail, before anything is placed.
    if (config.runMode === 'live') await livePreflight(adapter.rest, config.settings);
    journal = FileJournal.inHome(home, { fsyncIntervalMs: 1000 });
    const logFile = new LogFile(config.settings.logFile, opts.cwd ?? process.cwd());
    engine = new Engine({
      port: adapter,
      clock: new SystemClock(),
      settings: config.settings,
      runMode: config.runMode,
      journal,
      stats: logFile,
      logger,
      runState: new FileRunStateStore(home),
      coreVersion: coreVersion(),
      logFile: logFile.path,
      pid: process.pid,
    });
    const eng = engine;
    const runningAdapter = adapter;
    // The core's change events drive the pushes (the server coalesces them to its push rate).
    eng.events.subscribe((e) => e.type === 'changed' && control.notifyChanged());
    await eng.start();
    control.notifyChanged();

    let stopping: Promise<void> | null = null;
    const runningSim = sim;
    const runningJournal = journal;
    return {
      config,
      engine: eng,
      control,
      adapter: runningAdapter,
      sim,
      logger,
      socketPath,
      stop() {
        stopping ??= (async () => {
          try {
            await eng.stop();
          } finally {
            await control.close();
            runningJournal.close();
            await runningSim?.stop();
          }
        })();
        return stopping;
      },
    };
  } catch (err) {
    // A failed start must not leave a socket, a paper exchange or an open journal behind.
    // Orders are only placed once the engine has started; before that, just close the streams.
    try {
      if (engine?.view.started) await engine.stop();
      else await adapter?.stop();
    } catch {
      // already failing; report the original error
    }
    await control.close('core failed to start');
    journal?.close();
    await sim?.stop();
    throw err;
  }
}
