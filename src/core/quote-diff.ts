// Diff between the quote we want and the order we have. No cancel/replace without a reason; every
// replacement carries a reason code (counted by the engine). Price drift inside the tolerance is left
// alone, and a replacement is never sooner than minRequoteMs after the previous placement, except when
// the inventory rule or a mode change demands it at once.
import type { Side } from '../domain/side.js';
import type { Decimal } from '../util/decimal.js';
import type { Quote } from './strategy.js';

export type ReplaceReason = 'side' | 'reduce-only' | 'price' | 'size' | 'escalation' | 'inventory' | 'no-quote';

export interface WorkingView {
  side: Side;
  price: Decimal | null;
  remaining: Decimal;
  reduceOnly: boolean;
  ioc: boolean;
  placedAt: number;
}

export type RefreshAction =
  | { kind: 'none' }
  /** Wait until `at` (ms) and decide again. */
  | { kind: 'wait'; at: number }
  | { kind: 'place' }
  | { kind: 'cancel'; reason: ReplaceReason };

export interface RefreshParams {
  tickSize: Decimal;
  refreshToleranceTicks: number;
  minRequoteMs: number;
}

const NONE: RefreshAction = { kind: 'none' };
const PLACE: RefreshAction = { kind: 'place' };

export function diffQuote(want: Quote | null, have: WorkingView | null, now: number, p: RefreshParams): RefreshAction {
  if (have === null) return want === null ? NONE : PLACE;
  if (have.ioc) return NONE; // an IOC finishes by itself within one matching step
  if (want === null) return { kind: 'cancel', reason: 'no-quote' };
  const reason = replaceReason(want, have, p);
  if (reason === null) return NONE;
  // The inventory switch and escalation are urgent; routine price chasing is rate-limited.
  const urgent = reason === 'inventory' || reason === 'escalation' || reason === 'reduce-only';
  const due = have.placedAt + p.minRequoteMs;
  if (!urgent && now < due) return { kind: 'wait', at: due };
  return { kind: 'cancel', reason };
}

export function replaceReason(want: Quote, have: WorkingView, p: RefreshParams): ReplaceReason | null {
  if (want.side !== have.side) return want.exit ? 'inventory' : 'side';
  if (want.reduceOnly !== have.reduceOnly) return 'reduce-only';
  if (want.ioc) return 'escalation';
  if (have.price === null) return 'price';
  if (priceMoved(want.price, have.price, p)) return want.stage > 0 ? 'escalation' : 'price';
  // Exits must cover exactly the position (it moves with fills); opening size drift is not worth a cancel.
  if (want.exit && !want.quantity.eq(have.remaining)) return 'size';
  return null;
}

/** |want - have| / tick > tolerance, without the division in the common cases (same price; zero tolerance). */
function priceMoved(want: Decimal, have: Decimal, p: RefreshParams): boolean {
  if (want === have || want.eq(have)) return 0 > p.refreshToleranceTicks;
  if (p.refreshToleranceTicks === 0 && p.tickSize.gt(0)) return true;
  return want.minus(have).abs().div(p.tickSize).gt(p.refreshToleranceTicks);
}
