// The core's I/O edges. src/core is pure: everything that touches a disk or a terminal is behind one of
// these small interfaces, implemented in src/runtime (and by fakes in tests). Any of them may throw
// (disk full, permissions): the engine catches, raises a loud alert, goes to REDUCING and keeps what it
// could not write in memory to retry, so nothing is silently dropped.

import type { Side } from '../domain/side.js';
import type { OperatorMode } from '../domain/trading-mode.js';
import type { LossLimitState } from './loss-limits.js';

/**
 * One journal line, JSON-safe (decimals as strings, times as epoch ms). `kind`: a trade `fill` of ours, a
 * `funding` payment (synthetic tradeId `funding:<symbol>:<intervalEnd>`, so the journal's dedupe by
 * (symbol, tradeId) covers both), a `volume` fill (another market's fill on the account: tier volume
 * only; same fields as a fill) or a `backfill` page (tradeId `backfill:<offset>`, symbol `*`: tier volume
 * of the account's history before the home began, summed per minute, and the read's cursor).
 */
export interface JournalFill {
  kind: 'fill' | 'funding' | 'volume' | 'backfill';
  tradeId: string;
  symbol: string;
  ts: number;
  /** fill only */
  orderId?: string;
  clientId?: number | null;
  side?: Side;
  price?: string;
  quantity?: string;
  fee?: string;
  feeSymbol?: string;
  isMaker?: boolean;
  /** funding only: positive = received (quote currency). */
  amount?: string;
  /** backfill only. */
  backfill?: JournalBackfill;
}

/** One page of the one-time backfill: where the read is, and the page's volume per minute and class. */
export interface JournalBackfill {
  /** The window read, [from, to) in ms, and how many fills of it were read so far. */
  from: number;
  to: number;
  offset: number;
  done: boolean;
  volume: Array<[minute: number, cls: 'futures' | 'spot', notional: string]>;
}

export interface JournalSink {
  /** Append one record durably (at least to the OS) before returning. May throw. */
  append(fill: JournalFill): void;
  /** Every record appended after the newest checkpoint (all of them without one), oldest first (the sink may already dedupe). */
  load(): JournalFill[];
  /**
   * The state the newest checkpoint holds (what the engine gave compact()), or null without one. Read
   * before load(); the records load() returns come after it. May throw (unreadable checkpoint).
   */
  loadCheckpoint?(): unknown;
  /**
   * Checkpoint `state`, which covers every record appended so far: appends from now on go to a new
   * segment at once (synchronously), then the checkpoint is written crash-safe and the records it covers
   * are dropped. Resolves when done; rejects (nothing lost) when it could not be written.
   */
  compact?(state: unknown): Promise<void>;
}

/** log.txt: one call per block (the block is a complete multi-line string). May throw. */
export interface StatsSink {
  write(block: string): void;
}

/** stdout lines (pm2 logs); the edge adds the timestamp. */
export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  /**
   * True when info lines are only counted, never read (a backtest's logger): per-fill lines are then not
   * formatted (formatting them was a measurable share of a backtest). Absent = lines are used.
   */
  readonly discardsInfo?: boolean;
}

/** Run-time operator changes that must survive a restart. */
export interface RunState {
  /** null = use the setting forceReduceOnInventory. */
  forceInventory: boolean | null;
  globalMode: OperatorMode;
  symbolModes: Record<string, OperatorMode>;
  /** The loss limits' UTC day, its baseline and which limits are hit; null before the first save. */
  limits: LossLimitState | null;
}

export interface RunStateStore {
  /** Throws when the stored state is unusable (the message names the file and where the bad copy went). */
  load(): RunState;
  save(s: RunState): void;
}

export function emptyRunState(): RunState {
  return { forceInventory: null, globalMode: 'ACTIVE', symbolModes: {}, limits: null };
}
