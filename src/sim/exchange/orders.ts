// The order lifecycle: validate -> accept -> match -> rest, fill or expire, and cancellation; the taker
// speed bump; and the rule that a resting reduce-only order never grows a position. The same execute()
// runs user orders and the house's (the market model's takers), so both meet the book the same way.
import type { Account, SimOrderInfo } from '../accounts/account.js';
import type { SimMarket } from '../market.js';
import { fillable, matchTaker, wouldCross } from '../matching/match.js';
import type { SimOrder } from '../matching/types.js';
import { decToUnits, parseUnits } from '../matching/units.js';
import { badRequest, err, invalidOrder, isApiError, parseOrder, type ApiError } from '../matching/validate.js';
import { reserveFunds, track } from './margin.js';
import { emitOrder, flush } from './publish.js';
import type { ExchangeState } from './state.js';
import { orderInfo } from './views.js';

export type Result<T> = { ok: true; value: T } | ({ ok: false } & ApiError);
export interface OrderRef {
  orderId?: unknown;
  clientId?: unknown;
}

/** Place one order for `key` from a wire payload, synchronously (no speed bump). */
export function placeOrder(s: ExchangeState, key: string, body: Record<string, unknown>): Result<SimOrderInfo> {
  const r = placeOrderInner(s, key, body);
  if (isApiError(r)) return { ok: false, ...r };
  return { ok: true, value: r };
}

/** placeOrder honouring the taker speed bump: a non-post-only order that would take waits `bumpMs`. */
export function submitOrder(s: ExchangeState, bumpMs: number, key: string, body: Record<string, unknown>): Promise<Result<SimOrderInfo>> {
  if (bumpMs <= 0 || body['postOnly'] === true) return Promise.resolve(placeOrder(s, key, body));
  const m = typeof body['symbol'] === 'string' ? s.markets.get(body['symbol']) : undefined;
  const side = body['side'];
  if (m && (side === 'Bid' || side === 'Ask')) {
    const price = body['orderType'] === 'Market' ? null : parseUnits(body['price'], m.ps.scale);
    const takes = price === null || (typeof price === 'number' && wouldCross(m.book, side, price));
    if (!takes) return Promise.resolve(placeOrder(s, key, body));
  }
  return new Promise((resolve) => {
    s.clock.setTimeout(() => resolve(placeOrder(s, key, body)), bumpMs);
  });
}

function placeOrderInner(s: ExchangeState, key: string, body: Record<string, unknown>): SimOrderInfo | ApiError {
  const symbol = body['symbol'];
  const m = typeof symbol === 'string' ? s.markets.get(symbol) : undefined;
  if (!m) return badRequest('Invalid market symbol');
  const acct = s.account(key);
  const p = parseOrder(body, m, m.markPu());
  if (isApiError(p)) return p;
  if (p.clientId !== null && acct.byClientId.has(p.clientId)) return invalidOrder(`Order with client ID already exists: ${p.clientId}`);

  // Reduce-only: must shrink the current perp position, never open or grow one.
  let reduceCap = Number.MAX_SAFE_INTEGER;
  if (p.reduceOnly) {
    const pos = acct.positions.get(m.symbol);
    const net = pos ? decToUnits(pos.net, m.qs.scale) : 0;
    if (net === 0 || (net > 0) === (p.side === 'Bid')) return invalidOrder('Reduce only order not reduced');
    reduceCap = Math.abs(net);
  }
  if (p.postOnly && wouldCross(m.book, p.side, p.price)) return invalidOrder('Order would immediately match and take');

  const o: SimOrder = {
    id: String(s.nextOrderId++),
    account: key,
    symbol: m.symbol,
    clientId: p.clientId,
    side: p.side,
    orderType: p.orderType,
    timeInForce: p.timeInForce,
    postOnly: p.postOnly,
    reduceOnly: p.reduceOnly,
    stp: p.stp,
    price: p.price,
    quantity: p.quantity,
    quoteQuantity: p.quoteQuantity,
    remaining: p.quantity ?? Number.MAX_SAFE_INTEGER,
    executed: 0,
    executedQuote: 0,
    status: 'New',
    createdAt: Math.floor(s.clock.now()),
    expiryReason: null,
    bookedNotional: 0,
  };

  const funds = reserveFunds(s, acct, m, o);
  if (funds) {
    s.nextOrderId--;
    return funds;
  }
  acct.open.set(o.id, o);
  if (o.reduceOnly) acct.reduceOnly.add(o);
  if (o.clientId !== null) acct.byClientId.set(o.clientId, o);
  emitOrder(s, acct.key, 'orderAccepted', o, m);
  // A reduce-only order larger than the position only ever has |position| live (it cannot flip).
  if (o.remaining > reduceCap) o.remaining = reduceCap;
  execute(s, m, o);
  runReduceChecks(s);
  flush(s, m);
  return orderInfo(o, m);
}

/** Match a (user or house) taker and settle its end state. */
export function execute(s: ExchangeState, m: SimMarket, o: SimOrder): void {
  if (o.timeInForce === 'FOK' && o.quantity !== null && fillable(m.book, o, o.remaining) < o.remaining) {
    finish(s, m, o, 'Expired', 'FillOrKill');
    return;
  }
  const end = matchTaker(m.book, o, m.qs.unit, s.hooks.get(m.symbol)!);
  if (o.remaining === 0) {
    o.status = 'Filled';
    if (o.account !== null) archive(s, s.accounts.get(o.account)!, m, o);
    return;
  }
  if (end === 'stpTaker') {
    finish(s, m, o, 'Expired', 'SelfTradePrevention');
  } else if (end === 'budget') {
    finish(s, m, o, o.quantity === null ? 'Filled' : 'Expired', o.quantity === null ? null : 'InsufficientFunds');
  } else if (o.orderType === 'Market' || o.timeInForce !== 'GTC') {
    const reason = o.orderType === 'Market' ? 'InsufficientLiquidity' : o.timeInForce === 'FOK' ? 'FillOrKill' : 'ImmediateOrCancel';
    finish(s, m, o, 'Expired', reason);
  } else {
    o.status = o.executed > 0 ? 'PartiallyFilled' : 'New';
    m.book.side(o.side).add(o);
    if (o.account !== null) track(s.accounts.get(o.account)!, m, o, true);
  }
}

