// The core's I/O edges. src/core is pure: everything that touches a disk or a terminal is behind one of
// these small interfaces, implemented in src/runtime (and by fakes in tests). Any of them may throw
// (disk full, permissions): the engine catches, raises a loud alert, goes to REDUCING and keeps what it
// could not write in memory to retry, so nothing is silently dropped.

import type { LossLimitState } from './loss-limits.js';

export type OperatorMode = 'ACTIVE' | 'PAUSED' | 'REDUCING';

/**
 * One journal line, JSON-safe (decimals as strings, times as epoch ms). `kind` tells a trade fill from a
 * funding payment; a funding entry's tradeId is synthetic (`funding:<symbol>:<intervalEnd>`) so the
 * journal's dedupe-by-(symbol, tradeId) covers both.
 */
export interface JournalFill {
  kind: 'fill' | 'funding';
  tradeId: string;
  symbol: string;
  ts: number;
  /** fill only */
  orderId?: string;
  clientId?: number | null;
  side?: 'Bid' | 'Ask';
  price?: string;
  quantity?: string;
  fee?: string;
  feeSymbol?: string;
  isMaker?: boolean;
  /** funding only: positive = received (quote currency). */
  amount?: string;
}

export interface JournalSink {
  /** Append one record durably (at least to the OS) before returning. May throw. */
  append(fill: JournalFill): void;
  /** Every record ever appended, oldest first (the sink may already dedupe). */
  load(): JournalFill[];
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
