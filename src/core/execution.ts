// Order execution: working orders from the request to their end, one per slot of a symbol (the engine
// uses one slot, MAIN_SLOT; the two-sided baseline a bid and an ask slot). It owns the order tracker and
// the client ids, sends placements (after the risk gate) and cancels, applies their outcomes
// (accepted, rejected, unknown) and the stream's order events, resolves an unknown outcome by querying the
// exchange (never by resending), and backs a symbol off after a failure. It never calls back into the
// engine to re-quote: a synchronous step returns an Effect, and an asynchronous outcome is handed to
// `settled` with its Effect, so the loop alone re-quotes and publishes.
import type { Settings } from '../config/settings.js';
import type { TradingMode } from '../domain/trading-mode.js';
import type { ExchangePort } from '../exchange/port.js';
import type { Outcome } from '../exchange/types.js';
import type { OrderEvent, OrderInfo, OrderRequest } from '../domain/order.js';
import type { Clock } from '../util/clock.js';
import type { Decimal } from '../util/decimal.js';
import { ClientIdAllocator, isOurClientId } from './client-ids.js';
import { MAIN_SLOT, OrderTracker, type Slot, type TrackedOrder, type TrackState } from './order-tracker.js';
import type { Logger } from './ports.js';
import { DenialCounter, gate } from './risk.js';
import type { TradingStats } from './stats.js';
import type { Quote } from './strategy.js';
import type { SymbolState } from './symbol-state.js';
import { errorMessage } from '../util/error-message.js';

/** Retry delays for findOrder resolution of unknown outcomes. */
export const RESOLVE_DELAYS_MS = [250, 500, 1000, 2000, 5000];
export const MAX_REJECT_BACKOFF_MS = 10_000;

/** What an execution step asks of the loop (besides re-quoting the symbol and publishing). */
export interface Effect {
  /** Nothing is placed for the symbol before this time: wake its re-quote then. */
  wakeAt: number | null;
  /** The failure hints at a fill or balance change we have not counted: re-read before placing again. */
  readPosition: boolean;
}

export const NO_EFFECT: Readonly<Effect> = Object.freeze({ wakeAt: null, readPosition: false });

/** A placement attempt: whether an order was sent (the dashboard's state changed), and the back-off. */
export interface PlaceResult extends Effect {
  placed: boolean;
}

export interface ExecutionDeps {
  port: ExchangePort;
  clock: Clock;
  logger: Logger;
  settings: Readonly<Settings>;
  /** Failures are counted per symbol and reason. */
  stats: Pick<TradingStats, 'recordFailure'>;
  /** Registers a request so a stop waits for it. */
  inflight<T>(p: Promise<T>): Promise<T>;
  /** An asynchronous outcome (place, cancel, query) was applied to `sym`: the loop re-quotes it and publishes. */
  settled(sym: SymbolState, effect: Effect): void;
}

export class Execution {
  readonly tracker = new OrderTracker();
  readonly denials = new DenialCounter();
  ordersPlaced = 0;
  cancelsSent = 0;
  private readonly ids: ClientIdAllocator;

  constructor(private readonly d: ExecutionDeps) {
    this.ids = new ClientIdAllocator(d.clock.now());
  }

