// Runs one market model on a clock: a one-shot timer at the model's next event, which plays every event
// due by then, lets the exchange publish the result (reduce-only checks, one depth update) and re-arms.
// Trades therefore happen at their own millisecond instead of on a fixed step, in virtual time
// (backtests) and in real time (the paper exchange server) alike.
import type { Clock, TimerHandle } from '../util/clock.js';
import type { MarketModel } from './model/market-model.js';

export class ModelDriver {
  private timer: TimerHandle | null = null;
  private armedAt = Infinity;
  private firing = false;

  constructor(
    private readonly clock: Clock,
    private readonly model: MarketModel,
    /** Called after every batch of model events (publish the book). */
    private readonly after: () => void,
  ) {}

  start(): void {
    if (this.timer === null) this.arm();
  }

  stop(): void {
    this.clock.clear(this.timer);
    this.timer = null;
    this.armedAt = Infinity;
  }

  /** The book changed from outside the model (a user's order): let the makers react, re-arm if sooner. */
  poke(): void {
    if (this.firing || this.timer === null) return;
    this.model.react(this.clock.now());
    if (this.model.nextEventAt() < this.armedAt) {
      this.clock.clear(this.timer);
      this.arm();
    }
  }

  private arm(): void {
    const at = this.model.nextEventAt();
    if (at === Infinity) return;
    this.armedAt = at;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, at - this.clock.now()));
  }

  private fire(): void {
    this.timer = null;
    this.armedAt = Infinity;
    this.firing = true;
    try {
      this.model.advanceTo(this.clock.now());
      this.after();
    } finally {
      this.firing = false;
    }
    this.arm();
  }
}
