// SymbolState: what the core keeps about one traded symbol between events: its market, book and top of
// book, mark, taker-flow signal, the operator's mode for it, the quoted side, back-off and wake-up timer,
// position drift and fill sequence (variables holding one are named `sym`).
import type { SideReason } from '../domain/trading-mode.js';
import type { BookView, MarketInfo } from '../domain/market.js';
import type { Side } from '../domain/side.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { type Decimal, ZERO } from '../util/decimal.js';
import { FlowSignal, type FlowParams } from './flow.js';
import type { OperatorMode } from '../domain/trading-mode.js';

export class SymbolState {
  readonly isSpot: boolean;
  book: BookView | null = null;
  bookValid = false;
  lastBid: Decimal | null = null;
  lastAsk: Decimal | null = null;
  mark: Decimal | null = null;
  readonly flow: FlowSignal;
  opMode: OperatorMode = 'ACTIVE';
  reducingSince: number | null = null;
  /** Spot: the base balance the operator keeps (TIERHUNTER_SPOT_TARGET_BASE); inventory is what is held above it. */
  spotTarget: Decimal = ZERO;
  /** Side of the last wanted quote, and whether it was an exit (for the inventory-switch log line). */
  quotedSide: Side | null = null;
  quotedExit = false;
  sideReason: SideReason = 'none';
  /** No placement before this time (reject back-off, denial cool-down). */
  blockedUntil = 0;
  rejectStreak = 0;
  consecutiveFailures = 0;
  /** A reduce-only (spot: insufficient funds) rejection asked for a fresh position/balance read; nothing is placed until it arrives. */
  positionReadPending = false;
  lastPositionReadAt = -Infinity;
  wake: TimerHandle | null = null;
  wakeAt = Infinity;
  /** Exchange position (spot: balance - target) that disagrees with ours, and since when (reconciled if it persists). */
  driftQty: Decimal | null = null;
  driftEntry: Decimal = ZERO;
  driftSince = 0;
  /** Increments on every fill: a REST position read is only trusted if no fill landed meanwhile. */
  fillSeq = 0;
  dustLogged = false;

  constructor(
    readonly symbol: string,
    readonly market: MarketInfo,
    flowParams: FlowParams,
  ) {
    this.isSpot = market.marketType === 'SPOT';
    this.flow = new FlowSignal(flowParams);
  }
}

/** Call `due` at `at` (a wait's or a back-off's end) through the symbol's one wake-up; an earlier one already set wins. */
export function scheduleWake(clock: Clock, sym: SymbolState, at: number, due: () => void): void {
  if (sym.wake !== null && sym.wakeAt <= at) return;
  clock.clear(sym.wake);
  sym.wakeAt = at;
  sym.wake = clock.setTimeout(() => {
    sym.wake = null;
    sym.wakeAt = Infinity;
    due();
  }, Math.max(0, at - clock.now()));
}
