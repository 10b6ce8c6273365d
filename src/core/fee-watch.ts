// When to re-read the account's fee rates, and what changed. Backpack recalculates fee tiers hourly from
// the 30-day volume, so rates read once at start go stale: they are re-read every hour and shortly after
// each UTC midnight (when the day's volume rolls into a new window). Pure: times are inputs.
import type { AccountFees } from '../exchange/types.js';
import type { Decimal } from '../util/decimal.js';
import { DAY_MS } from './tiers.js';

export const FEE_REFRESH_MS = 3_600_000;
/** Read a little after midnight rather than at it: the recalculation is not instantaneous. */
export const AFTER_MIDNIGHT_MS = 2 * 60_000;
/** A failed read is retried this much later (not at the next hour). */
export const FEE_RETRY_MS = 60_000;

export function nextFeeReadAt(lastReadAt: number): number {
  const hourly = lastReadAt + FEE_REFRESH_MS;
  const afterMidnight = Math.floor(lastReadAt / DAY_MS) * DAY_MS + DAY_MS + AFTER_MIDNIGHT_MS;
  return Math.min(hourly, afterMidnight);
}

const FIELDS: ReadonlyArray<readonly [keyof AccountFees, string]> = [
  ['futuresMakerFeeBps', 'futures maker'],
  ['futuresTakerFeeBps', 'futures taker'],
  ['spotMakerFeeBps', 'spot maker'],
  ['spotTakerFeeBps', 'spot taker'],
];

/** "futures maker 2 -> 1.9 bps" for every rate that differs; empty when nothing changed. */
export function feeChanges(prev: AccountFees, next: AccountFees): string[] {
  const out: string[] = [];
  for (const [k, label] of FIELDS) {
    const a: Decimal = prev[k];
    const b: Decimal = next[k];
    if (!a.eq(b)) out.push(`${label} ${a} -> ${b} bps`);
  }
  return out;
}

export function feesLine(f: AccountFees): string {
  return `futures maker ${f.futuresMakerFeeBps} bps, taker ${f.futuresTakerFeeBps} bps; spot maker ${f.spotMakerFeeBps} bps, taker ${f.spotTakerFeeBps} bps`;
}
