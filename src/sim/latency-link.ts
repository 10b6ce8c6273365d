// The wire between a backtest's client and the in-process exchange, with latency (src/sim/latency.ts):
// requests reach the exchange after the entry latency, in the order sent, and act on the book as it is
// then; their answers come back after the response latency; events from the exchange are delivered after
// the feed latency, in order. Everything is scheduled on the exchange's clock, so it is deterministic in
// virtual time. With zero latency requests act at once and events wait only for the next drain.
import type { Clock } from '../util/clock.js';
import type { LatencyModel } from './latency.js';

interface Timed<E> {
  at: number;
  e: E;
}

export class LatencyLink<E> {
  private readonly queue: Array<Timed<E>> = [];
  private head = 0;
  private lastFeedAt = -Infinity;
  private lastEntryAt = -Infinity;
  private armedAt = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly latency: LatencyModel | null,
    /** Called when queued events fall due (the owner delivers them with due()). */
    private readonly onDue: () => void,
  ) {}

  get delaysFeed(): boolean {
    return this.latency !== null && this.latency.settings.feedMs > 0;
  }

  /** Queue an event for delivery after the feed latency. */
  send(e: E): void {
    const now = this.clock.now();
    const at = this.latency === null ? now : Math.max(this.lastFeedAt, now + this.latency.feed());
    this.lastFeedAt = at;
    this.queue.push({ at, e });
    if (at > now && at < this.armedAt) {
      this.armedAt = at;
      this.clock.setTimeout(() => {
        this.armedAt = Infinity;
        this.onDue();
        this.rearm();
      }, at - now);
    }
  }

  /** The last queued event, while it has not been delivered (for coalescing same-time updates). */
  last(): Timed<E> | undefined {
    return this.queue.length > this.head ? this.queue[this.queue.length - 1] : undefined;
  }

  /** Take the events due now, in order. */
  due(): E[] {
    const now = this.clock.now();
    const out: E[] = [];
    while (this.head < this.queue.length && this.queue[this.head]!.at <= now) out.push(this.queue[this.head++]!.e);
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return out;
  }

  private rearm(): void {
    const next = this.queue[this.head];
    const now = this.clock.now();
    if (next && next.at > now && next.at < this.armedAt) {
      this.armedAt = next.at;
      this.clock.setTimeout(() => {
        this.armedAt = Infinity;
        this.onDue();
        this.rearm();
      }, next.at - now);
    }
  }

  /** Run `act` at the exchange after the entry latency; resolve with its result after the response latency. */
  request<T>(act: () => T | Promise<T>): Promise<T> {
    const l = this.latency;
    if (l === null || (l.settings.entryMs === 0 && l.settings.responseMs === 0)) {
      // No latency: act now, synchronously, as an in-process call would.
      try {
        return Promise.resolve(act());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const now = this.clock.now();
    const at = Math.max(this.lastEntryAt, now + l.entry());
    this.lastEntryAt = at;
    return new Promise<T>((resolve, reject) => {
      const answer = (fn: () => void) => this.clock.setTimeout(fn, l.response());
      // The act runs inside the arrival timer, before anything else due later in virtual time.
      this.clock.setTimeout(() => {
        let out: T | Promise<T>;
        try {
          out = act();
        } catch (e) {
          answer(() => reject(e));
          return;
        }
        if (out instanceof Promise) {
          out.then(
            (v) => answer(() => resolve(v)),
            (e: unknown) => answer(() => reject(e)),
          );
        } else {
          const v = out;
          answer(() => resolve(v));
        }
      }, at - now);
    });
  }
}
