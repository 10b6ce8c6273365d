// Our working orders, one per slot of a symbol, tracked through their life:
//   pending -> open -> partiallyFilled -> filled | cancelled | rejected | expired, and 'unknown' when a
//   request's outcome is not known (timeout, 5xx). Unknown is resolved by query, never by resending; while
//   a slot has any tracked order (pending, unknown, cancel in flight) nothing new is placed into it.
// A slot names one order stream within a symbol: the engine quotes one order per symbol (MAIN_SLOT); the
// two-sided comparison baseline keeps a bid and an ask (slots 'Bid' and 'Ask').
// WS events may arrive before the REST reply: orders are matched by clientId first, then orderId. States
// only move forward (a late REST "New" never resurrects an order the stream already saw filled).
import type { OrderInfo, OrderStatus } from '../domain/order.js';
import type { Side } from '../domain/side.js';
import { type Decimal, maxDec, ZERO } from '../util/decimal.js';

/** Which of a symbol's working orders (see the header). */
export type Slot = string;
/** The slot of the engine's one order per symbol, and the default of every slot parameter. */
export const MAIN_SLOT: Slot = 'main';

export type TrackState = 'pending' | 'open' | 'partiallyFilled' | 'filled' | 'cancelled' | 'rejected' | 'expired' | 'unknown';

export interface TrackedOrder {
  clientId: number;
  orderId: string | null;
  symbol: string;
  slot: Slot;
  side: Side;
  price: Decimal | null;
  quantity: Decimal;
  executed: Decimal;
  reduceOnly: boolean;
  postOnly: boolean;
  ioc: boolean;
  /** Reduces inventory (for the gate and the escalation). */
  exit: boolean;
  state: TrackState;
  placedAt: number;
  /** A cancel was sent and its outcome is not yet known. */
  cancelInFlight: boolean;
  /** The cancel or place outcome was unknown: findOrder resolution is running. */
  resolving: boolean;
  /** Consecutive findOrder answers of "never seen" (needs two, apart, to conclude it never existed). */
  notFoundCount: number;
}

const TERMINAL: ReadonlySet<TrackState> = new Set(['filled', 'cancelled', 'rejected', 'expired']);
const RANK: Record<TrackState, number> = {
  pending: 0,
  unknown: 0,
  open: 1,
  partiallyFilled: 2,
  filled: 3,
  cancelled: 3,
  rejected: 3,
  expired: 3,
};

export function isTerminal(s: TrackState): boolean {
  return TERMINAL.has(s);
}

export function stateOf(status: OrderStatus): TrackState {
  switch (status) {
    case 'New':
    case 'TriggerPending':
      return 'open';
    case 'PartiallyFilled':
      return 'partiallyFilled';
    case 'Filled':
      return 'filled';
    case 'Cancelled':
      return 'cancelled';
    case 'Expired':
    case 'TriggerFailed':
      return 'expired';
  }
}

export function remaining(o: TrackedOrder): Decimal {
  if (o.executed === ZERO) return o.quantity; // nothing filled yet (the common case): no arithmetic
  const r = o.quantity.minus(o.executed);
  return r.isNegative() ? ZERO : r;
}

/** Remember this many finished orders for late events (fills after a cancel, REST replies after WS). */
const RECENT_MAX = 256;

/** A new order as add() takes it (slot defaults to MAIN_SLOT). */
export type NewOrder = Omit<TrackedOrder, 'slot' | 'state' | 'executed' | 'orderId' | 'cancelInFlight' | 'resolving' | 'notFoundCount'> & { slot?: Slot };

export class OrderTracker {
  /** symbol -> slot -> working order. A symbol's inner map is kept once made (no allocation per order). */
  private readonly working = new Map<string, Map<Slot, TrackedOrder>>();
  private readonly byClient = new Map<number, TrackedOrder>();
  private readonly byOrderId = new Map<string, TrackedOrder>();
  private readonly recent: TrackedOrder[] = [];

  /** The working order in a slot of the symbol (by default the engine's one). */
  get(symbol: string, slot: Slot = MAIN_SLOT): TrackedOrder | null {
    return this.working.get(symbol)?.get(slot) ?? null;
  }

