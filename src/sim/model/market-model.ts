// The market model of one market, in continuous time: a fair value moved by information episodes whose
// steps informed takers trade on (they take the touch the move left stale; the makers cancel the rest and
// requote around the new value), uninformed noise takers arriving in Hawkes clusters with heavy-tailed
// sizes and persistent sides, and competing makers (src/sim/model/makers.ts) that keep a queue at the
// touch, join and cancel anywhere in it and improve a wide spread. Parameters come from a MarketSpec
// (src/sim/model/spec.ts), fitted on real tapes by `tierhunter calibrate`.
//
// Event-driven: the driver asks nextEventAt() and calls advanceTo(t) when its clock reaches t, so trades
// happen at their own millisecond and a latency-modelled client can react between the steps of one
// episode. Background upkeep (joins and cancels, the ladder, the mark price) runs on a 250 ms tick.
// Pure: acts on the venue, randomness from its own seeded PRNG, time only as arguments.
import type { Side } from '../../domain/side.js';
import { Episodes, type EpisodeStep } from './episodes.js';
import { Hawkes } from './hawkes.js';
import { Makers, type ModelGrid, type ModelVenue } from './makers.js';
import { Prng } from './prng.js';
import type { Dynamics } from './spec.js';

export type { ModelGrid, ModelVenue } from './makers.js';

/** How long after a price move noise takers may chase it, ms. */
export const CHASE_MS = 10_000;

/** Background upkeep period, ms: queue churn at this resolution is far finer than a maker order's life. */
const TICK_MS = 250;

export class MarketModel {
  private readonly rng: Prng;
  /** Fair value in price units (a float: model state, not money). */
  fair: number;
  /** Mark/index in price units and the per-interval funding estimate, refreshed every second. */
  markPu: number;
  indexPu: number;
  fundingRate = 0.0000125;
  private premium = 0;
  private readonly makers: Makers;
  private readonly episodes: Episodes;
  private readonly noise: Hawkes;
  private noiseAt: number;
  private noiseSide: Side = 'Bid';
  /** Direction and time of the last episode step (noise takers chase recent moves). */
  private moveDir: 1 | -1 = 1;
  private moveAt = -Infinity;
  private tickAt: number;
  private ticks = 0;
  private readonly improveAt: Record<Side, number> = { Bid: Infinity, Ask: Infinity };
  private startMs: number;
  /** Set once the model's time is fixed: by startAt() or by its first event. */
  private started = false;

  constructor(
    private readonly venue: ModelVenue,
    private readonly d: Dynamics,
    private readonly g: ModelGrid,
    initialPricePu: number,
    seed: number,
    startMs: number,
  ) {
    this.rng = new Prng(seed);
    this.fair = initialPricePu;
    this.markPu = initialPricePu;
    this.indexPu = initialPricePu;
    this.makers = new Makers(venue, d, g, this.rng, initialPricePu);
    this.episodes = new Episodes(d, this.rng, startMs);
    this.noise = new Hawkes(d.noiseRate, d.noiseBranching, d.noiseDecaySec, startMs);
    this.noiseAt = Math.ceil(this.noise.nextAfter(this.rng));
    this.tickAt = startMs + TICK_MS;
    this.startMs = startMs;
  }

  /**
   * Start the model at an earlier time than it was made at (a paper exchange's warm-up replays the
   * minutes before now): every scheduled time moves back. Only before anything was played.
   */
  startAt(t: number): void {
    if (this.started) return;
    this.started = true;
    const delta = t - this.startMs;
    this.startMs = t;
    this.tickAt += delta;
    this.noiseAt += delta;
    this.noise.shift(delta);
    this.episodes.shift(delta);
  }

  /** Fill the book once (start of the run). */
  seedBook(): void {
    this.makers.seed(this.fair);
  }

  /** Time (ms) of the model's next event. */
  nextEventAt(): number {
    return Math.min(this.tickAt, this.noiseAt, this.episodes.nextAtMs(), this.improveAt.Bid, this.improveAt.Ask);
  }

  /** Play every event due at or before `now` in time order. */
  advanceTo(now: number): void {
    for (;;) {
      const t = this.nextEventAt();
      if (t > now) return;
      this.started = true;
      if (t === this.improveAt.Bid || t === this.improveAt.Ask) {
        const side: Side = t === this.improveAt.Bid ? 'Bid' : 'Ask';
        this.improveAt[side] = Infinity;
        this.makers.improve(side, this.fair);
      } else if (t === this.noiseAt) {
        this.noise.arrive(t);
        this.noiseAt = Math.max(t + 1, Math.ceil(this.noise.nextAfter(this.rng)));
        this.noiseTaker(t);
        this.scheduleImprove(t);
      } else if (t === this.tickAt) {
        this.tickAt += TICK_MS;
        this.tick(t);
      } else {
        const s = this.episodes.take(t);
        if (s) this.play(s, t);
      }
    }
  }

