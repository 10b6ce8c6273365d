// Tape read speed and memory: the committed real tapes (hftbacktest Binance recordings, imported here) read
// end to end — gunzip, decode, one callback per event — per CPU-second of this process, first read in a
// fresh process (cold JIT) and the median of the next five (warm); the `tape stats` pass on top; and a
// long tape (the spot tape repeated, ~1.2 M events) read with the peak heap measured, which must not
// grow with the tape's length. The replay exchange (issue 12 §2) reads through the same code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importHftbacktest } from '../src/tape/import/hftbacktest.js';
import { forEachEvent } from '../src/tape/reader.js';
import { TapeStats } from '../src/tape/stats.js';
import type { TapeEvent, TapeHeader } from '../src/tape/types.js';
import { TapeWriter } from '../src/tape/writer.js';
import { isChild, median } from './util.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/tapes/', import.meta.url));
const INPUTS = ['spot_btcusdt_20240808.gz', 'cm_ethusd_perp_20240808.gz'];

export interface TapeBenchResult {
  tapes: Array<{ name: string; events: number; coldPerSec: number; warmPerSec: number; statsPerSec: number }>;
  long: { events: number; perSec: number; heapPeakMB: number; heapPeakShortMB: number };
}

function cpuSec(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

async function readRate(path: string, fn: (e: TapeEvent) => void = () => undefined): Promise<{ events: number; perSec: number; header: TapeHeader }> {
  let n = 0;
  const c0 = process.cpuUsage();
  const r = await forEachEvent(path, (e) => {
    n++;
    fn(e);
  });
  if (!r.complete) throw new Error(`${path}: not complete`);
  return { events: n, perSec: n / cpuSec(c0), header: r.header };
}

/** Peak V8 heap while reading, sampled every 1000 events. */
async function heapPeak(path: string): Promise<{ events: number; perSec: number; peakMB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = 0;
  let n = 0;
  const c0 = process.cpuUsage();
  await forEachEvent(path, () => {
    if (++n % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  });
  return { events: n, perSec: n / cpuSec(c0), peakMB: peak / 2 ** 20 };
}

export async function benchTape(): Promise<TapeBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'th-bench-tape-'));
  try {
    const files: Array<{ name: string; path: string }> = [];
    for (const f of INPUTS) {
      const out = join(dir, f.replace(/\.gz$/, '.tape.gz'));
      await importHftbacktest([join(FIXTURES, f)], out);
      files.push({ name: f.replace(/\.gz$/, ''), path: out });
    }
    const tapes: TapeBenchResult['tapes'] = [];
    for (const f of files) {
      const cold = await readRate(f.path);
      const warm: number[] = [];
      for (let i = 0; i < 5; i++) warm.push((await readRate(f.path)).perSec);
      const stats: number[] = [];
      for (let i = 0; i < 3; i++) {
        const st = new TapeStats(cold.header);
        stats.push((await readRate(f.path, (e) => st.add(e))).perSec);
      }
      tapes.push({ name: f.name, events: cold.events, coldPerSec: cold.perSec, warmPerSec: median(warm), statsPerSec: median(stats) });
    }
    // A long tape: the spot tape 30 times over, each copy shifted in time after the previous.
    const spot: TapeEvent[] = [];
    const h = await forEachEvent(files[0]!.path, (e) => spot.push(e));
    const span = spot[spot.length - 1]!.localUs - spot[0]!.localUs + 1000;
    const long = join(dir, 'long.tape.gz');
    const w = await TapeWriter.open(long, h.header);
    for (let k = 0; k < 30; k++) {
      for (const e of spot) {
        w.write({ ...e, localUs: e.localUs + k * span, exchUs: e.exchUs === null ? null : e.exchUs + k * span });
        if (w.backedUp) await w.ready();
      }
    }
    await w.close('bench');
    spot.length = 0;
    const short = await heapPeak(files[0]!.path);
    const l = await heapPeak(long);
    return { tapes, long: { events: l.events, perSec: l.perSec, heapPeakMB: l.peakMB, heapPeakShortMB: short.peakMB } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isChild(import.meta.url) || import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchTape()));
}
