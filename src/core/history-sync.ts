// The engine's link to the account's history and to its own journal: replay at start (checkpoint +
// the records after it), the fills made while it was down (from just before the newest counted, every
// page), funding paid meanwhile (newest first until known), the paced one-time backfill of the 30 days
// before the home began, and the journal's compaction. The engine hands in what it owns (its fills
// path, journal writes, state) through a small host interface; this module decides what to read and
// when. Pure: time from the clock, I/O through the port and the journal sink.
import type { Settings } from '../config/settings.js';
import type { ExchangePort } from '../exchange/port.js';
import type { FundingInfo } from '../exchange/types.js';
import type { Fill } from '../domain/fill.js';
import type { Clock } from '../util/clock.js';
import { AccountHistory } from './account-history.js';
import { restoreCheckpoint, takeCheckpoint } from './checkpoint.js';
import { PAGE_LIMIT, readFillsForward, readFundingBack } from './history-pager.js';
import { fromJournal, normalFill, toJournal, type LedgerFill } from './journal-codec.js';
import type { JournalFill, JournalSink, Logger } from './ports.js';
import type { TradingStats } from './stats.js';
import { errorMessage } from '../util/error-message.js';

/** After a failed journal compaction (nothing is lost: the records stay), try again this much later. */
const COMPACT_RETRY_MS = 60_000;

export interface HistoryHost {
  readonly port: ExchangePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats: TradingStats;
  readonly settings: Readonly<Settings>;
  readonly journal: JournalSink;
  isOurs(symbol: string): boolean;
  /** One of our fills from the account's history: journalled and counted unless already counted. */
  countOurFill(f: Fill, live: boolean): boolean;
  /** One of our fills replayed from the journal. */
  replayOurFill(f: LedgerFill): void;
  /** Write a journal record (held in memory and retried when the journal is unwritable). */
  append(rec: JournalFill): void;
  /** Records held in memory by a journal outage. */
  pendingRecords(): number;
  /** Background reads may run (started, not stopping, streams up). */
  backgroundAllowed(): boolean;
  malformed(): void;
  unreadable(reason: string): void;
  changed(): void;
  inflight<T>(p: Promise<T>): Promise<T>;
}

export class HistorySync {
  history = new AccountHistory();
  /** The journal (or its checkpoint) could not be read at start (see Engine.journalUnreadable). */
  unreadable = false;
  private recordsSinceCheckpoint = 0;
  private compacting: Promise<void> | null = null;
  private compactRetryAt = 0;
  private backfilling = false;
  private backfillWarned = false;

  constructor(private readonly h: HistoryHost) {}

  /** A record reached the journal. */
  noteWritten(): void {
    this.recordsSinceCheckpoint++;
  }

  /** The journal's checkpoint and the records after it; returns the header's description of what was read. */
  replay(): string {
    const h = this.h;
    let recs: JournalFill[] = [];
    let checkpoint: unknown = null;
    try {
      checkpoint = h.journal.loadCheckpoint?.() ?? null;
      if (checkpoint !== null) this.history = restoreCheckpoint(checkpoint, h.stats);
      recs = h.journal.load();
    } catch (e) {
      this.unreadable = true;
      h.unreadable(errorMessage(e));
      return 'unreadable';
    }
    this.recordsSinceCheckpoint = recs.length;
    const now = h.clock.now();
    for (const r of recs) {
      const f = fromJournal(r);
      if (f === null) h.malformed();
      else if (f.kind === 'funding') h.stats.recordFunding(f.symbol, f.amount, f.tradeId);
      else if (f.kind === 'backfill') this.history.applyBackfill(f.backfill, now);
      else if (f.kind === 'volume') this.applyVolumeFill(f);
      else h.replayOurFill(f);
    }
    return `${checkpoint !== null ? 'checkpoint + ' : ''}${recs.length} records replayed`;
  }

  /**
   * Start-up: fills made while we were down (from just before the newest one counted, every page until
   * caught up), funding paid meanwhile, and on a home's first start the beginning of the backfill.
   */
  async recoverAtStart(): Promise<void> {
    // Without the journal we do not know where our history ends: counting the account's fills as ours
    // (or starting a backfill over what the journal covers) would count them twice once it is repaired.
    if (this.unreadable) return;
    const begin = this.history.begin(this.h.clock.now());
    if (begin !== null) this.h.append(begin);
    let recovered = 0;
    try {
      await readFillsForward(this.h.port, { from: this.history.recoverFrom() }, (rows) => {
        for (const f of rows) if (this.countAccountFill(f, false)) recovered++;
      });
    } catch (e) {
      this.h.logger.warn(`fill history unavailable: ${errorMessage(e)}`);
    }
    if (recovered > 0) this.h.logger.info(`recovered ${recovered} fill(s) missed while down`);
    await this.recoverFunding();
  }

  /**
   * Count the account's fills from just before our newest one on that we have not seen (lost frames,
   * stream outages). Throws when the read fails, so callers adopt no position after it.
   */
  async recoverRecent(): Promise<void> {
    if (this.history.historyFrom === null) return; // the journal is unreadable (see recoverAtStart)
    await readFillsForward(this.h.port, { from: this.history.recoverFrom() }, (rows) => {
      for (const f of rows) this.countAccountFill(f, true);
    });
  }

