// The port a quoting strategy drives its orders through. A strategy sees each symbol's SymbolState (market,
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
import type { SymbolState } from './symbol-state.js';

export interface StrategyPort {
  now(): number;
  /** Signed inventory as the ledger counts it: the perp position; on spot the base held minus the target. */
  inventory(sym: SymbolState): Decimal;
  /** The order in a slot (pending, unknown, resting, or with a cancel in flight), or null when it is free. */
  working(sym: SymbolState, slot?: Slot): TrackedOrder | null;
  /** Gate and send `q` into a free slot: whether it went, and when the symbol may place again. */
  place(sym: SymbolState, q: Quote, slot?: Slot): PlaceResult;
  /** Cancel a working order (nothing while a cancel is in flight, or for an IOC). */
  cancel(sym: SymbolState, t: TrackedOrder): void;
}

/** What the risk gate sees of the host's state besides the quote and the inventory. */
export interface GateState {
  mode(sym: SymbolState): TradingMode;
  lossLimitHit(): boolean;
}

/** The port over an Execution. */
export function executionPort(ex: Execution, clock: Clock, inventory: (sym: SymbolState) => Decimal, gate: GateState): StrategyPort {
  return {
    now: () => clock.now(),
    inventory,
    working: (sym, slot = MAIN_SLOT) => ex.tracker.get(sym.symbol, slot),
    place: (sym, q, slot = MAIN_SLOT) => ex.place(sym, q, gate.mode(sym), inventory(sym), clock.now(), gate.lossLimitHit(), slot),
    cancel: (sym, t) => ex.cancel(sym, t),
  };
}
