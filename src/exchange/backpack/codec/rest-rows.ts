// REST replies -> domain types: markets, orders (and batch items), positions, the depth snapshot, mark
// prices, tickers, trades, status and time, capital, collateral, fees, fill and funding history rows
// (reference §2). History rows carry naive-UTC datetimes; list replies are decoded row by row with
// decodeRows (fields.ts) so one malformed row is counted and skipped, not fatal.
import { Decimal, ZERO } from '../../../util/decimal.js';
import type { AccountFees, BalanceInfo, CollateralInfo, FundingInfo } from '../../types.js';
import type { Fill } from '../../../domain/fill.js';
import type { MarketInfo, MarketType, TradeTick } from '../../../domain/market.js';
import type { OrderInfo } from '../../../domain/order.js';
import type { Position } from '../../../domain/position.js';
import type { WireLevel } from '../../../protocol/backpack/wire-types.js';
import type { MarkPriceUpdate } from './stream-frames.js';
import { bool, clientId, dec, decOrNull, fail, idStr, int, levels, obj, orderType, side, status, str, symbol, tif, usToMs, utcMs, type Obj } from './fields.js';

// ---------------------------------------------------------------- markets

export function decodeMarket(x: unknown): MarketInfo {
  const W = 'market';
  const o = obj(x, W);
  const filters = obj(o.filters, W + '.filters');
  const price = obj(filters.price, W + '.filters.price');
  const qty = obj(filters.quantity, W + '.filters.quantity');
  const mt = o.marketType;
  if (mt !== 'SPOT' && mt !== 'PERP') fail(W, 'marketType', mt);
  const tickSize = dec(price, 'tickSize', W);
  const stepSize = dec(qty, 'stepSize', W);
  if (!tickSize.gt(0)) fail(W, 'tickSize', price.tickSize);
  if (!stepSize.gt(0)) fail(W, 'stepSize', qty.stepSize);
  const minQuantity = dec(qty, 'minQuantity', W);
  if (minQuantity.isNegative()) fail(W, 'minQuantity', qty.minQuantity);
  return {
    symbol: symbol(o, 'symbol', W),
    baseSymbol: str(o, 'baseSymbol', W),
    quoteSymbol: str(o, 'quoteSymbol', W),
    marketType: mt as MarketType,
    tickSize,
    stepSize,
    minQuantity,
    maxQuantity: decOrNull(qty, 'maxQuantity', W),
    minPrice: decOrNull(price, 'minPrice', W),
    maxPrice: decOrNull(price, 'maxPrice', W),
    orderBookState: typeof o.orderBookState === 'string' ? o.orderBookState : 'Unknown',
  };
}

/** True for market types the bot handles (the markets list also carries IPERP, DATED, ...). */
export function isSupportedMarket(x: unknown): boolean {
  return typeof x === 'object' && x !== null && ((x as Obj).marketType === 'SPOT' || (x as Obj).marketType === 'PERP');
}

// ---------------------------------------------------------------- orders

/** REST order object (POST/GET/DELETE order, open orders, order history rows). */
export function decodeOrder(x: unknown): OrderInfo & { expiryReason: string | null } {
  const W = 'order';
  const o = obj(x, W);
  const ot = orderType(o, 'orderType', W);
  return {
    id: idStr(o, 'id', W),
    clientId: clientId(o, 'clientId', W),
    symbol: symbol(o, 'symbol', W),
    side: side(o, 'side', W),
    orderType: ot,
    price: decOrNull(o, 'price', W),
    quantity: o.quantity === null || o.quantity === undefined ? ZERO : dec(o, 'quantity', W),
    executedQuantity: decOrNull(o, 'executedQuantity', W) ?? ZERO,
    executedQuoteQuantity: decOrNull(o, 'executedQuoteQuantity', W) ?? ZERO,
    status: status(o, 'status', W),
    postOnly: bool(o, 'postOnly', W, false),
    reduceOnly: bool(o, 'reduceOnly', W, false),
    timeInForce: tif(o, 'timeInForce', W),
    createdAt: o.createdAt === undefined || o.createdAt === null ? 0 : utcMs(o, 'createdAt', W),
    expiryReason: typeof o.expiryReason === 'string' ? o.expiryReason : null,
  };
}

