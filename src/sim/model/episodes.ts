// Information episodes: how the fair value moves. An episode arrives (Poisson), picks a direction (the
// previous episode's with probability episodeSideRepeat) and a total move (log-normal, bp), and plays it
// out in steps of about episodeStepBps a few milliseconds apart, as the tapes show price moves: a burst
// of same-side aggressions, longer the larger the move, that each take the quotes the move left behind. Part of the move may be given back later
// (transient impact): a reversal episode is scheduled for then. Pure: the model asks for due steps.
import type { Prng } from './prng.js';
import type { Dynamics } from './spec.js';

export interface EpisodeStep {
  at: number;
  /** +1 up, -1 down. */
  dir: 1 | -1;
  /** Move of this step, bp. */
  bps: number;
  /** An informed taker trades at this step (else the makers just requote). */
  informed: boolean;
}

interface Reversal {
  at: number;
  dir: 1 | -1;
  bps: number;
}

export class Episodes {
  private nextAt: number;
  private lastDir: 1 | -1 = 1;
  /** Pending steps, sorted by time (few at once). */
  private readonly steps: EpisodeStep[] = [];
  /** Pending reversals, sorted by time. */
  private readonly reversals: Reversal[] = [];

  constructor(
    private readonly d: Dynamics,
    private readonly rng: Prng,
    startMs: number,
  ) {
    this.nextAt = d.episodeRate > 0 ? Math.ceil(startMs + rng.exp(1000 / d.episodeRate)) : Infinity;
  }

  /** Move every pending time by deltaMs (the model starts earlier than it was made: a warm-up). */
  shift(deltaMs: number): void {
    this.nextAt += deltaMs;
    for (const s of this.steps) s.at += deltaMs;
    for (const r of this.reversals) r.at += deltaMs;
  }

  /** Time of the next step to play, or of the next episode start when that comes first. */
  nextAtMs(): number {
    const s = this.steps[0]?.at ?? Infinity;
    const r = this.reversals[0]?.at ?? Infinity;
    return Math.min(s, r, this.nextAt);
  }

  /** The step due at `now` (starting episodes whose time has come first), or null. */
  take(now: number): EpisodeStep | null {
    for (;;) {
      const s = this.steps[0];
      if (s && s.at <= now && s.at <= this.nextAt && s.at <= (this.reversals[0]?.at ?? Infinity)) return this.steps.shift()!;
      const r = this.reversals[0];
      if (r && r.at <= now && r.at <= this.nextAt) {
        this.reversals.shift();
        this.start(r.at, r.dir, r.bps, false);
        continue;
      }
      if (this.nextAt <= now) {
        const at = this.nextAt;
        this.nextAt = Math.ceil(at + this.rng.exp(1000 / this.d.episodeRate));
        const r2 = this.rng;
        const dir: 1 | -1 = r2.next() < this.d.episodeSideRepeat ? this.lastDir : this.lastDir === 1 ? -1 : 1;
        this.lastDir = dir;
        this.start(at, dir, r2.logMedian(this.d.episodeMoveBps.median, this.d.episodeMoveBps.logSd), true);
        continue;
      }
      return null;
    }
  }

  private start(at: number, dir: 1 | -1, bps: number, reverts: boolean): void {
    const r = this.rng;
    const n = Math.max(1, Math.ceil(bps / this.d.episodeStepBps));
    const per = bps / n;
    // The first step comes at once: the episode is the arrival of its first aggression.
    let t = at;
    for (let i = 0; i < n; i++) {
      if (i > 0) t += r.exp(this.d.episodeStepGapMs);
      insert(this.steps, { at: Math.ceil(t), dir, bps: per, informed: r.next() >= this.d.silentStepShare });
    }
    if (reverts && this.d.reversionShare > 0) {
      // Gamma(3) delay: the give-back rarely starts within seconds (the tapes' markout is flat from 1 s to
      // 10 s) and is mostly done by 3x its mean.
      const third = (this.d.reversionSec * 1000) / 3;
      const delay = r.exp(third) + r.exp(third) + r.exp(third);
      insert(this.reversals, { at: Math.ceil(t + delay), dir: dir === 1 ? -1 : 1, bps: bps * this.d.reversionShare });
    }
  }
}

function insert<T extends { at: number }>(list: T[], x: T): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.at > x.at) i--;
  list.splice(i, 0, x);
}
