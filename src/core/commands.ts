// Commands: the operator's commands (pause, resume, flatten, forceInventory, flush, stats, snapshot)
// turned into changes of the modes and the loss limits, and the reply. Views and the stats flush are the
// engine's (they read everything): for those the plan only names what to answer. Never calls back into
// the engine: planCommand() returns the reply and what changed, the engine saves, publishes and re-quotes.
import type { CommandArgs, CommandReply } from '../domain/command.js';
import type { Snapshot } from '../domain/snapshot.js';
import type { LimitChange, LossLimits } from './loss-limits.js';
import type { Modes } from './modes.js';
import type { Logger } from './ports.js';
import type { SymbolState } from './symbol-state.js';
import type { Decimal } from '../util/decimal.js';

export type CommandPlan =
  /** Nothing changed (a bad symbol). */
  | { kind: 'reply'; reply: CommandReply }
  /** The operator's modes changed (save, publish, re-quote every symbol); `limits`: limits released first. */
  | { kind: 'modes'; reply: CommandReply; limits: LimitChange[] | null }
  /** The engine answers: write the stats block now, or build a view. */
  | { kind: 'flush' }
  | { kind: 'stats'; symbol: string | undefined }
  | { kind: 'snapshot' };

export interface CommandContext {
  syms: ReadonlyMap<string, SymbolState>;
  symbols: readonly string[];
  modes: Modes;
  limits: LossLimits;
  netPnl: Decimal;
  now: number;
  logger: Logger;
}

export function planCommand(cmd: CommandArgs, c: CommandContext): CommandPlan {
  const symbol = cmd.symbol;
  const targets = symbol === undefined ? [...c.syms.values()] : [c.syms.get(symbol)].filter((x): x is SymbolState => !!x);
  if (symbol !== undefined && targets.length === 0) return { kind: 'reply', reply: { ok: false, error: `unknown symbol ${symbol}; trading ${c.symbols.join(', ')}` } };
  const where = symbol ?? 'all symbols';
  const m = c.modes;
  switch (cmd.name) {
    case 'pause':
      if (symbol === undefined) m.globalMode = 'PAUSED';
      else targets[0]!.opMode = 'PAUSED';
      return { kind: 'modes', reply: { ok: true, message: `paused ${where}` }, limits: null };
    case 'resume': {
      if (symbol === undefined) {
        m.globalMode = 'ACTIVE';
        m.globalReducingSince = null;
      }
      for (const sym of targets) {
        sym.opMode = 'ACTIVE';
        sym.reducingSince = null;
        sym.blockedUntil = 0;
        sym.rejectStreak = 0;
      }
      // A hit loss limit is only released by an explicit reset, never by a plain resume.
      let released: LimitChange[] | null = null;
      if (cmd.resetLimits) {
        released = c.limits.reset(c.netPnl, c.now);
        c.logger.info(`loss limits reset by the operator${released.length > 0 ? `: ${released.map((x) => x.name).join(' and ')} limit released` : ''}`);
      }
      const still = c.limits.hitNames();
      const note = still.length > 0 ? `; ${still.join(' and ')} loss limit still hit (opening quotes halted): resume --reset-limits to reset` : cmd.resetLimits ? '; loss limits reset' : '';
      return { kind: 'modes', reply: { ok: true, message: `resumed ${where}${note}` }, limits: released };
    }
    case 'flatten':
      if (symbol === undefined) {
        m.globalMode = 'REDUCING';
        m.globalReducingSince = c.now;
      } else {
        targets[0]!.opMode = 'REDUCING';
        targets[0]!.reducingSince = c.now;
      }
      return { kind: 'modes', reply: { ok: true, message: `flattening ${where}: reduce-only exits until flat, then paused` }, limits: null };
    case 'forceInventory': {
      const v = cmd.value ?? 'toggle';
      m.forceReduceOnInventory = v === 'toggle' ? !m.forceReduceOnInventory : v === 'on';
      const on = m.forceReduceOnInventory;
      return { kind: 'modes', reply: { ok: true, message: `force inventory ${on ? 'on' : 'off'}`, data: { forceInventory: on } }, limits: null };
    }
    case 'flush':
      return { kind: 'flush' };
    case 'stats':
      return { kind: 'stats', symbol };
    case 'snapshot':
      return { kind: 'snapshot' };
  }
}

/** What the engine's views answer with, for the plans it answers itself (a flush has been written). */
export interface ViewAnswers {
  logFile: string;
  logBroken: boolean;
  stats(symbol: string | undefined): unknown;
  snapshot(): Snapshot;
}

export function viewReply(plan: Extract<CommandPlan, { kind: 'flush' | 'stats' | 'snapshot' }>, a: ViewAnswers): CommandReply {
  switch (plan.kind) {
    case 'flush':
      if (a.logBroken) return { ok: false, error: `could not write to ${a.logFile}` };
      return { ok: true, message: `stats written to ${a.logFile}`, data: { logFile: a.logFile } };
    case 'stats':
      return { ok: true, message: 'stats', data: a.stats(plan.symbol) };
    case 'snapshot':
      return { ok: true, message: 'snapshot', data: a.snapshot() };
  }
}
