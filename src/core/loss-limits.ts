// The two loss limits and their memory across restarts. Both measure net PnL (realized + unrealized +
// funding - fees) from a baseline:
//  - session: from the net PnL when this process started trading (or when the operator last reset);
//  - daily:   from the net PnL at the start of the UTC day (the first figure seen that day), so a crash
//             loop cannot buy itself a fresh budget on every restart.
// A limit that is hit latches: it stays hit when the PnL recovers, after a kill -9 and a restart, until
// the UTC day rolls over or the operator resumes with an explicit reset. The state that must survive a
// restart (the day, its baseline, which limits are hit) is exported for the run-state file. Pure: times
// and figures are inputs.
import { type Decimal, parseDecimal, ZERO } from '../util/decimal.js';

export type LimitName = 'session' | 'daily';

/** What the run-state file keeps (decimals as strings). */
export interface LossLimitState {
  /** UTC day of the daily baseline, YYYY-MM-DD. */
  day: string;
  dayBaseline: string;
  sessionHit: boolean;
  dailyHit: boolean;
  /** When each hit was recorded (ms), null when not hit. */
  sessionHitAt: number | null;
  dailyHitAt: number | null;
}

export interface LimitFigure {
  limit: Decimal;
  /** Net PnL since the baseline (negative = loss). */
  pnl: Decimal;
  hit: boolean;
  hitAt: number | null;
}

export interface LimitChange {
  name: LimitName;
  hit: boolean;
  why: 'loss' | 'still hit from before the restart' | 'day rolled over' | 'operator reset';
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class LossLimits {
  private day = '';
  private dayBaseline: Decimal = ZERO;
  private sessionBaseline: Decimal = ZERO;
  private readonly hitAt: Record<LimitName, number | null> = { session: null, daily: null };

  constructor(
    private readonly sessionLimit: Decimal,
    private readonly dailyLimit: Decimal,
  ) {}

  /**
   * Start of a process: the session counts from `net`; the day and its hits come back from `saved` when it
   * is the same UTC day (a new day starts from `net` with nothing hit).
   */
  restore(saved: LossLimitState | null, net: Decimal, now: number): LimitChange[] {
    this.sessionBaseline = net;
    const today = utcDay(now);
    const base = saved && saved.day === today ? parseDecimal(saved.dayBaseline) : null;
    if (saved && base !== null) {
      this.day = today;
      this.dayBaseline = base;
      this.hitAt.session = saved.sessionHit ? (saved.sessionHitAt ?? now) : null;
      this.hitAt.daily = saved.dailyHit ? (saved.dailyHitAt ?? now) : null;
    } else {
      this.day = today;
      this.dayBaseline = net;
      this.hitAt.session = null;
      this.hitAt.daily = null;
    }
    return this.hitNames().map((name) => ({ name, hit: true, why: 'still hit from before the restart' }));
  }

  /** Roll the day over and latch newly hit limits. Returns what changed (for alerts and the run state). */
  evaluate(net: Decimal, now: number): LimitChange[] {
    const out: LimitChange[] = [];
    const today = utcDay(now);
    if (today !== this.day) {
      // A new UTC day: fresh budgets for both (the session limit restarts with the day too, or a limit hit
      // yesterday would be hit again at once and only an operator could ever clear it).
      this.day = today;
      this.dayBaseline = net;
      this.sessionBaseline = net;
      for (const name of ['session', 'daily'] as const) {
        if (this.hitAt[name] !== null) out.push({ name, hit: false, why: 'day rolled over' });
        this.hitAt[name] = null;
      }
    }
    for (const name of ['session', 'daily'] as const) {
      if (this.hitAt[name] !== null) continue;
      const f = this.figure(name, net);
      if (f.limit.gt(0) && f.pnl.lte(f.limit.neg())) {
        this.hitAt[name] = now;
        out.push({ name, hit: true, why: 'loss' });
      }
    }
    return out;
  }

  /** The operator's explicit reset: both limits count from `net` again, nothing hit. */
  reset(net: Decimal, now: number): LimitChange[] {
    const out: LimitChange[] = [];
    for (const name of ['session', 'daily'] as const) {
      if (this.hitAt[name] !== null) out.push({ name, hit: false, why: 'operator reset' });
      this.hitAt[name] = null;
    }
    this.day = utcDay(now);
    this.dayBaseline = net;
    this.sessionBaseline = net;
    return out;
  }

  get anyHit(): boolean {
    return this.hitAt.session !== null || this.hitAt.daily !== null;
  }

  /** Names of the limits that are hit, session first. */
  hitNames(): LimitName[] {
    return (['session', 'daily'] as const).filter((n) => this.hitAt[n] !== null);
  }

  figure(name: LimitName, net: Decimal): LimitFigure {
    const limit = name === 'session' ? this.sessionLimit : this.dailyLimit;
    const pnl = net.minus(name === 'session' ? this.sessionBaseline : this.dayBaseline);
    return { limit, pnl, hit: this.hitAt[name] !== null, hitAt: this.hitAt[name] };
  }

  state(): LossLimitState {
    return {
      day: this.day,
      dayBaseline: this.dayBaseline.toString(),
      sessionHit: this.hitAt.session !== null,
      dailyHit: this.hitAt.daily !== null,
      sessionHitAt: this.hitAt.session,
      dailyHitAt: this.hitAt.daily,
    };
  }
}
