// runBacktest: the REAL trading core (strategy, order tracker, risk gate, ledger: the Engine) or the
// symmetric baseline, on the paper exchange's matching engine and market model through BacktestPort,
// in virtual time, as fast as the CPU allows. Deterministic: everything is driven by one VirtualClock
// and the sim's seeded PRNG; only `report.perf` depends on the machine.
//
// The loop: fire the timers due at the next timer time (model events, marks, funding, the engine's
// housekeeping and wake-ups, requests and events in flight on the latency link), deliver the events that
// are due, then yield one macrotask so promise chains the handlers started (placeOrder -> outcome) settle
// before simulated time moves on. The core therefore reacts at the millisecond it sees an event, and its
// requests meet the book after the entry latency (src/sim/latency.ts; default: a VPS near the exchange).
import type { Settings } from '../config/settings.js';
import { renderSetting } from '../config/settings.js';
import { Engine } from '../core/engine.js';
import type { AccountFees, ExchangeEvent } from '../exchange/types.js';
import { BacktestPort, type BacktestPortOptions } from '../sim/backtest-port/port.js';
import { findMarketSpec } from '../sim/model/markets.js';
import { ZERO } from '../util/decimal.js';
import { LatencyModel, VPS_LATENCY, type LatencySettings } from '../sim/latency.js';
import type { MarketFilters, MarketSpecFile } from '../sim/model/spec.js';
import { VirtualClock } from '../util/clock.js';
import { join } from 'node:path';
import { coreVersion } from '../runtime/version.js';
import { simTapeHeader } from '../sim/public-tape.js';
import { TapeWriter } from '../tape/writer.js';
import { FillMetrics } from './fill-metrics.js';
import { MarketObserver } from './market-observer.js';
import { buildReport, InventoryWatch, type BacktestReport, type StrategyName } from './report.js';
import { backtestSettings } from './settings.js';
import { CountingLogger, LastBlockLog, MemoryJournal, MemoryRunState } from './sinks.js';
import { watchSimFills } from './sim-fills.js';
import { SymmetricQuoter } from './symmetric.js';

export const DEFAULT_SYMBOLS = ['SOL_USDC_PERP', 'BTC_USDC_PERP', 'ETH_USDC_PERP'];
/** Virtual start of every run (fixed so reports do not depend on the date). */
export const BACKTEST_START_MS = Date.UTC(2026, 0, 1);
/** Time the stop path is given per round while it cancels everything. */
const STEP_MS = 100;
/**
 * Finished orders the paper exchange keeps per account: the core only looks up orders of the last seconds
 * (findOrder when an outcome is unknown), and keeping every one made a day's run mostly garbage collection.
 */
const HISTORY_LIMIT = 20_000;
/** Report progress every this much simulated time. */
const PROGRESS_EVERY_MS = 60_000;

export interface BacktestOptions {
  hours: number;
  seed: number;
  symbols: string[];
  overrides: Record<string, string>;
  strategy?: StrategyName;
  /** Markets to run (their filters and dynamics); default the built-in paper markets. */
  marketSpec?: MarketSpecFile;
  /** Client-exchange latency; default VPS_LATENCY. */
  latency?: LatencySettings;
  /** Write each market's public stream to DIR/<symbol>.tape (a tape like `tierhunter record` writes). */
  marketTapeDir?: string;
  /** Fee rates of the account (`--set feeTier=...`, bps); the paper exchange's defaults (Tier 1) otherwise. */
  fees?: AccountFees;
  onProgress?: (doneMs: number, totalMs: number) => void;
}

/** The settings a report lists (the ones that shape quoting). */
export const REPORTED: ReadonlyArray<keyof Settings> = [
  'sideMode',
  'orderNotional',
  'improveTicks',
  'refreshToleranceTicks',
  'minRequoteMs',
  'exitEscalation',
  'exitEscalateAfterSec',
  'exitAdverseBps',
  'tradeLookbackSec',
  'imbalanceEmaAlpha',
  'imbalanceThreshold',
  'minSideHoldSec',
  'inventoryThreshold',
  'forceReduceOnInventory',
  'maxPositionNotional',
  'sessionLossLimit',
];

/** A BacktestPort that lets an observer see each event right after the strategy handled it. */
class ObservedExchange extends BacktestPort {
  observer: ((e: ExchangeEvent) => void) | null = null;
  constructor(o: BacktestPortOptions) {
    super(o);
  }
  override start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    return super.start(symbols, (e) => {
      onEvent(e);
      this.observer?.(e);
    });
  }
}

