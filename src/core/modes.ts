// Modes: the operator's choices (global and per symbol mode, the forceReduceOnInventory switch), the
// system conditions that override them (outage, book resync, unwritable journal or log, loss limit,
// start/stop), the flatten for a stop, when a flatten is complete, and the run state that keeps the
// operator's choices across a restart. Pure: it reads the system conditions through `SystemState` and
// returns what changed (save the run state, publish); the engine re-quotes.
import type { TradingMode } from '../domain/trading-mode.js';
import type { LossLimitState } from './loss-limits.js';
import { operatorMode } from './operator-mode.js';
import { emptyRunState, type RunState } from './ports.js';
import { type OperatorMode } from '../domain/trading-mode.js';
import { stricter } from './risk.js';
import type { SymbolState } from './symbol-state.js';

/** The system conditions a trading mode depends on (the engine's live flags). */
export interface SystemState {
  readonly lossLimitHit: boolean;
  readonly journalBroken: boolean;
  readonly journalUnreadable: boolean;
  readonly logBroken: boolean;
  readonly connDown: boolean;
  readonly started: boolean;
  readonly stopping: boolean;
  /** The hit limits' names, for the reason ("session and daily loss limit"). */
  hitLimitNames(): string[];
}

export interface EffectiveMode {
  mode: TradingMode;
  reason: string | null;
}

const ACTIVE_MODE: Readonly<EffectiveMode> = Object.freeze({ mode: 'ACTIVE', reason: null });

export class Modes {
  globalMode: OperatorMode = 'ACTIVE';
  globalReducingSince: number | null = null;
  /** The live switch of the forceReduceOnInventory setting (the operator can toggle it). */
  forceReduceOnInventory: boolean;
  /** TIERHUNTER_FLATTEN_ON_STOP: when the flatten of a stop began (null when not flattening for a stop). */
  stopFlattenSince: number | null = null;
  /** A run state that could not be used (start PAUSED, critical alert). */
  runStateProblem: string | null = null;

  constructor(
    private readonly system: SystemState,
    private readonly settingForceReduceOnInventory: boolean,
  ) {
    this.forceReduceOnInventory = settingForceReduceOnInventory;
  }

  effectiveMode(sym: SymbolState): EffectiveMode {
    // Runs on every decision: no closure per call, and the common case (all ACTIVE) returns a constant.
    const s = this.system;
    const global = this.globalMode;
    if (
      global === 'ACTIVE' &&
      sym.opMode === 'ACTIVE' &&
      !s.lossLimitHit &&
      !s.journalBroken &&
      !s.journalUnreadable &&
      !s.logBroken &&
      !s.connDown &&
      sym.bookValid &&
      s.started &&
      !s.stopping
    ) {
      return ACTIVE_MODE;
    }
    // A flatten for a stop overrides the operator's pause like the operator's own flatten does.
    const flattenForStop = this.stopFlattenSince !== null;
    const op = flattenForStop ? 'REDUCING' : operatorMode(global, sym.opMode);
    const r: EffectiveMode = { mode: op, reason: flattenForStop ? 'stopping: flatten' : op === 'ACTIVE' ? null : 'operator' };
    if (s.lossLimitHit) raiseMode(r, 'REDUCING', `${s.hitLimitNames().join(' and ')} loss limit`);
    if (s.journalBroken || s.logBroken) raiseMode(r, 'REDUCING', 'journal/log unwritable');
    if (s.journalUnreadable) raiseMode(r, 'REDUCING', 'journal unreadable');
    // The outage first: it is the cause when both hold (the streams' going down also invalidates books).
    if (s.connDown) raiseMode(r, 'HALTED', 'exchange down');
    if (!sym.bookValid) raiseMode(r, 'HALTED', 'book resync');
    if (!s.started || (s.stopping && !flattenForStop)) raiseMode(r, 'HALTED', s.stopping ? 'stopping' : 'starting');
    return r;
  }

  /** The operator asked this symbol (or every symbol) to get flat: reduce-only exits, then PAUSED. */
  isOperatorFlatten(sym: SymbolState): boolean {
    return this.stopFlattenSince !== null || this.globalMode === 'REDUCING' || sym.opMode === 'REDUCING';
  }

  /**
   * A flattening symbol is flat: it is PAUSED; when every symbol is (`allFlat`), the global flatten ends
   * PAUSED too. Returns the log lines of what ended (empty: nothing changed, nothing to save).
   */
  finishFlatten(sym: SymbolState, allFlat: () => boolean): string[] {
    const done: string[] = [];
    if (sym.opMode === 'REDUCING') {
      sym.opMode = 'PAUSED';
      sym.reducingSince = null;
      done.push(`[${sym.symbol}] flat: flatten done, symbol PAUSED`);
    }
    if (this.globalMode === 'REDUCING' && allFlat()) {
      this.globalMode = 'PAUSED';
      this.globalReducingSince = null;
      done.push('all symbols flat: flatten done, PAUSED');
    }
    return done;
  }

  /**
   * The operator's choices from the run state at start (a state that cannot be read starts PAUSED: never
   * guess ACTIVE, the operator may have paused or flattened). Returns the loss limits' saved state.
   */
  restore(load: () => RunState, syms: ReadonlyMap<string, SymbolState>, now: number): LossLimitState | null {
    let rs: RunState;
    try {
      rs = load();
    } catch (e) {
      this.runStateProblem = e instanceof Error ? e.message : String(e);
      rs = { ...emptyRunState(), globalMode: 'PAUSED' };
    }
    if (rs.forceInventory !== null) this.forceReduceOnInventory = rs.forceInventory;
    this.globalMode = rs.globalMode;
    if (rs.globalMode === 'REDUCING') this.globalReducingSince = now;
    for (const [symbol, mode] of Object.entries(rs.symbolModes)) {
      const sym = syms.get(symbol);
      if (!sym) continue;
      sym.opMode = mode;
      if (mode === 'REDUCING') sym.reducingSince = now;
    }
    return rs.limits;
  }

  /** The run state to save: only what differs from the settings and the defaults. */
  runState(syms: Iterable<SymbolState>, limits: LossLimitState): RunState {
    const symbolModes: Record<string, OperatorMode> = {};
    for (const sym of syms) if (sym.opMode !== 'ACTIVE') symbolModes[sym.symbol] = sym.opMode;
    return {
      forceInventory: this.forceReduceOnInventory === this.settingForceReduceOnInventory ? null : this.forceReduceOnInventory,
      globalMode: this.globalMode,
      symbolModes,
      limits,
    };
  }
}

/** Make `r` the stricter of itself and (m, why); an equal mode only fills in a missing reason. */
function raiseMode(r: EffectiveMode, m: TradingMode, why: string): void {
  if (stricter(r.mode, m) !== r.mode || (m === r.mode && r.reason === null)) {
    r.mode = m;
    r.reason = why;
  }
}