  /**
   * Gate and send a placement for the wanted quote into a slot of the symbol (fire-and-track: the outcome
   * arrives via `settled`). The back-off and the gate's cool-down are the symbol's, shared by its slots.
   */
  place(sym: SymbolState, q: Quote, mode: TradingMode, inv: Decimal, now: number, lossLimitHit: boolean, slot: Slot = MAIN_SLOT): PlaceResult {
    if (now < sym.blockedUntil) return { placed: false, wakeAt: sym.blockedUntil, readPosition: false };
    if (sym.positionReadPending) return { placed: false, ...NO_EFFECT };
    const deny = gate(
      { side: q.side, price: q.price, quantity: q.quantity, exit: q.exit },
      {
        mode,
        position: inv,
        maxPositionNotional: this.d.settings.maxPositionNotional,
        lossLimitHit,
        hasWorkingOrder: this.tracker.get(sym.symbol, slot) !== null,
      },
    );
    if (deny !== null) {
      this.denials.add(deny);
      // Cool down so a standing denial is not re-evaluated on every tick.
      sym.blockedUntil = now + Math.max(this.d.settings.minRequoteMs, 250);
      return { placed: false, wakeAt: sym.blockedUntil, readPosition: false };
    }
    const clientId = this.ids.next();
    const req: OrderRequest = {
      symbol: sym.symbol,
      side: q.side,
      orderType: 'Limit',
      price: q.price,
      quantity: q.quantity,
      timeInForce: q.ioc ? 'IOC' : 'GTC',
      clientId,
    };
    if (q.postOnly) req.postOnly = true;
    if (q.reduceOnly) req.reduceOnly = true;
    const t = this.tracker.add({
      clientId,
      symbol: sym.symbol,
      slot,
      side: q.side,
      price: q.price,
      quantity: q.quantity,
      reduceOnly: q.reduceOnly,
      postOnly: q.postOnly,
      ioc: q.ioc,
      exit: q.exit,
      placedAt: now,
    });
    this.ordersPlaced++;
    this.d.inflight(
      this.d.port.placeOrder(req).then(
        (o) => this.d.settled(sym, this.onPlaceOutcome(sym, t, o)),
        (e: unknown) => this.d.settled(sym, this.onPlaceOutcome(sym, t, { kind: 'unknown', reason: errorMessage(e) })),
      ),
    );
    return { placed: true, ...NO_EFFECT };
  }

  /** Send a cancel for the working order unless one is in flight (an IOC ends by itself). */
  cancel(sym: SymbolState, t: TrackedOrder): void {
    if (t.cancelInFlight || t.ioc) return;
    t.cancelInFlight = true;
    this.cancelsSent++;
    const id = t.orderId !== null ? { orderId: t.orderId } : { clientId: t.clientId };
    this.d.inflight(
      this.d.port.cancelOrder(sym.symbol, id).then(
        (o) => this.d.settled(sym, this.onCancelOutcome(sym, t, o)),
        (e: unknown) => this.d.settled(sym, this.onCancelOutcome(sym, t, { kind: 'unknown', reason: errorMessage(e) })),
      ),
    );
  }

  /**
   * A stream order event (its fill, if any, is the portfolio's). An order of ours that we do not track
   * (e.g. a placement resolved as lost) and that rests is cancelled, unless the engine is stopping.
   * Null when the event is not about a tracked order (nothing the loop needs to re-quote).
   */
  onOrderEvent(sym: SymbolState | undefined, ev: OrderEvent, stopping: boolean): Effect | null {
    const t = this.tracker.find(ev.clientId, ev.orderId);
    if (!t) {
      if (sym && isOurClientId(ev.clientId) && (ev.status === 'New' || ev.status === 'PartiallyFilled') && !stopping) {
        this.d.logger.warn(`[${ev.symbol}] untracked order ${ev.orderId} (clientId ${ev.clientId}) is resting: cancelling it`);
        this.d.inflight(this.d.port.cancelOrder(ev.symbol, { orderId: ev.orderId }));
      }
      return null;
    }
    if (t.orderId === null && ev.orderId) this.tracker.setOrderId(t, ev.orderId);
    if (ev.executedQuantity.gt(t.executed)) t.executed = ev.executedQuantity;
    if (ev.type === 'modified' && ev.quantity.gt(0)) t.quantity = ev.quantity;
    const was = t.state;
    const done = this.tracker.advance(t, stateOfEvent(ev));
    if (was === 'pending' || was === 'unknown') clearFailureStreak(sym);
    if (done && ev.type === 'expired' && sym) return this.onExpired(sym, t, ev.reason ?? '');
    return NO_EFFECT;
  }

