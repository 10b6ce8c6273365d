// runReplay: the REAL trading core (the Engine, unchanged) on the replay exchange over recorded tapes, in
// virtual time: `tierhunter backtest --tape FILE [--tape FILE ...]`. The clock is the tapes' local clock;
// the engine starts a second before the first event so it is subscribed when the market begins.
// Deterministic: the same tapes, settings and seed give the same report (only `perf` depends on the machine).
import type { Settings } from '../config/settings.js';
import { renderSetting } from '../config/settings.js';
import { ConfigError } from '../config/errors.js';
import { Engine } from '../core/engine.js';
import type { JournalSink } from '../core/ports.js';
import type { AccountFees, ExchangeEvent } from '../exchange/types.js';
import { ReplayExchange, type TapeReplayFacts } from '../replay/exchange.js';
import { calibrate, TapeFeed, type FeedMode } from '../replay/feed.js';
import { engineSymbol, ReplayMarket, type MarketOverrides } from '../replay/market.js';
import { queueModel, type QueueModelName } from '../replay/queue.js';
import { LatencyModel, type LatencySettings } from '../sim/latency.js';
import { TapeFormatError } from '../tape/decode.js';
import { TapeReader } from '../tape/reader.js';
import { VirtualClock } from '../util/clock.js';
import { FillMetrics } from './fill-metrics.js';
import { buildReport, InventoryWatch, type BacktestReport } from './report.js';
import { REPORTED } from './run.js';
import { backtestSettings } from './settings.js';
import { CountingLogger, LastBlockLog, MemoryJournal, MemoryRunState } from './sinks.js';

export interface ReplayOptions {
  tapes: string[];
  overrides: Record<string, string>;
  queue: QueueModelName;
  queuePower: number;
  /** src/sim/latency.ts; feedMs is ignored when `feed` is 'tape' and the tape has exchange times. */
  latency: LatencySettings;
  feed: 'tape' | 'fixed';
  seed: number;
  fees: AccountFees;
  /** Per tape (by engine symbol, or '*' for every tape): tick/step overrides. */
  markets?: Record<string, MarketOverrides>;
  /** Where the engine journals its fills (default: kept in memory for the caller). */
  journal?: JournalSink;
  /** Sees every event the engine got, right after it handled it (tests, debugging). */
  observe?: (e: ExchangeEvent) => void;
}

export interface ReplayFacts {
  tapes: Array<TapeReplayFacts & { file: string; tapeSymbol: string; venue: string; market: string; qtyUnit: string; tickSize: string; stepSize: string; spanSec: number }>;
  queue: { model: QueueModelName; power: number | null };
  /** Where the feed latency came from (the report's latencyMs holds the settings): 'from the tape', or 'N ms'. */
  feedLatency: string;
  events: number;
  spanSec: number;
}

export interface ReplayReport extends BacktestReport {
  replay: ReplayFacts;
}

export interface ReplayRun {
  report: ReplayReport;
  exchange: ReplayExchange;
  engine: Engine;
  journal: JournalSink;
  logger: CountingLogger;
  settings: Readonly<Settings>;
}

/** The engine starts this long before the first tape event. */
const LEAD_MS = 1000;
/** Time the engine gets to stop (cancels travel with latency). */
const STOP_MS = 30_000;

export interface OpenedReplay {
  exchange: ReplayExchange;
  clock: VirtualClock;
  metrics: FillMetrics;
  symbols: string[];
  inputs: Array<{ market: ReplayMarket; file: string; feedNote: string }>;
}

