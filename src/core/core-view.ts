// The core as it is read: what the snapshot, the `stats` JSON, log.txt's blocks and the summary line show
// (ViewSource), and what tests and benchmarks inspect. Read-only: every figure comes from the component
// that owns it; nothing here changes state.
import type { Settings } from '../config/settings.js';
import type { FillView, RunMode } from '../domain/snapshot.js';
import type { OperatorMode } from '../domain/trading-mode.js';
import type { ExchangePort } from '../exchange/port.js';
import type { AccountFees } from '../exchange/types.js';
import type { Clock } from '../util/clock.js';
import type { Decimal } from '../util/decimal.js';
import type { AccountHistory } from './account-history.js';
import type { AlertBook } from './alerts.js';
import type { CoreParts } from './core-parts.js';
import { feesLine } from './fee-watch.js';
import { renderHeader } from './log-format.js';
import type { LoopState } from './loop-state.js';
import type { LossLimits } from './loss-limits.js';
import type { EffectiveMode } from './modes.js';
import type { OrderTracker } from './order-tracker.js';
import type { DenialCounter } from './risk.js';
import type { ViewSource } from './snapshot.js';
import type { SpotAccount } from './spot-account.js';
import { statsBlock } from './stats-report.js';
import type { TradingStats } from './stats.js';
import type { SymbolState } from './symbol-state.js';
import { pacePerMs, type RollingVolume, type TierProgress, tierProgress } from './tiers.js';

/** Who this core is (fixed for its life). */
export interface CoreIdentity {
  readonly coreVersion: string;
  readonly runMode: RunMode;
  readonly pid: number;
  readonly logFile: string;
  readonly port: ExchangePort;
  readonly clock: Clock;
  readonly settings: Readonly<Settings>;
}

export class CoreView implements ViewSource {
  readonly coreVersion: string;
  readonly runMode: RunMode;
  readonly pid: number;
  readonly logFile: string;
  readonly port: ExchangePort;
  readonly settings: Readonly<Settings>;
  private readonly clock: Clock;

  constructor(
    id: CoreIdentity,
    private readonly parts: CoreParts,
    private readonly loop: LoopState,
  ) {
    ({ coreVersion: this.coreVersion, runMode: this.runMode, pid: this.pid, logFile: this.logFile, port: this.port, settings: this.settings, clock: this.clock } = id);
  }

  now(): number {
    return this.clock.now();
  }
  get startedAt(): number {
    return this.loop.startedAt;
  }
  get started(): boolean {
    return this.loop.started;
  }
  get connDown(): boolean {
    return this.loop.connDown;
  }
  get malformedEvents(): number {
    return this.loop.malformedEvents;
  }
  get syms(): ReadonlyMap<string, SymbolState> {
    return this.parts.syms;
  }
  get spot(): SpotAccount | null {
    return this.parts.spot;
  }
  get alerts(): AlertBook {
    return this.parts.alerts;
  }
  // The portfolio's: fills, ledger, volumes, recent fills, loss limits.
  get stats(): TradingStats {
    return this.parts.portfolio.stats;
  }
  get recentFills(): FillView[] {
    return this.parts.portfolio.recentFills;
  }
  get limits(): LossLimits {
    return this.parts.portfolio.limits;
  }
  get lossLimitHit(): boolean {
    return this.limits.anyHit;
  }
  inventory(sym: SymbolState): Decimal {
    return this.parts.portfolio.inventory(sym);
  }
  // Execution's: the working orders and what was sent.
  get tracker(): OrderTracker {
    return this.parts.execution.tracker;
  }
  get denials(): DenialCounter {
    return this.parts.execution.denials;
  }
  get ordersPlaced(): number {
    return this.parts.execution.ordersPlaced;
  }
  get cancelsSent(): number {
    return this.parts.execution.cancelsSent;
  }
  get replacements(): Readonly<Record<string, number>> {
    return this.parts.quoting.replacements;
  }
  // The modes'.
  get globalMode(): OperatorMode {
    return this.parts.modes.globalMode;
  }
  get forceReduceOnInventory(): boolean {
    return this.parts.modes.forceReduceOnInventory;
  }
  effectiveMode(sym: SymbolState): EffectiveMode {
    return this.parts.modes.effectiveMode(sym);
  }
  // Monitoring's: equity and fee rates.
  get equity(): Decimal | null {
    return this.parts.monitoring.equity;
  }
  /** When `equity` was read (the reply's arrival); null before the first successful read. */
  get equityAt(): number | null {
    return this.parts.monitoring.equityAt;
  }
  get fees(): AccountFees | null {
    return this.parts.monitoring.fees;
  }
  // The outputs' and the history's.
  get journalBroken(): boolean {
    return this.parts.outputs.journalBroken;
  }
  get logBroken(): boolean {
    return this.parts.outputs.logBroken;
  }
  /** The journal could not be read at start: cumulative figures are incomplete (REDUCING for this run). */
  get journalUnreadable(): boolean {
    return this.parts.sync.unreadable;
  }
  /** Tier volume and the cursors into the account's history (restored from the journal's checkpoint). */
  get history(): AccountHistory {
    return this.parts.sync.history;
  }
  get futuresVolume(): RollingVolume {
    return this.history.futures;
  }
  get spotVolume(): RollingVolume {
    return this.history.spot;
  }
  tier(): TierProgress {
    const now = this.now();
    return tierProgress(this.futuresVolume.total(now), pacePerMs(this.futuresVolume, now, this.startedAt));
  }
  /** stdout's line once the streams are open. */
  startedLine(): string {
    const modes = this.parts.modes;
    const s = this.settings;
    return `Tier Hunter ${this.coreVersion} started (${this.runMode}, ${this.port.host}) symbols=${s.symbols.join(',')} forceInventory=${modes.forceReduceOnInventory ? 'on' : 'off'} mode=${modes.globalMode}`;
  }

  /** log.txt's header for this start (`journal`: what the start-up read from the journal). */
  header(journal: string): string {
    const modes = this.parts.modes;
    return renderHeader({
      coreVersion: this.coreVersion,
      runMode: this.runMode,
      host: this.port.host,
      pid: this.pid,
      now: this.now(),
      settings: this.settings,
      forceInventory: modes.forceReduceOnInventory,
      globalMode: modes.globalMode,
      symbolModes: Object.fromEntries([...this.syms.values()].map((x) => [x.symbol, x.opMode])),
      feesLine: this.fees ? feesLine(this.fees) : 'unknown',
      journal,
    });
  }
  /** log.txt's stats block as of now, with the equity last read. */
  statsBlock(): string {
    return statsBlock(this, this.equityAt);
  }
}
