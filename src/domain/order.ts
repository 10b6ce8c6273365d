// An order: what the core asks for (OrderRequest), what the exchange holds (OrderInfo) and what its
// order stream reports (OrderEvent). Wire strings become Decimals at the edge (the codecs).
import type { Decimal } from '../util/decimal.js';
import type { Fill } from './fill.js';
import type { Side } from './side.js';

export type OrderType = 'Limit' | 'Market';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus =
  | 'New'
  | 'PartiallyFilled'
  | 'Filled'
  | 'Cancelled'
  | 'Expired'
  | 'TriggerPending'
  | 'TriggerFailed';

export interface OrderRequest {
  symbol: string;
  side: Side;
  orderType: OrderType;
  /** Required for Limit. */
  price?: Decimal;
  quantity: Decimal;
  timeInForce?: TimeInForce;
  postOnly?: boolean;
  reduceOnly?: boolean;
  /** uint32, from the bot's namespace (see core/client-ids). */
  clientId: number;
}

export interface OrderInfo {
  id: string;
  clientId: number | null;
  symbol: string;
  side: Side;
  orderType: OrderType;
  price: Decimal | null;
  quantity: Decimal;
  executedQuantity: Decimal;
  executedQuoteQuantity: Decimal;
  status: OrderStatus;
  postOnly: boolean;
  reduceOnly: boolean;
  timeInForce: TimeInForce;
  createdAt: number; // ms
}

export type OrderEventType = 'accepted' | 'fill' | 'cancelled' | 'expired' | 'modified';

export interface OrderEvent {
  type: OrderEventType;
  symbol: string;
  orderId: string;
  clientId: number | null;
  side: Side;
  orderType: OrderType;
  status: OrderStatus;
  price: Decimal | null;
  quantity: Decimal;
  executedQuantity: Decimal;
  executedQuoteQuantity: Decimal;
  reduceOnly: boolean;
  postOnly: boolean;
  /** Present on 'fill': the execution's part of a Fill (the rest is the order's, above). */
  fill?: Pick<Fill, 'tradeId' | 'price' | 'quantity' | 'isMaker' | 'fee' | 'feeSymbol'>;
  /** Expiry reason on 'expired' (e.g. PostOnlyTaker, ReduceOnlyNotReduced). */
  reason?: string;
  ts: number; // ms
}