  /** Funding paid on our symbols since the home began that we have not counted (newest first, until known). */
  async recoverFunding(): Promise<void> {
    const { stats } = this.h;
    const hist = this.history;
    if (hist.historyFrom === null) return;
    const floor = Math.max(hist.historyFrom, hist.fundingTs);
    const known = (r: FundingInfo) => this.h.isOurs(r.symbol) && stats.hasTrade(r.symbol, fundingId(r));
    try {
      const { rows, newest } = await readFundingBack(this.h.port, (r) => r.intervalEndTimestamp < floor || known(r));
      for (const r of rows) {
        if (!this.h.isOurs(r.symbol) || r.intervalEndTimestamp < hist.historyFrom || known(r)) continue;
        const id = fundingId(r);
        this.h.append({ kind: 'funding', tradeId: id, symbol: r.symbol, ts: r.intervalEndTimestamp, amount: r.quantity.toString() });
        stats.recordFunding(r.symbol, r.quantity, id);
      }
      if (newest !== null && newest > hist.fundingTs) hist.fundingTs = newest;
    } catch (e) {
      this.h.logger.warn(`funding history unavailable: ${errorMessage(e)}`);
    }
  }

  /**
   * One page of the one-time backfill of the 30 days before the home began (tier volume of every market),
   * paced by its timer and skipped while REST usage is above half the budget, so orders never wait on it.
   */
  async backfillStep(): Promise<void> {
    const { h } = this;
    const hist = this.history;
    const b = hist.backfill;
    if (b === null || b.done || this.backfilling || this.unreadable || !h.backgroundAllowed() || h.pendingRecords() > 0) return;
    const m = h.port.metrics();
    if (m.restLastMinute > (m.restLimitPerMinute || h.settings.restRateLimit) / 2) return;
    this.backfilling = true;
    try {
      const { rows, page } = await h.inflight(h.port.getFills({ from: b.from, to: b.to - 1, limit: PAGE_LIMIT, offset: b.offset }));
      if (hist !== this.history || hist.backfill !== b) return;
      const rec = hist.backfillPage(rows, page, (sym, id) => h.stats.hasTrade(sym, id), h.clock.now());
      h.append(rec);
      hist.applyBackfill(rec.backfill!, h.clock.now());
      if (rec.backfill!.done) h.logger.info(`tier volume: the account's fills of the 30 days before this home began are read (${rec.backfill!.offset}); the 30-day volume is complete`);
      this.backfillWarned = false;
      h.changed();
    } catch (e) {
      if (!this.backfillWarned) h.logger.warn(`tier volume backfill: page read failed (${errorMessage(e)}); retried at its pace`);
      this.backfillWarned = true;
    } finally {
      this.backfilling = false;
    }
  }

  /** The compaction in progress, if any. */
  get compaction(): Promise<void> | null {
    return this.compacting;
  }

  /**
   * Checkpoint the journal when enough records accumulated (or `force`: at shutdown): off the hot path (the
   * journal switches segments at once and writes the checkpoint asynchronously). Never with records held
   * in memory by a journal outage (the checkpoint would count them, and their later write count them again).
   */
  compact(force: boolean): Promise<void> | null {
    const { h } = this;
    const j = h.journal;
    if (!j.compact || this.compacting !== null || h.pendingRecords() > 0 || this.recordsSinceCheckpoint === 0) return null;
    const now = h.clock.now();
    if (!force && (this.recordsSinceCheckpoint < h.settings.journalCompactRecords || now < this.compactRetryAt)) return null;
    const covered = this.recordsSinceCheckpoint;
    const failed = (e: unknown) => {
      this.recordsSinceCheckpoint += covered;
      this.compactRetryAt = h.clock.now() + COMPACT_RETRY_MS;
      h.logger.warn(`journal compaction failed (${errorMessage(e)}); nothing is lost (the records stay), retried in ${COMPACT_RETRY_MS / 1000} s`);
    };
    this.recordsSinceCheckpoint = 0;
    let p: Promise<void>;
    try {
      p = j.compact(takeCheckpoint(h.stats, this.history, now));
    } catch (e) {
      failed(e);
      return null;
    }
    this.compacting = p.then(() => h.logger.info(`journal compacted: checkpoint of ${covered} record(s)`), failed).finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  /**
   * A fill read from the account's history: ours are journalled and counted once; another market's counts
   * toward the tier volume once (journalled as a `volume` record); fills older than the home's history are
   * the backfill's. Returns true when it was one of ours, counted now.
   */
  private countAccountFill(f: Fill, live: boolean): boolean {
    if (f.timestamp < (this.history.historyFrom ?? 0)) return false;
    if (this.h.isOurs(f.symbol)) return this.h.countOurFill(f, live);
    if (this.history.volumeOnly.has(f.symbol, f.tradeId)) return false;
    this.h.append(toJournal(f, 'volume'));
    this.applyVolumeFill(normalFill(f, 'volume'));
    return false;
  }

  private applyVolumeFill(f: LedgerFill): void {
    const hist = this.history;
    if (!hist.volumeOnly.add(f.symbol, f.tradeId)) return;
    hist.noteFill(f.timestamp);
    hist.addVolume(f.symbol, f.timestamp, f.quantity.mul(f.price), this.h.clock.now());
  }
}

function fundingId(r: FundingInfo): string {
  return `funding:${r.symbol}:${r.intervalEndTimestamp}`;
}
