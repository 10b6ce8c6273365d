// Wire JSON -> domain types. Every field the bot relies on is validated here, so nothing past the adapter
// sees raw exchange JSON. Malformed input throws CodecError; callers count it and skip the message.
import { Decimal, parseDecimal, ZERO } from '../../util/decimal.js';
import type {
  AccountFees,
  BalanceInfo,
  CollateralInfo,
  FillInfo,
  FundingInfo,
  MarketInfo,
  MarketType,
  OrderEvent,
  OrderEventType,
  OrderInfo,
  OrderStatus,
  OrderType,
  PositionEvent,
  PositionInfo,
  Side,
  TimeInForce,
  TradeTick,
} from '../types.js';
import type { WireLevel } from '../../protocol/backpack/wire-types.js';

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

type Obj = Record<string, unknown>;

function fail(what: string, field: string, value: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 60) shown = shown.slice(0, 57) + '...';
  throw new CodecError(`${what}: bad ${field} ${shown}`);
}

export function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(what, 'object', x);
  return x as Obj;
}

function arr(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) fail(what, 'array', x);
  return x;
}

function dec(o: Obj, k: string, what: string): Decimal {
  const d = parseDecimal(o[k]);
  if (d === null) fail(what, k, o[k]);
  return d;
}

function decOrNull(o: Obj, k: string, what: string): Decimal | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  const d = parseDecimal(v);
  if (d === null) fail(what, k, v);
  return d;
}

function str(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0) fail(what, k, v);
  return v;
}

/** Ids: strings on the wire, sometimes numbers; kept as strings (old ids exceed 2^53). */
function idStr(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  fail(what, k, v);
}

/** Integer that may arrive as a JSON number or a numeric string. */
function int(o: Obj, k: string, what: string): number {
  const v = o[k];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) fail(what, k, v);
  return n;
}

function bool(o: Obj, k: string, what: string, dflt: boolean): boolean {
  const v = o[k];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') fail(what, k, v);
  return v;
}

const SYMBOL_RE = /^[A-Z0-9]+(_[A-Z0-9]+)+$/;
function symbol(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string' || !SYMBOL_RE.test(v)) fail(what, k, v);
  return v;
}

function side(o: Obj, k: string, what: string): Side {
  const v = o[k];
  if (v !== 'Bid' && v !== 'Ask') fail(what, k, v);
  return v;
}

/** REST uses `Limit`/`Market`, the websocket `LIMIT`/`MARKET`. */
function orderType(o: Obj, k: string, what: string): OrderType {
  const v = o[k];
  if (v === 'Limit' || v === 'LIMIT') return 'Limit';
  if (v === 'Market' || v === 'MARKET') return 'Market';
  fail(what, k, v);
}

const STATUSES = new Set<OrderStatus>(['New', 'PartiallyFilled', 'Filled', 'Cancelled', 'Expired', 'TriggerPending', 'TriggerFailed']);
function status(o: Obj, k: string, what: string): OrderStatus {
  const v = o[k];
  if (typeof v !== 'string' || !STATUSES.has(v as OrderStatus)) fail(what, k, v);
  return v as OrderStatus;
}

function tif(o: Obj, k: string, what: string): TimeInForce {
  const v = o[k];
  if (v === undefined || v === null) return 'GTC';
  if (v !== 'GTC' && v !== 'IOC' && v !== 'FOK') fail(what, k, v);
  return v;
}

/** uint32 client id; number on orders and WS, string on fill history. */
function clientId(o: Obj, k: string, what: string): number | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) fail(what, k, v);
  return n;
}

/** Naive UTC datetime ("2025-07-27T17:39:00.092", no Z) or epoch ms -> epoch ms. */
function utcMs(o: Obj, k: string, what: string): number {
  const v = o[k];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v);
    if (m) {
      const frac = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '.000';
      const t = Date.parse(`${m[1]}T${m[2]}${frac}${m[4] ?? 'Z'}`);
      if (Number.isFinite(t)) return t;
    }
  }
  fail(what, k, v);
}

/** Websocket E/T are microseconds. */
function usToMs(o: Obj, k: string, what: string): number {
  return Math.floor(int(o, k, what) / 1000);
}

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

const ORDER_EVENTS: Record<string, OrderEventType> = {
  orderAccepted: 'accepted',
  orderFill: 'fill',
  orderCancelled: 'cancelled',
  orderExpired: 'expired',
  orderModified: 'modified',
};

/** Event names on account.orderUpdate the bot does not act on (trigger orders). Not errors. */
export const IGNORED_ORDER_EVENTS = new Set(['triggerPlaced', 'triggerFailed']);

