// Turning state changes into bus events where more than one module causes them: an order's update
// (accepted, cancelled, expired, modified; fills are settlement.ts's) and the close of a depth update
// after any change of a book. Payloads nobody subscribes to are not built.
import type { OrderEventType, OrderUpdateEvent, DepthEvent } from '../events.js';
import type { SimMarket } from '../market.js';
import type { SimOrder } from '../matching/types.js';
import type { ExchangeState } from './state.js';
import { orderInfo } from './views.js';

export function emitOrder(s: ExchangeState, account: string, type: OrderEventType, o: SimOrder, m: SimMarket): void {
  if (s.events.has('order')) {
    const e: OrderUpdateEvent = { account, type, order: orderInfo(o, m), ts: s.clock.now() };
    for (const fn of s.events.listeners('order')) fn(e);
  }
  if (s.events.has('orderRaw')) {
    const ts = s.clock.now();
    for (const fn of s.events.listeners('orderRaw')) fn(account, type, o, m, null, ts);
  }
}

/** Close one depth update: bump the market's update id and publish the changed levels. */
export function flush(s: ExchangeState, m: SimMarket): void {
  const book = m.book;
  if (!book.hasDirty()) return;
  const id = ++book.updateId;
  const ts = s.clock.now();
  if (s.events.has('depth')) {
    const bids: Array<[string, string]> = [];
    const asks: Array<[string, string]> = [];
    for (const p of book.bids.dirty) bids.push([m.px(p), m.qty(book.bids.totalAt(p))]);
    for (const p of book.asks.dirty) asks.push([m.px(p), m.qty(book.asks.totalAt(p))]);
    const e: DepthEvent = { symbol: m.symbol, firstUpdateId: id, lastUpdateId: id, bids, asks, ts };
    for (const fn of s.events.listeners('depth')) fn(e);
  }
  book.bids.dirty.clear();
  book.asks.dirty.clear();
  for (const fn of s.events.listeners('bookChanged')) fn(m.symbol, id, ts);
}
