// Backpack's futures fee tiers by 30-day futures volume (shared/backpack-api.md §5.2; tiers 3..VIP5 are
// from a probe of the public schedule and may change), the rolling 30-day volume from our fills, and the
// progress / ETA to the next tier at the current pace. Spot volume is kept separately; stablecoin pairs
// (USDT/USDC) trade free and do not count toward any tier.
import { D, type Decimal, ZERO } from '../util/decimal.js';
import { decimalOf, intOf, StateError, type StateReader } from './state-codec.js';

/**
 * A RollingVolume's minute buckets (bucket start ms, exact volume) and their sum. As taken, volumes are the
 * (immutable) Decimals themselves or the strings a restore has not parsed yet, so taking it copies two
 * arrays and nothing else; JSON.stringify turns the Decimals into exact strings (their toJSON).
 */
export interface VolumeState {
  starts: number[];
  volumes: Array<string | Decimal>;
  sum: string | Decimal;
}

const DEC_RE = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export interface FeeTier {
  name: string;
  volume: Decimal;
  makerBps: Decimal;
  takerBps: Decimal;
}

const t = (name: string, volume: number, maker: string, taker: string): FeeTier => ({
  name,
  volume: D(volume),
  makerBps: D(maker),
  takerBps: D(taker),
});

export const FUTURES_TIERS: readonly FeeTier[] = [
  t('Tier 1', 0, '2', '5'),
  t('Tier 2', 500_000, '1.9', '4.5'),
  t('Tier 3', 1_000_000, '1.8', '4'),
  t('Tier 4', 5_000_000, '1.6', '3.5'),
  t('Tier 5', 10_000_000, '1.3', '3'),
  t('Tier 6', 25_000_000, '1', '2.8'),
  t('VIP1', 50_000_000, '1', '2.6'),
  t('VIP2', 100_000_000, '0', '2.4'),
  t('VIP3', 150_000_000, '0', '2.2'),
  t('VIP4', 200_000_000, '0', '2'),
  t('VIP5', 300_000_000, '0', '1.8'),
];

export const DAY_MS = 86_400_000;
export const WINDOW_MS = 30 * DAY_MS;
const HOUR_MS = 3_600_000;

const STABLES = new Set(['USDC', 'USDT']);

/** 'futures' | 'spot' | null (does not count: stablecoin pair). */
export function volumeClass(symbol: string): 'futures' | 'spot' | null {
  const parts = symbol.split('_');
  if (parts.length >= 2 && STABLES.has(parts[0]!) && STABLES.has(parts[1]!)) return null;
  return symbol.endsWith('_PERP') ? 'futures' : 'spot';
}

/**
 * Rolling 30-day volume in one-minute buckets: memory is bounded (at most 43,200 buckets) however many fills a
 * month brings, and the tier boundary is accurate to a minute (Backpack recalculates tiers hourly anyway).
 * Callers deduplicate fills before adding (TradingStats does, by symbol and trade id).
 */
export class RollingVolume {
  private start: number[] = [];
  /** A string is a restored volume not parsed yet (a month of buckets is parsed only as they are used). */
  private vol: Array<Decimal | string> = [];
  private head = 0;
  private sum: Decimal = ZERO;
  /** Running sum for since(): buckets from index `idx` on, for the last `since` asked. */
  private recent: { since: number; idx: number; sum: Decimal } | null = null;

  add(ts: number, notional: Decimal, now: number): void {
    if (ts <= now - WINDOW_MS) return;
    const b = Math.floor(ts / BUCKET_MS) * BUCKET_MS;
    // Usually the newest bucket; history (the backfill) lands in older ones: found by bisection.
    let i = this.start.length;
    if (i > this.head && this.start[i - 1]! > b) {
      let lo = this.head;
      while (lo < i) {
        const mid = (lo + i) >>> 1;
        if (this.start[mid]! > b) i = mid;
        else lo = mid + 1;
      }
    }
    const c = this.recent;
    if (i > this.head && this.start[i - 1] === b) {
      this.vol[i - 1] = this.at(i - 1).plus(notional);
      if (c !== null && i - 1 >= c.idx) c.sum = c.sum.plus(notional);
    } else {
      this.start.splice(i, 0, b);
      this.vol.splice(i, 0, notional);
      // Keep the trailing sum's first index on the same bucket; count the new one if it is inside.
      if (c !== null) {
        if (i < c.idx || (i === c.idx && b + BUCKET_MS <= c.since)) c.idx++;
        else c.sum = c.sum.plus(notional);
      }
    }
    this.sum = this.sum.plus(notional);
  }

  total(now: number): Decimal {
    const cutoff = now - WINDOW_MS;
    // A bucket leaves the window once all of its minute is older than 30 days.
    while (this.head < this.start.length && this.start[this.head]! + BUCKET_MS <= cutoff) {
      this.sum = this.sum.minus(this.at(this.head));
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.start.length) {
      this.start = this.start.slice(this.head);
      this.vol = this.vol.slice(this.head);
      this.head = 0;
      this.recent = null;
    }
    return this.sum;
  }