/** One element of a batch-order reply: an order with operation "Ok", or {operation:"Err",code,message}. */
export type BatchItem = { ok: true; order: OrderInfo } | { ok: false; code: string; message: string };
export function decodeBatchItem(x: unknown): BatchItem {
  const o = obj(x, 'batchItem');
  if (o.operation === 'Err' || (o.id === undefined && typeof o.code === 'string')) {
    return { ok: false, code: typeof o.code === 'string' ? o.code : 'UNKNOWN', message: typeof o.message === 'string' ? o.message : '' };
  }
  return { ok: true, order: decodeOrder(o) };
}

/** GET /api/v1/position row. */
export function decodePosition(x: unknown): Position {
  const W = 'position';
  const o = obj(x, W);
  return {
    symbol: symbol(o, 'symbol', W),
    netQuantity: dec(o, 'netQuantity', W),
    entryPrice: decOrNull(o, 'entryPrice', W) ?? ZERO,
    markPrice: decOrNull(o, 'markPrice', W) ?? ZERO,
    pnlRealized: decOrNull(o, 'pnlRealized', W) ?? ZERO,
    pnlUnrealized: decOrNull(o, 'pnlUnrealized', W) ?? ZERO,
    cumulativeFunding: decOrNull(o, 'cumulativeFundingPayment', W) ?? ZERO,
  };
}

export interface DepthSnapshot {
  lastUpdateId: number;
  /** Ascending by price on both sides, as the REST API sends them. */
  bids: WireLevel[];
  asks: WireLevel[];
  ts: number; // ms
}

/** GET /api/v1/depth. `lastUpdateId` is a string on the wire; `timestamp` is µs. */
export function decodeDepthSnapshot(x: unknown): DepthSnapshot {
  const W = 'depthSnapshot';
  const o = obj(x, W);
  return {
    lastUpdateId: int(o, 'lastUpdateId', W),
    bids: levels(o.bids, W, 'bids'),
    asks: levels(o.asks, W, 'asks'),
    ts: o.timestamp !== undefined && o.timestamp !== null ? usToMs(o, 'timestamp', W) : 0,
  };
}

/** GET /api/v1/markPrices row. */
export function decodeMarkPriceRow(x: unknown): MarkPriceUpdate {
  const W = 'markPrices';
  const o = obj(x, W);
  return {
    symbol: symbol(o, 'symbol', W),
    markPrice: dec(o, 'markPrice', W),
    indexPrice: decOrNull(o, 'indexPrice', W),
    fundingRate: decOrNull(o, 'fundingRate', W),
    nextFundingTimestamp: o.nextFundingTimestamp === undefined || o.nextFundingTimestamp === null ? null : int(o, 'nextFundingTimestamp', W),
    ts: 0,
  };
}

export interface Ticker {
  symbol: string;
  lastPrice: Decimal;
  high: Decimal | null;
  low: Decimal | null;
  volume: Decimal | null;
  quoteVolume: Decimal | null;
}

export function decodeTicker(x: unknown): Ticker {
  const W = 'ticker';
  const o = obj(x, W);
  return {
    symbol: symbol(o, 'symbol', W),
    lastPrice: dec(o, 'lastPrice', W),
    high: decOrNull(o, 'high', W),
    low: decOrNull(o, 'low', W),
    volume: decOrNull(o, 'volume', W),
    quoteVolume: decOrNull(o, 'quoteVolume', W),
  };
}

