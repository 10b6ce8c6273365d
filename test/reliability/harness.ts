// Reliability harness: the paper exchange server (faults built in) behind a loopback proxy (counts
// requests server-side, makes the faults the server cannot), the real BackpackAdapter and Engine, an
// invariant watcher sampling the exchange's own records every 10 ms, a final reconciliation of the core's
// stats, journal and positions against the exchange's records, and a catch of unhandled rejections and
// uncaught exceptions for the scenario's lifetime. One ScaledClock is shared by the exchange and the core
// (a skew scenario gives the core an offset view of it).
import { setTimeout as sleep } from 'node:timers/promises';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import type { Faults } from '../../src/sim/server/faults.js';
import { BackpackAdapter } from '../../src/exchange/backpack/adapter.js';
import { Engine } from '../../src/core/engine.js';
import type { JournalFill, JournalSink, StatsSink } from '../../src/core/ports.js';
import { generateKeyPair, loadKeyPair, type KeyPair } from '../../src/exchange/backpack/signing.js';
import { resolveSettings, type Settings } from '../../src/config/settings.js';
import { DerivedClock, ScaledClock, type Clock } from '../../src/util/clock.js';
import { D, type Decimal } from '../../src/util/decimal.js';
import type { Snapshot } from '../../src/control/protocol.js';
import { MemJournal, MemLog, MemLogger, MemRunState } from '../core/helpers/harness.js';
import { ExchangeProxy } from './proxy.js';
import { SpyPort } from './spy-port.js';
import { InvariantWatcher, recordMismatches, reduceOnlyFlips, type CoreStatsData } from './invariants.js';

export const DEFAULT_SYMBOLS = ['SOL_USDC_PERP', 'ETH_USDC_PERP'];

/** The shared clock seen `offsetMs` off (a bot machine whose clock is wrong). */
export class OffsetClock extends DerivedClock {
  constructor(
    inner: Clock,
    readonly offsetMs: number,
  ) {
    super(inner);
  }
  now(): number {
    return this.inner.now() + this.offsetMs;
  }
}

/** Collects unhandled rejections and uncaught exceptions while installed. */
export class CrashCatcher {
  readonly errors: string[] = [];
  private readonly onRejection = (r: unknown) => void this.errors.push(`unhandledRejection: ${r instanceof Error ? r.stack : String(r)}`);
  private readonly onException = (e: Error) => void this.errors.push(`uncaughtException: ${e.stack ?? e.message}`);
  install(): void {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
  }
  uninstall(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }
}

export interface HarnessOptions {
  seed?: number;
  /** Shared clock speed (simulated ms per wall ms). */
  speed?: number;
  symbols?: string[];
  /** Extra TIERHUNTER_* settings. */
  env?: Record<string, string>;
  faults?: Partial<Faults>;
  /** The core's clock is this far off the exchange's (ms). */
  coreClockOffsetMs?: number;
  journal?: JournalSink & { load(): JournalFill[] };
  stats?: StatsSink;
  /** Position notional limit (USDC). */
  limit?: string;
  /** Runs after the exchange, proxy and keys exist and before the engine starts (seed history, set hooks). */
  beforeStart?: (h: Harness) => void | Promise<void>;
}

export interface Harness {
  clock: ScaledClock;
  coreClock: Clock;
  sim: RunningSim;
  proxy: ExchangeProxy;
  keys: KeyPair;
  settings: Readonly<Settings>;
  adapter: BackpackAdapter;
  spy: SpyPort;
  engine: Engine;
  journal: JournalSink & { load(): JournalFill[] };
  logger: MemLogger;
  watcher: InvariantWatcher;
  crashes: CrashCatcher;
  symbols: string[];
  limit: Decimal;
  /** Simulated ms -> wall ms. */
  wall(simMs: number): number;
  /** Sleep `simMs` of simulated time. */
  run(simMs: number): Promise<void>;
  /** Poll until `pred` holds (wall timeout); returns whether it did. */
  until(pred: () => boolean, wallTimeoutMs: number): Promise<boolean>;
  fills(): number;
  snapshot(): Snapshot;
  coreStats(): Promise<CoreStatsData>;
  corePositions(): Record<string, string>;
  /**
   * Pause the core, wait until nothing of ours rests and the core tracks nothing, let events settle, then
   * return every invariant violation and record mismatch (empty = all good).
   */
  settleAndCheck(opts?: { pnl?: boolean }): Promise<string[]>;
  stop(): Promise<void>;
}

