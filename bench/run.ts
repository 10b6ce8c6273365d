// `npm run bench`: every benchmark is a named function returning rows {name, value, unit, target, pass};
// this prints the machine and one table, and exits non-zero when a row misses its target. Add benchmarks
// to BENCHES. `npm run bench -- ingest paper` runs only the benchmarks whose names contain those words.
// Timing-sensitive runs that need a fresh heap or --expose-gc run in child processes (bench/util.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchSigning } from './signing.js';
import type { IngestResult } from './ingest.js';
import { benchMemory } from './memory.js';
import { benchReplay, type ReplayBench, type ReplayChildResult } from './replay.js';
import type { PaperResult } from './paper.js';
import type { TapeBenchResult } from './tape.js';
import { benchStartup } from './startup.js';
import { machine, runChild } from './util.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "<= 50". Empty when informational. */
  target: string;
  pass: boolean;
}

export interface Bench {
  name: string;
  run: () => Promise<BenchRow[]>;
}

const round = (x: number) => Math.round(x * 10) / 10;
const int = (x: number) => Math.round(x);
const info = (name: string, value: number, unit: string): BenchRow => ({ name, value, unit, target: '', pass: true });
const env = (k: string, d: number) => {
  const v = Number(process.env[k]);
  return Number.isFinite(v) && v > 0 ? v : d;
};

/** Paper runs: a real-time one for latency at a live message rate, and one accelerated simulated hour. */
const LATENCY_SECONDS = env('BENCH_LATENCY_SECONDS', 45);
const PAPER_SPEED = env('BENCH_PAPER_SPEED', 60);
const PAPER_MINUTES = env('BENCH_PAPER_MINUTES', 60);

function latencyRows(label: string, r: PaperResult, withTargets: boolean): BenchRow[] {
  const l = r.latency;
  const t = (name: string, v: number, target: string, pass: boolean): BenchRow => (withTargets ? { name, value: round(v), unit: 'µs', target, pass } : info(name, round(v), 'µs'));
  return [
    t(`tick-to-order p50 (${label})`, l.p50Us, '<= 100', l.p50Us <= 100),
    t(`tick-to-order p99 (${label})`, l.p99Us, '<= 500', l.p99Us <= 500),
    info(`tick-to-order samples (${label}: ${l.places} orders, ${l.cancels} cancels)`, l.count, 'requests'),
    info(`  of which frame -> request call p50/p99 (${label})`, round(l.engineP50Us), `µs / ${round(l.engineP99Us)} µs`),
    info(`  of which request call -> bytes on socket p50/p99 (${label})`, round(l.clientP50Us), `µs / ${round(l.clientP99Us)} µs`),
  ];
}

/** Optional benchmarks owned by other areas: used when their module exports the function. */
async function optional<T>(file: string, name: string): Promise<((...a: never[]) => Promise<T>) | null> {
  // Imports name the .js; the file on disk is the .ts tsx compiles.
  if (!existsSync(fileURLToPath(new URL(file.replace(/\.js$/, '.ts'), import.meta.url)))) return null;
  const m = (await import(file)) as Record<string, unknown>;
  return typeof m[name] === 'function' ? (m[name] as (...a: never[]) => Promise<T>) : null;
}