/** Everything a run produced, for tests that check the report against the exchange's own records. */
export interface BacktestRun {
  report: BacktestReport;
  exchange: BacktestPort;
  journal: MemoryJournal;
  logger: CountingLogger;
  engine: Engine | null;
  settings: Readonly<Settings>;
}

export async function runBacktest(opts: BacktestOptions): Promise<BacktestReport> {
  return (await runBacktestDetailed(opts)).report;
}

export async function runBacktestDetailed(opts: BacktestOptions): Promise<BacktestRun> {
  if (!(opts.hours > 0) || !Number.isFinite(opts.hours)) throw new RangeError('hours must be a positive number');
  const strategy = opts.strategy ?? 'engine';
  const specMarkets = opts.marketSpec?.markets ?? null;
  const symbols = opts.symbols.length > 0 ? opts.symbols : specMarkets ? specMarkets.map((m) => m.symbol) : DEFAULT_SYMBOLS;
  const settings = backtestSettings(opts.overrides, symbols);
  const clock = new VirtualClock(BACKTEST_START_MS);
  const latency = opts.latency ?? VPS_LATENCY;
  const markets = specMarkets ? settings.symbols.map((s) => specMarkets.find((m) => m.symbol === s) ?? s) : [...settings.symbols];
  const exchange = new ObservedExchange({
    clock,
    seed: opts.seed,
    markets,
    latency: new LatencyModel(latency, opts.seed),
    exchangeOptions: {
      historyLimit: HISTORY_LIMIT,
      startingBalances: spotStartingBalances(settings, specMarkets),
      ...(opts.fees ? { fees: simFees(opts.fees) } : {}),
    },
  });
  const fillMetrics = new FillMetrics();
  const unwatchFills = watchSimFills(exchange.exchange, exchange.apiKey, settings.symbols, fillMetrics);
  const tapes = opts.marketTapeDir === undefined ? null : await openMarketTapes(exchange, settings.symbols, opts.marketTapeDir);
  const observer = new MarketObserver(exchange.exchange, settings.symbols, tapes ? (s, e) => tapes.get(s)?.write(e) : null);
  const journal = new MemoryJournal();
  const logger = new CountingLogger();
  const wallStart = performance.now();

  let engine: Engine | null = null;
  let stop: () => Promise<void>;
  let source: { stats: Engine['view']['stats']; ordersPlaced: number; cancelsSent: number };
  if (strategy === 'engine') {
    const e = new Engine({
      port: exchange,
      clock,
      settings,
      runMode: 'paper',
      journal,
      stats: new LastBlockLog(),
      logger,
      runState: new MemoryRunState(),
      coreVersion: 'backtest',
      logFile: '(memory)',
    });
    engine = e;
    source = e.view;
    exchange.observer = (ev) => inventory.after(ev);
    await drive(clock, exchange, e.start());
    stop = () => e.stop();
  } else {
    const q = new SymmetricQuoter(exchange, clock, settings, logger);
    source = q;
    exchange.observer = (ev) => inventory.after(ev);
    await drive(clock, exchange, q.start());
    stop = () => q.stop();
  }
  const inventory = new InventoryWatch((sym) => source.stats.ledger(sym).position);

  const start = clock.now();
  const total = opts.hours * 3_600_000;
  const end = start + total;
  let nextProgress = start + PROGRESS_EVERY_MS;
  await pump(exchange);
  while (clock.now() < end) {
    const next = clock.peek();
    clock.runUntil(next === null ? end : Math.min(end, next));
    await pump(exchange);
    if (opts.onProgress && clock.now() >= nextProgress) {
      nextProgress += PROGRESS_EVERY_MS;
      opts.onProgress(clock.now() - start, total);
    }
  }
  // Stop like the bot does (cancel everything); the stop path waits on clock timers, so keep time moving.
  let stopped = false;
  const stopping = stop().then(() => {
    stopped = true;
  });
  for (let i = 0; i < 200 && !stopped; i++) {
    clock.runUntil(clock.now() + STEP_MS);
    await pump(exchange);
  }
  await stopping;
  observer.stop();
  unwatchFills();
  if (tapes) for (const w of tapes.values()) await w.close('end');
  opts.onProgress?.(total, total);

  const f = source.stats.figures();
  const fm = fillMetrics.result(end * 1000, total, { fills: f.fills, volume: f.volume, fees: f.fees, netPnl: f.netPnl });
  const rendered: Record<string, string> = {};
  for (const k of REPORTED) rendered[k] = renderSetting(settings[k]);
  const report = buildReport({
    strategy,
    seed: opts.seed,
    hours: opts.hours,
    symbols: [...settings.symbols],
    settings: rendered,
    stats: source.stats,
    ordersPlaced: source.ordersPlaced,
    cancelsSent: source.cancelsSent,
    inventory,
    spot: spotEnd(exchange, settings, specMarkets),
    fillMetrics: fm,
    market: observer.market(),
    latency,
    marketSpecNote: specMarkets ? specMarkets.filter((m) => settings.symbols.includes(m.symbol)).map((m) => `${m.symbol}: ${m.provenance.note}`) : null,
    wallMs: performance.now() - wallStart,
  });
  return { report, exchange, journal, logger, engine, settings };
}

