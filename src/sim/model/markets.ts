// The simulated markets: Backpack's own filters (tick, step, minimum quantity: what /api/v1/markets
// reports) with market dynamics calibrated on real tapes (src/sim/model/specs/default.ts, written by
// `tierhunter calibrate`; docs/MARKET-SPEC.md says how and from which tapes).
import { DEFAULT_SPEC } from './specs/default.js';
import type { MarketSpecEntry } from './spec.js';

/** A simulated market: filters + dynamics + provenance, as one MarketSpec entry. */
export type SimMarketSpec = MarketSpecEntry;

export const DEFAULT_MARKETS: readonly SimMarketSpec[] = DEFAULT_SPEC.markets;

export function findMarketSpec(symbol: string): SimMarketSpec | undefined {
  return DEFAULT_MARKETS.find((m) => m.symbol === symbol);
}