  /**
   * Match the tracker against the exchange's open orders (a reconciliation): a working order is updated,
   * an order of ours we do not track is cancelled (unless one of the symbol's may be in flight), and a
   * working order the exchange no longer lists is resolved by query.
   */
  matchOpenOrders(syms: Iterable<SymbolState>, open: OrderInfo[]): void {
    for (const sym of syms) {
      const working = this.tracker.forSymbol(sym.symbol);
      const mine = open.filter((o) => o.symbol === sym.symbol && isOurClientId(o.clientId));
      for (const o of mine) {
        const t = working.find((w) => isSame(o, w));
        if (t) {
          this.tracker.applyInfo(t, o);
          continue;
        }
        if (working.some((w) => w.state === 'pending' || w.state === 'unknown')) continue; // may be ours in flight
        this.d.logger.warn(`[${sym.symbol}] orphan order ${o.id} (clientId ${o.clientId}): cancelling`);
        this.d.inflight(this.d.port.cancelOrder(sym.symbol, { orderId: o.id }));
      }
      for (const t of working) {
        if ((t.state === 'open' || t.state === 'partiallyFilled') && !t.resolving && !mine.some((o) => isSame(o, t))) {
          // It ended while we were not looking: ask the exchange how.
          t.resolving = true;
          this.scheduleResolve(sym, t, 0);
        }
      }
    }
  }

  private onExpired(sym: SymbolState, t: TrackedOrder, reason: string): Effect {
    if (/PostOnly/i.test(reason)) return this.onFailure(sym, 'post-only');
    if (/ReduceOnly/i.test(reason)) return this.onFailure(sym, 'reduce-only');
    if (/ImmediateOrCancel|FillOrKill/i.test(reason) || t.ioc) return NO_EFFECT; // an IOC remainder is normal
    return this.onFailure(sym, `expired:${reason || 'unknown'}`);
  }

  private onPlaceOutcome(sym: SymbolState, t: TrackedOrder, o: Outcome<OrderInfo>): Effect {
    let effect: Effect = NO_EFFECT;
    try {
      if (o.kind === 'accepted') {
        this.tracker.applyInfo(t, o.value);
        if (t.state === 'pending') t.state = 'open';
        clearFailureStreak(sym);
      } else if (o.kind === 'rejected') {
        if (t.state === 'pending') {
          this.tracker.finishAs(t, 'rejected');
          effect = this.onFailure(sym, classifyReject(o.code, o.message));
          this.d.logger.warn(`[${sym.symbol}] order rejected: ${o.code} ${o.message}`);
        }
      } else if (t.state === 'pending') {
        t.state = 'unknown';
        t.resolving = true;
        this.d.logger.warn(`[${sym.symbol}] order ${t.clientId} outcome unknown (${o.reason}): resolving by query`);
        this.scheduleResolve(sym, t, 0);
      }
    } catch (e) {
      this.d.logger.warn(`[${sym.symbol}] place outcome: ${errorMessage(e)}`);
    }
    return effect;
  }

  private onCancelOutcome(sym: SymbolState, t: TrackedOrder, o: Outcome<OrderInfo>): Effect {
    try {
      if (o.kind === 'accepted') {
        this.tracker.applyInfo(t, o.value);
        if (this.tracker.isWorking(t)) this.tracker.finishAs(t, 'cancelled');
      } else if (this.tracker.isWorking(t)) {
        // Rejected (e.g. already filled/cancelled) or unknown: find out what happened, never guess.
        t.resolving = true;
        this.scheduleResolve(sym, t, 0);
      }
    } catch (e) {
      this.d.logger.warn(`[${sym.symbol}] cancel outcome: ${errorMessage(e)}`);
    }
    return NO_EFFECT;
  }