const live = new Set<Harness>();

/** Wait for `p` at most `ms` of wall time (its outcome is then ignored). */
function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | null = null;
  return Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((r) => (t = setTimeout(r, ms)))]).finally(() => {
    if (t) clearTimeout(t);
  });
}

/** Stop every harness still running (a timed-out test never reaches its finally): `after(stopAllHarnesses)`. */
export async function stopAllHarnesses(): Promise<void> {
  for (const h of [...live]) await h.stop().catch(() => undefined);
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const crashes = new CrashCatcher();
  crashes.install();
  const speed = o.speed ?? 10;
  const clock = new ScaledClock(speed);
  const coreClock: Clock = o.coreClockOffsetMs ? new OffsetClock(clock, o.coreClockOffsetMs) : clock;
  const symbols = o.symbols ?? DEFAULT_SYMBOLS;
  const limit = D(o.limit ?? '200');
  const sim = await startSim({ port: 0, seed: o.seed ?? 11, clock, ...(o.faults ? { faults: o.faults } : {}) });
  const proxy = new ExchangeProxy(sim.port, clock);
  await proxy.start();
  const kp = generateKeyPair();
  const keys = loadKeyPair(kp.secret, kp.apiKey);
  const settings = resolveSettings(
    {},
    {
      TIERHUNTER_SYMBOLS: symbols.join(','),
      TIERHUNTER_MAX_POSITION_NOTIONAL: limit.toString(),
      TIERHUNTER_ORDER_NOTIONAL: '50',
      TIERHUNTER_SESSION_LOSS_LIMIT: '0',
      // Wall-clock REST timeout (the transport's timer is real time): short, so a lost reply resolves fast.
      TIERHUNTER_REQUEST_TIMEOUT_MS: '1500',
      ...o.env,
    },
  );
  const adapter = new BackpackAdapter({ restUrl: proxy.restUrl, wsUrl: proxy.wsUrl, keys, settings, clock: coreClock, wsBackoffBaseMs: 200, startTimeoutMs: 10_000 });
  const spy = new SpyPort(adapter, coreClock);
  const journal = o.journal ?? new MemJournal();
  const logger = new MemLogger();
  const engine = new Engine({
    port: spy,
    clock: coreClock,
    settings,
    runMode: 'paper',
    journal,
    stats: o.stats ?? new MemLog(),
    logger,
    runState: new MemRunState(),
    coreVersion: 'reliability',
    logFile: 'log.txt',
  });
  const watcher = new InvariantWatcher(sim.exchange, keys.apiKey, limit);
  watcher.start();

  const h: Harness = {
    clock,
    coreClock,
    sim,
    proxy,
    keys,
    settings,
    adapter,
    spy,
    engine,
    journal,
    logger,
    watcher,
    crashes,
    symbols,
    limit,
    wall: (simMs) => simMs / speed,
    run: (simMs) => sleep(simMs / speed),
    async until(pred, wallTimeoutMs) {
      const end = Date.now() + wallTimeoutMs;
      while (Date.now() < end) {
        if (pred()) return true;
        await sleep(10);
      }
      return pred();
    },
    fills: () => sim.exchange.fills(keys.apiKey, { limit: 10_000_000 }).length,
    snapshot: () => engine.snapshot(),
    async coreStats() {
      const r = await engine.command({ name: 'stats' });
      if (!r.ok) throw new Error(`stats command failed: ${r.error}`);
      return r.data as CoreStatsData;
    },
    corePositions() {
      const out: Record<string, string> = {};
      for (const s of symbols) out[s] = engine.view.stats.ledger(s).position.toString();
      return out;
    },
    async settleAndCheck(opts = {}) {
      const problems: string[] = [];
      // Flat first: realized PnL is then independent of the order fills were learned in (a fill recovered
      // late is applied after newer ones), so it can be compared exactly with the exchange's.
      const fl = await engine.command({ name: 'flatten' });
      if (!fl.ok) problems.push(`flatten failed: ${fl.error}`);
      const flat = await h.until(() => sim.exchange.positions(keys.apiKey).every((p) => D(p.netQuantity).isZero()), 25_000);
      if (!flat) problems.push(`not flat after flatten: ${JSON.stringify(sim.exchange.positions(keys.apiKey).map((p) => [p.symbol, p.netQuantity]))}`);
      const r = await engine.command({ name: 'pause' });
      if (!r.ok) problems.push(`pause failed: ${r.error}`);
      const quiet = await h.until(() => sim.exchange.openOrders(keys.apiKey).length === 0 && symbols.every((s) => engine.view.tracker.get(s) === null), 15_000);
      if (!quiet) problems.push(`orders still working after pause: exchange ${sim.exchange.openOrders(keys.apiKey).length}, core ${symbols.filter((s) => engine.view.tracker.get(s) !== null).join(',')}`);
      // Let the last order/position events and any reconciliation land. On a busy machine the last fill's
      // frame can take longer than that: wait (bounded) until the core has as many fills as the exchange;
      // a fill really lost still shows as a mismatch below, only 10 s later.
      await h.run(3000);
      await h.until(() => !engine.view.connDown, 10_000);
      const exchangeFills = () => symbols.reduce((n, s) => n + sim.exchange.fillPage(keys.apiKey, { symbol: s, limit: 0 }).total, 0);
      await h.until(() => engine.view.stats.figures().fills >= exchangeFills(), 10_000);
      await sleep(200);
      watcher.sample();
      problems.push(...watcher.violations.map((v) => `invariant: ${v}`));
      problems.push(...reduceOnlyFlips(sim.exchange, keys.apiKey).map((v) => `invariant: ${v}`));
      problems.push(
        ...recordMismatches({
          ex: sim.exchange,
          key: keys.apiKey,
          symbols,
          stats: await h.coreStats(),
          positions: h.corePositions(),
          journal: journal.load(),
          ...(opts.pnl === false ? { pnl: false } : {}),
        }),
      );
      problems.push(...crashes.errors);
      if (adapter.handlerErrors > 0) problems.push(`core handler threw ${adapter.handlerErrors} time(s): ${adapter.lastHandlerError}`);
      return problems;
    },
    async stop() {
      if (!live.delete(h)) return;
      watcher.stop();
      // Bounded at every step: a scenario that failed mid-fault must never keep the test process alive.
      try {
        await bounded(engine.stop(), 10_000);
      } finally {
        await bounded(adapter.close().catch(() => undefined), 3000);
        await bounded(proxy.stop(), 3000);
        await bounded(sim.stop(), 5000);
        // Late rejections from torn-down sockets still count: give them a tick to surface.
        await sleep(20);
        crashes.uninstall();
      }
    },
  };
  live.add(h);
  try {
    await o.beforeStart?.(h);
    await engine.start();
  } catch (e) {
    await h.stop();
    throw e;
  }
  return h;
}