/** Terminal transition of an order that is NOT on the book (or was just removed from it). */
export function finish(s: ExchangeState, m: SimMarket, o: SimOrder, status: 'Filled' | 'Cancelled' | 'Expired', reason: string | null): void {
  o.status = status;
  o.expiryReason = reason;
  if (o.account === null) return;
  const acct = s.accounts.get(o.account)!;
  archive(s, acct, m, o);
  if (status === 'Cancelled') emitOrder(s, acct.key, 'orderCancelled', o, m);
  else if (status === 'Expired') emitOrder(s, acct.key, 'orderExpired', o, m);
}

/** Move a finished user order from the account's open orders to its history, releasing its locks. */
export function archive(s: ExchangeState, acct: Account, m: SimMarket, o: SimOrder): void {
  if (!acct.open.delete(o.id)) return;
  track(acct, m, o, false);
  acct.reduceOnly.delete(o);
  if (o.clientId !== null && acct.byClientId.get(o.clientId) === o) acct.byClientId.delete(o.clientId);
  // Release what is still locked for this order (spot limit orders).
  if (!m.isPerp && o.price !== null && o.remaining > 0 && o.remaining !== Number.MAX_SAFE_INTEGER) {
    if (o.side === 'Bid') acct.unlock(m.spec.quoteSymbol, m.pxDec(o.price).mul(m.qtyDec(o.remaining)));
    else acct.unlock(m.spec.baseSymbol, m.qtyDec(o.remaining));
  }
  acct.history.push(orderInfo(o, m));
  if (acct.history.length >= 2 * s.historyLimit) acct.history.splice(0, acct.history.length - s.historyLimit);
}

export function cancelOrder(s: ExchangeState, key: string, symbol: unknown, id: OrderRef): Result<SimOrderInfo> {
  const m = typeof symbol === 'string' ? s.markets.get(symbol) : undefined;
  if (!m) return { ok: false, ...badRequest('Invalid market symbol') };
  const bad = badOrderRef(id);
  if (bad) return bad;
  const acct = s.account(key);
  const o = findLive(acct, m.symbol, id);
  if (!o) return { ok: false, ...err(404, 'RESOURCE_NOT_FOUND', 'Not Found') };
  m.book.side(o.side).remove(o);
  finish(s, m, o, 'Cancelled', null);
  flush(s, m);
  return { ok: true, value: orderInfo(o, m) };
}

export function cancelAll(s: ExchangeState, key: string, symbol: unknown): Result<SimOrderInfo[]> {
  const m = typeof symbol === 'string' ? s.markets.get(symbol) : undefined;
  if (!m) return { ok: false, ...badRequest('Invalid market symbol') };
  const acct = s.account(key);
  const out: SimOrderInfo[] = [];
  for (const o of [...acct.open.values()]) {
    if (o.symbol !== m.symbol) continue;
    m.book.side(o.side).remove(o);
    finish(s, m, o, 'Cancelled', null);
    out.push(orderInfo(o, m));
  }
  flush(s, m);
  return { ok: true, value: out };
}

/** Exactly one of orderId and clientId must name the order; else the error to answer. */
export function badOrderRef(id: OrderRef): ({ ok: false } & ApiError) | null {
  const hasId = id.orderId !== undefined && id.orderId !== null;
  const hasCid = id.clientId !== undefined && id.clientId !== null;
  if (hasId === hasCid) return { ok: false, ...badRequest('Must specify either `clientId` or `orderId`') };
  return null;
}

/** The account's live order in `symbol` with this order id or client id. */
export function findLive(acct: Account, symbol: string, id: OrderRef): SimOrder | undefined {
  let o: SimOrder | undefined;
  if (id.orderId !== undefined && id.orderId !== null) o = acct.open.get(String(id.orderId));
  else {
    const cid = typeof id.clientId === 'string' ? Number(id.clientId) : id.clientId;
    if (typeof cid === 'number') o = acct.byClientId.get(cid);
  }
  return o && o.symbol === symbol ? o : undefined;
}

/** Resting reduce-only orders may never grow a position: shrink (orderModified) or expire them. */
export function runReduceChecks(s: ExchangeState): void {
  if (s.reduceChecks.size === 0) return;
  for (const acct of s.reduceChecks) {
    if (acct.reduceOnly.size === 0) continue;
    for (const o of [...acct.reduceOnly]) {
      const m = s.markets.get(o.symbol)!;
      const pos = acct.positions.get(o.symbol);
      const net = pos ? decToUnits(pos.net, m.qs.scale) : 0;
      const onBook = m.book.side(o.side).aheadOf(o) !== null;
      if (net === 0 || (net > 0) === (o.side === 'Bid')) {
        if (onBook) m.book.side(o.side).remove(o);
        finish(s, m, o, 'Expired', 'ReduceOnlyNotReduced');
        flush(s, m);
      } else if (o.remaining > Math.abs(net) && onBook) {
        const cut = o.remaining - Math.abs(net);
        m.book.side(o.side).shrink(o, Math.abs(net));
        if (o.quantity !== null) o.quantity -= cut;
        emitOrder(s, acct.key, 'orderModified', o, m);
        flush(s, m);
      }
    }
  }
  s.reduceChecks.clear();
}
