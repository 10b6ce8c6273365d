// Client-side REST budget and per-endpoint counters. The exchange allows 2000 requests per rolling minute
// per account; the limiter DELAYS a request rather than exceed the configured budget, and after a 429 it
// holds every request (shared back-off) for the server's hint or an exponential, jittered delay.
// Time comes from the injected Clock so tests drive it virtually.
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { EndpointStats } from '../port.js';

const WINDOW_MS = 60_000;

export class RateLimiter {
  /** Send times of the last `limit` granted requests (circular; oldest at `head` once full). */
  private readonly ring: Float64Array;
  private head = 0;
  private count = 0;
  private readonly waiters: Array<() => void> = [];
  private timer: TimerHandle | null = null;
  private blockedUntil = 0;
  private consecutive429 = 0;

  constructor(
    private readonly clock: Clock,
    readonly limitPerMinute: number,
    private readonly rng: () => number = Math.random,
    private readonly maxBackoffMs = 30_000,
  ) {
    if (!(limitPerMinute >= 1)) throw new RangeError('limitPerMinute must be >= 1');
    this.ring = new Float64Array(limitPerMinute);
  }

  /**
   * Take a slot now if one is free and nobody is waiting (FIFO is kept). Lets the caller send in the same
   * synchronous run: awaiting even an already-resolved acquire() defers the send past the rest of the
   * current frame's handling.
   */
  tryAcquire(): boolean {
    if (this.waiters.length > 0) return false;
    const now = this.clock.now();
    if (this.waitMs(now) > 0) return false;
    this.grant(now);
    return true;
  }

  /** Resolves when the request may be sent; the slot is recorded at that moment. FIFO. */
  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
  }

  /** A 429 arrived: hold all requests for the hint (ms) or an exponential back-off with jitter. Returns the delay. */
  on429(hintMs: number | null): number {
    this.consecutive429++;
    let delay: number;
    if (hintMs !== null && hintMs >= 0) delay = Math.min(hintMs, this.maxBackoffMs);
    else {
      const base = Math.min(this.maxBackoffMs, 500 * 2 ** Math.min(this.consecutive429 - 1, 10));
      delay = base / 2 + (this.rng() * base) / 2;
    }
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + delay);
    return delay;
  }

  /** Any non-429 answer ends a 429 streak. */
  onAnswer(): void {
    this.consecutive429 = 0;
  }

  /** Requests granted in the last 60 s. */
  lastMinute(): number {
    const now = this.clock.now();
    const cap = this.ring.length;
    let n = 0;
    // Walk from the newest backwards; entries are in time order.
    for (let i = 0; i < this.count; i++) {
      const idx = (this.head + this.count - 1 - i + cap) % cap;
      if (this.ring[idx]! <= now - WINDOW_MS) break;
      n++;
    }
    return n;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** ms until a request could be sent at `now` (0 = now). */
  private waitMs(now: number): number {
    let w = Math.max(0, this.blockedUntil - now);
    if (this.count === this.ring.length) {
      const oldest = this.ring[this.head]!;
      w = Math.max(w, oldest + WINDOW_MS - now);
    }
    return w;
  }

  private grant(now: number): void {
    const cap = this.ring.length;
    if (this.count < cap) {
      this.ring[(this.head + this.count) % cap] = now;
      this.count++;
    } else {
      this.ring[this.head] = now;
      this.head = (this.head + 1) % cap;
    }
  }

  private pump(): void {
    if (this.timer) return;
    while (this.waiters.length > 0) {
      const now = this.clock.now();
      const w = this.waitMs(now);
      if (w > 0) {
        this.timer = this.clock.setTimeout(() => {
          this.timer = null;
          this.pump();
        }, w);
        return;
      }
      this.grant(now);
      this.waiters.shift()!();
    }
  }
}

/** Bounded latency sample ring: p50/p99 over the most recent samples. */
export class LatencyRing {
  private readonly buf: Float64Array;
  private n = 0;
  private i = 0;
  constructor(size = 512) {
    this.buf = new Float64Array(size);
  }
  /** Sorted copy of the samples, rebuilt only after new samples: metrics are read far more often than a
   *  quiet endpoint gets calls (housekeeping reads them every second, the UI on every push). */
  private sorted: Float64Array | null = null;
  add(ms: number): void {
    this.buf[this.i] = ms;
    this.i = (this.i + 1) % this.buf.length;
    if (this.n < this.buf.length) this.n++;
    this.sorted = null;
  }
  percentile(p: number): number {
    if (this.n === 0) return 0;
    // Typed-array sort is numeric and needs no comparator callback.
    const s = (this.sorted ??= this.buf.slice(0, this.n).sort());
    const k = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
    return s[k]!;
  }
}

/** Calls per second over the last 60 s, in 60 one-second buckets (no per-call allocation). */
export class MinuteCounter {
  private readonly stamp = new Float64Array(60).fill(-1);
  private readonly counts = new Uint32Array(60);
  add(nowMs: number, n = 1): void {
    const sec = Math.floor(nowMs / 1000);
    const b = sec % 60;
    if (this.stamp[b] !== sec) {
      this.stamp[b] = sec;
      this.counts[b] = 0;
    }
    this.counts[b]! += n;
  }
  total(nowMs: number): number {
    const sec = Math.floor(nowMs / 1000);
    let t = 0;
    for (let b = 0; b < 60; b++) if (this.stamp[b]! > sec - 60) t += this.counts[b]!;
    return t;
  }
}

export interface EndpointCounters {
  calls: number;
  errors: number;
  http429: number;
  latency: LatencyRing;
  minute: MinuteCounter;
}

/** Per-endpoint counters ("GET /api/v1/depth"): calls, errors, 429s, latency p50/p99, calls in the last minute. */
export class RestStats {
  readonly byEndpoint = new Map<string, EndpointCounters>();
  total = 0;
  errors = 0;
  http429 = 0;
  constructor(private readonly clock: Clock) {}

  record(endpoint: string, latencyMs: number, kind: 'ok' | 'error' | '429'): void {
    let c = this.byEndpoint.get(endpoint);
    if (!c) {
      c = { calls: 0, errors: 0, http429: 0, latency: new LatencyRing(), minute: new MinuteCounter() };
      this.byEndpoint.set(endpoint, c);
    }
    c.calls++;
    this.total++;
    c.minute.add(this.clock.now());
    c.latency.add(latencyMs);
    if (kind === '429') {
      c.http429++;
      this.http429++;
    }
    if (kind !== 'ok') {
      c.errors++;
      this.errors++;
    }
  }

  snapshot(): Record<string, EndpointStats & { lastMinute: number }> {
    const now = this.clock.now();
    const out: Record<string, EndpointStats & { lastMinute: number }> = {};
    for (const [k, c] of this.byEndpoint) {
      out[k] = {
        calls: c.calls,
        errors: c.errors,
        http429: c.http429,
        p50Ms: c.latency.percentile(50),
        p99Ms: c.latency.percentile(99),
        lastMinute: c.minute.total(now),
      };
    }
    return out;
  }
}
