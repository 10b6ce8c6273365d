// Backtest speed: how fast the real engine runs on the paper exchange in virtual time. The target
// is 24 simulated hours of 3 symbols in <= 60 s of wall time. A full 24 h run takes minutes when the
// target is missed, so by default this measures BENCH_BACKTEST_HOURS (default 2) and extrapolates
// linearly (the per-hour cost is flat: no state grows with the run except the fill journal);
// BENCH_BACKTEST_HOURS=24 measures the real thing.
import { runBacktest } from '../src/backtest/run.js';

export interface BacktestBench {
  simHoursPerSec: number;
  wallSecFor24h3Sym: number;
  /** Simulated hours actually run (the 24 h figure is extrapolated from these when < 24). */
  measuredHours: number;
  extrapolated: boolean;
  fillsPerSimHour: number;
  ordersPerSimHour: number;
  /** The same measurement with the market model alone (no strategy): the floor the sim sets. */
  modelOnlySimHoursPerSec: number;
}

export async function benchBacktest(hours = Number(process.env['BENCH_BACKTEST_HOURS'] ?? 2)): Promise<BacktestBench> {
  const h = hours > 0 ? hours : 2;
  // Warm up the JIT on a short run so module loading and compilation are not billed to the measurement.
  await runBacktest({ hours: 0.05, seed: 99, symbols: [], overrides: {} });
  const r = await runBacktest({ hours: h, seed: 1, symbols: [], overrides: {} });
  const wallSec = r.perf.wallMs / 1000;
  const model = await modelOnly(Math.min(h, 1));
  return {
    simHoursPerSec: r.perf.simHoursPerSec,
    wallSecFor24h3Sym: (wallSec / h) * 24,
    measuredHours: h,
    extrapolated: h < 24,
    fillsPerSimHour: r.fills / h,
    ordersPerSimHour: r.ordersPlaced / h,
    modelOnlySimHoursPerSec: model,
  };
}

/** The paper exchange's model alone, driven the same way (events delivered to a no-op handler). */
async function modelOnly(hours: number): Promise<number> {
  const { BacktestPort } = await import('../src/sim/backtest-port/port.js');
  const { VirtualClock } = await import('../src/util/clock.js');
  const { BACKTEST_START_MS, DEFAULT_SYMBOLS } = await import('../src/backtest/run.js');
  const clock = new VirtualClock(BACKTEST_START_MS);
  const x = new BacktestPort({ clock, seed: 1, markets: DEFAULT_SYMBOLS });
  await x.start(DEFAULT_SYMBOLS, () => undefined);
  const t0 = performance.now();
  const end = clock.now() + hours * 3_600_000;
  while (clock.now() < end) {
    clock.runUntil(clock.now() + 100);
    x.drain();
    await new Promise<void>((r) => setImmediate(r));
  }
  await x.stop();
  return hours / ((performance.now() - t0) / 1000);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchBacktest(), null, 2));
}
