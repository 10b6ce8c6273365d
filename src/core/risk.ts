// The risk gate between the decision and the wire. Modes per symbol and global; the effective mode is the
// strictest of the operator's choice and the system's conditions (book resync, exchange down, journal
// unwritable, loss limit). Denials are counted by reason so the stats show what the gate stopped.
import type { TradingMode } from '../domain/trading-mode.js';
import type { Side } from '../domain/side.js';
import type { Decimal } from '../util/decimal.js';

const RANK: Record<TradingMode, number> = { ACTIVE: 0, REDUCING: 1, PAUSED: 2, HALTED: 3 };

export function stricter(a: TradingMode, b: TradingMode): TradingMode {
  return RANK[a] >= RANK[b] ? a : b;
}

export type DenyReason =
  | 'halted'
  | 'paused'
  | 'reducing-opening'
  | 'max-position'
  | 'loss-limit'
  | 'working-order'
  | 'not-reducing';

export interface GateOrder {
  side: Side;
  price: Decimal;
  quantity: Decimal;
  /** Reduces inventory (reduce-only on perps; closing side within the inventory on spot). */
  exit: boolean;
}

export interface GateContext {
  mode: TradingMode;
  /** Signed inventory. */
  position: Decimal;
  maxPositionNotional: Decimal;
  lossLimitHit: boolean;
  /** A working order (any state, incl. pending/unknown) exists for the symbol. */
  hasWorkingOrder: boolean;
}

/** Returns null when the order may be sent, else why not. */
export function gate(o: GateOrder, c: GateContext): DenyReason | null {
  if (c.hasWorkingOrder) return 'working-order';
  if (c.mode === 'HALTED') return 'halted';
  if (c.mode === 'PAUSED') return 'paused';
  const signed = o.side === 'Bid' ? o.quantity : o.quantity.neg();
  const after = c.position.plus(signed);
  if (o.exit) {
    // An exit must not go through zero: its worst case is flat.
    if (after.abs().gt(c.position.abs()) || !sameSideOrFlat(c.position, after)) return 'not-reducing';
    return null;
  }
  if (c.mode === 'REDUCING') return 'reducing-opening';
  if (c.lossLimitHit) return 'loss-limit';
  if (after.abs().mul(o.price).gt(c.maxPositionNotional)) return 'max-position';
  return null;
}

function sameSideOrFlat(before: Decimal, after: Decimal): boolean {
  return after.isZero() || before.isZero() || before.isNegative() === after.isNegative();
}

export class DenialCounter {
  readonly byReason: Record<string, number> = {};
  total = 0;
  add(r: DenyReason): void {
    this.byReason[r] = (this.byReason[r] ?? 0) + 1;
    this.total++;
  }
}
