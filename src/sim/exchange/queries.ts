// Read-only questions to the paper exchange: public market data (depth, ticker, open interest) and an
// account's orders, positions, balances, collateral and settings. Balances, collateral, account and
// ticker answer in domain values (Decimals, src/exchange/types.ts); server/wire.ts renders them. Nothing here changes state, except that
// asking about an unknown API key opens its account (as every private call does).
import { D, Decimal, ZERO } from '../../util/decimal.js';
import type { AccountSummary, BalanceInfo, CollateralDetail, TickerInfo } from '../../exchange/types.js';
import type { SimOrderInfo } from '../accounts/account.js';
import type { SimPositionInfo } from '../events.js';
import { decToUnits } from '../matching/units.js';
import { err, badRequest } from '../matching/validate.js';
import { assetPrice, exposure, netEquity, pnlUnrealized } from './margin.js';
import { badOrderRef, findLive, type OrderRef, type Result } from './orders.js';
import type { ExchangeState } from './state.js';
import { orderInfo, positionInfo } from './views.js';

export function depth(s: ExchangeState, symbol: string, limit: number): { asks: Array<[string, string]>; bids: Array<[string, string]>; lastUpdateId: string; timestamp: number } | null {
  const m = s.markets.get(symbol);
  if (!m) return null;
  const asks: Array<[string, string]> = [];
  const bids: Array<[string, string]> = [];
  const ap = m.book.asks.prices;
  for (let i = 0; i < ap.length && i < limit; i++) asks.push([m.px(ap[i]!), m.qty(m.book.asks.totalAt(ap[i]!))]);
  const bp = m.book.bids.prices;
  // Both sides ascending, as Backpack serves them: best bid is the LAST element.
  for (let i = Math.min(bp.length, limit) - 1; i >= 0; i--) bids.push([m.px(bp[i]!), m.qty(m.book.bids.totalAt(bp[i]!))]);
  return { asks, bids, lastUpdateId: String(m.book.updateId), timestamp: Math.floor(s.clock.now() * 1000) };
}

export function ticker(s: ExchangeState, symbol: string): TickerInfo | null {
  const m = s.markets.get(symbol);
  if (!m) return null;
  const st = m.stats(s.clock.now() - 86_400_000);
  return {
    symbol,
    firstPrice: m.pxDec(st.first),
    lastPrice: m.pxDec(st.last),
    high: m.pxDec(st.high),
    low: m.pxDec(st.low),
    volume: m.qtyDec(st.volume),
    quoteVolume: m.notionalDec(st.quoteVolume),
    trades: st.trades,
  };
}

export function openInterest(s: ExchangeState, symbol: string): string {
  const m = s.markets.get(symbol)!;
  let oi = m.baseOpenInterest;
  for (const a of s.accounts.values()) {
    const p = a.positions.get(symbol);
    if (p && p.net.isPositive()) oi += decToUnits(p.net, m.qs.scale);
  }
  return m.qty(oi);
}

export function getOrder(s: ExchangeState, key: string, symbol: unknown, id: OrderRef): Result<SimOrderInfo> {
  const m = typeof symbol === 'string' ? s.markets.get(symbol) : undefined;
  if (!m) return { ok: false, ...badRequest('Invalid market symbol') };
  const bad = badOrderRef(id);
  if (bad) return bad;
  const o = findLive(s.account(key), m.symbol, id);
  if (!o) return { ok: false, ...err(404, 'RESOURCE_NOT_FOUND', 'Not Found') };
  return { ok: true, value: orderInfo(o, m) };
}

export function openOrders(s: ExchangeState, key: string, symbol?: string): SimOrderInfo[] {
  const acct = s.account(key);
  const out: SimOrderInfo[] = [];
  for (const o of acct.open.values()) if (!symbol || o.symbol === symbol) out.push(orderInfo(o, s.markets.get(o.symbol)!));
  return out;
}

export interface OrderHistoryQuery {
  symbol?: string;
  orderId?: string;
  limit?: number;
  offset?: number;
  sortDirection?: 'Asc' | 'Desc';
}

/** Order history, newest first by default (open orders included). */
export function orderHistory(s: ExchangeState, key: string, q: OrderHistoryQuery): SimOrderInfo[] {
  const acct = s.account(key);
  let rows = [...acct.history, ...openOrders(s, key)];
  if (q.symbol) rows = rows.filter((r) => r.symbol === q.symbol);
  if (q.orderId) rows = rows.filter((r) => r.id === q.orderId);
  rows.sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id));
  if (q.sortDirection !== 'Asc') rows.reverse();
  const off = q.offset ?? 0;
  return rows.slice(off, off + (q.limit ?? 100));
}

/** Size resting ahead of a live order in its level (queue position), as a decimal string; null if not resting. */
export function queueAhead(s: ExchangeState, key: string, orderId: string): string | null {
  const o = s.accounts.get(key)?.open.get(orderId);
  if (!o) return null;
  const m = s.markets.get(o.symbol)!;
  const n = m.book.side(o.side).aheadOf(o);
  return n === null ? null : m.qty(n);
}

export function positions(s: ExchangeState, key: string, symbol?: string): SimPositionInfo[] {
  const acct = s.account(key);
  const out: SimPositionInfo[] = [];
  for (const p of acct.positions.values()) {
    if (p.net.isZero() || (symbol && p.symbol !== symbol)) continue;
    out.push(positionInfo(p, s.markets.get(p.symbol)!));
  }
  return out;
}

export function collateral(s: ExchangeState, key: string): CollateralDetail {
  const acct = s.account(key);
  const equity = netEquity(s, acct);
  let spotLocked = ZERO;
  let assetsValue = ZERO;
  const assets: CollateralDetail['assets'] = [];
  for (const [asset, b] of acct.balances) {
    const px = assetPrice(s, asset);
    spotLocked = spotLocked.add(b.locked.mul(px));
    assetsValue = assetsValue.add(b.total.mul(px));
    assets.push({ asset, markPrice: px, total: b.total, locked: b.locked });
  }
  const imf = D(1).div(s.leverage);
  const marginLocked = exposure(s, acct).mul(imf);
  const locked = spotLocked.add(marginLocked);
  let futures: Decimal = ZERO;
  for (const p of acct.positions.values()) {
    const m = s.markets.get(p.symbol);
    if (m) futures = futures.add(p.net.abs().mul(m.pxDec(m.markPu())));
  }
  return {
    assetsValue,
    imf,
    mmf: imf.div(2),
    marginFraction: futures.isZero() ? null : equity.div(futures),
    netEquity: equity,
    netEquityAvailable: equity.sub(locked),
    netEquityLocked: locked,
    netExposureFutures: futures,
    pnlUnrealized: pnlUnrealized(s, acct),
    assets,
  };
}

/** Balances by asset, in the order the account first held them. */
export function balances(s: ExchangeState, key: string): Map<string, BalanceInfo> {
  const acct = s.account(key);
  const out = new Map<string, BalanceInfo>();
  for (const [asset, b] of acct.balances) out.set(asset, { asset, available: b.total.sub(b.locked), locked: b.locked });
  return out;
}

export function accountInfo(s: ExchangeState, key: string): AccountSummary {
  const acct = s.account(key);
  let limitOrders = 0;
  for (const o of acct.open.values()) if (o.orderType === 'Limit') limitOrders++;
  const f = acct.fees;
  return {
    fees: { futuresMakerFeeBps: f.futuresMaker, futuresTakerFeeBps: f.futuresTaker, spotMakerFeeBps: f.spotMaker, spotTakerFeeBps: f.spotTaker },
    leverageLimit: s.leverage,
    limitOrders,
  };
}
