// A gap in the tape halts quoting on that market as a live gap would: the real engine, replaying a tape
// whose diffs break their id chain (or that carries a gap record), is told the book is unusable, cancels
// its order, places nothing until a snapshot re-syncs the book, then quotes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeEvent } from '../../src/exchange/types.js';
import type { TapeEvent } from '../../src/tape/types.js';
import { runReplay } from '../../src/backtest/replay-run.js';
import { VPS_LATENCY } from '../../src/sim/latency.js';
import { diff, FEES, gap, ms, snap, tempDir, trade, writeTape } from './helpers.js';

const dir = tempDir('th-replay-gap-');
const SYM = 'TEST_USDC_PERP';

/** 60 s of a steady market: takers buying every 100 ms, diffs chaining by id; a break at 20 s, a snapshot at 30 s. */
function market(breakWith: 'sequence' | 'record'): TapeEvent[] {
  const out: TapeEvent[] = [snap(ms(0), 100, [10000, 5000, 9990, 5000], [10010, 5000, 10020, 5000])];
  let id = 100;
  for (let t = 100; t < 60_000; t += 100) {
    if (t === 20_000) {
      if (breakWith === 'sequence') id += 5; // ids 101.. then a jump: updates are missing
      else out.push(gap(ms(t), 'reconnect'));
    }
    if (t === 30_000) out.push(snap(ms(t), id, [10000, 5000, 9990, 5000], [10010, 5000, 10020, 5000]));
    id++;
    out.push(diff(ms(t), id, id, [9990, 5000 + (t % 1000)]));
    out.push(trade(ms(t + 50), 10010, 'buy', { qty: 200 }));
  }
  return out;
}

for (const kind of ['sequence', 'record'] as const) {
  test(`a ${kind === 'sequence' ? 'broken id chain' : 'gap record'} halts quoting until the next snapshot re-syncs the book`, async () => {
    const tape = await writeTape(dir, `gap-${kind}.tape.gz`, market(kind));
    const events: Array<{ t: number; e: ExchangeEvent }> = [];
    const rel = (ts: number) => ts - ms(0) / 1000;
    const run = await runReplay({
      tapes: [tape], overrides: {}, queue: 'prob', queuePower: 3, latency: VPS_LATENCY, feed: 'tape', seed: 1, fees: FEES,
      observe: (e) => events.push({ t: 'ts' in e ? rel(e.ts) : e.type === 'order' ? rel(e.event.ts) : e.type === 'position' ? rel(e.event.ts) : NaN, e }),
    });
    const invalid = events.filter((x) => x.e.type === 'bookInvalid');
    assert.equal(invalid.length, 1, 'the engine was told once');
    const at = invalid[0]!.t;
    // The tape has no exchange times: feed latency is the fixed default (VPS_LATENCY.feedMs, 3 ms, jittered).
    assert.ok(at >= 20_000 && at < 20_030, `book unusable at ${at} ms`);
    const resync = events.find((x) => x.e.type === 'book' && x.t > at)!;
    assert.ok(resync.t >= 30_000 && resync.t < 30_030, `usable again at ${resync.t} ms`);
    const accepted = events.filter((x) => x.e.type === 'order' && x.e.event.type === 'accepted').map((x) => x.t);
    assert.ok(accepted.some((t) => t < at), 'it quoted before the gap');
    assert.ok(accepted.some((t) => t > resync.t), 'and again after the snapshot');
    assert.deepEqual(accepted.filter((t) => t > at + 20 && t < resync.t), [], 'nothing placed while the book was unusable');
    // The order resting when the gap came was cancelled right away (one round trip).
    const cancelled = events.find((x) => x.e.type === 'order' && x.e.event.type === 'cancelled' && x.t >= at);
    assert.ok(cancelled && cancelled.t < at + 30, `cancelled at ${cancelled?.t}`);
    assert.equal(run.report.replay.tapes[0]!.bookInvalidations, 1);
    if (kind === 'record') assert.deepEqual(run.report.replay.tapes[0]!.gaps, { reconnect: 1 });
    assert.match(run.logger.firstWarnings.join('\n'), new RegExp(`\\[${SYM}\\] book invalid`));
  });
}
