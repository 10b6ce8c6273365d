// The backtest port's translations of what the exchange does not hand out as domain values already: a
// market's spec (strings) as the domain MarketInfo, and the wire strings of the public mark events.
// (Orders, positions, fills and funding come from the exchange as domain Decimals and pass through.)
import { D, Decimal } from '../../util/decimal.js';
import type { MarketInfo } from '../../domain/market.js';
import type { SimMarket } from '../market.js';

/**
 * Mark events are wire strings; the port hands out Decimals. The same strings recur on every push, so
 * parsed values are memoised (Decimals are immutable). Bounded: emptied when full.
 */
const decMemo = new Map<string, Decimal>();
export function dec(s: string): Decimal {
  let d = decMemo.get(s);
  if (d === undefined) {
    d = D(s);
    if (decMemo.size >= 8192) decMemo.clear();
    decMemo.set(s, d);
  }
  return d;
}

export function toMarketInfo(m: SimMarket): MarketInfo {
  return {
    symbol: m.symbol,
    baseSymbol: m.spec.baseSymbol,
    quoteSymbol: m.spec.quoteSymbol,
    marketType: m.spec.marketType,
    tickSize: D(m.spec.tickSize),
    stepSize: D(m.spec.stepSize),
    minQuantity: D(m.spec.minQuantity),
    maxQuantity: m.spec.maxQuantity === null ? null : D(m.spec.maxQuantity),
    minPrice: D(m.spec.minPrice),
    maxPrice: D(m.spec.maxPrice),
    orderBookState: 'Open',
  };
}
