// House liquidity: the orders of the rest of the market (account null), as the market model places,
// cancels and takes them through its venue, and as tests and tools do by hand. House takers run through
// the same execute() as users' orders, so a user's resting order is filled by them like by anyone.
import type { Side } from '../../domain/side.js';
import type { SimMarket } from '../market.js';
import type { SimOrder } from '../matching/types.js';
import { parseUnits } from '../matching/units.js';
import type { ModelVenue } from '../model/market-model.js';
import { execute, runReduceChecks } from './orders.js';
import { flush } from './publish.js';
import type { ExchangeState } from './state.js';

function newHouse(s: ExchangeState, m: SimMarket, side: Side, price: number | null, orderType: 'Limit' | 'Market'): SimOrder {
  return {
    id: String(s.nextOrderId++),
    account: null,
    symbol: m.symbol,
    clientId: null,
    side,
    orderType,
    timeInForce: orderType === 'Market' ? 'IOC' : 'GTC',
    postOnly: false,
    reduceOnly: false,
    stp: 'Allow',
    price,
    quantity: 0,
    quoteQuantity: null,
    remaining: 0,
    executed: 0,
    executedQuote: 0,
    status: 'New',
    createdAt: s.clock.now(),
    expiryReason: null,
    bookedNotional: 0,
  };
}

/** The interface through which a market's model moves the house's liquidity. */
export function makeVenue(s: ExchangeState, m: SimMarket): ModelVenue {
  return {
    book: m.book,
    addHouse: (side, price, qty) => m.book.side(side).addHouse(price, qty, () => newHouse(s, m, side, price, 'Limit')),
    addMaker: (side, price, qty) => {
      if (qty <= 0) return;
      const o = newHouse(s, m, side, price, 'Limit');
      o.quantity = qty;
      o.remaining = qty;
      m.book.side(side).add(o);
    },
    cancelHouse: (side, price, qty) => m.book.side(side).cancelHouse(price, qty),
    removeMaker: (side, o) => {
      if (o.account === null && m.book.side(side).remove(o)) o.status = 'Cancelled';
    },
    houseTake: (side, qty, limit) => {
      const o = newHouse(s, m, side, limit, limit === null ? 'Market' : 'Limit');
      o.quantity = qty;
      o.remaining = qty;
      o.timeInForce = 'IOC';
      execute(s, m, o);
    },
  };
}

/** Add house liquidity at a price (joins the back of the queue). */
export function addLiquidity(s: ExchangeState, symbol: string, side: Side, price: string, qty: string): void {
  const m = s.markets.get(symbol)!;
  s.venues.get(symbol)!.addHouse(side, parseUnits(price, m.ps.scale) as number, parseUnits(qty, m.qs.scale) as number);
  flush(s, m);
}

/** A background taker of `qty` (market, or limited at `limit`). */
export function takeLiquidity(s: ExchangeState, symbol: string, side: Side, qty: string, limit?: string): void {
  const m = s.markets.get(symbol)!;
  s.venues.get(symbol)!.houseTake(side, parseUnits(qty, m.qs.scale) as number, limit === undefined ? null : (parseUnits(limit, m.ps.scale) as number));
  runReduceChecks(s);
  flush(s, m);
}

/** Remove background size at a level (behind user orders first). */
export function removeLiquidity(s: ExchangeState, symbol: string, side: Side, price: string, qty: string): void {
  const m = s.markets.get(symbol)!;
  s.venues.get(symbol)!.cancelHouse(side, parseUnits(price, m.ps.scale) as number, parseUnits(qty, m.qs.scale) as number);
  flush(s, m);
}
