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
import { scheduleWake, type SymbolState } from './symbol-state.js';

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
  due: (sym: SymbolState) => void;
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
    this.port = executionPort(d.execution, d.clock, (sym) => d.portfolio.inventory(sym), {
      mode: (sym) => d.modes.effectiveMode(sym).mode,
      lossLimitHit: () => d.portfolio.limits.anyHit,
    });
  }

  /** Decide and act for one symbol: cancel, place or wait. Synchronous; sends are fire-and-track. */
  requote(sym: SymbolState): QuoteResult {
    const { clock, settings: s, modes, portfolio } = this.d;
    const port = this.port;
    const now = clock.now();
    const t = port.working(sym);
    if (t && (t.state === 'pending' || t.state === 'unknown' || t.cancelInFlight || t.resolving)) return NOTHING;
    const { mode } = modes.effectiveMode(sym);
    if (mode === 'HALTED' || mode === 'PAUSED' || sym.book === null) {
      if (t) port.cancel(sym, t);
      return NOTHING;
    }
    const stopFlatten = modes.stopFlattenSince !== null;
    const operatorFlatten = modes.isOperatorFlatten(sym);
    const inv = port.inventory(sym);
    const l = portfolio.stats.ledger(sym.symbol);
    sym.flow.evaluate(now);
    const rem = t ? remaining(t) : ZERO;
    const own = t && t.price !== null && !t.ioc ? { side: t.side, price: t.price, remaining: rem } : null;
    const spot = this.d.spot();
    const d = decide({
      market: sym.market,
      book: sym.book,
      own,
      inventory: inv,
      entryPrice: l.position.isZero() ? null : l.avgCost,
      inventorySince: l.inventorySince,
      flowSide: sym.flow.side,
      flowFresh: sym.flow.fresh,
      forceInventory: modes.forceReduceOnInventory,
      reducing: operatorFlatten,
      exitsOnly: mode === 'REDUCING',
      reducingSince: stopFlatten ? modes.stopFlattenSince : operatorFlatten ? (sym.reducingSince ?? modes.globalReducingSince ?? now) : null,
      ...(stopFlatten ? { reducingIocAfterMs: STOP_FLATTEN_IOC_AFTER_MS } : {}),
      now,
      p: {
        orderNotional: s.orderNotional,
        orderQuantity: s.orderQuantity[sym.symbol] ?? null,
        inventoryThreshold: s.inventoryThreshold,
        improveTicks: s.improveTicks,
        exitEscalation: s.exitEscalation,
        exitEscalateAfterSec: s.exitEscalateAfterSec,
        exitAdverseBps: s.exitAdverseBps,
      },
      funds: spot && sym.isSpot ? spot.funds(sym) : null,
    });
    const q = d.quote;
    let changed = this.noteSide(sym, q, inv);
    // A spot residual below one step (a base fee's leftover) is the normal end of a round trip, not news.
    if (d.dust && !sym.dustLogged && (!sym.isSpot || floorToStep(d.dust, sym.market.stepSize).gt(0))) {
      sym.dustLogged = true;
      this.d.logger.warn(`[${sym.symbol}] inventory ${inv} is dust (below the market minimum ${sym.market.minQuantity}): no exit order`);
    } else if (!d.dust) sym.dustLogged = false;
    if (operatorFlatten && q === null && !t && (inv.isZero() || d.dust !== null || inv.abs().lt(effectiveInventoryThreshold(s.inventoryThreshold, sym.market)))) {
      return { changed, flat: !stopFlatten };
    }
    const have: WorkingView | null = t
      ? { side: t.side, price: t.price, remaining: rem, reduceOnly: t.reduceOnly, ioc: t.ioc, placedAt: t.placedAt }
      : null;
    const a = diffQuote(q, have, now, { tickSize: sym.market.tickSize, refreshToleranceTicks: s.refreshToleranceTicks, minRequoteMs: s.minRequoteMs });
    switch (a.kind) {
      case 'none':
        break;
      case 'wait':
        this.wakeAt(sym, a.at);
        break;
      case 'cancel':
        this.replacements[a.reason] = (this.replacements[a.reason] ?? 0) + 1;
        if (t) port.cancel(sym, t);
        break;
      case 'place':
        if (q) changed = this.place(sym, q) || changed;
        break;
    }
    return changed ? { changed, flat: false } : NOTHING;
  }

  /** No closable inventory: below the inventory threshold, or dust a legal order cannot close. */
  isFlat(sym: SymbolState): boolean {
    const inv = this.d.portfolio.inventory(sym).abs();
    return inv.lt(effectiveInventoryThreshold(this.d.settings.inventoryThreshold, sym.market)) || floorToStep(inv, sym.market.stepSize).lt(sym.market.minQuantity);
  }

  /** Every symbol flat with no working order (a flatten, or a stop's flatten, is complete). */
  allFlat(syms: Iterable<SymbolState>): boolean {
    for (const x of syms) if (!this.isFlat(x) || this.d.execution.tracker.get(x.symbol)) return false;
    return true;
  }

  /** Re-quote `sym` at `at` (an earlier wake-up already set wins). */
  wakeAt(sym: SymbolState, at: number): void {
    scheduleWake(this.d.clock, sym, at, () => this.d.due(sym));
  }

  /** Drop a symbol's wake-up (a mode change re-quotes every symbol at once). */
  clearWake(sym: SymbolState): void {
    this.d.clock.clear(sym.wake);
    sym.wake = null;
    sym.wakeAt = Infinity;
  }

  private place(sym: SymbolState, q: Quote): boolean {
    const r = this.port.place(sym, q);
    if (r.wakeAt !== null) this.wakeAt(sym, r.wakeAt);
    return r.placed;
  }

  /** Remember the wanted side; an exit taking over is logged. True when the side or its reason changed. */
  private noteSide(sym: SymbolState, q: Quote | null, inv: Decimal): boolean {
    if (q === null) {
      sym.sideReason = 'none';
      return false;
    }
    if (q.exit && !sym.quotedExit && q.side !== sym.quotedSide) {
      const px = sym.mark ?? q.price;
      this.d.logger.info(
        `[${sym.symbol}] inventory switch: ${sym.quotedSide ?? 'none'} -> ${q.side}, position=${fmtQty(inv, marketFormat(sym.market))}, notional=${fmtMoney(inv.abs().mul(px))}`,
      );
    }
    const changed = q.side !== sym.quotedSide || q.reason !== sym.sideReason;
    sym.quotedSide = q.side;
    sym.quotedExit = q.exit;
    sym.sideReason = q.reason;
    return changed;
  }
}
