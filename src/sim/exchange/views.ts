// The records the paper exchange hands out for its live objects: an order's view (what order events,
// the order history and the query endpoints carry), a perp position's view and a market's mark. Each is
// rendered from engine units at the market's tick/step scale, in one place, so every path agrees.
import { ZERO } from '../../util/decimal.js';
import type { OrderView } from '../accounts/account.js';
import { unrealized, type PerpPosition } from '../accounts/position.js';
import type { MarkEvent, PositionView } from '../events.js';
import type { SimMarket } from '../market.js';
import type { SimOrder } from '../matching/types.js';
import type { ExchangeState } from './state.js';

export function orderView(o: SimOrder, m: SimMarket): OrderView {
  return {
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.price === null ? null : m.px(o.price),
    quantity: o.quantity === null ? null : m.qty(o.quantity),
    quoteQuantity: o.quoteQuantity === null || o.quantity !== null ? null : m.notionalDec(o.quoteQuantity).toString(),
    executedQuantity: m.qty(o.executed),
    executedQuoteQuantity: m.notionalDec(o.executedQuote).toString(),
    status: o.status,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    selfTradePrevention: o.stp,
    expiryReason: o.expiryReason,
    createdAt: o.createdAt,
  };
}

export function positionView(p: PerpPosition, m: SimMarket): PositionView {
  const mark = m.pxDec(m.markPu());
  const scale = m.qs.scale;
  const breakEven = p.net.isZero() ? ZERO : p.entry.add(p.fees.div(p.net));
  return {
    symbol: p.symbol,
    positionId: p.positionId,
    netQuantity: p.net.toFixed(scale),
    netExposureQuantity: p.net.abs().toFixed(scale),
    netExposureNotional: p.net.abs().mul(mark).toString(),
    netCost: p.net.mul(p.entry).toString(),
    entryPrice: p.entry.toString(),
    breakEvenPrice: breakEven.toString(),
    markPrice: m.px(m.markPu()),
    pnlRealized: p.realized.toString(),
    pnlUnrealized: unrealized(p, mark).toString(),
    cumulativeFundingPayment: p.cumFunding.toString(),
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
