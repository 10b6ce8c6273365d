// Request shapes both sides of the wire share: the order body exactly as it is sent and signed, and the
// query parameters of the history endpoints (the paper exchange answers the same FillQuery it is sent).
import type { OrderRequest } from '../../domain/order.js';
import type { SignParams } from './signing-string.js';

/** GET /wapi/v1/history/fills parameters (fillType is always User for the bot). */
export interface FillQuery {
  symbol?: string;
  orderId?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
  sortDirection?: 'Asc' | 'Desc';
}

/** GET /wapi/v1/history/orders and /funding parameters. */
export interface HistoryQuery {
  symbol?: string;
  orderId?: string;
  limit?: number;
  offset?: number;
  sortDirection?: 'Asc' | 'Desc';
}

/** How a single-order query or cancel names its order. */
export type OrderId = { orderId: string } | { clientId: number };

/** The wire body of an order: decimals as strings exactly as signed. Booleans only when set. */
export function orderBody(req: OrderRequest): SignParams {
  const b: SignParams = {
    symbol: req.symbol,
    side: req.side,
    orderType: req.orderType,
    quantity: req.quantity.toFixed(),
    clientId: req.clientId,
  };
  if (req.price !== undefined) b.price = req.price.toFixed();
  if (req.timeInForce !== undefined) b.timeInForce = req.timeInForce;
  if (req.postOnly !== undefined) b.postOnly = req.postOnly;
  if (req.reduceOnly === true) b.reduceOnly = true;
  return b;
}
