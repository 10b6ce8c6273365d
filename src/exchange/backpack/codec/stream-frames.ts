// Websocket stream frames -> domain types: account.orderUpdate / positionUpdate and the public trade,
// depth and markPrice payloads (reference §3). Wire times here are microseconds. The trade decoder is on
// the hot path (every public trade) and defers its Decimals (LazyTrade).
import { Decimal, ZERO } from '../../../util/decimal.js';
import type { TradeTick } from '../../../domain/market.js';
import type { OrderEvent, OrderEventType } from '../../../domain/order.js';
import type { PositionUpdate } from '../../../domain/position.js';
import type { Side } from '../../../domain/side.js';
import type { WireLevel } from '../../../protocol/backpack/wire-types.js';
import { bool, clientId, dec, decOrNull, fail, idStr, int, levels, obj, orderType, side, status, symbol, usToMs } from './fields.js';

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


/** account.positionUpdate payload (the subscribe-time snapshot has no `e`). Values: strings or numbers. */
export function decodePositionUpdate(x: unknown): PositionUpdate {
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

/** A plain unsigned decimal ("180.52", "0.4", ".5"): always a finite, non-negative Decimal. */
const PLAIN_DEC_RE = /^(?:\d+\.?\d*|\.\d+)$/;
const NONZERO_DIGIT_RE = /[1-9]/;
/** trade.<sym> payload. Wire `m` = buyer was maker, so the aggressor sold: takerSide 'Ask'. */
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
