// The matcher: walks the opposite side of the book in price-time priority against one taker order.
// Pure and synchronous; the facade learns about every trade through hooks (accounts, events, tape).
// Self-trade prevention applies between two orders of the same (non-house) account, using the taker's mode.
import type { Book } from './book.js';
import type { SimOrder } from './types.js';
import type { Side } from '../../domain/side.js';

export interface MatchHooks {
  /** A trade happened; amounts on both orders are already updated. */
  trade(maker: SimOrder, taker: SimOrder, price: number, qty: number): void;
  /** The maker was fully filled and removed from the book. */
  makerFilled(maker: SimOrder): void;
  /** The maker was removed by self-trade prevention (RejectMaker / RejectBoth). */
  makerStp(maker: SimOrder): void;
}

export type MatchEnd = 'filled' | 'exhausted' | 'stpTaker' | 'budget';

export function crosses(takerSide: Side, limit: number | null, opposite: number): boolean {
  if (limit === null) return true;
  return takerSide === 'Bid' ? opposite <= limit : opposite >= limit;
}

/** Would a limit order at `price` on `side` take liquidity right now? */
export function wouldCross(book: Book, side: Side, price: number | null): boolean {
  const opp = side === 'Bid' ? book.asks.best() : book.bids.best();
  return opp !== undefined && crosses(side, price, opp);
}

function budgetQty(taker: SimOrder, price: number, stepUnit: number): number {
  if (taker.quoteQuantity === null) return Number.MAX_SAFE_INTEGER;
  const left = taker.quoteQuantity - taker.executedQuote;
  const q = Math.floor(left / price);
  return q - (q % stepUnit);
}

/** Match `taker` (already validated, remaining > 0) against the book. */
export function matchTaker(book: Book, taker: SimOrder, stepUnit: number, hooks: MatchHooks): MatchEnd {
  const opp = taker.side === 'Bid' ? book.asks : book.bids;
  while (taker.remaining > 0) {
    const best = opp.best();
    if (best === undefined || !crosses(taker.side, taker.price, best)) return 'exhausted';
    const level = opp.level(best)!;
    while (taker.remaining > 0 && level.orders.length > 0) {
      const maker = level.orders[0]!;
      if (maker.account !== null && maker.account === taker.account && taker.stp !== 'Allow') {
        if (taker.stp === 'RejectTaker') return 'stpTaker';
        // RejectMaker / RejectBoth: the resting order goes.
        opp.remove(maker);
        maker.status = 'Expired';
        maker.expiryReason = 'SelfTradePrevention';
        hooks.makerStp(maker);
        if (taker.stp === 'RejectBoth') return 'stpTaker';
        continue;
      }
      let qty = Math.min(taker.remaining, maker.remaining);
      const cap = budgetQty(taker, best, stepUnit);
      if (cap < qty) qty = cap;
      if (qty <= 0) return 'budget';
      maker.remaining -= qty;
      maker.executed += qty;
      maker.executedQuote += qty * best;
      taker.remaining -= qty;
      taker.executed += qty;
      taker.executedQuote += qty * best;
      opp.consumed(level, qty);
      const makerDone = maker.remaining === 0;
      if (makerDone) {
        maker.status = 'Filled';
        opp.popFront(level);
      } else {
        maker.status = 'PartiallyFilled';
      }
      hooks.trade(maker, taker, best, qty);
      if (makerDone) hooks.makerFilled(maker);
    }
  }
  return 'filled';
}

/**
 * How much of `qty` could fill right now for a FOK check, honouring the limit, the quote budget and
 * self-trade prevention (own orders block under RejectTaker/RejectBoth, are skipped under RejectMaker).
 */
export function fillable(book: Book, taker: SimOrder, qty: number): number {
  const opp = taker.side === 'Bid' ? book.asks : book.bids;
  let got = 0;
  let quoteLeft = taker.quoteQuantity ?? Number.MAX_SAFE_INTEGER;
  for (const price of opp.prices) {
    if (!crosses(taker.side, taker.price, price)) break;
    const level = opp.level(price)!;
    for (const o of level.orders) {
      if (o.account !== null && o.account === taker.account && taker.stp !== 'Allow') {
        if (taker.stp === 'RejectMaker') continue;
        return got;
      }
      let take = Math.min(o.remaining, qty - got);
      take = Math.min(take, Math.floor(quoteLeft / price));
      got += take;
      quoteLeft -= take * price;
      if (got >= qty || take === 0) return got;
    }
  }
  return got;
}
