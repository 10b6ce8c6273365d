// Market data into a symbol's state: the book, its invalidation, public trades (the flow signal) and the
// mark. Each returns whether the symbol changed in a way the loop must act on (publish, and for the book
// and trades re-quote); the hot path (a book update that leaves the top unchanged) returns false at once.
import type { BookView, TradeTick } from '../domain/market.js';
import type { Decimal } from '../util/decimal.js';
import { midOf } from './book-math.js';
import type { Logger } from './ports.js';
import type { TradingStats } from './stats.js';
import type { SymState } from './sym-state.js';

/** A new book: true when its top changed (or it just became usable). Spot is valued at the mid. */
export function applyBook(st: SymState, book: BookView, stats: TradingStats): boolean {
  st.book = book;
  const bid = book.bestBid();
  const ask = book.bestAsk();
  const wasValid = st.bookValid;
  st.bookValid = true;
  if (wasValid && eqOrNull(bid, st.lastBid) && eqOrNull(ask, st.lastAsk)) return false;
  st.lastBid = bid;
  st.lastAsk = ask;
  if (st.isSpot) {
    // Spot has no mark-price stream on Backpack.
    const mid = midOf(book);
    if (mid !== null) {
      st.mark = mid;
      stats.setMark(st.symbol, mid);
      stats.observe();
    }
  }
  return true;
}

/** The book cannot be trusted until it is resynced: quoting stops (always a change). */
export function applyBookInvalid(st: SymState, reason: string, logger: Logger): boolean {
  if (st.bookValid) logger.warn(`[${st.symbol}] book invalid (${reason}): quoting stopped until resync`);
  st.bookValid = false;
  return true;
}

/** A public trade into the taker-flow signal: true when the signal's side changed. */
export function applyTrade(st: SymState, trade: TradeTick): boolean {
  const qty = trade.quantityNum ?? trade.quantity.toNumber();
  return st.flow.onTrade(trade.takerSide === 'Bid', qty, trade.ts);
}

/**
 * A perp's mark price (from the mark stream, or with `observe` false from a position update): it values
 * the position. Spot has none (it is valued at the mid, above). True when applied.
 */
export function applyMark(st: SymState | undefined, mark: Decimal, stats: TradingStats, observe = true): boolean {
  if (!st || st.isSpot) return false;
  st.mark = mark;
  stats.setMark(st.symbol, mark);
  if (observe) stats.observe();
  return true;
}

function eqOrNull(a: Decimal | null, b: Decimal | null): boolean {
  // Identity first: the book hands out the same cached Decimal until its best price changes.
  return a === b || (a !== null && b !== null && a.eq(b));
}
