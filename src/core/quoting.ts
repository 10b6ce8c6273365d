// Quoting: the re-quote of one symbol. It assembles what the strategy decides from (book, own order,
// inventory, flow, modes, funds), asks strategy.decide for the wanted quote, diffs it against the working
// order (quote-diff.ts) and acts through Execution's strategy port (strategy-port.ts; the comparison
// baseline drives the same): cancel, place, or wait (a wake-up timer per symbol).
// It returns what changed; the loop publishes, and finishes a flatten the re-quote found complete.
import type { Settings } from '../config/settings.js';
import type { Clock } from '../util/clock.js';
import { type Decimal, floorToStep, ZERO } from '../util/decimal.js';
import type { Execution } from './execution.js';
import type { Modes } from './modes.js';
import { fmtMoney, fmtQty, marketFormat } from './number-format.js';
import { remaining } from './order-tracker.js';
import type { Logger } from './ports.js';
import type { Portfolio } from './portfolio.js';
import { diffQuote, type WorkingView } from './quote-diff.js';
import { executionPort, type StrategyPort } from './strategy-port.js';
import type { SpotAccount } from './spot-account.js';
import { decide, effectiveInventoryThreshold, type Quote } from './strategy.js';
import { scheduleWake, type SymState } from './sym-state.js';

/** TIERHUNTER_FLATTEN_ON_STOP: a stop's exits turn IOC reduce-only after this long at the touch. */
export const STOP_FLATTEN_IOC_AFTER_MS = 2000;

export interface QuotingDeps {
  clock: Clock;
  logger: Logger;
  settings: Readonly<Settings>;
  execution: Execution;
  modes: Modes;
  portfolio: Portfolio;
  spot: () => SpotAccount | null;
  /** A symbol's wake-up timer fired: it wants a re-quote (the loop's). */
  due: (st: SymState) => void;
}

export interface QuoteResult {
  /** Something a dashboard shows changed (a placement, the wanted side or its reason). */
  changed: boolean;
  /** An operator flatten of this symbol found it flat: the loop ends the flatten. */
  flat: boolean;
}

const NOTHING: Readonly<QuoteResult> = Object.freeze({ changed: false, flat: false });

export class Quoting {
  /** Cancels of a working order by their reason (the snapshot's replacement counts). */
  readonly replacements: Record<string, number> = {};

  private readonly port: StrategyPort;

  constructor(private readonly d: QuotingDeps) {
    this.port = executionPort(d.execution, d.clock, (st) => d.portfolio.inventory(st), {
      mode: (st) => d.modes.effectiveMode(st).mode,
      lossLimitHit: () => d.portfolio.limits.anyHit,
    });
  }