  /** True while `t` holds its slot (it has not ended and nothing replaced it). */
  isWorking(t: TrackedOrder): boolean {
    return this.working.get(t.symbol)?.get(t.slot) === t;
  }

  /** Every working order of one symbol, whatever its slot. */
  forSymbol(symbol: string): TrackedOrder[] {
    const slots = this.working.get(symbol);
    return slots ? [...slots.values()] : [];
  }

  *all(): IterableIterator<TrackedOrder> {
    for (const slots of this.working.values()) yield* slots.values();
  }

  /** Registers a new order as pending. Throws if its slot already has one (the invariant). */
  add(o: NewOrder): TrackedOrder {
    const slot = o.slot ?? MAIN_SLOT;
    let slots = this.working.get(o.symbol);
    if (slots === undefined) this.working.set(o.symbol, (slots = new Map()));
    if (slots.has(slot)) throw new Error(`invariant: ${o.symbol} already has a working order in slot ${slot}`);
    // Every field spelled out (not `...o`): one fixed object shape keeps the hot paths that read tracked
    // orders monomorphic, and the spread was the tracker's largest cost in a backtest profile.
    const t: TrackedOrder = {
      clientId: o.clientId,
      orderId: null,
      symbol: o.symbol,
      slot,
      side: o.side,
      price: o.price,
      quantity: o.quantity,
      executed: ZERO,
      reduceOnly: o.reduceOnly,
      postOnly: o.postOnly,
      ioc: o.ioc,
      exit: o.exit,
      state: 'pending',
      placedAt: o.placedAt,
      cancelInFlight: false,
      resolving: false,
      notFoundCount: 0,
    };
    slots.set(slot, t);
    this.byClient.set(t.clientId, t);
    this.remember(t);
    return t;
  }

  /** Adopt a REST/query view of the order. Returns true when it became terminal. */
  applyInfo(t: TrackedOrder, info: OrderInfo): boolean {
    if (info.id && t.orderId === null) this.setOrderId(t, info.id);
    t.executed = maxDec(t.executed, info.executedQuantity);
    if (info.quantity.gt(0) && t.state !== 'pending' && !info.quantity.eq(t.quantity)) t.quantity = info.quantity; // engine-shrunk reduce-only
    return this.advance(t, stateOf(info.status));
  }

  /** Move the state forward only. Returns true when the order became terminal (and left the working slot). */
  advance(t: TrackedOrder, s: TrackState): boolean {
    if (isTerminal(t.state)) return false;
    if (RANK[s] >= RANK[t.state] || t.state === 'unknown') t.state = s;
    if (isTerminal(t.state)) {
      this.finish(t);
      return true;
    }
    return false;
  }

  /** Mark terminal without exchange confirmation of status (rejected, or proven never to exist). */
  finishAs(t: TrackedOrder, s: 'rejected' | 'cancelled' | 'expired' | 'filled'): void {
    if (isTerminal(t.state)) return;
    t.state = s;
    this.finish(t);
  }

  find(clientId: number | null, orderId: string | null): TrackedOrder | null {
    if (clientId !== null) {
      const t = this.byClient.get(clientId);
      if (t) return t;
    }
    if (orderId !== null) return this.byOrderId.get(orderId) ?? null;
    return null;
  }

  setOrderId(t: TrackedOrder, id: string): void {
    t.orderId = id;
    this.byOrderId.set(id, t);
  }

  /** Free the order's slot (it ended, or reconciliation proved nothing rests). */
  private finish(t: TrackedOrder): void {
    t.cancelInFlight = false;
    t.resolving = false;
    const slots = this.working.get(t.symbol);
    if (slots?.get(t.slot) === t) slots.delete(t.slot);
  }

  private remember(t: TrackedOrder): void {
    this.recent.push(t);
    if (this.recent.length > RECENT_MAX) {
      const old = this.recent.shift()!;
      if (this.isWorking(old)) {
        this.recent.push(old); // never forget a live one
        return;
      }
      if (this.byClient.get(old.clientId) === old) this.byClient.delete(old.clientId);
      if (old.orderId !== null && this.byOrderId.get(old.orderId) === old) this.byOrderId.delete(old.orderId);
    }
  }
}
