// The state file's JSON forms of an account's order history and funding payments: the exchange holds them
// as Decimals (SimOrderInfo, FundingInfo), the file as decimal strings, orders at their market's tick and
// step scale ("100.10", "2.00"), exactly as the files written before the exchange held Decimals, so a
// saved state loads and saves again unchanged.
import { D } from '../../util/decimal.js';
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

export function orderFromJson(j: OrderJson): SimOrderInfo {
  return {
    id: j.id,
    clientId: j.clientId,
    symbol: j.symbol,
    side: j.side,
    orderType: j.orderType,
    price: j.price === null ? null : D(j.price),
    quantity: D(j.quantity ?? '0'),
    quoteQuantity: j.quantity === null && j.quoteQuantity !== null ? D(j.quoteQuantity) : null,
    executedQuantity: D(j.executedQuantity),
    executedQuoteQuantity: D(j.executedQuoteQuantity),
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
  return { symbol: j.symbol, quantity: D(j.quantity), fundingRate: D(j.fundingRate), intervalEndTimestamp: j.intervalEndTimestamp };
}
