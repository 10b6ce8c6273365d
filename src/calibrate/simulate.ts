// Run one market of a spec on its own (no traders but the model's) in virtual time and measure its public
// stream with the same statistics as `tape stats` (src/tape/stats.ts) plus the calibration profile
// (src/calibrate/profile.ts). What `calibrate` fits against and what tests check a spec with.
import { SimExchange } from '../sim/exchange.js';
import type { MarketSpecEntry } from '../sim/model/spec.js';
import { PublicTape, simTapeHeader } from '../sim/public-tape.js';
import { TapeStats, type TapeStatsResult } from '../tape/stats.js';
import { VirtualClock } from '../util/clock.js';
import { TapeProfiler, type TapeProfile } from './profile.js';

export interface SimulatedMarket {
  stats: TapeStatsResult;
  profile: TapeProfile;
  wallMs: number;
}

/** Simulate `minutes` of one market (seeded) and measure its stream. */
export function simulateMarket(entry: MarketSpecEntry, minutes: number, seed: number): SimulatedMarket {
  const wall = performance.now();
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ex = new SimExchange({ clock, seed, markets: [entry] });
  const m = ex.market(entry.symbol)!;
  const header = simTapeHeader(m, { version: 'calibrate', command: 'calibrate' }, new Date(0).toISOString());
  const stats = new TapeStats(header);
  const profiler = new TapeProfiler(header);
  const tape = new PublicTape(ex, [entry.symbol], (_s, e) => {
    stats.add(e);
    profiler.add(e);
  });
  ex.start();
  clock.advance(minutes * 60_000);
  ex.stop();
  tape.stop();
  return { stats: stats.result(), profile: profiler.result(), wallMs: performance.now() - wall };
}