  /** Decide and act for one symbol: cancel, place or wait. Synchronous; sends are fire-and-track. */
  requote(st: SymState): QuoteResult {
    const { clock, settings: s, modes, portfolio } = this.d;
    const port = this.port;
    const now = clock.now();
    const t = port.working(st);
    if (t && (t.state === 'pending' || t.state === 'unknown' || t.cancelInFlight || t.resolving)) return NOTHING;
    const { mode } = modes.effectiveMode(st);
    if (mode === 'HALTED' || mode === 'PAUSED' || st.book === null) {
      if (t) port.cancel(st, t);
      return NOTHING;
    }
    const stopFlatten = modes.stopFlattenSince !== null;
    const operatorFlatten = modes.isOperatorFlatten(st);
    const inv = port.inventory(st);
    const l = portfolio.stats.ledger(st.symbol);
    st.flow.evaluate(now);
    const rem = t ? remaining(t) : ZERO;
    const own = t && t.price !== null && !t.ioc ? { side: t.side, price: t.price, remaining: rem } : null;
    const spot = this.d.spot();
    const d = decide({
      market: st.market,
      book: st.book,
      own,
      inventory: inv,
      entryPrice: l.position.isZero() ? null : l.avgCost,
      inventorySince: l.inventorySince,
      flowSide: st.flow.side,
      flowFresh: st.flow.fresh,
      forceInventory: modes.forceReduceOnInventory,
      reducing: operatorFlatten,
      exitsOnly: mode === 'REDUCING',
      reducingSince: stopFlatten ? modes.stopFlattenSince : operatorFlatten ? (st.reducingSince ?? modes.globalReducingSince ?? now) : null,
      ...(stopFlatten ? { reducingIocAfterMs: STOP_FLATTEN_IOC_AFTER_MS } : {}),
      now,
      p: {
        orderNotional: s.orderNotional,
        orderQuantity: s.orderQuantity[st.symbol] ?? null,
        inventoryThreshold: s.inventoryThreshold,
        improveTicks: s.improveTicks,
        exitEscalation: s.exitEscalation,
        exitEscalateAfterSec: s.exitEscalateAfterSec,
        exitAdverseBps: s.exitAdverseBps,
      },
      funds: spot && st.isSpot ? spot.funds(st) : null,
    });
    const q = d.quote;
    let changed = this.noteSide(st, q, inv);
    // A spot residual below one step (a base fee's leftover) is the normal end of a round trip, not news.
    if (d.dust && !st.dustLogged && (!st.isSpot || floorToStep(d.dust, st.market.stepSize).gt(0))) {
      st.dustLogged = true;
      this.d.logger.warn(`[${st.symbol}] inventory ${inv} is dust (below the market minimum ${st.market.minQuantity}): no exit order`);
    } else if (!d.dust) st.dustLogged = false;
    if (operatorFlatten && q === null && !t && (inv.isZero() || d.dust !== null || inv.abs().lt(effectiveInventoryThreshold(s.inventoryThreshold, st.market)))) {
      return { changed, flat: !stopFlatten };
    }
    const have: WorkingView | null = t
      ? { side: t.side, price: t.price, remaining: rem, reduceOnly: t.reduceOnly, ioc: t.ioc, placedAt: t.placedAt }
      : null;
    const a = diffQuote(q, have, now, { tickSize: st.market.tickSize, refreshToleranceTicks: s.refreshToleranceTicks, minRequoteMs: s.minRequoteMs });
    switch (a.kind) {
      case 'none':
        break;
      case 'wait':
        this.wakeAt(st, a.at);
        break;
      case 'cancel':
        this.replacements[a.reason] = (this.replacements[a.reason] ?? 0) + 1;
        if (t) port.cancel(st, t);
        break;
      case 'place':
        if (q) changed = this.place(st, q) || changed;
        break;
    }
    return changed ? { changed, flat: false } : NOTHING;
  }

  /** No closable inventory: below the inventory threshold, or dust a legal order cannot close. */
  isFlat(st: SymState): boolean {
    const inv = this.d.portfolio.inventory(st).abs();
    return inv.lt(effectiveInventoryThreshold(this.d.settings.inventoryThreshold, st.market)) || floorToStep(inv, st.market.stepSize).lt(st.market.minQuantity);
  }

  /** Every symbol flat with no working order (a flatten, or a stop's flatten, is complete). */
  allFlat(syms: Iterable<SymState>): boolean {
    for (const x of syms) if (!this.isFlat(x) || this.d.execution.tracker.get(x.symbol)) return false;
    return true;
  }

  /** Re-quote `st` at `at` (an earlier wake-up already set wins). */
  wakeAt(st: SymState, at: number): void {
    scheduleWake(this.d.clock, st, at, () => this.d.due(st));
  }

  /** Drop a symbol's wake-up (a mode change re-quotes every symbol at once). */
  clearWake(st: SymState): void {
    this.d.clock.clear(st.wake);
    st.wake = null;
    st.wakeAt = Infinity;
  }

  private place(st: SymState, q: Quote): boolean {
    const r = this.port.place(st, q);
    if (r.wakeAt !== null) this.wakeAt(st, r.wakeAt);
    return r.placed;
  }

  /** Remember the wanted side; an exit taking over is logged. True when the side or its reason changed. */
  private noteSide(st: SymState, q: Quote | null, inv: Decimal): boolean {
    if (q === null) {
      st.sideReason = 'none';
      return false;
    }
    if (q.exit && !st.quotedExit && q.side !== st.quotedSide) {
      const px = st.mark ?? q.price;
      this.d.logger.info(
        `[${st.symbol}] inventory switch: ${st.quotedSide ?? 'none'} -> ${q.side}, position=${fmtQty(inv, marketFormat(st.market))}, notional=${fmtMoney(inv.abs().mul(px))}`,
      );
    }
    const changed = q.side !== st.quotedSide || q.reason !== st.sideReason;
    st.quotedSide = q.side;
    st.quotedExit = q.exit;
    st.sideReason = q.reason;
    return changed;
  }
}
