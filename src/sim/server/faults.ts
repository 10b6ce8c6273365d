// Fault injection for reliability tests. Every fault is OFF by default; they are set from CLI flags at
// start and changed at run time through the admin path (/_sim/faults), never under /api/.
import { Prng } from '../model/prng.js';

export interface Faults {
  /** Added latency of every REST reply (ms), plus uniform jitter in [0, latencyJitterMs). */
  latencyMs: number;
  latencyJitterMs: number;
  /** Share (0..1) of REST requests answered 503 without acting. */
  errorRate: number;
  /** Share (0..1) of REST requests accepted but never answered (order POSTs ARE executed). */
  timeoutRate: number;
  /** Requests per rolling minute per API key (per client address for public calls); 0 = no limit. */
  rateLimitPerMinute: number;
  /** Disconnect every websocket every N seconds; 0 = off. */
  wsDisconnectEverySec: number;
  /** Share (0..1) of depth messages silently dropped (subscribers see sequence gaps). */
  dropDepthRate: number;
  /** Share (0..1) of websocket data frames replaced by a malformed frame. */
  malformedRate: number;
  /** Share (0..1) of order placements refused as if the book moved. */
  orderRejectRate: number;
}

export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  rateLimitPerMinute: 0,
  wsDisconnectEverySec: 0,
  dropDepthRate: 0,
  malformedRate: 0,
  orderRejectRate: 0,
});

const RATE_KEYS: Array<keyof Faults> = ['errorRate', 'timeoutRate', 'dropDepthRate', 'malformedRate', 'orderRejectRate'];

/** Validate a partial fault update (from JSON or flags); returns an error message or the clean update. */
export function parseFaults(x: unknown): Partial<Faults> | string {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'expected a JSON object of fault settings';
  const out: Partial<Faults> = {};
  for (const [k, v] of Object.entries(x)) {
    if (!(k in NO_FAULTS)) return `unknown fault "${k}"; known: ${Object.keys(NO_FAULTS).join(', ')}`;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return `fault "${k}" must be a non-negative number`;
    if (RATE_KEYS.includes(k as keyof Faults) && n > 1) return `fault "${k}" is a share between 0 and 1`;
    out[k as keyof Faults] = n;
  }
  return out;
}

export class FaultController {
  private f: Faults;
  private readonly rng: Prng;
  private readonly listeners: Array<(f: Faults) => void> = [];
  /** Hook set by the websocket hub: drop every connection now. */
  disconnectAll: () => number = () => 0;

  constructor(initial: Partial<Faults> = {}, seed = 7) {
    this.f = { ...NO_FAULTS, ...initial };
    this.rng = new Prng(seed);
  }
  get(): Faults {
    return { ...this.f };
  }
  set(update: Partial<Faults>): Faults {
    this.f = { ...this.f, ...update };
    for (const l of this.listeners) l(this.get());
    return this.get();
  }
  reset(): Faults {
    return this.set({ ...NO_FAULTS });
  }
  onChange(l: (f: Faults) => void): void {
    this.listeners.push(l);
  }
  /** True with probability `share` (0 never, 1 always). */
  roll(share: number): boolean {
    if (share <= 0) return false;
    if (share >= 1) return true;
    return this.rng.next() < share;
  }
  latency(): number {
    const { latencyMs, latencyJitterMs } = this.f;
    return latencyMs + (latencyJitterMs > 0 ? this.rng.next() * latencyJitterMs : 0);
  }
}
