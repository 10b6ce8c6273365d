// Fills into the books: each fill (from the stream, a REST read, or the journal at start) is counted once.
// A new fill is journalled first (the journal is the record of what was counted), then applied to the
// portfolio; a live fill also moves the spot balances and may hit a loss limit. Returns what changed.
import type { Fill } from '../domain/fill.js';
import type { Changes } from './changes.js';
import type { DurableOutputs } from './durable-outputs.js';
import type { Execution } from './execution.js';
import { normalFill, toJournal, type LedgerFill } from './journal-codec.js';
import type { Portfolio } from './portfolio.js';
import type { SpotAccount } from './spot-account.js';
import type { SymbolState } from './symbol-state.js';

export interface FillIntakeDeps {
  portfolio: Portfolio;
  outputs: DurableOutputs;
  execution: Execution;
  spot: () => SpotAccount | null;
}

export class FillIntake {
  constructor(private readonly d: FillIntakeDeps) {}

  /** A fill from the stream or a REST read: null when it was counted already. */
  count(sym: SymbolState | undefined, f: Fill, live = true): Changes | null {
    if (this.d.portfolio.has(f)) return null;
    const journalChanged = this.d.outputs.appendJournal(toJournal(f));
    const c = this.book(sym, normalFill(f), live);
    return journalChanged ? { ...c, publish: true } : c;
  }

  /** Book a normalised fill (live, recovered or replayed); a live one moves spot funds and the loss limits. */
  book(sym: SymbolState | undefined, f: LedgerFill, live: boolean): Changes {
    const { portfolio, execution } = this.d;
    const r = portfolio.applyFill(sym, f, live, () => execution.tracker.find(f.clientId, f.orderId)?.reduceOnly ?? false);
    if (!r.live || !sym) return {};
    // Replayed and start-up fills are in the start-up balance read already.
    if (sym.isSpot) this.d.spot()?.noteFill(sym, f.side, f.quantity, f.price, f.fee, f.feeSymbol);
    return { publish: true, limits: r.limits };
  }
}