  private play(s: EpisodeStep, now: number): void {
    this.moveDir = s.dir;
    this.moveAt = now;
    this.fair *= 1 + (s.dir * s.bps) / 1e4;
    if (this.fair < this.g.tickUnit * 10) this.fair = this.g.tickUnit * 10;
    if (s.informed) this.informedTaker(s.dir);
    this.makers.clearStale('Bid', this.fair);
    this.makers.clearStale('Ask', this.fair);
    this.scheduleImprove(now);
  }

  /** An informed taker takes the stale side's quotes, up to its size, at prices strictly better than fair. */
  private informedTaker(dir: 1 | -1): void {
    const t = this.g.tickUnit;
    const usd = this.rng.logMedian(this.d.informedSizeUsd.median, this.d.informedSizeUsd.logSd);
    if (dir > 0) {
      const limit = Math.ceil(this.fair / t) * t - t;
      const best = this.venue.book.asks.best();
      if (best !== undefined && best <= limit) this.venue.houseTake('Bid', this.makers.qtyOf(usd, best), limit);
    } else {
      const limit = Math.floor(this.fair / t) * t + t;
      const best = this.venue.book.bids.best();
      if (best !== undefined && best >= limit) this.venue.houseTake('Ask', this.makers.qtyOf(usd, best), limit);
    }
  }

  /**
   * An uninformed market order: on the previous one's side (persistence) or chasing the last move; it does
   * not walk more than a few ladder gaps past the touch.
   */
  private noiseTaker(now: number): void {
    const r = this.rng;
    const chase = this.d.noiseChase;
    if (chase !== 0 && now - this.moveAt <= CHASE_MS && r.next() < Math.abs(chase)) this.noiseSide = this.moveDir * chase > 0 ? 'Bid' : 'Ask';
    else if (r.next() >= this.d.noiseSideRepeat) this.noiseSide = this.noiseSide === 'Bid' ? 'Ask' : 'Bid';
    const ns = this.d.noiseSizeUsd;
    const usd = Math.min(ns.maxUsd, r.logMedian(ns.median, ns.logSd));
    const book = this.venue.book;
    const reach = 5 * this.makers.ladderGapTicks * this.g.tickUnit;
    if (this.noiseSide === 'Bid') {
      const best = book.asks.best();
      if (best !== undefined) this.venue.houseTake('Bid', this.makers.qtyOf(usd, best), best + reach);
    } else {
      const best = book.bids.best();
      if (best !== undefined) this.venue.houseTake('Ask', this.makers.qtyOf(usd, best), Math.max(this.g.tickUnit, best - reach));
    }
  }

  /** The book changed outside the model (a user traded or quoted): makers react as to their own events. */
  react(now: number): void {
    this.scheduleImprove(now);
  }

  /** Makers improve a side that is behind their target after a short reaction time. */
  private scheduleImprove(now: number): void {
    for (const side of ['Bid', 'Ask'] as const) {
      if (this.improveAt[side] !== Infinity || !this.makers.behind(side, this.fair)) continue;
      this.improveAt[side] = Math.max(now + 1, Math.ceil(now + this.rng.exp(this.d.improveMs)));
    }
  }

  private tick(now: number): void {
    const dt = TICK_MS / 1000;
    for (const side of ['Bid', 'Ask'] as const) {
      this.makers.churn(side, dt);
      // A user quote placed through the fair value is as stale as one the fair value moved through.
      this.makers.clearStale(side, this.fair);
      const best = this.venue.book.side(side).best();
      this.makers.layLadder(side, best !== undefined && !this.makers.behind(side, this.fair) ? best : this.makers.target(side, this.fair), false);
    }
    this.scheduleImprove(now);
    if (++this.ticks % Math.round(1000 / TICK_MS) === 0) this.refreshMark();
  }

  private refreshMark(): void {
    const r = this.rng;
    const tick = this.g.tickUnit;
    this.indexPu = Math.round(this.fair / tick) * tick;
    // Premium: mean-reverting noise of a few basis points.
    this.premium = this.premium * 0.95 + 0.00002 * r.normal();
    this.markPu = Math.round((this.fair * (1 + this.premium)) / tick) * tick;
    const f = 0.0000125 + 0.1 * this.premium;
    this.fundingRate = Math.max(-0.015, Math.min(0.015, f));
  }
}
