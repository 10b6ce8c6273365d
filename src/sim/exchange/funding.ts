// Funding of perps: each interval's rate is recorded per market and every open position pays (long, at a
// positive rate) or receives its notional at the mark times the rate, into USDC and the position's
// cumulative funding. Also the once-a-second mark push. Timers live in SimExchange; these are the acts.
import { D } from '../../util/decimal.js';
import { USDC, type ExchangeState, type FundingRateRow } from './state.js';
import { currentFundingRate, markEvent } from './views.js';

/** Settle one funding interval on every perp at the model's rate (or `rateOverride[symbol]`). */
export function settleFunding(s: ExchangeState, intervalEnd: number, rateOverride?: Record<string, string>): void {
  for (const m of s.markets.values()) {
    if (!m.isPerp) continue;
    const rate = D(rateOverride?.[m.symbol] ?? currentFundingRate(m));
    s.fundingHistory.get(m.symbol)!.push({ symbol: m.symbol, intervalEndTimestamp: intervalEnd, fundingRate: rate.toString() });
    const mark = m.pxDec(m.markPu());
    for (const acct of s.accounts.values()) {
      const p = acct.positions.get(m.symbol);
      if (!p || p.net.isZero()) continue;
      // Positive rate: longs pay shorts. Positive quantity = received.
      const payment = p.net.mul(mark).mul(rate).neg();
      acct.credit(USDC, payment);
      p.cumFunding = p.cumFunding.add(payment);
      acct.funding.push({ symbol: m.symbol, quantity: payment, fundingRate: rate, intervalEndTimestamp: intervalEnd });
    }
  }
}

/** A market's past funding rates, newest first, offset-paged. */
export function fundingRates(s: ExchangeState, symbol: string, limit: number, offset: number): FundingRateRow[] {
  const rows = (s.fundingHistory.get(symbol) ?? []).slice().reverse();
  return rows.slice(offset, offset + limit);
}

/** Publish every market's mark (nothing is built when no one subscribes). */
export function pushMarks(s: ExchangeState): void {
  if (!s.events.has('markPrice')) return;
  for (const m of s.markets.values()) {
    const e = markEvent(s, m);
    for (const fn of s.events.listeners('markPrice')) fn(e);
  }
}
