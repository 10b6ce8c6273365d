// Market data into a symbol's state: the book, its invalidation, public trades (the flow signal) and the
// mark. Each returns whether the symbol changed in a way the loop must act on (publish, and for the book
// and trades re-quote); the hot path (a book update that leaves the top unchanged) returns false at once.
import type { BookView, TradeTick } from '../domain/market.js';
import type { Decimal } from '../util/decimal.js';
import { midOf } from './book-math.js';
import type { Logger } from './ports.js';
import type { TradingStats } from './stats.js';
import type { SymbolState } from './symbol-state.js';

/** A new book: true when its top changed (or it just became usable). Spot is valued at the mid. */
export function applyBook(sym: SymbolState, book: BookView, stats: TradingStats): boolean {
  sym.book = book;
  const bid = book.bestBid();
  const ask = book.bestAsk();
  const wasValid = sym.bookValid;
  sym.bookValid = true;
  if (wasValid && eqOrNull(bid, sym.lastBid) && eqOrNull(ask, sym.lastAsk)) return false;
  sym.lastBid = bid;
  sym.lastAsk = ask;
  if (sym.isSpot) {
    // Spot has no mark-price stream on Backpack.
    const mid = midOf(book);
    if (mid !== null) {
      sym.mark = mid;
      stats.setMark(sym.symbol, mid);
      stats.observe();
    }
  }
  return true;
}

/** The book cannot be trusted until it is resynced: quoting stops (always a change). */
export function applyBookInvalid(sym: SymbolState, reason: string, logger: Logger): boolean {
  if (sym.bookValid) logger.warn(`[${sym.symbol}] book invalid (${reason}): quoting stopped until resync`);
  sym.bookValid = false;
  return true;
}

/** A public trade into the taker-flow signal: true when the signal's side changed. */
export function applyTrade(sym: SymbolState, trade: TradeTick): boolean {
  const qty = trade.quantityNum ?? trade.quantity.toNumber();
  return sym.flow.onTrade(trade.takerSide === 'Bid', qty, trade.ts);
}

/**
 * A perp's mark price (from the mark stream, or with `observe` false from a position update): it values
 * the position. Spot has none (it is valued at the mid, above). True when applied.
 */
export function applyMark(sym: SymbolState | undefined, mark: Decimal, stats: TradingStats, observe = true): boolean {
  if (!sym || sym.isSpot) return false;
  sym.mark = mark;
  stats.setMark(sym.symbol, mark);
  if (observe) stats.observe();
  return true;
}

function eqOrNull(a: Decimal | null, b: Decimal | null): boolean {
  // Identity first: the book hands out the same cached Decimal until its best price changes.
  return a === b || (a !== null && b !== null && a.eq(b));
}
