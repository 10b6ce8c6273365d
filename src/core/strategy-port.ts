// The port a quoting strategy drives its orders through. A strategy sees each symbol's SymState (market,
// book, mark) and its inventory, reads its working orders by slot, and places and cancels; everything
// after the decision is Execution's: the risk gate, the tracker, the outcomes, unknown outcomes resolved
// by query, the reject back-off. The engine quotes one order per symbol (MAIN_SLOT); the comparison
// baseline one per side. The host says which mode and loss-limit state the gate sees.
import type { TradingMode } from '../domain/trading-mode.js';
import type { Clock } from '../util/clock.js';
import type { Decimal } from '../util/decimal.js';
import type { Execution, PlaceResult } from './execution.js';
import { MAIN_SLOT, type Slot, type TrackedOrder } from './order-tracker.js';
import type { Quote } from './strategy.js';
import type { SymState } from './sym-state.js';

export interface StrategyPort {
  now(): number;
  /** Signed inventory as the ledger counts it: the perp position; on spot the base held minus the target. */
  inventory(st: SymState): Decimal;
  /** The order in a slot (pending, unknown, resting, or with a cancel in flight), or null when it is free. */
  working(st: SymState, slot?: Slot): TrackedOrder | null;
  /** Gate and send `q` into a free slot: whether it went, and when the symbol may place again. */
  place(st: SymState, q: Quote, slot?: Slot): PlaceResult;
  /** Cancel a working order (nothing while a cancel is in flight, or for an IOC). */
  cancel(st: SymState, t: TrackedOrder): void;
}

/** What the risk gate sees of the host's state besides the quote and the inventory. */
export interface GateState {
  mode(st: SymState): TradingMode;
  lossLimitHit(): boolean;
}

/** The port over an Execution. */
export function executionPort(ex: Execution, clock: Clock, inventory: (st: SymState) => Decimal, gate: GateState): StrategyPort {
  return {
    now: () => clock.now(),
    inventory,
    working: (st, slot = MAIN_SLOT) => ex.tracker.get(st.symbol, slot),
    place: (st, q, slot = MAIN_SLOT) => ex.place(st, q, gate.mode(st), inventory(st), clock.now(), gate.lossLimitHit(), slot),
    cancel: (st, t) => ex.cancel(st, t),
  };
}
