// The loop's own flags, read by the modes and the views: whether the core has started or is stopping,
// whether the exchange streams are down, the count of exchange events it had to skip, and the requests
// still in flight (a stop lets them land).
import type { Clock, TimerHandle } from '../util/clock.js';

export class LoopState {
  started = false;
  stopping = false;
  /** The exchange streams are down (from the 'down' event until a reconciliation after they are back). */
  connDown = false;
  /** When this run began (re-set by start()). */
  startedAt: number;
  /** Exchange events (and journal records) that could not be applied and were skipped. */
  malformedEvents = 0;

  private readonly inflight = new Set<Promise<unknown>>();
  private readonly timers: TimerHandle[] = [];

  constructor(now: number) {
    this.startedAt = now;
  }

  /** Keep a request in the in-flight set until it settles (a stop waits for them). */
  keepInFlight<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** A timer of the loop's (cleared by a stop). */
  every(clock: Clock, ms: number, fn: () => void): void {
    this.timers.push(clock.setInterval(fn, ms));
  }

  clearTimers(clock: Clock): void {
    for (const t of this.timers) clock.clear(t);
  }

  /** The requests still in flight. */
  pending(): Promise<unknown>[] {
    return [...this.inflight];
  }
}
