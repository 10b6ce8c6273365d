// Parse and validate an order payload (REST body or batch item) against a market's filters, returning
// integer units or the error the real exchange gives. Pure. Error texts follow the reference (§4.2);
// where the reference is UNCONFIRMED the choice is noted inline.
import type { OrderType, TimeInForce } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import type { SimMarket } from '../market.js';
import { parseUnits } from './units.js';
import type { SelfTradePrevention } from './types.js';

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export const err = (status: number, code: string, message: string): ApiError => ({ status, code, message });
export const badRequest = (message: string): ApiError => err(400, 'INVALID_CLIENT_REQUEST', message);
export const invalidOrder = (message: string): ApiError => err(400, 'INVALID_ORDER', message);

export interface ParsedOrder {
  side: Side;
  orderType: OrderType;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  stp: SelfTradePrevention;
  clientId: number | null;
  price: number | null;
  quantity: number | null;
  quoteQuantity: number | null;
}

function bool(v: unknown): boolean | null {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

const STP = new Set(['RejectTaker', 'RejectMaker', 'RejectBoth', 'Allow']);

export function parseOrder(body: Record<string, unknown>, m: SimMarket, refPricePu: number): ParsedOrder | ApiError {
  const side = body['side'];
  if (side !== 'Bid' && side !== 'Ask') return badRequest('Invalid side, expected `Bid` or `Ask`');
  const orderType = body['orderType'];
  if (orderType !== 'Limit' && orderType !== 'Market') return badRequest('Invalid orderType, expected `Limit` or `Market`');
  const tifRaw = body['timeInForce'] ?? 'GTC';
  if (tifRaw !== 'GTC' && tifRaw !== 'IOC' && tifRaw !== 'FOK') return badRequest('Invalid timeInForce, expected `GTC`, `IOC` or `FOK`');
  const postOnly = bool(body['postOnly']);
  const reduceOnly = bool(body['reduceOnly']);
  if (postOnly === null) return badRequest('Invalid postOnly, expected a boolean');
  if (reduceOnly === null) return badRequest('Invalid reduceOnly, expected a boolean');
  const stpRaw = body['selfTradePrevention'] ?? 'RejectTaker';
  if (typeof stpRaw !== 'string' || !STP.has(stpRaw)) return badRequest('Invalid selfTradePrevention');
  const cid = body['clientId'];
  let clientId: number | null = null;
  if (cid !== undefined && cid !== null) {
    if (typeof cid !== 'number' || !Number.isInteger(cid) || cid < 0 || cid > 4294967295) {
      return badRequest('Invalid clientId, expected an unsigned 32-bit integer');
    }
    clientId = cid;
  }
  if (reduceOnly && !m.isPerp) return invalidOrder('Reduce only is not supported for spot markets');

  let quantity: number | null = null;
  if (body['quantity'] !== undefined && body['quantity'] !== null) {
    const q = parseUnits(body['quantity'], m.qs.scale);
    if (q === 'invalid') return badRequest('Invalid quantity');
    if (q === 'too_long' || q % m.qs.unit !== 0) return invalidOrder('Quantity decimal too long');
    if (q < m.minQty) return invalidOrder('Quantity is below the minimum allowed value');
    if (m.maxQty !== null && q > m.maxQty) return invalidOrder('Quantity is above the maximum allowed value');
    quantity = q;
  }
  let quoteQuantity: number | null = null;
  if (body['quoteQuantity'] !== undefined && body['quoteQuantity'] !== null) {
    if (orderType !== 'Market') return badRequest('`quoteQuantity` is only valid for market orders');
    const q = parseUnits(body['quoteQuantity'], m.ps.scale + m.qs.scale);
    if (q === 'invalid' || q === 0) return badRequest('Invalid quoteQuantity');
    if (q === 'too_long') return invalidOrder('Quote quantity decimal too long');
    quoteQuantity = q;
  }
  if (quantity === null && quoteQuantity === null) {
    return orderType === 'Market' ? badRequest('Market orders must specify a `quantity` or `quoteQuantity`') : badRequest('Limit orders must specify a `quantity`');
  }

  let price: number | null = null;
  if (orderType === 'Limit') {
    if (body['price'] === undefined || body['price'] === null) return badRequest('Limit orders must specify a `price`');
    const p = parseUnits(body['price'], m.ps.scale);
    if (p === 'invalid' || p === 0) return badRequest('Invalid price');
    if (p === 'too_long' || p % m.ps.unit !== 0) return invalidOrder('Price decimal too long');
    if (p < m.minPrice) return invalidOrder('Price is below the minimum allowed value');
    if (p > m.maxPrice) return invalidOrder('Price is above the maximum allowed value');
    // Price band vs the mark (filters maxMultiplier 1.25 / minMultiplier 0.75). The real engine may
    // instead accept and expire with PriceOutOfBounds (UNCONFIRMED); we reject synchronously.
    if (p > refPricePu * 1.25 || p < refPricePu * 0.75) return invalidOrder('Price is out of bounds');
    price = p;
  } else if (postOnly) {
    return invalidOrder('Market orders cannot be post only');
  }
  return {
    side,
    orderType,
    timeInForce: tifRaw,
    postOnly,
    reduceOnly,
    stp: stpRaw as SelfTradePrevention,
    clientId,
    price,
    quantity,
    quoteQuantity,
  };
}

export function isApiError(x: unknown): x is ApiError {
  return typeof x === 'object' && x !== null && 'code' in x && 'status' in x && 'message' in x;
}
