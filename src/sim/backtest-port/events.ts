// The backtest port's events: the exchange's raw events (the matching engine's integer units, its own
// orders and positions) translated into the port's domain events, as the websocket adapter would deliver
// them. Split from port.ts so the port holds the subscription and the queue, and this file what each
// event carries; Decimals come straight from the units (memoised per market), no strings in between.
import type { Decimal } from '../../util/decimal.js';
import type { TradeTick } from '../../domain/market.js';
import type { OrderEvent, OrderEventType, OrderStatus } from '../../domain/order.js';
import type { PositionUpdate } from '../../domain/position.js';
import type { Side } from '../../domain/side.js';
import { unrealized, type PerpPosition } from '../accounts/position.js';
import type { OrderEventType as SimOrderEventType, RawFill } from '../events.js';
import { pow10 } from '../matching/units.js';
import type { SimOrder } from '../matching/types.js';
import type { SimMarket } from '../market.js';
import { dec } from './records.js';

/**
 * A public trade whose Decimals are built only when read (the core reads only the float quantity; the
 * model's taker sizes are random, so a memo would rarely hit). toJSON prints it like a plain trade.
 */
export class SimTradeTick implements TradeTick {
  readonly symbol: string;
  readonly quantityNum: number;
  constructor(
    private readonly m: SimMarket,
    private readonly pu: number,
    private readonly qu: number,
    readonly takerSide: Side,
    readonly tradeId: number,
    readonly ts: number,
  ) {
    this.symbol = m.symbol;
    // Both exact integers: the quotient is the double nearest the decimal, as Decimal.toNumber() gives.
    this.quantityNum = qu / pow10(m.qs.scale);
  }
  get price(): Decimal {
    return this.m.pxDec(this.pu);
  }
  get quantity(): Decimal {
    return this.m.qtyDec(this.qu);
  }
  toJSON(): Record<string, unknown> {
    return { symbol: this.symbol, price: this.price.toString(), quantity: this.quantity.toString(), takerSide: this.takerSide, tradeId: this.tradeId, ts: this.ts, quantityNum: this.quantityNum };
  }
}

const EVENT_TYPE: Record<SimOrderEventType, OrderEventType> = {
  orderAccepted: 'accepted',
  orderFill: 'fill',
  orderCancelled: 'cancelled',
  orderExpired: 'expired',
  orderModified: 'modified',
};

/** The port's order event for one of the account's order updates (with its fill, when it is one). */
export function orderEventOf(type: SimOrderEventType, o: SimOrder, m: SimMarket, fill: RawFill | null, ts: number): OrderEvent {
  const event: OrderEvent = {
    type: EVENT_TYPE[type],
    symbol: o.symbol,
    orderId: o.id,
    clientId: o.clientId,
    side: o.side,
    orderType: o.orderType,
    status: o.status as OrderStatus,
    price: o.price === null ? null : m.pxDec(o.price),
    quantity: m.qtyDec(o.quantity ?? 0),
    executedQuantity: m.qtyDec(o.executed),
    executedQuoteQuantity: m.notionalDec(o.executedQuote),
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly,
    ts,
  };
  if (fill) {
    event.fill = { tradeId: String(fill.tradeId), price: m.pxDec(fill.price), quantity: m.qtyDec(fill.quantity), isMaker: fill.isMaker, fee: fill.fee, feeSymbol: fill.feeSymbol };
  }
  if (type === 'orderExpired' && o.expiryReason) event.reason = o.expiryReason;
  return event;
}

/** The port's position event for a change of the account's perp position, marked at the market's mark. */
export function positionEventOf(p: PerpPosition, m: SimMarket, ts: number): PositionUpdate {
  const mark = m.pxDec(m.markPu());
  // The same values the wire view would carry (net at the step's scale; it always is on the grid).
  const net = p.net.decimalPlaces() <= m.qs.scale ? p.net : dec(p.net.toFixed(m.qs.scale));
  return { symbol: p.symbol, netQuantity: net, entryPrice: p.entry, markPrice: mark, pnlRealized: p.realized, pnlUnrealized: unrealized(p, mark), snapshot: false, ts };
}
