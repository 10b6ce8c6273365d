// Latency model for virtual-time backtests (the replay exchange and, optionally, DirectExchange): how long
// an order or cancel takes to reach the venue (entry), how long the venue's answer and its private updates
// take to come back (response), and how late market data reaches the engine (feed). Pure and seeded: the
// same seed gives the same draws, so a backtest stays deterministic.
//
// Each draw is base x (1 + jitter x (E - 1)) with E ~ Exp(1): the mean is the base, it is never below
// base x (1 - jitter) (E >= 0), and the tail is long on the slow side, as network delays are (never much
// faster than usual, now and then several times slower).
//
// Defaults, for a VPS next to Backpack's servers (AWS Tokyo). The only measurement at hand
// (/work/shared/backpack-api.md §3.4, a third-party probe) puts engine-to-client at ~50-65 ms median from
// Seattle, whose network share alone is ~45-50 ms one way (a ~90-100 ms Seattle-Tokyo round trip): the
// venue's own pipeline (matching engine -> gateway -> socket) is ~5-15 ms of it. From inside the region
// the network is ~1 ms, so the pipeline dominates: feed 10 ms (its middle), and entry and response 5 ms
// each (the REST path, CloudFront -> origin -> engine and back, is shorter than the market-data fan-out
// but pays TLS and routing; 5 ms is the probe's "a few ms" clock agreement, no better). Jitter 0.3: the
// probe's median-to-tail spread. All are settings because none of this is measured from the bot's host.
import { Prng } from './model/prng.js';

export interface LatencySpec {
  /** Engine -> venue, ms. */
  entryMs: number;
  /** Venue -> engine for answers and private updates, ms. */
  responseMs: number;
  /** Venue -> engine for market data, ms (the replay can take it from the tape instead). */
  feedMs: number;
  /** Relative spread of the draws (0 = constant). */
  jitter: number;
}

export const DEFAULT_LATENCY: Readonly<LatencySpec> = Object.freeze({ entryMs: 5, responseMs: 5, feedMs: 10, jitter: 0.3 });

/** No latency at all (the synthetic backtest's historical behaviour). */
export const ZERO_LATENCY: Readonly<LatencySpec> = Object.freeze({ entryMs: 0, responseMs: 0, feedMs: 0, jitter: 0 });

/** One line naming what is wrong with a spec, or null. */
export function checkLatency(s: LatencySpec): string | null {
  for (const k of ['entryMs', 'responseMs', 'feedMs'] as const) {
    const v = s[k];
    if (!Number.isFinite(v) || v < 0 || v > 10_000) return `${k} must be 0..10000 ms, got ${v}`;
  }
  if (!Number.isFinite(s.jitter) || s.jitter < 0 || s.jitter > 1) return `jitter must be 0..1, got ${s.jitter}`;
  return null;
}

export class LatencyModel {
  private readonly rng: Prng;
  constructor(
    readonly spec: Readonly<LatencySpec>,
    seed = 1,
  ) {
    const bad = checkLatency(spec);
    if (bad) throw new RangeError(`latency: ${bad}`);
    // A stream of its own: latency draws must not shift the market model's randomness.
    this.rng = new Prng((seed ^ 0x1a7e9c3d) >>> 0);
  }

  get zero(): boolean {
    return this.spec.entryMs === 0 && this.spec.responseMs === 0;
  }
  /** ms for the next order or cancel to reach the venue. */
  entry(): number {
    return this.draw(this.spec.entryMs);
  }
  /** ms for the venue's answer (or a private update) to reach the engine. */
  response(): number {
    return this.draw(this.spec.responseMs);
  }
  /** ms for a market-data message to reach the engine (fixed-feed mode). */
  feed(): number {
    return this.draw(this.spec.feedMs);
  }

  private draw(base: number): number {
    const j = this.spec.jitter;
    if (base === 0 || j === 0) return base;
    let u = this.rng.next();
    if (u < 1e-12) u = 1e-12;
    return base * (1 + j * (-Math.log(u) - 1));
  }
}
