// Order record shared by the book, the matcher and the exchange facade. One mutable object per order;
// house (market-model) orders have account === null and are never reported privately.
import type { OrderStatus, OrderType, TimeInForce } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';

export type SelfTradePrevention = 'RejectTaker' | 'RejectMaker' | 'RejectBoth' | 'Allow';

export interface SimOrder {
  id: string;
  /** API key of the owner, or null for background (house) liquidity and model takers. */
  account: string | null;
  symbol: string;
  clientId: number | null;
  side: Side;
  orderType: OrderType;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  stp: SelfTradePrevention;
  /** Limit price in price units; null for market orders. */
  price: number | null;
  /** Quantity in qty units (a reverse market order with only quoteQuantity has null). */
  quantity: number | null;
  /** Quote budget in notional units (price units * qty units), for quoteQuantity market orders. */
  quoteQuantity: number | null;
  remaining: number;
  executed: number;
  /** Notional units (price units * qty units). */
  executedQuote: number;
  status: OrderStatus;
  createdAt: number;
  expiryReason: string | null;
  /** Notional units this order currently contributes to its account's open perp exposure. */
  bookedNotional: number;
}
