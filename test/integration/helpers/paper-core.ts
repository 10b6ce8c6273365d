// The real core on the paper exchange server: a fresh key pair, the settings from TIERHUNTER_* values,
// the BackpackAdapter on the sim's URLs and an Engine with in-memory sinks, all on one shared clock.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningSim } from '../../../src/sim/index.js';
import { BackpackAdapter } from '../../../src/exchange/backpack/adapter.js';
import { Engine } from '../../../src/core/engine.js';
import { generateKeyPair, loadKeyPair, type KeyPair } from '../../../src/exchange/backpack/signing.js';
import { resolveSettings, type Settings } from '../../../src/config/settings.js';
import type { Clock } from '../../../src/util/clock.js';
import { MemJournal, MemLog, MemLogger, MemRunState } from '../../core/helpers/harness.js';

export interface PaperCore {
  keys: KeyPair;
  settings: Readonly<Settings>;
  adapter: BackpackAdapter;
  journal: MemJournal;
  logger: MemLogger;
  engine: Engine;
}

export function paperCore(sim: RunningSim, clock: Clock, env: Record<string, string>): PaperCore {
  const kp = generateKeyPair();
  const keys = loadKeyPair(kp.secret, kp.apiKey);
  const settings = resolveSettings({}, env);
  const adapter = new BackpackAdapter({ restUrl: sim.restUrl, wsUrl: sim.wsUrl, keys, settings, clock });
  const journal = new MemJournal();
  const logger = new MemLogger();
  const engine = new Engine({
    port: adapter, clock, settings, runMode: 'paper', journal, stats: new MemLog(), logger,
    runState: new MemRunState(), coreVersion: 'test', logFile: 'log.txt',
  });
  return { keys, settings, adapter, journal, logger, engine };
}

/**
 * Start the core, let it trade for `wallMs`, flatten everything, and wait (30 s of wall time at most)
 * until `flat()` holds; returns whether it did.
 */
export async function tradeThenFlatten(engine: Engine, wallMs: number, flat: () => boolean): Promise<boolean> {
  await engine.start();
  await sleep(wallMs);
  const r = await engine.command({ name: 'flatten' });
  if (!r.ok) throw new Error(`flatten failed: ${r.error}`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !flat()) await sleep(100);
  return flat();
}
