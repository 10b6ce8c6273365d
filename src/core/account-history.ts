// What the core knows of the account's history beyond its own ledgers, kept across restarts (journal +
// checkpoint) so a start never re-reads 30 days of fills:
//  - the rolling 30-day tier volume (futures and spot), which counts every market of the account;
//  - other markets' fills already counted toward it (deduped by trade id);
//  - `historyFrom`: where this home's history begins. Fills from then on are read as they come (ours are
//    journalled as fills, other markets' as `volume` records); the 30 days before it are read once, in
//    the background, by the backfill (tier volume only, summed per minute into `backfill` records);
//  - `lastFillTs`, the newest fill counted, where a start looks for fills missed while it was down, and
//    `fundingTs`, the newest funding interval a read saw, where a funding read stops.
import type { PageHeaders } from '../exchange/types.js';
import type { Fill } from '../domain/fill.js';
import { D, type Decimal } from '../util/decimal.js';
import { isLastPage, PAGE_LIMIT } from './history-pager.js';
import type { JournalBackfill, JournalFill } from './ports.js';
import { intOf, type StateReader } from './state-codec.js';
import { RollingVolume, volumeClass, WINDOW_MS, type VolumeState } from './tiers.js';
import { TradeDedupe, type DedupeState } from './trade-dedupe.js';

/** How far before the newest fill counted a recovery looks (a lost fill may be older than newer ones seen). */
export const RECOVER_WINDOW_MS = 30_000;
const MINUTE_MS = 60_000;

export interface BackfillState {
  from: number;
  to: number;
  offset: number;
  done: boolean;
}

export interface AccountHistoryState {
  lastFillTs: number;
  fundingTs: number;
  historyFrom: number | null;
  backfill: BackfillState | null;
  futures: VolumeState;
  spot: VolumeState;
  volumeOnly: DedupeState;
}

export class AccountHistory {
  futures = new RollingVolume();
  spot = new RollingVolume();
  /** Other markets' fills counted toward the tier volume. */
  volumeOnly = new TradeDedupe();
  lastFillTs = 0;
  fundingTs = 0;
  historyFrom: number | null = null;
  backfill: BackfillState | null = null;

  addVolume(symbol: string, ts: number, notional: Decimal, now: number): void {
    const cls = volumeClass(symbol);
    if (cls === 'futures') this.futures.add(ts, notional, now);
    else if (cls === 'spot') this.spot.add(ts, notional, now);
  }

  noteFill(ts: number): void {
    if (ts > this.lastFillTs) this.lastFillTs = ts;
  }

  /** Where a read of fills we may have missed starts: just before the newest counted, never before the home. */
  recoverFrom(): number {
    return Math.max(this.historyFrom ?? 0, this.lastFillTs - RECOVER_WINDOW_MS);
  }

  /** True while the 30 days before the home began are still being read (the tier volume is short of them). */
  partial(): boolean {
    return this.backfill !== null && !this.backfill.done;
  }

  /**
   * A home's first start with this code: its history begins now, or, for a journal written before
   * (which holds our fills but not other markets'), just before its newest fill. Returns the journal
   * record that starts the backfill of the 30 days before it (null when that is already set).
   */
  begin(now: number): JournalFill | null {
    if (this.historyFrom !== null) return null;
    const from = this.lastFillTs > 0 ? this.lastFillTs - RECOVER_WINDOW_MS : now;
    const windowStart = Math.max(from - WINDOW_MS, now - WINDOW_MS);
    const rec = backfillJournal({ from: windowStart, to: from, offset: 0, done: windowStart >= from, volume: [] }, now);
    this.applyBackfill(rec.backfill!, now);
    return rec;
  }

  /**
   * One backfill page as a journal record (applied by the caller once journalled): the volume of the fills
   * not already counted (`counted`: our journalled fills), summed per minute and class, and the new cursor.
   */
  backfillPage(rows: Fill[], page: PageHeaders | null, counted: (symbol: string, tradeId: string) => boolean, now: number): JournalFill {
    const b = this.backfill!;
    const sums = new Map<string, [number, 'futures' | 'spot', Decimal]>();
    for (const f of rows) {
      const cls = volumeClass(f.symbol);
      if (cls === null || f.timestamp >= b.to || counted(f.symbol, f.tradeId)) continue;
      const minute = Math.floor(f.timestamp / MINUTE_MS) * MINUTE_MS;
      const k = `${minute}:${cls}`;
      const cur = sums.get(k);
      const n = f.quantity.mul(f.price);
      if (cur) cur[2] = cur[2].plus(n);
      else sums.set(k, [minute, cls, n]);
    }
    const volume: JournalBackfill['volume'] = [...sums.values()].map(([m, c, v]) => [m, c, v.toString()]);
    return backfillJournal({ from: b.from, to: b.to, offset: b.offset + rows.length, done: isLastPage(rows.length, PAGE_LIMIT, b.offset, page), volume }, now);
  }

  /** Apply a backfill record (just read, or replayed from the journal). */
  applyBackfill(r: JournalBackfill, now: number): void {
    if (this.historyFrom === null) this.historyFrom = r.to;
    this.backfill = { from: r.from, to: r.to, offset: r.offset, done: r.done };
    for (const [minute, cls, v] of r.volume) (cls === 'futures' ? this.futures : this.spot).add(minute, D(v), now);
  }

  state(): AccountHistoryState {
    return {
      lastFillTs: this.lastFillTs,
      fundingTs: this.fundingTs,
      historyFrom: this.historyFrom,
      backfill: this.backfill === null ? null : { ...this.backfill },
      futures: this.futures.state(),
      spot: this.spot.state(),
      volumeOnly: this.volumeOnly.state(),
    };
  }

  /** The history `state()` was taken from (throws on a malformed state). */
  static fromState(r: StateReader): AccountHistory {
    const h = new AccountHistory();
    h.lastFillTs = r.num('lastFillTs');
    h.fundingTs = r.num('fundingTs');
    h.historyFrom = r.get('historyFrom') === null ? null : r.num('historyFrom');
    if (r.get('backfill') !== null) {
      const b = r.obj('backfill');
      h.backfill = { from: b.num('from'), to: b.num('to'), offset: intOf(b.get('offset'), b.path('offset')), done: b.bool('done') };
    }
    h.futures = RollingVolume.fromState(r.obj('futures'));
    h.spot = RollingVolume.fromState(r.obj('spot'));
    h.volumeOnly = TradeDedupe.fromState(r.obj('volumeOnly'));
    return h;
  }
}

function backfillJournal(b: JournalBackfill, now: number): JournalFill & { backfill: JournalBackfill } {
  // Unique per page: the journal drops a repeated (symbol, tradeId).
  return { kind: 'backfill', tradeId: `backfill:${b.offset}:${b.done ? 'done' : 'open'}`, symbol: '*', ts: now, backfill: b };
}