/** Calibrate and open the tapes, and build the replay exchange over them (no engine yet). */
export async function openReplay(o: Omit<ReplayOptions, 'overrides'>): Promise<OpenedReplay> {
  if (o.tapes.length === 0) throw new ConfigError('--tape', 'backtest --tape needs at least one tape file');
  const latency = new LatencyModel(o.latency, o.seed);
  const inputs: Array<{ feed: TapeFeed; market: ReplayMarket; file: string; feedNote: string }> = [];
  for (const file of o.tapes) {
    const cal = await calibrate(file).catch((e: unknown) => {
      throw e instanceof TapeFormatError && !e.message.startsWith(file) ? new TapeFormatError(`${file}: ${e.message}`) : e;
    });
    const sym = engineSymbol(cal.header);
    if (typeof sym !== 'string') throw new ConfigError('--tape', `${file}: ${sym.error}`);
    const overrides = { ...(o.markets?.['*'] ?? {}), ...(o.markets?.[sym] ?? {}) };
    let market: ReplayMarket;
    try {
      market = new ReplayMarket(cal.header, sym, cal.refPriceU, overrides);
    } catch (e) {
      throw new ConfigError('--tape', `${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (inputs.some((x) => x.market.symbol === sym)) throw new ConfigError('--tape', `${file}: another tape is also ${sym}; import consecutive recordings of one market into one tape`);
    const fromTape = o.feed === 'tape' && cal.offsetUs !== null;
    const mode: FeedMode = fromTape ? { kind: 'tape' } : { kind: 'fixed', model: latency };
    const feedNote = fromTape ? 'from the tape' : `${o.latency.feedMs} ms${o.feed === 'tape' ? ' (the tape has no exchange times)' : ''}`;
    inputs.push({ feed: new TapeFeed(await TapeReader.open(file), cal, mode), market, file, feedNote });
  }
  const firsts = inputs.map((x) => x.feed.cal.firstLocalUs).filter((x): x is number => x !== null);
  if (firsts.length === 0) throw new ConfigError('--tape', 'the tapes hold no events');
  const clock = new VirtualClock(Math.floor(Math.min(...firsts) / 1000) - LEAD_MS);
  const metrics = new FillMetrics();
  const exchange = new ReplayExchange({ clock, tapes: inputs, latency, queue: queueModel(o.queue, o.queuePower), fees: o.fees, metrics });
  return { exchange, clock, metrics, symbols: inputs.map((x) => x.market.symbol), inputs };
}

export async function runReplay(o: ReplayOptions): Promise<ReplayRun> {
  const wallStart = performance.now();
  const { exchange, clock, metrics, symbols, inputs } = await openReplay(o);
  const settings = backtestSettings(o.overrides, symbols);
  const unknown = settings.symbols.filter((s) => !symbols.includes(s));
  if (unknown.length > 0) throw new ConfigError('TIERHUNTER_SYMBOLS', `--set symbols names ${unknown.join(', ')}, which no tape holds (tapes: ${symbols.join(', ')})`);
  const journal = o.journal ?? new MemoryJournal();
  const logger = new CountingLogger();
  const engine = new Engine({ port: exchange, clock, settings, runMode: 'paper', journal, stats: new LastBlockLog(), logger, runState: new MemoryRunState(), coreVersion: 'backtest', logFile: '(memory)' });
  let started: { error: unknown } | null = null;
  void engine.start().then(
    () => (started = { error: null }),
    (err: unknown) => (started = { error: err ?? new Error('engine start failed') }),
  );
  await exchange.run({ until: () => started !== null, maxMs: STOP_MS });
  const s = started as { error: unknown } | null;
  if (s === null) throw new Error('replay: the engine did not start within 30 s of virtual time');
  if (s.error !== null) throw s.error;
  const inventory = new InventoryWatch((sym) => engine.view.stats.ledger(sym).position);
  const observe = o.observe;
  exchange.observer = observe ? (ev) => (inventory.after(ev), observe(ev)) : (ev) => inventory.after(ev);
  await exchange.run();
  let stopped = false;
  const stopping = engine.stop().then(() => (stopped = true));
  await exchange.run({ until: () => stopped, maxMs: STOP_MS });
  await stopping;

  const facts = exchange.facts();
  const firstUs = Math.min(...facts.map((f) => f.firstUs ?? Infinity));
  const lastUs = Math.max(...facts.map((f) => f.lastUs ?? -Infinity));
  const spanUs = Number.isFinite(firstUs) && Number.isFinite(lastUs) ? lastUs - firstUs : 0;
  const f = engine.view.stats.figures();
  const fillMetrics = metrics.result(lastUs, spanUs / 1000, { fills: f.fills, volume: f.volume, fees: f.fees, netPnl: f.netPnl });
  const rendered: Record<string, string> = {};
  for (const k of REPORTED) rendered[k] = renderSetting(settings[k]);
  const base = buildReport({
    strategy: 'engine',
    seed: o.seed,
    hours: spanUs / 3.6e9,
    symbols: [...settings.symbols],
    settings: rendered,
    stats: engine.view.stats,
    ordersPlaced: engine.view.ordersPlaced,
    cancelsSent: engine.view.cancelsSent,
    inventory,
    fillMetrics,
    market: null,
    latency: o.latency,
    marketSpecNote: null,
    wallMs: performance.now() - wallStart,
  });
  const replay: ReplayFacts = {
    tapes: facts.map((t, i) => {
      const x = inputs[i]!;
      const h = x.market.header;
      return {
        ...t,
        file: x.file,
        tapeSymbol: h.symbol,
        venue: h.venue,
        market: h.market,
        qtyUnit: h.qtyUnit === 'contracts' ? `contracts of ${h.contractSize} ${h.contractCurrency ?? ''}`.trim() : 'base',
        tickSize: x.market.info.tickSize.toFixed(),
        stepSize: x.market.info.stepSize.toFixed(),
        spanSec: t.firstUs !== null && t.lastUs !== null ? (t.lastUs - t.firstUs) / 1e6 : 0,
      };
    }),
    queue: { model: o.queue, power: o.queue === 'prob' ? o.queuePower : null },
    feedLatency: [...new Set(inputs.map((x) => x.feedNote))].join(', '),
    events: facts.reduce((n, t) => n + t.events, 0),
    spanSec: spanUs / 1e6,
  };
  return { report: { ...base, replay }, exchange, engine, journal, logger, settings };
}