/** Human-readable dump of a failed scenario (log tail), kept short. */
export function tail(logger: MemLogger, n = 25): string {
  return logger.lines.slice(-n).join('\n');
}

/**
 * Fill one of our resting orders now with a background taker (the queue ahead of it first). `share` of
 * its remaining quantity (rounded to the step by the exchange's units). Returns the order id, or null
 * when nothing of ours rests.
 */
export function fillResting(h: Harness, share = 1, symbol?: string, entryOnly = false): string | null {
  const ex = h.sim.exchange;
  const o = ex.openOrders(h.keys.apiKey).find((x) => (symbol === undefined || x.symbol === symbol) && !(entryOnly && x.reduceOnly === true));
  if (!o || o.price === null || o.quantity === null) return null;
  const m = ex.market(o.symbol)!;
  const ahead = D(ex.queueAhead(h.keys.apiKey, o.id) ?? '0');
  const rem = D(o.quantity).minus(D(o.executedQuantity));
  let take = rem.mul(share).toDecimalPlaces(m.qs.scale, 1);
  if (take.lte(0)) take = rem;
  // Better-priced levels fill before ours: take again until our order traded (a few rounds at most).
  for (let round = 0; round < 10; round++) {
    ex.takeLiquidity(o.symbol, o.side === 'Bid' ? 'Ask' : 'Bid', ahead.plus(take).toFixed(), o.price!.toFixed());
    const now = ex.openOrders(h.keys.apiKey, o.symbol).find((x) => x.id === o.id);
    if (!now || !D(now.executedQuantity).eq(D(o.executedQuantity))) break;
  }
  return o.id;
}
