// Offset between the local clock and the exchange's, so signed requests carry the exchange's notion of
// "now" and a drifting VPS clock never causes "request expired". The offset is measured from
// GET /api/v1/time against the midpoint of the request's round trip, refreshed periodically, and
// refreshed at once when an error message smells of a timestamp problem.
import type { Clock, TimerHandle } from '../../util/clock.js';

const TIME_ERROR_RE = /timestamp|expired|recv ?window|request window/i;

/** True when an exchange error message suggests the request's timestamp was rejected. */
export function isTimestampError(message: string): boolean {
  return TIME_ERROR_RE.test(message);
}

export class ClockSync {
  private offset = 0;
  private synced = false;
  private inflight: Promise<number> | null = null;
  private timer: TimerHandle | null = null;
  /** Round trip of the measurement that set the offset (ms). */
  lastRttMs: number | null = null;
  lastError: string | null = null;

  constructor(
    private readonly clock: Clock,
    /** Fetch the exchange time in ms (GET /api/v1/time). */
    private readonly fetchServerTime: () => Promise<number>,
  ) {}

  /** Exchange time now (integer ms): the local clock corrected by the measured offset. */
  now(): number {
    return Math.round(this.clock.now() + this.offset);
  }
  get offsetMs(): number {
    return this.offset;
  }
  get isSynced(): boolean {
    return this.synced;
  }

  /** Measure the offset once. Concurrent callers share one request. Rejects if the time call fails. */
  sync(): Promise<number> {
    if (this.inflight) return this.inflight;
    const p = (async () => {
      const t0 = this.clock.now();
      const server = await this.fetchServerTime();
      const t1 = this.clock.now();
      this.offset = server - (t0 + t1) / 2;
      this.lastRttMs = t1 - t0;
      this.synced = true;
      this.lastError = null;
      return this.offset;
    })();
    this.inflight = p;
    const clear = () => {
      if (this.inflight === p) this.inflight = null;
    };
    p.then(clear, (e: unknown) => {
      clear();
      this.lastError = e instanceof Error ? e.message : String(e);
    });
    return p;
  }

  /** Resync in the background, swallowing failures (kept in lastError). */
  resyncSoon(): void {
    this.sync().catch(() => undefined);
  }

  /** Hook for request errors: resync at once when the message mentions the timestamp/expiry. */
  noteError(message: string): boolean {
    if (!isTimestampError(message)) return false;
    this.resyncSoon();
    return true;
  }

  /** Resync every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.stop();
    this.timer = this.clock.setInterval(() => this.resyncSoon(), intervalMs);
  }
  stop(): void {
    this.clock.clear(this.timer);
    this.timer = null;
  }
}
