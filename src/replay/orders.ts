// Translating between the port's types and the replay venue's orders: an OrderRequest into the venue's
// NewOrder (prices and quantities in the tape's integer units), and back as OrderInfo (answers and
// queries), OrderEvent (the private stream), and rejections as Outcomes. Pure.
import type { Outcome } from '../exchange/types.js';
import type { OrderEvent, OrderEventType, OrderInfo, OrderRequest } from '../domain/order.js';
import type { ReplayMarket } from './market.js';
import type { NewOrder, VenueOrder, VenueReject } from './venue.js';

/** The venue's order for a request, or the rejection of a price or quantity finer than the market's units. */
export function newOrder(req: OrderRequest, m: ReplayMarket, nextId: () => string): NewOrder | VenueReject {
  const priceU = req.price === undefined ? null : m.priceUnits(req.price);
  const qtyU = m.qtyUnits(req.quantity);
  if (req.orderType === 'Limit' && priceU === null) return { status: 400, code: 'INVALID_ORDER', message: 'Price decimal too long' };
  if (qtyU === null) return { status: 400, code: 'INVALID_ORDER', message: 'Quantity decimal too long' };
  return {
    id: nextId(),
    clientId: req.clientId,
    side: req.side,
    orderType: req.orderType,
    timeInForce: req.timeInForce ?? 'GTC',
    postOnly: req.postOnly ?? false,
    reduceOnly: req.reduceOnly ?? false,
    priceU: req.orderType === 'Market' ? null : priceU,
    qtyU,
  };
}

export function orderInfo(o: VenueOrder, m: ReplayMarket): OrderInfo {
  return {
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.priceU === null ? null : m.px.get(o.priceU),
    quantity: m.qty.get(o.qtyU),
    executedQuantity: m.qty.get(o.executedU),
    executedQuoteQuantity: o.executedQuote,
    status: o.status,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    timeInForce: o.timeInForce,
    createdAt: o.createdAtMs,
  };
}

export function reject(r: VenueReject): Outcome<never> {
  return { kind: 'rejected', code: r.code, message: r.message, status: r.status };
}

export function isReject(x: VenueOrder | NewOrder | VenueReject): x is VenueReject {
  return 'code' in x;
}

export function eventOf(o: OrderInfo, type: OrderEventType, ts: number): OrderEvent {
  return {
    type,
    symbol: o.symbol,
    orderId: o.id,
    clientId: o.clientId,
    side: o.side,
    orderType: o.orderType,
    status: o.status,
    price: o.price,
    quantity: o.quantity,
    executedQuantity: o.executedQuantity,
    executedQuoteQuantity: o.executedQuoteQuantity,
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly,
    ts,
  };
}
