// Funds and margin: whether an account can afford an order (spot: lock the quote or base it spends;
// perps: equity against leveraged exposure), what an account is worth at the marks, and the open-order
// notional each account keeps in step with its resting perp orders for that check.
import { D, Decimal, ZERO } from '../../util/decimal.js';
import type { Account } from '../accounts/account.js';
import { unrealized } from '../accounts/position.js';
import type { SimMarket } from '../market.js';
import type { SimOrder } from '../matching/types.js';
import { decToUnits } from '../matching/units.js';
import { err, type ApiError } from '../matching/validate.js';
import { USDC, type ExchangeState } from './state.js';

/** Check and reserve funds. Spot: lock the quote (bids) or base (asks). Perps: margin check. */
export function reserveFunds(s: ExchangeState, acct: Account, m: SimMarket, o: SimOrder): ApiError | null {
  if (m.isPerp) {
    if (o.reduceOnly) return null;
    const equity = netEquity(s, acct);
    if (equity.lte(0)) return err(400, 'INSUFFICIENT_MARGIN', 'Insufficient margin');
    const px = o.price !== null ? m.pxDec(o.price) : m.pxDec(m.markPu());
    const qty = o.quantity !== null ? m.qtyDec(o.quantity) : m.notionalDec(o.quoteQuantity ?? 0).div(px);
    const e = exposure(s, acct).add(qty.mul(px));
    if (e.gt(equity.mul(s.leverage))) return err(400, 'INSUFFICIENT_MARGIN', 'Insufficient margin');
    return null;
  }
  const base = m.spec.baseSymbol;
  const quote = m.spec.quoteSymbol;
  if (o.side === 'Bid') {
    if (o.price !== null) {
      const need = m.pxDec(o.price).mul(m.qtyDec(o.quantity ?? 0));
      if (acct.available(quote).lt(need)) return err(400, 'INSUFFICIENT_FUNDS', 'Insufficient funds');
      acct.lock(quote, need);
    } else {
      // Market buy: spend at most the available quote (and the quoteQuantity when given).
      const avail = decToUnits(acct.available(quote), m.ps.scale + m.qs.scale);
      if (avail <= 0) return err(400, 'INSUFFICIENT_FUNDS', 'Insufficient funds');
      o.quoteQuantity = o.quoteQuantity === null ? avail : Math.min(o.quoteQuantity, avail);
    }
    return null;
  }
  if (o.quantity === null) {
    // Reverse market sell: approximate base need at the best bid.
    return null;
  }
  const need = m.qtyDec(o.quantity);
  if (acct.available(base).lt(need)) return err(400, 'INSUFFICIENT_FUNDS', 'Insufficient funds');
  if (o.price !== null) acct.lock(base, need);
  return null;
}

/** USDC value of one unit of an asset: 1 for USDC, the mark of its USDC spot market, else 0. */
export function assetPrice(s: ExchangeState, asset: string): Decimal {
  if (asset === USDC) return D(1);
  for (const m of s.markets.values()) {
    if (m.spec.baseSymbol === asset && m.spec.quoteSymbol === USDC) return m.pxDec(m.markPu());
  }
  return ZERO;
}

export function pnlUnrealized(s: ExchangeState, acct: Account): Decimal {
  let u = ZERO;
  for (const p of acct.positions.values()) {
    const m = s.markets.get(p.symbol);
    if (m && !p.net.isZero()) u = u.add(unrealized(p, m.pxDec(m.markPu())));
  }
  return u;
}

export function netEquity(s: ExchangeState, acct: Account): Decimal {
  let v = ZERO;
  for (const [asset, b] of acct.balances) if (!b.total.isZero()) v = v.add(b.total.mul(assetPrice(s, asset)));
  return v.add(pnlUnrealized(s, acct));
}

/** Perp exposure: |positions| and open perp orders at their prices, in USDC. */
export function exposure(s: ExchangeState, acct: Account): Decimal {
  let e = ZERO;
  for (const p of acct.positions.values()) {
    const m = s.markets.get(p.symbol);
    if (m && !p.net.isZero()) e = e.add(p.net.abs().mul(m.pxDec(m.markPu())));
  }
  for (const [symbol, n] of acct.openNotional) if (n !== 0) e = e.add(s.markets.get(symbol)!.notionalDec(n));
  return e;
}

/** Keep the account's open-order notional in step with a user order (resting = on the book). */
export function track(acct: Account, m: SimMarket, o: SimOrder, resting: boolean): void {
  const v = resting && m.isPerp && !o.reduceOnly && o.price !== null ? o.price * o.remaining : 0;
  if (v === o.bookedNotional) return;
  acct.openNotional.set(o.symbol, (acct.openNotional.get(o.symbol) ?? 0) + v - o.bookedNotional);
  o.bookedNotional = v;
}
