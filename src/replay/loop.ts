// ReplayLoop: the replay exchange's discrete-event loop on one VirtualClock (the tapes' local clock). It
// merges, in time order:
//   venue events   each tape's events at venue time            -> venueEvent()
//   arrivals       requests reaching the venue (entry latency)  -> request()
//   private msgs   answers and updates (response latency)       -> sendPrivate()
//   deliveries     each tape's events reaching the engine        -> deliver()
//   timers         the engine's clock timers
// Ties go to a timer first, then in that order; the tapes are a k-way merge over their cursors. Everything
// runs synchronously, except that after a request was answered or a timer fired the loop yields one
// macrotask so the engine's promise chains settle at that virtual time. Requests keep their order, and so
// do private messages (each time is at least the previous one's).
import type { LatencyModel } from '../sim/latency.js';
import type { TapeEvent } from '../tape/types.js';
import type { VirtualClock } from '../util/clock.js';
import { TimedQueue, type TapeFeed } from './feed.js';

/** How long the stop phase may run when not told (the engine's stop budget is 7 s). */
const MAX_STOP_US = 60_000_000;

export abstract class ReplayLoop {
  private readonly arrivals = new TimedQueue<() => void>();
  private readonly privates = new TimedQueue<() => void>();
  private lastArrival = -Infinity;
  private lastPrivate = -Infinity;
  private needYield = false;
  /** The loop's time, µs (venue events move it without setting the clock: nobody reads the clock then). */
  protected nowUs: number;
  readonly counters = { requests: 0, delivered: 0, venueEvents: 0 };

  constructor(
    protected readonly clock: VirtualClock,
    protected readonly latency: LatencyModel,
    private readonly feeds: readonly TapeFeed[],
  ) {
    this.nowUs = clock.now() * 1000;
  }

  /** Apply tape `i`'s event at venue time (this.nowUs). */
  protected abstract venueEvent(i: number, e: TapeEvent): void;
  /** Hand tape `i`'s event to the engine at `nowMs`. */
  protected abstract deliver(i: number, e: TapeEvent, nowMs: number): void;

  /**
   * Run until every tape is replayed and delivered (no `stop`), or, afterwards, until `until()` holds or
   * `maxMs` of virtual time passed (stopping the engine: its cancels still travel).
   */
  async run(stop?: { until: () => boolean; maxMs?: number }): Promise<void> {
    const limitUs = stop ? this.nowUs + (stop.maxMs !== undefined ? stop.maxMs * 1000 : MAX_STOP_US) : Infinity;
    const feeds = this.feeds;
    for (;;) {
      if (this.needYield) {
        this.needYield = false;
        await new Promise<void>((r) => setImmediate(r));
      }
      if (stop ? stop.until() : feeds.every((f) => f.done)) return;
      // Earliest of every source; ties go to the earlier kind in this order.
      let best = Infinity;
      let kind = 0;
      let which = -1;
      for (let i = 0; i < feeds.length; i++) {
        const f = feeds[i]!;
        while (Number.isNaN(f.headUs)) await f.fill();
        if (f.headUs < best) {
          best = f.headUs;
          kind = 1;
          which = i;
        }
      }
      if (this.arrivals.headTime < best) {
        best = this.arrivals.headTime;
        kind = 2;
      }
      if (this.privates.headTime < best) {
        best = this.privates.headTime;
        kind = 3;
      }
      for (let i = 0; i < feeds.length; i++) {
        const t = feeds[i]!.inflight.headTime;
        if (t < best) {
          best = t;
          kind = 4;
          which = i;
        }
      }
      const timer = this.clock.peek();
      if (timer !== null && timer * 1000 <= best) {
        if (timer * 1000 > limitUs) return;
        this.nowUs = Math.max(this.nowUs, timer * 1000);
        this.clock.step();
        this.needYield = true;
        continue;
      }
      if (best === Infinity || best > limitUs) return;
      this.nowUs = best;
      switch (kind) {
        case 1:
          this.venueRun(which, timer === null ? Infinity : timer * 1000);
          break;
        case 2:
          this.clock.runUntil(best / 1000);
          this.arrivals.shift()();
          break;
        case 3:
          this.clock.runUntil(best / 1000);
          this.privates.shift()();
          break;
        case 4:
          this.clock.runUntil(best / 1000);
          this.counters.delivered++;
          this.deliver(which, feeds[which]!.inflight.shift(), best / 1000);
          break;
      }
    }
  }

  /**
   * Apply one feed's venue events while nothing else is due first (the hot path: one source, no rescans).
   * Ties keep the loop's order: a timer at the same time first, arrivals, messages and deliveries after.
   */
  private venueRun(i: number, timerUs: number): void {
    // Fixed while this feed's events apply: the other feeds' heads, every delivery queue but its own, arrivals.
    let others = Infinity;
    let fixed = this.arrivals.headTime;
    for (let k = 0; k < this.feeds.length; k++) {
      if (k === i) continue;
      const x = this.feeds[k]!;
      if (x.headUs < others) others = x.headUs;
      if (x.inflight.headTime < fixed) fixed = x.inflight.headTime;
    }
    const f = this.feeds[i]!;
    for (;;) {
      this.nowUs = f.headUs;
      this.counters.venueEvents++;
      this.venueEvent(i, f.take());
      const h = f.headUs;
      // NaN (the reader needs input) fails every comparison: back to the loop.
      if (!(h < timerUs && h < others && h <= fixed && h <= f.inflight.headTime && h <= this.privates.headTime)) return;
    }
  }

  /** A private message (answer or update) from the venue, after the response latency, in order. */
  protected sendPrivate(fn: () => void): void {
    const t = Math.max(this.lastPrivate, this.nowUs + this.latency.response() * 1000);
    this.lastPrivate = t;
    this.privates.push(t, fn);
  }

  /** A request: reaches the venue after the entry latency (`act` runs then), answered after the response latency. */
  protected request<T>(act: () => T): Promise<T> {
    this.counters.requests++;
    return new Promise<T>((resolve) => {
      const t = Math.max(this.lastArrival, this.nowUs + this.latency.entry() * 1000);
      this.lastArrival = t;
      this.arrivals.push(t, () => {
        const out = act();
        this.sendPrivate(() => {
          this.needYield = true;
          resolve(out);
        });
      });
    });
  }
}