export const BENCHES: Bench[] = [
  {
    name: 'signing',
    run: async () => {
      const r = await benchSigning();
      return [
        { name: 'sign (node:crypto) median', value: round(r.fastP50Us), unit: 'µs', target: '<= 50', pass: r.fastP50Us <= 50 },
        { name: 'sign (node:crypto) p99', value: round(r.fastP99Us), unit: 'µs', target: '', pass: true },
        { name: 'sign (tweetnacl) median', value: round(r.naclP50Us), unit: 'µs', target: '', pass: true },
        { name: 'sign (tweetnacl) p99', value: round(r.naclP99Us), unit: 'µs', target: '', pass: true },
      ];
    },
  },
  {
    name: 'latency',
    run: async () => {
      const r = await runChild<PaperResult>('./paper.ts', ['--speed', '1', '--minutes', String(LATENCY_SECONDS / 60)], (LATENCY_SECONDS + 60) * 1000);
      return latencyRows('paper, real time', r, true);
    },
  },
  {
    name: 'ingest',
    run: async () => {
      const r = await runChild<IngestResult>('./ingest.ts');
      return [
        { name: 'ingest: depth+trade frames -> book -> strategy (per CPU-second)', value: int(r.msgsPerSec), unit: 'msgs/s', target: '>= 200000', pass: r.msgsPerSec >= 200_000 },
        info('ingest: same, per wall-clock second', int(r.wallMsgsPerSec), 'msgs/s'),
      ];
    },
  },
  {
    name: 'memory',
    run: async () => {
      const r = await benchMemory();
      const h = r.hours;
      return [
        { name: 'memory RSS after start (core + in-process paper exchange)', value: round(r.rssStartMB), unit: 'MB', target: '<= 100', pass: r.rssStartMB <= 100 },
        { name: 'memory RSS at simulated hour 1', value: round(r.rssH1MB), unit: 'MB', target: '<= 100', pass: r.rssH1MB <= 100 },
        { name: `memory RSS at simulated hour ${h}`, value: round(r.rssEndMB), unit: 'MB', target: '<= 100', pass: r.rssEndMB <= 100 },
        { name: `memory RSS growth hour 1 -> ${h}`, value: round(r.growthMB), unit: 'MB', target: '<= 5', pass: r.growthMB <= 5 },
        info(`memory V8 heap used hour 1 -> ${h}`, round(r.heapH1MB), `MB -> ${round(r.heapEndMB)} MB`),
        info(`memory run: ${r.fills} fills, wall time`, round(r.wallSec), 's'),
      ];
    },
  },
  {
    name: 'paper',
    run: async () => {
      const r = await runChild<PaperResult>('./paper.ts', ['--speed', String(PAPER_SPEED), '--minutes', String(PAPER_MINUTES)], ((PAPER_MINUTES * 60) / PAPER_SPEED + 90) * 1000);
      const rest = r.rest;
      const rows: BenchRow[] = [
        info(`paper run: ${r.simMinutes} simulated min at ${r.speed}x, fills`, r.fills, ''),
        { name: 'API: WS messages per REST call', value: round(r.wsApiRatio), unit: 'ratio', target: '>= 100', pass: r.wsApiRatio >= 100 },
        info('API: REST calls per fill', Math.round(rest.perFill * 100) / 100, 'calls'),
        info('API: REST calls per simulated minute, mean', round(rest.perMinMean), 'calls'),
        {
          name: 'API: REST calls per simulated minute, peak (incl. start-up)',
          value: rest.perMinPeak,
          unit: 'calls',
          target: `< ${rest.limit / 10}`,
          pass: rest.perMinPeak < rest.limit / 10,
        },
        { name: 'API: REST endpoints other than orders/cancels/reconciliation', value: rest.unexpected.length, unit: 'endpoints', target: '0', pass: rest.unexpected.length === 0 },
      ];
      for (const [ep, n] of Object.entries(rest.byEndpoint).sort((a, b) => b[1] - a[1])) rows.push(info(`  REST ${ep}`, n, 'calls'));
      rows.push(
        { name: 'event loop: longest stall (monitorEventLoopDelay max)', value: round(r.loop.delayMaxMs), unit: 'ms', target: '< 20', pass: r.loop.delayMaxMs < 20 },
        { name: 'event loop: worst 10 ms interval lateness', value: round(r.loop.intervalLateMaxMs), unit: 'ms', target: '< 20', pass: r.loop.intervalLateMaxMs < 20 },
        info(`event loop: during ${r.logBlocks} log.txt blocks and ${r.pushes} snapshot pushes, p99 delay`, round(r.loop.delayP99Ms), 'ms'),
        ...latencyRows(`paper, ${r.speed}x`, r, false),
      );
      return rows;
    },
  },
  {
    name: 'startup',
    run: async () => {
      const r = await benchStartup();
      return [
        { name: `start-up, ${r.fills.toLocaleString('en-US')} journalled fills (checkpoint + tail): process start -> first order accepted, median of ${r.runs}`, value: int(r.firstOrderMs), unit: 'ms', target: '< 3000', pass: r.firstOrderMs < 3000 },
        info('  of which process start -> core started (every start-up read done)', int(r.startedMs), 'ms'),
        info('  the same home before its first checkpoint (whole journal replayed): to first order', int(r.fullReplayFirstOrderMs), 'ms'),
        info('  journal written / checkpoint', round(r.journalMB), `MB / ${int(r.checkpointKB)} KB`),
        ...(r.otherFirstOrderMs !== null ? [info('  BENCH_STARTUP_BEFORE_ROOT launcher, same journal: to first order', int(r.otherFirstOrderMs), 'ms')] : []),
      ];
    },
  },
  {
    name: 'sim',
    run: async () => {
      const m = await optional<number>('./sim.js', 'benchMatching');
      const w = await optional<number>('./sim.js', 'benchWsFanout');
      const v = await optional<number>('./sim.js', 'benchVirtualTime');
      if (!m || !w || !v) return [info('sim benchmarks (bench/sim.ts absent: skipped)', NaN, '')];
      return [
        info('sim: matching engine', int(await m()), 'orders/s'),
        info('sim: websocket fan-out to 20 clients', int(await w()), 'msgs/s'),
        info('sim: virtual time, 3 markets with the model', round(await v()), 'sim h/wall s'),
      ];
    },
  },
  {
    name: 'tape',
    run: async () => {
      const r = await runChild<TapeBenchResult>('./tape.ts', [], 300_000);
      const rows: BenchRow[] = [];
      for (const t of r.tapes) {
        rows.push(
          { name: `tape read (gunzip + decode), ${t.name}, warm, per CPU-second`, value: int(t.warmPerSec), unit: 'events/s', target: '>= 500000', pass: t.warmPerSec >= 500_000 },
          info(`tape read, ${t.name} (${t.events} events), first read in a fresh process`, int(t.coldPerSec), 'events/s'),
          info(`tape stats pass, ${t.name}`, int(t.statsPerSec), 'events/s'),
        );
      }
      const l = r.long;
      rows.push(
        { name: `tape read, long tape (${l.events} events), per CPU-second`, value: int(l.perSec), unit: 'events/s', target: '>= 500000', pass: l.perSec >= 500_000 },
        { name: 'tape read: peak heap, long tape vs a 30x shorter one', value: round(l.heapPeakMB), unit: `MB vs ${round(l.heapPeakShortMB)} MB`, target: '<= short + 5', pass: l.heapPeakMB <= l.heapPeakShortMB + 5 },
      );
      return rows;
    },
  },
  {
    name: 'backtest',
    run: async () => {
      const b = await optional<{ wallSecFor24h3Sym: number; measuredHours: number; extrapolated: boolean; simHoursPerSec: number }>('./backtest.js', 'benchBacktest');
      if (!b) return [info('backtest speed (bench/backtest.ts absent: skipped)', NaN, '')];
      const r = await b();
      return [
        {
          name: `backtest: 24 h x 3 symbols wall time${r.extrapolated ? ` (from a ${r.measuredHours} h run)` : ''}`,
          value: round(r.wallSecFor24h3Sym),
          unit: 's',
          target: '<= 60',
          pass: r.wallSecFor24h3Sym <= 60,
        },
      ];
    },
  },
  {
    name: 'replay',
    run: async () => replayRows(await benchReplay()),
  },
];

