// The state file's JSON forms of an account's order history and funding payments: the exchange holds them
// as Decimals (SimOrderInfo, FundingInfo), the file as decimal strings, orders at their market's tick and
// step scale ("100.10", "2.00"), exactly as the files written before the exchange held Decimals, so a
// saved state loads and saves again unchanged.
import { parseDecimal, type Decimal } from '../../util/decimal.js';
import type { OrderStatus, OrderType, TimeInForce } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import type { FundingInfo } from '../../exchange/types.js';
import type { SimOrderInfo } from '../accounts/account.js';
import type { SimMarket } from '../market.js';
import { fmtAtScale } from '../matching/units.js';

/** An order as the state file holds it (ms createdAt). */
export interface OrderJson {
  id: string;
  clientId: number | null;
  symbol: string;
  side: Side;
  orderType: OrderType;
  price: string | null;
  /** Null for a market order sized by quoteQuantity. */
  quantity: string | null;
  quoteQuantity: string | null;
  executedQuantity: string;
  executedQuoteQuantity: string;
  status: string;
  timeInForce: string;
  postOnly: boolean;
  reduceOnly: boolean;
  selfTradePrevention: string;
  expiryReason: string | null;
  createdAt: number;
}

export interface FundingJson {
  symbol: string;
  quantity: string;
  fundingRate: string;
  intervalEndTimestamp: number;
}

/** An order's JSON at its market's scales (`m` undefined: a market this exchange no longer has). */
export function orderToJson(o: SimOrderInfo, m: SimMarket | undefined): OrderJson {
  const ps = m?.ps.scale;
  const qs = m?.qs.scale;
  return {
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.price === null ? null : fmtAtScale(o.price, ps),
    quantity: o.quoteQuantity !== null ? null : fmtAtScale(o.quantity, qs),
    quoteQuantity: o.quoteQuantity === null ? null : o.quoteQuantity.toString(),
    executedQuantity: fmtAtScale(o.executedQuantity, qs),
    executedQuoteQuantity: o.executedQuoteQuantity.toString(),
    status: o.status,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    selfTradePrevention: o.selfTradePrevention,
    expiryReason: o.expiryReason,
    createdAt: o.createdAt,
  };
}

/** A decimal of the file, or an error naming what it is (a damaged file must say where, not crash in decimal.js). */
function dec(x: unknown, what: string): Decimal {
  const d = parseDecimal(x);
  if (d === null) throw new Error(`sim state file: ${what} ${JSON.stringify(x)} is not a decimal`);
  return d;
}

export function orderFromJson(j: OrderJson): SimOrderInfo {
  const what = (field: string) => `order ${j.id} ${field}`;
  return {
    id: j.id,
    clientId: j.clientId,
    symbol: j.symbol,
    side: j.side,
    orderType: j.orderType,
    price: j.price === null ? null : dec(j.price, what('price')),
    quantity: dec(j.quantity ?? '0', what('quantity')),
    quoteQuantity: j.quantity === null && j.quoteQuantity !== null ? dec(j.quoteQuantity, what('quoteQuantity')) : null,
    executedQuantity: dec(j.executedQuantity, what('executedQuantity')),
    executedQuoteQuantity: dec(j.executedQuoteQuantity, what('executedQuoteQuantity')),
    status: j.status as OrderStatus,
    timeInForce: j.timeInForce as TimeInForce,
    postOnly: j.postOnly,
    reduceOnly: j.reduceOnly,
    selfTradePrevention: j.selfTradePrevention,
    expiryReason: j.expiryReason,
    createdAt: j.createdAt,
  };
}

export function fundingToJson(f: FundingInfo): FundingJson {
  return { symbol: f.symbol, quantity: f.quantity.toString(), fundingRate: f.fundingRate.toString(), intervalEndTimestamp: f.intervalEndTimestamp };
}

export function fundingFromJson(j: FundingJson): FundingInfo {
  const what = `funding payment ${j.symbol} ${j.intervalEndTimestamp}`;
  return { symbol: j.symbol, quantity: dec(j.quantity, `${what} quantity`), fundingRate: dec(j.fundingRate, `${what} fundingRate`), intervalEndTimestamp: j.intervalEndTimestamp };
}
