// The operator's run state (modes, the forceReduceOnInventory switch, the loss limits' latches) across
// restarts: read once at start into Modes, saved after every change. A file that cannot be read starts the
// core PAUSED with a critical alert; a save that fails is a critical alert (the choice would not survive a
// restart) but never stops trading.
import { errorMessage } from '../util/error-message.js';
import type { AlertBook } from './alerts.js';
import type { LossLimits, LossLimitState } from './loss-limits.js';
import type { Modes } from './modes.js';
import type { RunStateStore } from './ports.js';
import type { SymbolState } from './symbol-state.js';

export interface RunStateKeeperDeps {
  store: RunStateStore;
  modes: Modes;
  alerts: AlertBook;
  limits: LossLimits;
  syms: ReadonlyMap<string, SymbolState>;
}

export class RunStateKeeper {
  constructor(private readonly d: RunStateKeeperDeps) {}

  /** Restore the operator's choices into Modes; returns the loss limits' saved state for the portfolio. */
  restore(now: number): LossLimitState | null {
    return this.d.modes.restore(() => this.d.store.load(), this.d.syms, now);
  }

  save(): void {
    try {
      this.d.store.save(this.d.modes.runState(this.d.syms.values(), this.d.limits.state()));
      this.d.alerts.clear('runstate');
    } catch (e) {
      this.d.alerts.raise('runstate', 'run state unwritable', 'critical', `run-time state could not be saved (${errorMessage(e)}); it will not survive a restart`);
    }
  }

  /** A run state that could not be used: say so loudly and write a fresh one (the old is moved aside). */
  reportProblem(): void {
    const problem = this.d.modes.runStateProblem;
    if (problem === null) return;
    this.d.alerts.raise(
      'runstate-invalid',
      'run state invalid',
      'critical',
      `${problem}; started PAUSED: check each symbol's mode, then resume (tierhunter ctl resume, or P in the dashboard)`,
    );
    this.save();
  }
}
