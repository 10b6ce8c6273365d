// Rendering the replay venue's orders as the port's types: OrderInfo (answers and queries), OrderEvent
// (the private stream), and rejections as Outcomes. Pure.
import type { OrderEvent, OrderEventType, OrderInfo, Outcome } from '../exchange/types.js';
import type { ReplayMarket } from './market.js';
import type { VenueOrder, VenueReject } from './venue.js';

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

export function isReject(x: VenueOrder | VenueReject): x is VenueReject {
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