  /**
   * Volume in buckets whose minute ends after `since` (minute resolution). The pace asks for the trailing
   * hour on every snapshot and stats block, with `since` moving forward: the sum is kept running (buckets
   * leave at the front, fills add at the back) instead of re-summed. Sums of exact decimals: same result.
   */
  since(since: number): Decimal {
    let c = this.recent;
    if (c === null || since < c.since || c.idx < this.head) {
      let i = this.start.length;
      let s = ZERO;
      while (i > this.head && this.start[i - 1]! + BUCKET_MS > since) s = s.plus(this.at(--i));
      c = { since, idx: i, sum: s };
      this.recent = c;
      return s;
    }
    while (c.idx < this.start.length && this.start[c.idx]! + BUCKET_MS <= since) c.sum = c.sum.minus(this.at(c.idx++));
    c.since = since;
    return c.sum;
  }

  buckets(): number {
    return this.start.length - this.head;
  }

  state(): VolumeState {
    return { starts: this.start.slice(this.head), volumes: this.vol.slice(this.head), sum: this.sum };
  }

  private at(i: number): Decimal {
    const v = this.vol[i]!;
    if (typeof v !== 'string') return v;
    const d = D(v);
    this.vol[i] = d;
    return d;
  }

  /** The same buckets (and so the same totals) as the volume `state()` was taken from. */
  static fromState(r: StateReader): RollingVolume {
    const starts = r.array('starts');
    const vols = r.array('volumes');
    if (starts.length !== vols.length) throw new StateError(`${r.path('volumes')} does not match ${r.path('starts')}`);
    const w = new RollingVolume();
    w.start = starts.map((x, i) => intOf(x, `${r.path('starts')}[${i}]`));
    for (let i = 1; i < w.start.length; i++) if (w.start[i]! <= w.start[i - 1]!) throw new StateError(`${r.path('starts')} is not ascending`);
    // Checked as decimals here, parsed when first used (parsing a month of them took ~0.3 s of a start).
    w.vol = vols.map((x, i) => {
      if (typeof x !== 'string' || !DEC_RE.test(x)) throw new StateError(`${r.path('volumes')}[${i}] is not a decimal`);
      return x;
    });
    w.sum = decimalOf(r.get('sum'), r.path('sum'));
    return w;
  }
}

const BUCKET_MS = 60_000;

export interface TierProgress {
  current: FeeTier;
  next: FeeTier | null;
  volume30d: Decimal;
  progress: number;
  etaMs: number | null;
}

/**
 * `pacePerMs`: current volume rate (quote per ms); the ETA ignores volume leaving the 30-day window,
 * which makes it optimistic for accounts whose old volume is about to roll off.
 */
export function tierProgress(volume30d: Decimal, pacePerMs: Decimal | null, tiers: readonly FeeTier[] = FUTURES_TIERS): TierProgress {
  let idx = 0;
  for (let i = 0; i < tiers.length; i++) if (volume30d.gte(tiers[i]!.volume)) idx = i;
  const current = tiers[idx]!;
  const next = tiers[idx + 1] ?? null;
  if (next === null) return { current, next, volume30d, progress: 1, etaMs: null };
  const span = next.volume.minus(current.volume);
  const progress = Math.min(1, Math.max(0, volume30d.minus(current.volume).div(span).toNumber()));
  const missing = next.volume.minus(volume30d);
  const etaMs = pacePerMs !== null && pacePerMs.gt(0) ? Math.ceil(missing.div(pacePerMs).toNumber()) : null;
  return { current, next, volume30d, progress, etaMs };
}

/** Pace over the last hour, or over the session when it is younger than an hour. */
export function pacePerMs(w: RollingVolume, now: number, sessionStart: number): Decimal | null {
  const span = Math.min(HOUR_MS, now - sessionStart);
  if (span <= 0) return null;
  return w.since(now - span).div(span);
}

/**
 * The tier a person should see: the table's name only when the account's real rates are that tier's (the
 * table is a probe of a public schedule and accounts can have other rates); otherwise the account's rates
 * as they are. Without account rates (not read yet) the volume tier of the table is all there is.
 */
export function tierLabel(byVolume: FeeTier, account: { makerBps: Decimal; takerBps: Decimal } | null, tiers: readonly FeeTier[] = FUTURES_TIERS): { name: string; makerBps: Decimal; takerBps: Decimal; fromTable: boolean } {
  if (account === null) return { name: byVolume.name, makerBps: byVolume.makerBps, takerBps: byVolume.takerBps, fromTable: true };
  const same = (x: FeeTier) => x.makerBps.eq(account.makerBps) && x.takerBps.eq(account.takerBps);
  const match = same(byVolume) ? byVolume : tiers.find(same);
  if (match) return { name: match.name, makerBps: account.makerBps, takerBps: account.takerBps, fromTable: true };
  return { name: `maker ${account.makerBps}/taker ${account.takerBps} bps`, makerBps: account.makerBps, takerBps: account.takerBps, fromTable: false };
}