/** account.orderUpdate payload. */
export function decodeOrderUpdate(x: unknown): OrderEvent {
  const W = 'orderUpdate';
  const o = obj(x, W);
  const type = typeof o.e === 'string' ? ORDER_EVENTS[o.e] : undefined;
  if (!type) fail(W, 'e', o.e);
  const ev: OrderEvent = {
    type,
    symbol: symbol(o, 's', W),
    orderId: idStr(o, 'i', W),
    clientId: clientId(o, 'c', W),
    side: side(o, 'S', W),
    orderType: orderType(o, 'o', W),
    status: status(o, 'X', W),
    price: decOrNull(o, 'p', W),
    quantity: decOrNull(o, 'q', W) ?? ZERO,
    executedQuantity: decOrNull(o, 'z', W) ?? ZERO,
    executedQuoteQuantity: decOrNull(o, 'Z', W) ?? ZERO,
    reduceOnly: bool(o, 'r', W, false),
    postOnly: bool(o, 'y', W, false),
    ts: usToMs(o, o.T !== undefined && o.T !== null ? 'T' : 'E', W),
  };
  if (type === 'fill') {
    const t = o.t;
    if (typeof t !== 'number' && typeof t !== 'string') fail(W, 't', t);
    if (typeof o.m !== 'boolean') fail(W, 'm', o.m);
    ev.fill = {
      tradeId: String(t),
      price: dec(o, 'L', W),
      quantity: dec(o, 'l', W),
      isMaker: o.m,
      fee: decOrNull(o, 'n', W) ?? ZERO,
      feeSymbol: typeof o.N === 'string' ? o.N : '',
    };
  }
  if (type === 'expired' && typeof o.R === 'string') ev.reason = o.R;
  return ev;
}

// ---------------------------------------------------------------- positions

/** account.positionUpdate payload (the subscribe-time snapshot has no `e`). Values: strings or numbers. */
export function decodePositionUpdate(x: unknown): PositionEvent {
  const W = 'positionUpdate';
  const o = obj(x, W);
  if (o.e !== undefined && typeof o.e !== 'string') fail(W, 'e', o.e);
  const tsKey = o.T !== undefined && o.T !== null ? 'T' : o.E !== undefined && o.E !== null ? 'E' : null;
  return {
    symbol: symbol(o, 's', W),
    netQuantity: dec(o, 'q', W),
    entryPrice: decOrNull(o, 'B', W) ?? ZERO,
    markPrice: decOrNull(o, 'M', W) ?? ZERO,
    pnlRealized: decOrNull(o, 'p', W) ?? ZERO,
    pnlUnrealized: decOrNull(o, 'P', W) ?? ZERO,
    snapshot: o.e === undefined,
    ts: tsKey ? usToMs(o, tsKey, W) : 0,
  };
}

