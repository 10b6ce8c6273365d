// A fresh paper exchange's past. A real exchange always has recent trades, candles, tickers and a full
// book; a paper exchange that starts listening at once answers `/api/v1/trades` and `/api/v1/klines` with
// nothing. So before the server listens, the market models run for a few simulated minutes that end
// now, as fast as the CPU allows, with the exchange's clock reading each step's
// moment in that past: the trades, candles and marks it leaves are stamped before now, consistent with
// each other and with what the models do next. Only servers warm up (startSim); backtests drive the
// exchange directly from their own seeded start and are unchanged.
import { DerivedClock } from '../util/clock.js';
import type { SimExchange } from './exchange.js';

/** Default warm-up: three complete one-minute candles (and the current one) and ~500 trades a market. */
export const WARMUP_MS = 3 * 60_000;
/**
 * Model step of the warm-up: coarser than the live 100 ms (the model takes any step length; trades within
 * a step share its timestamp), so a cold start pays for fewer steps before the interpreter has warmed up.
 */
const WARMUP_STEP_MS = 250;

/** A Clock that reads a moment in the past while a warm-up replays it, and the inner clock otherwise. */
export class WarmupClock extends DerivedClock {
  private past: number | null = null;

  now(): number {
    return this.past ?? this.inner.now();
  }

  /** Call `step` with now() reading end - ms, end - ms + stepMs, ... (all before end = the inner clock's now). */
  replay(ms: number, stepMs: number, step: () => void): void {
    const end = this.inner.now();
    try {
      for (let t = end - ms; t < end; t += stepMs) {
        this.past = t;
        step();
      }
    } finally {
      this.past = null;
    }
  }
}

/**
 * Run the exchange's market models through the `ms` before now. The exchange must run on `clock` and
 * must not have served anyone yet (no account has an order the warm-up could fill). No model: no-op.
 */
export function warmUp(ex: SimExchange, clock: WarmupClock, ms: number): void {
  if (ms <= 0 || ![...ex.markets.values()].some((m) => m.model)) return;
  clock.replay(ms, WARMUP_STEP_MS, () => ex.stepModels());
}
