// A self-exciting (Hawkes) arrival process with an exponential kernel: intensity
//   lambda(t) = mu + sum over past events of (n / tau) * exp(-(t - t_i) / tau)
// where n is the branching ratio (each event triggers n more on average) and tau the kernel's time
// constant. Real trade arrivals cluster like this (the tapes' counts per second have a variance many
// times their mean). Sampled exactly, event by event (Dassios & Zhao 2013, exponential kernel), so the
// arrival times do not depend on how often the model is stepped. Pure; randomness from the caller's PRNG.
import type { Prng } from './prng.js';

export class Hawkes {
  /** Excess intensity over mu at time `at`, per second. */
  private excess = 0;
  private at: number;
  private readonly beta: number;
  private readonly jump: number;

  constructor(
    private readonly muPerSec: number,
    branching: number,
    tauSec: number,
    startMs: number,
  ) {
    this.beta = 1 / tauSec;
    this.jump = branching / tauSec;
    this.at = startMs;
  }

  /** Time (ms) of the next arrival after the last one (or the start); Infinity when the process is dead. */
  nextAfter(r: Prng): number {
    const mu = this.muPerSec;
    // Time to the next event triggered by the decaying excess (may never come) ...
    let s1 = Infinity;
    if (this.excess > 0) {
      const d = 1 + (this.beta * Math.log(r.open())) / this.excess;
      if (d > 0) s1 = -Math.log(d) / this.beta;
    }
    // ... and to the next immigrant.
    const s2 = mu > 0 ? -Math.log(r.open()) / mu : Infinity;
    const w = Math.min(s1, s2);
    return w === Infinity ? Infinity : this.at + w * 1000;
  }

  /** Move the process's time by deltaMs (see Episodes.shift). */
  shift(deltaMs: number): void {
    this.at += deltaMs;
  }

  /** Record an arrival at `tMs` (the time nextAfter returned). */
  arrive(tMs: number): void {
    this.excess = this.excess * Math.exp((-(tMs - this.at) / 1000) * this.beta) + this.jump;
    this.at = tMs;
  }
}
