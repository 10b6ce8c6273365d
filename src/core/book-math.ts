// Prices from the book as the market sees it WITHOUT our own order: joining "the best bid" when the best
// bid is our own order alone would otherwise chase our own price upward (pennying ourselves).
import type { BookView } from '../domain/market.js';
import type { Side } from '../domain/side.js';
import type { Decimal } from '../util/decimal.js';

export interface OwnResting {
  side: Side;
  price: Decimal;
  /** Remaining (unfilled) quantity resting at price. */
  remaining: Decimal;
}

/** Best price on `side` after removing our resting quantity; the next level when ours was the whole level. */
export function bestExcludingOwn(book: BookView, side: Side, own: OwnResting | null): Decimal | null {
  const best = side === 'Bid' ? book.bestBid() : book.bestAsk();
  if (best === null || own === null || own.side !== side || !own.price.eq(best)) return best;
  if (book.sizeAt(side, best).gt(own.remaining)) return best;
  const lv = book.levels(side, 2)[1];
  return lv ? lv[0] : null;
}

/** Mid of the raw book (valuation / adverse-move checks), or null when a side is empty. */
export function midOf(book: BookView): Decimal | null {
  const b = book.bestBid();
  const a = book.bestAsk();
  return b !== null && a !== null ? b.plus(a).div(2) : null;
}
