// src/util/: small pure helpers every layer uses: the injected Clock (this file), exact decimals with tick
// and step rounding (decimal.ts) and price-ladder arithmetic in integer ticks (price-ladder.ts).
//
// Time is injected. The pure core (strategy, risk, ledger, matching engine, market model) never reads
// Date.now() or sets real timers: it asks a Clock. SystemClock runs live and on the paper server;
// VirtualClock runs backtests as fast as the CPU allows with the same code.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch (may be fractional for virtual time). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clear(h: TimerHandle | null | undefined): void;
}

export class SystemClock implements Clock {
  private next = 1;
  private readonly live = new Map<number, NodeJS.Timeout>();
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    const t = setTimeout(() => {
      this.live.delete(id);
      fn();
    }, ms);
    this.live.set(id, t);
    return { id };
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    this.live.set(id, setInterval(fn, ms));
    return { id };
  }
  clear(h: TimerHandle | null | undefined): void {
    if (!h) return;
    const t = this.live.get(h.id);
    if (t) {
      clearTimeout(t);
      clearInterval(t);
      this.live.delete(h.id);
    }
  }
}

interface VTimer {
  id: number;
  at: number;
  seq: number;
  every: number | null;
  fn: () => void;
}

/**
 * Discrete-event clock. Timers fire in (time, insertion) order when the owner calls advance()/runUntil().
 * Deterministic: no dependence on wall time.
 */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private nextId = 1;
  private heap: VTimer[] = [];
  private readonly cancelled = new Set<number>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.push(fn, Math.max(0, ms), null);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.push(fn, Math.max(1, ms), Math.max(1, ms));
  }
  clear(h: TimerHandle | null | undefined): void {
    if (h) this.cancelled.add(h.id);
  }
  /** Time of the next pending timer, or null when none. */
  peek(): number | null {
    this.dropCancelled();
    return this.heap[0]?.at ?? null;
  }
  /** Fire the next due timer (advancing time to it). Returns false when no timer is pending. */
  step(): boolean {
    this.dropCancelled();
    const top = this.pop();
    if (!top) return false;
    this.t = Math.max(this.t, top.at);
    if (top.every !== null) {
      top.at += top.every;
      top.seq = this.seq++;
      this.insert(top);
    }
    top.fn();
    return true;
  }
  /** Fire every timer due up to and including `until`, then set the time to `until`. */
  runUntil(until: number): void {
    for (;;) {
      const at = this.peek();
      if (at === null || at > until) break;
      this.step();
    }
    this.t = Math.max(this.t, until);
  }
  advance(ms: number): void {
    this.runUntil(this.t + ms);
  }
  pending(): number {
    this.dropCancelled();
    return this.heap.filter((x) => !this.cancelled.has(x.id)).length;
  }

  private push(fn: () => void, delay: number, every: number | null): TimerHandle {
    const id = this.nextId++;
    this.insert({ id, at: this.t + delay, seq: this.seq++, every, fn });
    return { id };
  }
  private dropCancelled(): void {
    while (this.heap.length > 0 && this.cancelled.has(this.heap[0]!.id)) {
      this.cancelled.delete(this.heap[0]!.id);
      this.pop();
    }
  }
  private less(a: VTimer, b: VTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  private insert(x: VTimer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  private pop(): VTimer | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Real-time clock running `speed` times faster than the wall clock (tests and benchmarks that need a few
 * simulated minutes against the paper server in a few real seconds). Share ONE instance between the paper
 * exchange and the core so signed timestamps and exchange time agree.
 */
export class ScaledClock implements Clock {
  private readonly inner = new SystemClock();
  private readonly realStart = Date.now();
  constructor(
    readonly speed: number,
    private readonly start = Date.now(),
  ) {
    if (!(speed > 0)) throw new Error('ScaledClock speed must be > 0');
  }
  now(): number {
    return this.start + (Date.now() - this.realStart) * this.speed;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(fn, ms / this.speed);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.inner.setInterval(fn, Math.max(1, ms / this.speed));
  }
  clear(h: TimerHandle | null | undefined): void {
    this.inner.clear(h);
  }
}

/** A clock whose timers are another clock's and whose now() a subclass derives from that clock's. */
export abstract class DerivedClock implements Clock {
  constructor(protected readonly inner: Clock) {}
  abstract now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(fn, ms);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.inner.setInterval(fn, ms);
  }
  clear(h: TimerHandle | null | undefined): void {
    this.inner.clear(h);
  }
}

/** Resolves after `ms` on `clock` (virtual time in a backtest). */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** `p`'s value, or undefined when it fails or `ms` passes first (on the injected clock). */
export function raceTimeout<T>(clock: Clock, p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const h = clock.setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clock.clear(h);
        resolve(v);
      },
      () => {
        clock.clear(h);
        resolve(undefined);
      },
    );
  });
}
