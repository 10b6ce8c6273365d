// Memory of the core trading 3 symbols over 24 simulated hours: the real Engine on BacktestPort (the
// paper exchange's matching engine and market model in-process, virtual time) through the backtest
// runner. Runs in a child process started with --expose-gc; RSS and heap are sampled after a full GC
// right after start (first simulated minute), at hour 1 and at the end. The paper exchange shares the
// process, so the figures include its books and market model; its per-account fill and order history
// (which an exchange keeps forever) is trimmed to the newest records every simulated minute. The journal, log and logger only count (they are files/stdout in the real core).
import { BACKTEST_START_MS, DEFAULT_SYMBOLS } from '../src/backtest/run.js';
import { backtestSettings } from '../src/backtest/settings.js';
import { Engine } from '../src/core/engine.js';
import { BacktestPort } from '../src/sim/backtest-port/port.js';
import { VirtualClock } from '../src/util/clock.js';
import { LastBlockLog, MemoryRunState } from '../src/backtest/sinks.js';
import { BenchJournal, BenchLogger, isChild, runChild } from './util.js';

/** Simulated ms per loop step (as the backtest runner). */
const STEP_MS = 100;
/** Exchange-side fill and order-history records kept per account (see trimExchangeRecords). */
const KEEP_RECORDS = 2000;

export interface MemSample {
  simHour: number;
  rssMB: number;
  heapMB: number;
}

export interface MemoryResult {
  samples: MemSample[];
  hours: number;
  wallSec: number;
  fills: number;
  rssStartMB: number;
  rssH1MB: number;
  rssEndMB: number;
  heapH1MB: number;
  heapEndMB: number;
  /** RSS growth from hour 1 to the end, MB. */
  growthMB: number;
  heapGrowthMB: number;
}

function sample(simMs: number): MemSample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { simHour: simMs / 3_600_000, rssMB: m.rss / 2 ** 20, heapMB: m.heapUsed / 2 ** 20 };
}

export async function measureMemory(hours = 24): Promise<MemoryResult> {
  const clock = new VirtualClock(BACKTEST_START_MS);
  const settings = backtestSettings({}, DEFAULT_SYMBOLS);
  const exchange = new BacktestPort({ clock, seed: 1, markets: [...settings.symbols] });
  const engine = new Engine({
    port: exchange, clock, settings, runMode: 'paper', journal: new BenchJournal(), stats: new LastBlockLog(), logger: new BenchLogger(),
    runState: new MemoryRunState(), coreVersion: 'bench', logFile: '(memory)',
  });
  const t0 = performance.now();
  await engine.start();
  const begin = clock.now();
  const end = begin + hours * 3_600_000;
  const samples: MemSample[] = [];
  const total = hours * 3_600_000;
  const marks = [...new Set([60_000, 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 18 * 3_600_000, total])].filter((m) => m <= total).sort((a, b) => a - b);
  let nextTrim = begin + 60_000;
  await pump(exchange);
  while (clock.now() < end) {
    clock.runUntil(Math.min(end, clock.now() + STEP_MS));
    await pump(exchange);
    if (clock.now() >= nextTrim) {
      nextTrim += 60_000;
      trimExchangeRecords(exchange);
    }
    const done = clock.now() - begin;
    while (marks.length > 0 && done >= marks[0]!) samples.push(sample(marks.shift()!));
  }
  const wallSec = (performance.now() - t0) / 1000;
  const fills = engine.view.stats.figures().fills;
  await engine.stop().catch(() => undefined);
  const h1 = samples.find((x) => x.simHour === 1) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  return {
    samples,
    hours,
    wallSec,
    fills,
    rssStartMB: samples[0]!.rssMB,
    rssH1MB: h1.rssMB,
    rssEndMB: last.rssMB,
    heapH1MB: h1.heapMB,
    heapEndMB: last.heapMB,
    growthMB: last.rssMB - h1.rssMB,
    heapGrowthMB: last.heapMB - h1.heapMB,
  };
}

/**
 * The paper exchange keeps every fill and order of every account forever (as an exchange does); that is
 * not the core's memory. Keep only the newest records (the core may look an order up in history).
 */
function trimExchangeRecords(x: BacktestPort): void {
  for (const a of x.exchange.accounts.values()) {
    a.fills.keepNewest(KEEP_RECORDS);
    if (a.history.length > KEEP_RECORDS) a.history.splice(0, a.history.length - KEEP_RECORDS);
  }
}

/** Deliver queued events and let promise chains settle (as the backtest runner does). */
async function pump(x: BacktestPort): Promise<void> {
  x.drain();
  await new Promise<void>((r) => setImmediate(r));
  x.drain();
}

/** Run measureMemory in a fresh child process (its own heap, --expose-gc). */
export function benchMemory(hours = Number(process.env['BENCH_MEMORY_HOURS'] ?? 24)): Promise<MemoryResult> {
  // With the flag the production launchers give node (npm start, pm2): see bin/tierhunter.js.
  return runChild<MemoryResult>('./memory.ts', ['--hours', String(hours)], 600_000, ['--optimize-for-size']);
}

if (isChild(import.meta.url)) {
  const i = process.argv.indexOf('--hours');
  const r = await measureMemory(i > 0 ? Number(process.argv[i + 1]) : 24);
  console.log(JSON.stringify(r));
  process.exit(0);
}
