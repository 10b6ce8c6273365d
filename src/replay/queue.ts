// Queue-position models for our resting orders in a replay. A tape shows only the displayed size per price
// (L2), not the orders in it, so where our order stands in its level's queue is estimated:
//   join    the order arrives behind everything displayed at its price;
//   trade   a trade at its price consumes the queue ahead first, the rest reaches the order;
//   depth   the displayed size changed: an increase is new orders joining behind; a decrease not explained
//           by the trades printed at the level since its last update is cancellations, split between
//           ahead and behind by the model.
// Two models (after hftbacktest's, docs/BACKTEST.md "Queue models"):
//   prob (power n)  a cancelled quantity c is taken from the queue ahead in the share
//                   f(ahead) / (f(ahead) + f(behind)), f(x) = x^n: the larger part of the queue loses more.
//                   n = 1 splits in proportion to size; larger n makes the bigger side take nearly all of
//                   it (just after joining, behind = 0, so every cancel is ahead of us).
//   risk-averse     only trades advance the order; cancels are assumed to come from behind it (the queue
//                   ahead only ever shrinks to the displayed size).
// Quantities are the tape's quantity units as plain numbers: an estimate, never money. Pure.

export interface QueuePos {
  /** Displayed quantity estimated ahead of our order. */
  ahead: number;
  /** The level's displayed quantity at its last update. */
  level: number;
  /** Quantity traded at the level since its last update (to tell trades from cancels in the next one). */
  traded: number;
}

export interface QueueModel {
  readonly name: 'prob' | 'risk-averse';
  /** The model's parameter as reported (the power for prob, null otherwise). */
  readonly power: number | null;
  /** A new order at a level showing `displayed`: it joins behind all of it. */
  join(displayed: number): QueuePos;
  /** A trade of `qty` at the order's price on its side. Returns the quantity that reaches the order. */
  trade(q: QueuePos, qty: number): number;
  /** The level's displayed size is now `displayed`. */
  depth(q: QueuePos, displayed: number): void;
}

function join(displayed: number): QueuePos {
  return { ahead: displayed, level: displayed, traded: 0 };
}

function trade(q: QueuePos, qty: number): number {
  const hit = Math.min(q.ahead, qty);
  q.ahead -= hit;
  q.traded += qty;
  return qty - hit;
}

export class RiskAverseQueue implements QueueModel {
  readonly name = 'risk-averse' as const;
  readonly power = null;
  join = join;
  trade = trade;
  depth(q: QueuePos, displayed: number): void {
    q.level = displayed;
    q.traded = 0;
    if (q.ahead > displayed) q.ahead = displayed;
  }
}

export class ProbQueue implements QueueModel {
  readonly name = 'prob' as const;
  constructor(readonly power: number) {
    if (!(power > 0) || !Number.isFinite(power)) throw new RangeError(`queue power must be a positive number, got ${power}`);
  }
  join = join;
  trade = trade;
  depth(q: QueuePos, displayed: number): void {
    const prev = q.level;
    const cancelled = prev - displayed - q.traded;
    if (cancelled > 0) {
      // Before this update the level held `prev`: the traded part (already taken off `ahead`), the queue
      // ahead, and the rest behind us.
      const ahead = q.ahead;
      const behind = Math.max(0, prev - q.traded - ahead);
      const fa = ahead ** this.power;
      const fb = behind ** this.power;
      const share = fa + fb > 0 ? fa / (fa + fb) : 0;
      q.ahead = Math.max(0, ahead - cancelled * share);
    }
    q.level = displayed;
    q.traded = 0;
    if (q.ahead > displayed) q.ahead = displayed;
  }
}

export type QueueModelName = QueueModel['name'];
export const QUEUE_MODELS: readonly QueueModelName[] = ['prob', 'risk-averse'];
/** hftbacktest's examples use a power of 3; documented in docs/BACKTEST.md. */
export const DEFAULT_QUEUE_POWER = 3;

export function queueModel(name: QueueModelName, power = DEFAULT_QUEUE_POWER): QueueModel {
  return name === 'prob' ? new ProbQueue(power) : new RiskAverseQueue();
}
