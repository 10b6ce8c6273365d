// The records the paper exchange hands out for its live objects: an order's (what order events, the order
// history and the query endpoints carry), a perp position's and a market's mark. Orders and positions are
// Decimals built from engine units (memoised per market: the same prices and sizes recur on every event),
// marks wire strings at the market's tick scale; in one place, so every path agrees.
import { ZERO } from '../../util/decimal.js';
import type { SimOrderInfo } from '../accounts/account.js';
import { unrealized, type PerpPosition } from '../accounts/position.js';
import type { MarkEvent, SimPositionInfo } from '../events.js';
import type { SimMarket } from '../market.js';
import type { SimOrder } from '../matching/types.js';
import type { ExchangeState } from './state.js';

export function orderInfo(o: SimOrder, m: SimMarket): SimOrderInfo {
  return {
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.price === null ? null : m.pxDec(o.price),
    quantity: m.qtyDec(o.quantity ?? 0),
    quoteQuantity: o.quoteQuantity === null || o.quantity !== null ? null : m.notionalDec(o.quoteQuantity),
    executedQuantity: m.qtyDec(o.executed),
    executedQuoteQuantity: m.notionalDec(o.executedQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    selfTradePrevention: o.stp,
    expiryReason: o.expiryReason,
    createdAt: o.createdAt,
  };
}

export function positionInfo(p: PerpPosition, m: SimMarket): SimPositionInfo {
  const mark = m.pxDec(m.markPu());
  return {
    symbol: p.symbol,
    positionId: p.positionId,
    netQuantity: p.net,
    entryPrice: p.entry,
    breakEvenPrice: p.net.isZero() ? ZERO : p.entry.add(p.fees.div(p.net)),
    markPrice: mark,
    pnlRealized: p.realized,
    pnlUnrealized: unrealized(p, mark),
    cumulativeFunding: p.cumFunding,
  };
}

/** The model's funding rate of a perp as the exchange quotes it (a fixed rate without a model). */
export function currentFundingRate(m: SimMarket): string {
  return m.model ? m.model.fundingRate.toFixed(10) : '0.0000125';
}

export function markEvent(s: ExchangeState, m: SimMarket): MarkEvent {
  return {
    symbol: m.symbol,
    markPrice: m.px(m.markPu()),
    indexPrice: m.px(m.indexPu()),
    fundingRate: m.isPerp ? currentFundingRate(m) : null,
    nextFundingTimestamp: m.isPerp ? s.nextFundingTimestamp() : null,
    ts: s.clock.now(),
  };
}
