// The engine's checkpoint: every cumulative figure the fills, funding and history reads built (the
// ledgers, the trade ids counted, the tier volume buckets, the history cursors), JSON-safe with exact
// decimal strings. The journal stores it opaquely (runtime/journal.ts); restoring it and replaying the
// records after it gives exactly the state a replay of the whole journal gives.
import { AccountHistory, type AccountHistoryState } from './account-history.js';
import { StateError, StateReader } from './state-codec.js';
import type { StatsState, TradingStats } from './stats.js';

export const CHECKPOINT_VERSION = 1;

export interface EngineCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  takenAt: number;
  stats: StatsState;
  history: AccountHistoryState;
}

export function takeCheckpoint(stats: TradingStats, history: AccountHistory, now: number): EngineCheckpoint {
  return { version: CHECKPOINT_VERSION, takenAt: now, stats: stats.state(), history: history.state() };
}

/**
 * Restore `stats` from a checkpoint and return its account history. All or nothing: a malformed
 * checkpoint throws a StateError naming the bad field and leaves `stats` as it was.
 */
export function restoreCheckpoint(raw: unknown, stats: TradingStats): AccountHistory {
  const r = new StateReader(raw, '');
  if (r.get('version') !== CHECKPOINT_VERSION) throw new StateError(`version ${String(r.get('version'))} is not ${CHECKPOINT_VERSION} (written by another Tier Hunter version)`);
  const history = AccountHistory.fromState(r.obj('history'));
  stats.restore(r.obj('stats'));
  return history;
}