function replayRows(r: ReplayBench): BenchRow[] {
  const mb = (x: number) => Math.round(x * 100) / 100;
  const best = (a: ReplayChildResult, b: ReplayChildResult) => Math.max(a.eventsPerCpuSec, b.eventsPerCpuSec);
  const bare = best(r.bare1x, r.bare4x);
  const engine = best(r.engine1x, r.engine4x);
  const growBare = r.bare4x.heapMB - r.bare1x.heapMB;
  const growEngine = r.engine4x.heapMB - r.engine1x.heapMB;
  return [
    { name: 'replay: tape events per CPU-second, replay exchange alone (decode, both books, queue model)', value: int(bare), unit: 'events/s', target: '>= 500000', pass: bare >= 500_000 },
    { name: 'replay: tape events per CPU-second, with the engine quoting', value: int(engine), unit: 'events/s', target: '>= 500000', pass: engine >= 500_000 },
    info(`  of which the engine: ${r.engine4x.fills} fills on the 4x tape; wall time 4x (alone / engine)`, round(r.bare4x.wallSec), `s / ${round(r.engine4x.wallSec)} s`),
    { name: `replay: heap after full GC, 1x -> 4x tape (${r.bare1x.events} -> ${r.bare4x.events} events), exchange alone`, value: mb(growBare), unit: `MB (${mb(r.bare1x.heapMB)} -> ${mb(r.bare4x.heapMB)})`, target: '<= 1', pass: growBare <= 1 },
    info('replay: heap after full GC, 1x -> 4x tape, with the engine (its bounded fill/order histories fill up)', mb(growEngine), `MB (${mb(r.engine1x.heapMB)} -> ${mb(r.engine4x.heapMB)})`),
  ];
}

function printTable(rows: BenchRow[]): void {
  const header = ['benchmark', 'value', 'unit', 'target', 'ok'];
  const cells = rows.map((r) => [r.name, Number.isNaN(r.value) ? '-' : String(r.value), r.unit, r.target || '-', r.target ? (r.pass ? 'yes' : 'NO') : '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

export async function runAll(filter: string[] = []): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const b of BENCHES) {
    if (filter.length > 0 && !filter.some((f) => b.name.includes(f))) continue;
    try {
      rows.push(...(await b.run()));
    } catch (e) {
      rows.push({ name: `${b.name} (failed: ${e instanceof Error ? e.message : String(e)})`, value: NaN, unit: '', target: 'runs', pass: false });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const m0 = machine();
  const t0 = performance.now();
  const rows = await runAll(process.argv.slice(2));
  const m1 = machine();
  console.log(`machine: ${m0.cpu}, ${m0.cores} cores, Node ${m0.node}; load average ${m0.load} at start, ${m1.load} at end`);
  console.log(`total bench time ${round((performance.now() - t0) / 1000)} s\n`);
  printTable(rows);
  process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
}