/** GET /api/v1/trades row: {id, price, quantity, quoteQuantity, timestamp(ms), isBuyerMaker}. */
export function decodeRestTrade(x: unknown, sym: string): TradeTick {
  const W = 'restTrade';
  const o = obj(x, W);
  if (typeof o.isBuyerMaker !== 'boolean') fail(W, 'isBuyerMaker', o.isBuyerMaker);
  return {
    symbol: sym,
    price: dec(o, 'price', W),
    quantity: dec(o, 'quantity', W),
    takerSide: o.isBuyerMaker ? 'Ask' : 'Bid',
    tradeId: int(o, 'id', W),
    ts: int(o, 'timestamp', W),
  };
}

export interface ExchangeStatus {
  status: string;
  message: string | null;
}

export function decodeStatus(x: unknown): ExchangeStatus {
  const o = obj(x, 'status');
  if (typeof o.status !== 'string') fail('status', 'status', o.status);
  return { status: o.status, message: typeof o.message === 'string' ? o.message : null };
}

/** GET /api/v1/time: a bare integer (ms) as text. */
export function decodeTime(text: string): number {
  const t = text.trim();
  if (!/^\d{10,16}$/.test(t)) fail('time', 'body', t);
  return Number(t);
}

// ---------------------------------------------------------------- account

/** GET /api/v1/capital: {"USDC":{"available":"120","locked":"0","staked":"0"}}. */
export function decodeCapital(x: unknown): BalanceInfo[] {
  const W = 'capital';
  const o = obj(x, W);
  const out: BalanceInfo[] = [];
  for (const [asset, v] of Object.entries(o)) {
    const b = obj(v, W + '.' + asset);
    out.push({ asset, available: dec(b, 'available', W), locked: dec(b, 'locked', W) });
  }
  return out;
}

export function decodeCollateral(x: unknown): CollateralInfo {
  const W = 'collateral';
  const o = obj(x, W);
  return {
    netEquity: dec(o, 'netEquity', W),
    netEquityAvailable: dec(o, 'netEquityAvailable', W),
    pnlUnrealized: decOrNull(o, 'pnlUnrealized', W) ?? ZERO,
  };
}

/** GET /api/v1/account: fees in basis points as strings (maker negative = rebate). */
export function decodeAccountFees(x: unknown): AccountFees {
  const W = 'account';
  const o = obj(x, W);
  return {
    futuresMakerFeeBps: dec(o, 'futuresMakerFee', W),
    futuresTakerFeeBps: dec(o, 'futuresTakerFee', W),
    spotMakerFeeBps: dec(o, 'spotMakerFee', W),
    spotTakerFeeBps: dec(o, 'spotTakerFee', W),
  };
}

/** GET /wapi/v1/history/fills row: naive-UTC `timestamp`, `clientId` as a string. */
export function decodeFill(x: unknown): Fill {
  const W = 'fill';
  const o = obj(x, W);
  if (typeof o.isMaker !== 'boolean') fail(W, 'isMaker', o.isMaker);
  return {
    tradeId: idStr(o, 'tradeId', W),
    orderId: idStr(o, 'orderId', W),
    clientId: clientId(o, 'clientId', W),
    symbol: symbol(o, 'symbol', W),
    side: side(o, 'side', W),
    price: dec(o, 'price', W),
    quantity: dec(o, 'quantity', W),
    fee: decOrNull(o, 'fee', W) ?? ZERO,
    feeSymbol: typeof o.feeSymbol === 'string' ? o.feeSymbol : '',
    isMaker: o.isMaker,
    timestamp: utcMs(o, 'timestamp', W),
  };
}

/** GET /wapi/v1/history/funding row. */
export function decodeFunding(x: unknown): FundingInfo {
  const W = 'funding';
  const o = obj(x, W);
  return {
    symbol: symbol(o, 'symbol', W),
    quantity: dec(o, 'quantity', W),
    fundingRate: dec(o, 'fundingRate', W),
    intervalEndTimestamp: utcMs(o, 'intervalEndTimestamp', W),
  };
}
