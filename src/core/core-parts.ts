// The core's components, built and wired together for one Engine. Each component gets the ports it
// needs and, for what it learns asynchronously (a REST outcome, a background history read), a small
// callback into the loop (`LoopHooks`): components never re-quote or publish themselves.
import type { Settings } from '../config/settings.js';
import type { Fill } from '../domain/fill.js';
import type { ExchangePort } from '../exchange/port.js';
import type { Clock } from '../util/clock.js';
import type { AccountHistory } from './account-history.js';
import { AlertBook } from './alerts.js';
import { DurableOutputs } from './durable-outputs.js';
import { Execution, type Effect } from './execution.js';
import { FillIntake } from './fill-intake.js';
import { HistorySync } from './history-sync.js';
import type { LedgerFill } from './journal-codec.js';
import type { LoopState } from './loop-state.js';
import { Modes } from './modes.js';
import { Monitoring } from './monitoring.js';
import type { JournalFill, JournalSink, Logger, RunStateStore, StatsSink } from './ports.js';
import { Portfolio } from './portfolio.js';
import { Quoting } from './quoting.js';
import { Recovery } from './recovery.js';
import { RunStateKeeper } from './run-state-keeper.js';
import type { SpotAccount } from './spot-account.js';
import type { SymbolState } from './symbol-state.js';

export interface CoreDeps {
  port: ExchangePort;
  clock: Clock;
  settings: Readonly<Settings>;
  journal: JournalSink;
  stats: StatsSink;
  logger: Logger;
  runState: RunStateStore;
  logFile: string;
}

/** How a component's asynchronous news re-enters the loop. */
export interface LoopHooks {
  /** Keep a request in the in-flight set until it settles (a stop waits for them). */
  inflight<T>(p: Promise<T>): Promise<T>;
  /** Something a dashboard shows changed. */
  changed(): void;
  /** A symbol's wake-up timer fired. */
  due(sym: SymbolState): void;
  /** A placement's, cancel's or query's outcome was applied. */
  settled(sym: SymbolState, effect: Effect): void;
  /** A fill read by REST (start-up, reconciliation): count it unless known; true when it was new. */
  countFill(f: Fill, live: boolean): boolean;
  /** A journalled fill replayed at start. */
  replayFill(f: LedgerFill): void;
  appendJournal(rec: JournalFill): void;
  reconciled(streamsBack: boolean): void;
  positionRead(sym: SymbolState, changed: boolean): void;
}

export interface CoreParts {
  readonly syms: Map<string, SymbolState>;
  readonly alerts: AlertBook;
  readonly portfolio: Portfolio;
  readonly execution: Execution;
  readonly quoting: Quoting;
  readonly modes: Modes;
  readonly runState: RunStateKeeper;
  readonly monitoring: Monitoring;
  readonly outputs: DurableOutputs;
  readonly sync: HistorySync;
  readonly recovery: Recovery;
  readonly fills: FillIntake;
  /** Spot balances and their REST refresh; set at start, null without spot symbols. */
  spot: SpotAccount | null;
}

export function assembleCore(d: CoreDeps, loop: LoopState, hooks: LoopHooks): CoreParts {
  const { port, clock, logger, settings } = d;
  const inflight = hooks.inflight;
  const syms = new Map<string, SymbolState>();
  const alerts = new AlertBook(logger, () => clock.now());
  // A closure may name a component built further down: it is only called once all are built.
  const portfolio: Portfolio = new Portfolio({
    clock,
    logger,
    symbols: settings.symbols,
    sessionLossLimit: settings.sessionLossLimit,
    dailyLossLimit: settings.dailyLossLimit,
    history: (): AccountHistory => sync.history,
  });
  const modes = new Modes(
    {
      get lossLimitHit() {
        return portfolio.limits.anyHit;
      },
      get journalBroken() {
        return outputs.journalBroken;
      },
      get journalUnreadable() {
        return sync.unreadable;
      },
      get logBroken() {
        return outputs.logBroken;
      },
      get connDown() {
        return loop.connDown;
      },
      get started() {
        return loop.started;
      },
      get stopping() {
        return loop.stopping;
      },
      hitLimitNames: () => portfolio.limits.hitNames(),
    },
    settings.forceReduceOnInventory,
  );
  const execution = new Execution({ port, clock, logger, settings, stats: portfolio.stats, inflight, settled: hooks.settled });
  const sync: HistorySync = new HistorySync({
    port,
    clock,
    logger,
    stats: portfolio.stats,
    settings,
    journal: d.journal,
    isOurs: (symbol) => syms.has(symbol),
    countOurFill: hooks.countFill,
    replayOurFill: hooks.replayFill,
    append: hooks.appendJournal,
    pendingRecords: () => outputs.pendingRecords,
    backgroundAllowed: () => loop.started && !loop.stopping && !loop.connDown,
    malformed: () => void loop.malformedEvents++,
    unreadable: (reason) => alerts.raise('journal-read', 'journal unreadable', 'critical', `fill journal unreadable (${reason}); trading REDUCING until it is repaired and the core restarted`),
    changed: hooks.changed,
    inflight,
  });
  const outputs = new DurableOutputs({ journal: d.journal, stats: d.stats, logFile: d.logFile, alerts, written: () => sync.noteWritten() });
  const parts: CoreParts = {
    syms,
    alerts,
    portfolio,
    execution,
    modes,
    sync,
    outputs,
    spot: null,
    quoting: new Quoting({ clock, logger, settings, execution, modes, portfolio, spot: () => parts.spot, due: hooks.due }),
    runState: new RunStateKeeper({ store: d.runState, modes, alerts, limits: portfolio.limits, syms }),
    monitoring: new Monitoring({ port, clock, logger, settings, alerts, inflight }),
    fills: new FillIntake({ portfolio, outputs, execution, spot: () => parts.spot }),
    recovery: new Recovery({
      port,
      clock,
      logger,
      settings,
      stats: portfolio.stats,
      sync,
      execution,
      syms,
      spot: () => parts.spot,
      inflight,
      reconciled: hooks.reconciled,
      positionRead: hooks.positionRead,
    }),
  };
  return parts;
}