  /** Count a failure and back the symbol off exponentially (capped at MAX_REJECT_BACKOFF_MS). */
  private onFailure(sym: SymbolState, reason: string): Effect {
    this.d.stats.recordFailure(sym.symbol, reason);
    sym.consecutiveFailures++;
    // Re-read before retrying: a reduce-only rejection (perps) or a refusal for funds (spot) usually means
    // a fill or a balance change we have not counted.
    const readPosition = reason === 'reduce-only' || (sym.isSpot && reason === 'INSUFFICIENT_FUNDS');
    const delay = Math.min(MAX_REJECT_BACKOFF_MS, this.d.settings.rejectBackoffMs * 2 ** Math.min(sym.rejectStreak, 10));
    sym.rejectStreak++;
    sym.blockedUntil = this.d.clock.now() + delay;
    return { wakeAt: sym.blockedUntil, readPosition };
  }

  private scheduleResolve(sym: SymbolState, t: TrackedOrder, attempt: number): void {
    const delay = RESOLVE_DELAYS_MS[Math.min(attempt, RESOLVE_DELAYS_MS.length - 1)]!;
    this.d.clock.setTimeout(() => {
      if (!this.tracker.isWorking(t)) return; // resolved meanwhile by the stream
      this.d.inflight(
        this.d.port.findOrder(sym.symbol, t.clientId).then(
          (info) => {
            if (this.tracker.isWorking(t)) this.d.settled(sym, this.onResolved(sym, t, info, attempt));
          },
          (e: unknown) => {
            this.d.logger.warn(`[${sym.symbol}] findOrder ${t.clientId} failed: ${errorMessage(e)}`);
            if (this.tracker.isWorking(t)) this.scheduleResolve(sym, t, attempt + 1);
          },
        ),
      );
    }, delay);
  }

  private onResolved(sym: SymbolState, t: TrackedOrder, info: OrderInfo | null, attempt: number): Effect {
    if (info === null) {
      t.notFoundCount++;
      if (t.notFoundCount < 2) {
        this.scheduleResolve(sym, t, attempt + 1);
        return NO_EFFECT;
      }
      // Asked twice, apart: the exchange never saw it. Safe to consider it gone (nothing is resent).
      const wasPlace = t.state === 'unknown' || t.state === 'pending';
      this.tracker.finishAs(t, wasPlace ? 'rejected' : 'cancelled');
      return wasPlace ? this.onFailure(sym, 'lost') : NO_EFFECT;
    }
    if (info.id && t.orderId === null) this.tracker.setOrderId(t, info.id);
    const done = this.tracker.applyInfo(t, info);
    if (!done) {
      if (t.state === 'unknown' || t.state === 'pending') t.state = 'open';
      t.resolving = false;
      t.cancelInFlight = false; // a cancel that did not take: requote() may cancel again
    }
    return NO_EFFECT;
  }
}

/** The exchange took an order (accepted, or seen working after an unknown outcome): the reject back-off starts over. */
function clearFailureStreak(sym: SymbolState | undefined): void {
  if (!sym) return;
  sym.rejectStreak = 0;
  sym.consecutiveFailures = 0;
}

/** The exchange's order is this tracked one (by client id, or by order id once known). */
function isSame(o: OrderInfo, t: TrackedOrder): boolean {
  return o.clientId === t.clientId || o.id === t.orderId;
}

function stateOfEvent(ev: OrderEvent): TrackState {
  switch (ev.type) {
    case 'cancelled':
      return 'cancelled';
    case 'expired':
      return 'expired';
    default:
      switch (ev.status) {
        case 'Filled':
          return 'filled';
        case 'PartiallyFilled':
          return 'partiallyFilled';
        case 'Cancelled':
          return 'cancelled';
        case 'Expired':
        case 'TriggerFailed':
          return 'expired';
        default:
          return 'open';
      }
  }
}

function classifyReject(code: string, message: string): string {
  const m = message.toLowerCase();
  if (m.includes('immediately match') || m.includes('post only') || m.includes('postonly')) return 'post-only';
  if (m.includes('reduce only') || m.includes('reduceonly')) return 'reduce-only';
  return code || 'rejected';
}