/** GET /api/v1/position row. */
export function decodePosition(x: unknown): PositionInfo {
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

// ---------------------------------------------------------------- market data

/** trade.<sym> payload. Wire `m` = buyer was maker, so the aggressor sold: takerSide 'Ask'. */
/** A plain unsigned decimal ("180.52", "0.4", ".5"): always a finite, non-negative Decimal. */
const PLAIN_DEC_RE = /^(?:\d+\.?\d*|\.\d+)$/;
const NONZERO_DIGIT_RE = /[1-9]/;

export function decodeTrade(x: unknown): TradeTick {
  const W = 'trade';
  const o = obj(x, W);
  if (typeof o.m !== 'boolean') fail(W, 'm', o.m);
  const p = o.p;
  const q = o.q;
  // Hot path (every public trade): plain decimal strings are validated by pattern and their Decimals are
  // built only if someone reads them (the core reads only the quantity, as a float for the flow signal).
  // Anything else takes the full parse below, with its exact errors.
  if (typeof p === 'string' && typeof q === 'string' && PLAIN_DEC_RE.test(p) && PLAIN_DEC_RE.test(q) && NONZERO_DIGIT_RE.test(p)) {
    const sym = symbol(o, 's', W);
    const tradeId = int(o, 't', W);
    const ts = usToMs(o, o.T !== undefined && o.T !== null ? 'T' : 'E', W);
    return lazyTrade(sym, p, q, o.m ? 'Ask' : 'Bid', tradeId, ts);
  }
  const price = dec(o, 'p', W);
  const quantity = dec(o, 'q', W);
  if (!price.gt(0)) fail(W, 'p', o.p);
  if (quantity.isNegative()) fail(W, 'q', o.q);
  return {
    symbol: symbol(o, 's', W),
    price,
    quantity,
    takerSide: o.m ? 'Ask' : 'Bid',
    tradeId: int(o, 't', W),
    ts: usToMs(o, o.T !== undefined && o.T !== null ? 'T' : 'E', W),
  };
}

/**
 * A TradeTick whose Decimals are parsed on first read. A class (an object literal with getters costs two
 * closures per trade); toJSON prints it like a plain trade.
 */
class LazyTrade implements TradeTick {
  #p: string;
  #q: string;
  #price: Decimal | undefined;
  #quantity: Decimal | undefined;
  readonly quantityNum: number;
  constructor(
    readonly symbol: string,
    p: string,
    q: string,
    readonly takerSide: Side,
    readonly tradeId: number,
    readonly ts: number,
  ) {
    this.#p = p;
    this.#q = q;
    this.quantityNum = Number(q);
  }
  get price(): Decimal {
    return (this.#price ??= new Decimal(this.#p));
  }
  get quantity(): Decimal {
    return (this.#quantity ??= new Decimal(this.#q));
  }
  toJSON(): Omit<TradeTick, 'price' | 'quantity'> & { price: string; quantity: string } {
    return { symbol: this.symbol, price: this.price.toString(), quantity: this.quantity.toString(), takerSide: this.takerSide, tradeId: this.tradeId, ts: this.ts, quantityNum: this.quantityNum };
  }
}

function lazyTrade(symbol: string, p: string, q: string, takerSide: Side, tradeId: number, ts: number): TradeTick {
  return new LazyTrade(symbol, p, q, takerSide, tradeId, ts);
}

const NUM_RE = /^\d+(\.\d*)?$/;

/** Validate levels in place without allocating (hot path: validated, not converted): positive finite price, non-negative quantity. */
function levels(x: unknown, what: string, field: string): WireLevel[] {
  if (!Array.isArray(x)) fail(what, field, x);
  for (let i = 0; i < x.length; i++) {
    const l = x[i] as unknown;
    if (!Array.isArray(l) || l.length < 2) fail(what, field, l);
    const p = l[0] as unknown;
    const q = l[1] as unknown;
    if (typeof p !== 'string' || typeof q !== 'string' || !NUM_RE.test(p) || !NUM_RE.test(q)) fail(what, field, l);
    if (!(+p > 0)) fail(what, field, l);
  }
  return x as WireLevel[];
}

export interface DepthDelta {
  symbol: string;
  /** First and last engine update id in this event. */
  U: number;
  u: number;
  bids: WireLevel[];
  asks: WireLevel[];
  ts: number; // ms
}

/** depth.<sym> payload (absolute quantities; "0" deletes). */
export function decodeDepthDelta(x: unknown): DepthDelta {
  const W = 'depth';
  const o = obj(x, W);
  const U = int(o, 'U', W);
  const u = int(o, 'u', W);
  if (u < U) fail(W, 'u', o.u);
  return {
    symbol: symbol(o, 's', W),
    U,
    u,
    bids: levels(o.b, W, 'b'),
    asks: levels(o.a, W, 'a'),
    ts: o.T !== undefined && o.T !== null ? usToMs(o, 'T', W) : o.E !== undefined ? usToMs(o, 'E', W) : 0,
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

export interface MarkPriceUpdate {
  symbol: string;
  markPrice: Decimal;
  indexPrice: Decimal | null;
  fundingRate: Decimal | null;
  /** ms; null when absent (spot, prediction markets). */
  nextFundingTimestamp: number | null;
  ts: number;
}

/** markPrice.<sym> payload: p mark, i index, f funding estimate, n next funding (ms). */
export function decodeMarkPriceEvent(x: unknown): MarkPriceUpdate {
  const W = 'markPrice';
  const o = obj(x, W);
  return {
    symbol: symbol(o, 's', W),
    markPrice: dec(o, 'p', W),
    indexPrice: decOrNull(o, 'i', W),
    fundingRate: decOrNull(o, 'f', W),
    nextFundingTimestamp: o.n === undefined || o.n === null ? null : int(o, 'n', W),
    ts: o.T !== undefined && o.T !== null ? usToMs(o, 'T', W) : o.E !== undefined ? usToMs(o, 'E', W) : 0,
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
export function decodeFill(x: unknown): FillInfo {
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

/** Decode every row of an array, skipping malformed ones; `onBad` counts them. */
export function decodeRows<T>(x: unknown, what: string, one: (r: unknown) => T, onBad: (e: CodecError) => void): T[] {
  const rows = arr(x, what);
  const out: T[] = [];
  for (const r of rows) {
    try {
      out.push(one(r));
    } catch (e) {
      if (e instanceof CodecError) onBad(e);
      else throw e;
    }
  }
  return out;
}
