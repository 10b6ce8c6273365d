// The backtest port's records: the exchange's views and rows (strings, or the engine's own units)
// translated into the port's Decimal records (orders, positions, markets, fills, funding). Split from
// port.ts so the port reads as the event flow and the requests, and the translations sit in one place.
import { D, Decimal } from '../../util/decimal.js';
import type { FundingInfo } from '../../exchange/types.js';
import type { Fill } from '../../domain/fill.js';
import type { MarketInfo } from '../../domain/market.js';
import type { OrderInfo, OrderStatus } from '../../domain/order.js';
import type { Position } from '../../domain/position.js';
import type { FillRecord, FundingRecord, OrderView } from '../accounts/account.js';
import type { SimOrder } from '../matching/types.js';
import type { PositionView } from '../events.js';
import type { SimMarket } from '../market.js';

/**
 * The exchange's views are strings; the port hands out Decimals. The same strings (prices near the touch,
 * order sizes, "0") recur on almost every event, so parsed values are memoised (Decimals are immutable).
 * Bounded: emptied when full.
 */
const decMemo = new Map<string, Decimal>();
export function dec(s: string): Decimal {
  let d = decMemo.get(s);
  if (d === undefined) {
    d = D(s);
    if (decMemo.size >= 8192) decMemo.clear();
    decMemo.set(s, d);
  }
  return d;
}

export function toOrderInfo(o: OrderView): OrderInfo {
  return {
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.price === null ? null : dec(o.price),
    quantity: dec(o.quantity ?? '0'),
    executedQuantity: dec(o.executedQuantity),
    executedQuoteQuantity: dec(o.executedQuoteQuantity),
    status: o.status as OrderStatus,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    timeInForce: o.timeInForce as OrderInfo['timeInForce'],
    createdAt: o.createdAt,
  };
}

/** toOrderInfo from the engine's own order (units -> memoised Decimals): the same values, no strings. */
export function orderInfoOf(o: SimOrder, m: SimMarket): OrderInfo {
  return {
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.price === null ? null : m.pxDec(o.price),
    quantity: m.qtyDec(o.quantity ?? 0),
    executedQuantity: m.qtyDec(o.executed),
    executedQuoteQuantity: m.notionalDec(o.executedQuote),
    status: o.status,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    timeInForce: o.timeInForce,
    createdAt: o.createdAt,
  };
}

export function toPositionInfo(p: PositionView): Position {
  return {
    symbol: p.symbol,
    netQuantity: dec(p.netQuantity),
    entryPrice: dec(p.entryPrice),
    markPrice: dec(p.markPrice),
    pnlRealized: dec(p.pnlRealized),
    pnlUnrealized: dec(p.pnlUnrealized),
    cumulativeFunding: dec(p.cumulativeFundingPayment),
  };
}

export function toMarketInfo(m: SimMarket): MarketInfo {
  return {
    symbol: m.symbol,
    baseSymbol: m.spec.baseSymbol,
    quoteSymbol: m.spec.quoteSymbol,
    marketType: m.spec.marketType,
    tickSize: D(m.spec.tickSize),
    stepSize: D(m.spec.stepSize),
    minQuantity: D(m.spec.minQuantity),
    maxQuantity: m.spec.maxQuantity === null ? null : D(m.spec.maxQuantity),
    minPrice: D(m.spec.minPrice),
    maxPrice: D(m.spec.maxPrice),
    orderBookState: 'Open',
  };
}

export function toFillInfo(f: FillRecord): Fill {
  return {
    tradeId: String(f.tradeId),
    orderId: f.orderId,
    clientId: f.clientId,
    symbol: f.symbol,
    side: f.side,
    price: dec(f.price),
    quantity: dec(f.quantity),
    fee: dec(f.fee),
    feeSymbol: f.feeSymbol,
    isMaker: f.isMaker,
    timestamp: f.timestamp,
  };
}

export function toFundingInfo(f: FundingRecord): FundingInfo {
  return {
    symbol: f.symbol,
    quantity: dec(f.quantity),
    fundingRate: dec(f.fundingRate),
    intervalEndTimestamp: f.intervalEndTimestamp,
  };
}