/**
 * The paper account starts with 10,000 USDC and, per spot market, exactly its spotTargetBase of the base
 * asset (default 0): every run starts flat. Spot market making needs both assets, and gets them the way a
 * tier hunter does: the quote buys the base, the exits sell it back (the bot never sells below the target).
 */
export function spotStartingBalances(settings: Readonly<Settings>, specMarkets: readonly MarketFilters[] | null = null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const sym of settings.symbols) {
    const spec = marketFilters(sym, specMarkets);
    const target = settings.spotTargetBase[sym];
    if (spec?.marketType === 'SPOT' && target !== undefined && target.gt(0)) out[spec.baseSymbol] = target.toFixed();
  }
  return out;
}

/** The spot figures a report shows: the base held at the end (by the exchange) and the target. */
function spotEnd(exchange: BacktestPort, settings: Readonly<Settings>, specMarkets: readonly MarketFilters[] | null): Record<string, { baseAsset: string; endBaseBalance: string; target: string }> {
  const out: Record<string, { baseAsset: string; endBaseBalance: string; target: string }> = {};
  const balances = exchange.exchange.balances(exchange.apiKey);
  for (const sym of settings.symbols) {
    const spec = marketFilters(sym, specMarkets);
    if (spec?.marketType !== 'SPOT') continue;
    const b = balances.get(spec.baseSymbol);
    out[sym] = { baseAsset: spec.baseSymbol, endBaseBalance: b ? b.available.plus(b.locked).toFixed() : '0', target: (settings.spotTargetBase[sym] ?? ZERO).toFixed() };
  }
  return out;
}

/** A market's filters: from the --market-spec file when it has the symbol, else the built-in markets. */
function marketFilters(symbol: string, specMarkets: readonly MarketFilters[] | null): MarketFilters | undefined {
  return specMarkets?.find((m) => m.symbol === symbol) ?? findMarketSpec(symbol);
}

function simFees(f: AccountFees): Record<'futuresMaker' | 'futuresTaker' | 'spotMaker' | 'spotTaker', string> {
  return { futuresMaker: f.futuresMakerFeeBps.toFixed(), futuresTaker: f.futuresTakerFeeBps.toFixed(), spotMaker: f.spotMakerFeeBps.toFixed(), spotTaker: f.spotTakerFeeBps.toFixed() };
}

async function openMarketTapes(x: BacktestPort, symbols: readonly string[], dir: string): Promise<Map<string, TapeWriter>> {
  const out = new Map<string, TapeWriter>();
  for (const s of symbols) {
    const m = x.exchange.market(s)!;
    const header = simTapeHeader(m, { version: coreVersion(), command: 'backtest' }, new Date().toISOString());
    out.set(s, await TapeWriter.open(join(dir, `${s}.tape`), header));
  }
  return out;
}

/**
 * Await `p` while keeping virtual time moving: with latency, requests made while starting are answered
 * only as the clock advances. Gives up (throws) after 60 simulated seconds.
 */
async function drive<T>(clock: VirtualClock, x: BacktestPort, p: Promise<T>): Promise<T> {
  let done = false;
  const settled = p.finally(() => {
    done = true;
  });
  await pump(x);
  const limit = clock.now() + 60_000;
  while (!done && clock.now() < limit) {
    const next = clock.peek();
    clock.runUntil(next === null ? clock.now() + STEP_MS : Math.min(limit, next));
    await pump(x);
  }
  return settled;
}

/** Deliver queued events and let the handlers' promise chains settle. */
async function pump(x: BacktestPort): Promise<void> {
  x.drain();
  await new Promise<void>((r) => setImmediate(r));
  x.drain();
}
