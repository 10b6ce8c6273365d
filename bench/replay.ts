// Replay speed (`npm run bench -- replay`): tape events per CPU-second of a full replay over a committed
// real tape (test/fixtures/tapes/cm_ethusd_perp_20240808.gz, imported once), with the real engine quoting
// and, separately, of the replay exchange alone (no engine subscribed: decoding, both books, the queue
// model). Target >= 500,000 events/s per core. Memory flat in tape length: the same runs over the tape
// looped 1x and 4x (each copy shifted in time and in its sequence ids, so it replays like a longer
// recording), heap used after a full GC at the end of each run.
// Each measurement runs in its own child process (fresh heap, --expose-gc); CPU time is the process's
// user + system time (gunzip included), so a busy machine slows the wall clock more than the figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openReplay, runReplay, type ReplayOptions } from '../src/backtest/replay-run.js';
import { importHftbacktest } from '../src/tape/import/hftbacktest.js';
import { forEachEvent, openTape } from '../src/tape/reader.js';
import type { TapeEvent } from '../src/tape/types.js';
import { TapeWriter } from '../src/tape/writer.js';
import { VPS_LATENCY } from '../src/sim/latency.js';
import { D } from '../src/util/decimal.js';
import { BenchJournal, runChild } from './util.js';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/tapes/cm_ethusd_perp_20240808.gz', import.meta.url));
/** Copies of the fixture in the "1x" tape (a ~23-minute, ~160,000-event replay). */
const BASE_LOOPS = Number(process.env['BENCH_REPLAY_LOOPS'] ?? 4);

export interface ReplayChildResult {
  events: number;
  cpuSec: number;
  wallSec: number;
  eventsPerCpuSec: number;
  heapMB: number;
  fills: number;
}

export interface ReplayBench {
  engine1x: ReplayChildResult;
  engine4x: ReplayChildResult;
  bare1x: ReplayChildResult;
  bare4x: ReplayChildResult;
}

/**
 * Write `copies` copies of a tape back to back: copy k is shifted by k x (its span + 1 s) in time and by
 * k x (its id range + 1) in every sequence and trade id, so the ids keep chaining inside each copy.
 */
export async function loopTape(src: string, dst: string, copies: number): Promise<number> {
  const r = await openTape(src);
  const header = r.header;
  r.close();
  let first = Infinity;
  let last = -Infinity;
  let maxId = 0;
  await forEachEvent(src, (e) => {
    first = Math.min(first, e.localUs);
    last = Math.max(last, e.localUs);
    maxId = Math.max(maxId, idOf(e));
  });
  const w = await TapeWriter.open(dst, header);
  for (let k = 0; k < copies; k++) {
    const dt = k * (last - first + 1_000_000);
    const di = k * (maxId + 1);
    const out: TapeEvent[] = [];
    await forEachEvent(src, (e) => out.push(shift(e, dt, di)));
    for (const e of out) {
      w.write(e);
      if (w.backedUp) await w.ready();
    }
  }
  return (await w.close('bench')).events;
}

function idOf(e: TapeEvent): number {
  switch (e.type) {
    case 'diff':
      return Math.max(e.last ?? 0, e.first ?? 0);
    case 'snapshot':
      return e.seq ?? 0;
    case 'bbo':
      return e.updateId ?? 0;
    case 'trade':
      return typeof e.tradeId === 'number' ? e.tradeId : 0;
    default:
      return 0;
  }
}

function shift(e: TapeEvent, dt: number, di: number): TapeEvent {
  const t = { localUs: e.localUs + dt, exchUs: e.exchUs === null ? null : e.exchUs + dt };
  const id = (x: number | null): number | null => (x === null ? null : x + di);
  switch (e.type) {
    case 'diff':
      return { ...e, ...t, first: id(e.first), last: id(e.last), prev: id(e.prev) };
    case 'snapshot':
      return { ...e, ...t, seq: id(e.seq) };
    case 'bbo':
      return { ...e, ...t, updateId: id(e.updateId) };
    case 'trade':
      return { ...e, ...t, tradeId: typeof e.tradeId === 'number' ? e.tradeId + di : e.tradeId };
    case 'gap':
      return { ...e, ...t, sinceUs: e.sinceUs === null ? null : e.sinceUs + dt };
    case 'mark':
      return { ...e, ...t, nextFundingMs: e.nextFundingMs === null ? null : e.nextFundingMs + dt / 1000 };
  }
}

const OPTS: Omit<ReplayOptions, 'tapes'> = {
  overrides: {},
  queue: 'prob',
  queuePower: 3,
  latency: VPS_LATENCY,
  feed: 'tape',
  seed: 1,
  fees: { futuresMakerFeeBps: D(2), futuresTakerFeeBps: D(5), spotMakerFeeBps: D(8), spotTakerFeeBps: D(10) },
};

/** One measured replay (in a child process). */
async function measure(tape: string, withEngine: boolean): Promise<ReplayChildResult> {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  let events: number;
  let fills = 0;
  let keep: unknown;
  if (withEngine) {
    const run = await runReplay({ ...OPTS, tapes: [tape], journal: new BenchJournal() });
    events = run.report.replay.events;
    fills = run.report.fills;
    keep = run;
  } else {
    const r = await openReplay({ ...OPTS, tapes: [tape] });
    await r.exchange.run();
    events = r.exchange.counters.venueEvents;
    keep = r;
  }
  const c = process.cpuUsage(c0);
  const wallSec = (performance.now() - w0) / 1000;
  const cpuSec = (c.user + c.system) / 1e6;
  (globalThis as { gc?: () => void }).gc?.();
  const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
  void keep;
  return { events, cpuSec, wallSec, eventsPerCpuSec: events / cpuSec, heapMB, fills };
}

export async function benchReplay(): Promise<ReplayBench> {
  const dir = mkdtempSync(join(tmpdir(), 'th-bench-replay-'));
  try {
    const one = join(dir, 'fixture.tape.gz');
    await importHftbacktest([FIXTURE], one);
    const x1 = join(dir, 'x1.tape.gz');
    const x4 = join(dir, 'x4.tape.gz');
    await loopTape(one, x1, BASE_LOOPS);
    await loopTape(one, x4, BASE_LOOPS * 4);
    const child = (tape: string, mode: string) => runChild<ReplayChildResult>('./replay.ts', [tape, mode], 600_000);
    // A warm-up child first would not help: each child compiles afresh; runs are long enough to amortise it.
    return {
      bare1x: await child(x1, 'bare'),
      bare4x: await child(x4, 'bare'),
      engine1x: await child(x1, 'engine'),
      engine4x: await child(x4, 'engine'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--child') {
  const r = await measure(process.argv[3]!, process.argv[4] === 'engine');
  console.log(JSON.stringify(r));
}
