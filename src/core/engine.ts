// The Engine: the core's event loop. Exchange events, timers, REST outcomes and operator commands arrive
// here and go to the component that owns them (portfolio, modes, monitoring, commands; order execution
// and recovery are still in this file), which returns what changed; the engine then re-quotes (requote) the
// affected symbols and publishes. Every state change happens synchronously in handle(), a command handler
// or a clock timer; async REST results re-enter through small `on*` methods that run to completion.
// Pure: time from the Clock, I/O only through the ports.
import { ConfigError } from '../config/errors.js';
import type { Settings } from '../config/settings.js';
import type { CommandArgs } from '../domain/command.js';
import type { FillView, RunMode, Snapshot } from '../domain/snapshot.js';
import type { TradingMode } from '../domain/trading-mode.js';
import type { ExchangeMetrics, ExchangePort } from '../exchange/port.js';
import type { AccountFees, ExchangeEvent } from '../exchange/types.js';
import type { Fill } from '../domain/fill.js';
import type { BookView } from '../domain/market.js';
import type { OrderEvent } from '../domain/order.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { type Decimal, floorToStep, ZERO } from '../util/decimal.js';
import type { AccountHistory } from './account-history.js';
import { AlertBook } from './alerts.js';
import { midOf } from './book-math.js';
import { renderHeader } from './log-format.js';
import { fmtMoney, fmtQty, marketFormat, type NumberFormat } from './number-format.js';
import { type OrderTracker, remaining } from './order-tracker.js';
import type { JournalFill, JournalSink, Logger, RunStateStore, StatsSink } from './ports.js';
import type { OperatorMode } from '../domain/trading-mode.js';
import { diffQuote, type WorkingView } from './quote-diff.js';
import type { DenialCounter } from './risk.js';
import { buildSnapshot, buildStats } from './snapshot.js';
import { statsBlock, summaryLine } from './stats-report.js';
import type { TradingStats } from './stats.js';
import { decide, effectiveInventoryThreshold, type Quote } from './strategy.js';
import { SpotAccount, type SpotHost } from './spot-account.js';
import { SymState } from './sym-state.js';
import { pacePerMs, type RollingVolume, tierProgress } from './tiers.js';
import { normalFill, toJournal, type LedgerFill } from './journal-codec.js';
import { HistorySync } from './history-sync.js';
import { feesLine } from './fee-watch.js';
import type { LossLimits, LimitChange } from './loss-limits.js';
import type { LossLimitState } from './loss-limits.js';
import { planCommand } from './commands.js';
import { type CommandReply } from '../domain/command.js';
import { Monitoring } from './monitoring.js';
import { Modes, type EffectiveMode } from './modes.js';
import { Portfolio } from './portfolio.js';
import { RetryingSink, type SinkTransition } from './retrying-sink.js';
import { Execution, type Effect } from './execution.js';
import { Recovery } from './recovery.js';
import { EventBatch } from './event-batch.js';

export interface EngineDeps {
  port: ExchangePort;
  clock: Clock;
  settings: Readonly<Settings>;
  runMode: RunMode;
  journal: JournalSink;
  stats: StatsSink;
  logger: Logger;
  runState: RunStateStore;
  coreVersion: string;
  logFile: string;
  /** Shown in the header/snapshot; the edge passes process.pid. */
  pid?: number;
}


const HOUSEKEEPING_MS = 1000;
const STOP_BUDGET_MS = 7000;
/**
 * TIERHUNTER_FLATTEN_ON_STOP: reduce-only exits for at most this long (post-only at the touch, then IOC
 * reduce-only from STOP_FLATTEN_IOC_AFTER_MS), then the normal stop. Both stages together with the cancel
 * and the final block stay inside pm2's kill_timeout (12 s in ecosystem.config.cjs).
 */
const STOP_FLATTEN_MS = 5000;
const STOP_FLATTEN_IOC_AFTER_MS = 2000;
const STOP_FLATTEN_POLL_MS = 100;
/** The stop budget left after a flatten on stop (cancel, final block, streams). */
const STOP_AFTER_FLATTEN_MS = 4500;

export class Engine {
  readonly settings: Readonly<Settings>;
  readonly runMode: RunMode;
  readonly coreVersion: string;
  readonly logFile: string;
  readonly pid: number;
  readonly port: ExchangePort;
  readonly clock: Clock;
  /** Fills, ledger, volumes, recent fills and loss limits. */
  readonly portfolio: Portfolio;
  get stats(): TradingStats {
    return this.portfolio.stats;
  }
  /** Placements, cancels, their outcomes and the working-order tracker. */
  readonly execution: Execution;
  get tracker(): OrderTracker {
    return this.execution.tracker;
  }
  get denials(): DenialCounter {
    return this.execution.denials;
  }
  get ordersPlaced(): number {
    return this.execution.ordersPlaced;
  }
  get cancelsSent(): number {
    return this.execution.cancelsSent;
  }
  readonly alerts: AlertBook;
  /** Start-up recovery, reconciliation with the exchange and position re-reads. */
  private readonly recovery: Recovery;
  readonly replacements: Record<string, number> = {};
  readonly syms = new Map<string, SymState>();
  /** Spot balances and their REST refresh; null without spot symbols. */
  spot: SpotAccount | null = null;
  /** Tier volume and the cursors into the account's history (restored from the journal's checkpoint). */
  get history(): AccountHistory {
    return this.sync.history;
  }
  get futuresVolume(): RollingVolume {
    return this.history.futures;
  }
  get spotVolume(): RollingVolume {
    return this.history.spot;
  }
  /** The newest fills (newest first) for the snapshot; rendered to strings only when read. */
  get recentFills(): FillView[] {
    return this.portfolio.recentFills;
  }
  startedAt: number;
  /** Operator and system modes, flatten completion and the persisted run state. */
  readonly modes: Modes;
  get globalMode(): OperatorMode {
    return this.modes.globalMode;
  }
  get forceReduceOnInventory(): boolean {
    return this.modes.forceReduceOnInventory;
  }
  /** Equity, fee rates, alert conditions and the notes about malformed exchange input. */
  readonly monitoring: Monitoring;
  get fees(): AccountFees | null {
    return this.monitoring.fees;
  }
  get equity(): Decimal | null {
    return this.monitoring.equity;
  }
  /** When `equity` was read (the reply's arrival); null before the first successful read. */
  get equityAt(): number | null {
    return this.monitoring.equityAt;
  }
  get limits(): LossLimits {
    return this.portfolio.limits;
  }
  /** The loss limits' saved state, from the run state, until start() restores it. */
  private savedLimits: LossLimitState | null = null;
  connDown = false;
  /** The journal could not be written: its records wait in memory (trading REDUCING). */
  get journalBroken(): boolean {
    return this.journalQueue.broken;
  }
  /**
   * The journal (or its checkpoint) could not be read at start: the cumulative figures are incomplete, so
   * trading stays REDUCING for this run (a later successful write does not clear it, unlike journalBroken)
   * and nothing is read from the account's history that the journal would have placed.
   */
  get journalUnreadable(): boolean {
    return this.sync.unreadable;
  }
  /** log.txt could not be written: its newest blocks wait in memory (trading REDUCING). */
  get logBroken(): boolean {
    return this.logQueue.broken;
  }
  started = false;
  stopping = false;
  /** Set of events/counters for the bench and tests. */
  malformedEvents = 0;

  private readonly logger: Logger;
  private readonly runState: RunStateStore;
  private readonly timers: TimerHandle[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  /** The fill journal's and log.txt's writes, retried in order while their disk refuses them. */
  private readonly journalQueue: RetryingSink<JournalFill>;
  private readonly logQueue: RetryingSink<string>;
  /** Replay, history reads, the backfill and the journal's compaction (see history-sync.ts). */
  private readonly sync: HistorySync;
  private dirty = false;
  private readonly listeners = new Set<() => void>();
  /** The current event's re-quotes and publish, done once when it ends. */
  private readonly batch = new EventBatch<SymState>(
    (st) => this.requote(st),
    () => this.publish(),
  );

  constructor(d: EngineDeps) {
    this.port = d.port;
    this.clock = d.clock;
    this.settings = d.settings;
    this.runMode = d.runMode;
    this.logger = d.logger;
    this.runState = d.runState;
    this.coreVersion = d.coreVersion;
    this.logFile = d.logFile;
    this.pid = d.pid ?? 0;
    this.startedAt = d.clock.now();
    this.modes = new Modes(this, d.settings.forceReduceOnInventory);
    this.portfolio = new Portfolio({
      clock: d.clock,
      logger: d.logger,
      symbols: d.settings.symbols,
      sessionLossLimit: d.settings.sessionLossLimit,
      dailyLossLimit: d.settings.dailyLossLimit,
      history: () => this.sync.history,
    });
    this.alerts = new AlertBook(d.logger, () => this.clock.now());
    this.execution = new Execution({
      port: d.port,
      clock: d.clock,
      logger: d.logger,
      settings: d.settings,
      stats: this.stats,
      inflight: (p) => this.inflightRequest(p),
      settled: (st, effect) => this.onExecutionSettled(st, effect),
    });
    this.monitoring = new Monitoring({ port: d.port, clock: d.clock, logger: d.logger, settings: d.settings, alerts: this.alerts, inflight: (p) => this.inflightRequest(p) });
    this.journalQueue = new RetryingSink({ write: (rec) => d.journal.append(rec), written: () => this.sync.noteWritten() });
    // Only the newest stats blocks are worth memory while log.txt is unwritable.
    this.logQueue = new RetryingSink({ write: (block) => d.stats.write(block), keep: 20 });
    this.sync = new HistorySync({
      port: d.port,
      clock: d.clock,
      logger: d.logger,
      stats: this.stats,
      settings: d.settings,
      journal: d.journal,
      isOurs: (symbol) => this.syms.has(symbol),
      countOurFill: (f, live) => this.onFill(this.syms.get(f.symbol)!, f, live),
      replayOurFill: (f) => this.applyFill(this.syms.get(f.symbol), f, false),
      append: (rec) => this.appendJournal(rec),
      pendingRecords: () => this.journalQueue.pending,
      backgroundAllowed: () => this.started && !this.stopping && !this.connDown,
      malformed: () => void this.malformedEvents++,
      unreadable: (reason) => this.alerts.raise('journal-read', 'journal unreadable', 'critical', `fill journal unreadable (${reason}); trading REDUCING until it is repaired and the core restarted`),
      changed: () => this.touch(),
      inflight: (p) => this.inflightRequest(p),
    });
    this.recovery = new Recovery({
      port: d.port,
      clock: d.clock,
      logger: d.logger,
      settings: d.settings,
      stats: this.stats,
      sync: this.sync,
      execution: this.execution,
      syms: this.syms,
      spot: () => this.spot,
      inflight: (p) => this.inflightRequest(p),
      reconciled: (streamsBack) => this.onReconciled(streamsBack),
      positionRead: (st, changed) =>
        this.batch.run(() => {
          if (changed) this.touch();
          this.batch.requoteLater(st);
        }),
    });
  }

  get lossLimitHit(): boolean {
    return this.limits.anyHit;
  }

  // ------------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    const s = this.settings;
    this.startedAt = this.clock.now();
    const markets = await this.port.getMarkets();
    const bySym = new Map(markets.map((m) => [m.symbol, m]));
    const missing = s.symbols.filter((x) => !bySym.has(x));
    if (missing.length > 0) {
      throw new ConfigError('TIERHUNTER_SYMBOLS', `unknown symbol(s) ${missing.join(', ')} on ${this.port.host}; check TIERHUNTER_SYMBOLS`);
    }
    for (const sym of s.symbols) this.syms.set(sym, new SymState(sym, bySym.get(sym)!, s));
    const spotSyms = [...this.syms.values()].filter((x) => x.isSpot);
    for (const st of spotSyms) {
      st.spotTarget = s.spotTargetBase[st.symbol] ?? ZERO;
      // A residual below the market minimum (a base fee's leftover) cannot be traded: flat for round trips.
      this.stats.ledger(st.symbol).dust = { step: st.market.stepSize, min: st.market.minQuantity };
    }
    if (spotSyms.length > 0) this.spot = new SpotAccount(this.spotHost(), spotSyms, markets, s.balanceRefreshSec * 1000);

    this.restoreRunState();
    await this.readFees();

    const replayed = await this.recovery.atStart();
    const carried = this.limits.restore(this.savedLimits, this.stats.netPnl(), this.clock.now());
    this.stats.observe();
    this.stats.peakNet = this.stats.netPnl();
    this.stats.maxDrawdown = ZERO;
    this.monitoring.health.begin({ now: this.clock.now(), metrics: this.port.metrics(), stats: this.stats, symbols: this.healthSymbols() });

    this.writeBlock(
      renderHeader({
        coreVersion: this.coreVersion,
        runMode: this.runMode,
        host: this.port.host,
        pid: this.pid,
        now: this.clock.now(),
        settings: s,
        forceInventory: this.modes.forceReduceOnInventory,
        globalMode: this.modes.globalMode,
        symbolModes: Object.fromEntries([...this.syms.values()].map((x) => [x.symbol, x.opMode])),
        feesLine: this.fees ? feesLine(this.fees) : 'unknown',
        journal: replayed,
      }),
    );

    await this.port.start(s.symbols, (e) => this.handle(e));
    const c = this.clock;
    this.timers.push(
      c.setInterval(() => this.housekeeping(), HOUSEKEEPING_MS),
      c.setInterval(() => this.statsTick(), s.statsLogIntervalSec * 1000),
      c.setInterval(() => this.summaryTick(), s.summaryIntervalSec * 1000),
      c.setInterval(() => this.stats.sampleMinute(), 60_000),
      c.setInterval(() => void this.reconcile(false), s.reconcileIntervalSec * 1000),
      c.setInterval(() => void this.sync.backfillStep(), Math.round(60_000 / s.backfillPagesPerMin)),
    );
    this.started = true;
    this.logger.info(
      `Tier Hunter ${this.coreVersion} started (${this.runMode}, ${this.port.host}) symbols=${s.symbols.join(',')} forceInventory=${this.modes.forceReduceOnInventory ? 'on' : 'off'} mode=${this.modes.globalMode}`,
    );
    if (this.modes.runStateProblem !== null) {
      this.alerts.raise(
        'runstate-invalid',
        'run state invalid',
        'critical',
        `${this.modes.runStateProblem}; started PAUSED: check each symbol's mode, then resume (tierhunter ctl resume, or P in the dashboard)`,
      );
      this.saveRunState();
    }
    // The limits as restored (a limit hit before a restart is still hit) and saved with today's baseline.
    if (carried.length > 0) this.onLimitChanges(carried);
    this.checkLossLimit();
    this.saveRunState();
    for (const st of this.syms.values()) this.requote(st);
    this.touch();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.spot?.stop();
    for (const t of this.timers) this.clock.clear(t);
    for (const st of this.syms.values()) this.clock.clear(st.wake);
    if (this.settings.flattenOnStop && this.started) await this.flattenForStop();
    const deadline = this.clock.now() + (this.settings.flattenOnStop && this.started ? STOP_AFTER_FLATTEN_MS : STOP_BUDGET_MS);
    const within = <T>(p: Promise<T>, ms: number) => raceTimeout(this.clock, p, Math.max(0, ms));
    // Let in-flight placements land first so cancelAll cannot miss them.
    await within(Promise.allSettled([...this.inflight]), 1500);
    await within(
      Promise.allSettled(
        this.settings.symbols.map((sym) =>
          this.port.cancelAll(sym).then((o) => {
            if (o.kind !== 'accepted') this.logger.warn(`[${sym}] cancelAll on stop: ${o.kind === 'rejected' ? o.message : o.reason}`);
          }),
        ),
      ),
      deadline - this.clock.now() - 1500,
    );
    this.statsTick(true);
    await within(this.port.stop().catch(() => undefined), deadline - this.clock.now());
    // A checkpoint of everything so far: the next start reads it instead of this run's records.
    await within(this.sync.compaction ?? Promise.resolve(), deadline - this.clock.now());
    await within(this.sync.compact(true) ?? Promise.resolve(), Math.max(1000, deadline - this.clock.now()));
    this.logger.info('Tier Hunter stopped');
    this.touch();
  }

  /**
   * TIERHUNTER_FLATTEN_ON_STOP: every symbol (paused ones too) gets reduce-only exits until flat or
   * STOP_FLATTEN_MS, post-only at the touch first, then IOC reduce-only at the touch. The operator's
   * modes are not changed (nothing of this is saved in the run state).
   */
  private async flattenForStop(): Promise<void> {
    const since = this.clock.now();
    const held = [...this.syms.values()].filter((x) => !this.isFlat(x));
    if (held.length === 0) return;
    this.logger.info(`flatten on stop: closing ${held.map((x) => `${x.symbol} ${this.inventory(x)}`).join(', ')} with reduce-only orders (at most ${STOP_FLATTEN_MS / 1000} s)`);
    this.modes.stopFlattenSince = since;
    this.touch();
    while (this.clock.now() - since < STOP_FLATTEN_MS) {
      for (const st of this.syms.values()) this.requote(st);
      if ([...this.syms.values()].every((x) => this.isFlat(x) && !this.tracker.get(x.symbol))) break;
      if (this.connDown) {
        this.logger.warn('flatten on stop: the exchange stream is down; cancelling instead');
        break;
      }
      await sleep(this.clock, STOP_FLATTEN_POLL_MS);
    }
    this.modes.stopFlattenSince = null;
    const left = [...this.syms.values()].filter((x) => !this.isFlat(x));
    if (left.length > 0) this.logger.warn(`flatten on stop: still holding ${left.map((x) => `${x.symbol} ${this.inventory(x)}`).join(', ')}`);
    else this.logger.info('flatten on stop: flat');
    this.touch();
  }

  /** No closable inventory: below the inventory threshold, or dust a legal order cannot close. */
  private isFlat(st: SymState): boolean {
    const inv = this.inventory(st).abs();
    return inv.lt(effectiveInventoryThreshold(this.settings.inventoryThreshold, st.market)) || floorToStep(inv, st.market.stepSize).lt(st.market.minQuantity);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ events

  /** THE event handler: every exchange event, in arrival order. Never throws. */
  handle(e: ExchangeEvent): void {
    try {
      this.batch.run(() => this.route(e));
    } catch (err) {
      this.malformedEvents++;
      this.logger.warn(`event ${e.type} skipped: ${msg(err)}`);
    }
  }

  private route(e: ExchangeEvent): void {
    {
      switch (e.type) {
        case 'book':
          return this.onBook(e.symbol, e.book);
        case 'bookInvalid':
          return this.onBookInvalid(e.symbol, e.reason);
        case 'trade': {
          const st = this.syms.get(e.trade.symbol);
          if (!st) return;
          const qty = e.trade.quantityNum ?? e.trade.quantity.toNumber();
          if (st.flow.onTrade(e.trade.takerSide === 'Bid', qty, e.trade.ts)) {
            this.touch();
            this.batch.requoteLater(st);
          }
          return;
        }
        case 'markPrice': {
          const st = this.syms.get(e.symbol);
          // Spot has no mark-price stream on Backpack: it is valued at the book's mid (onBook).
          if (!st || st.isSpot) return;
          st.mark = e.markPrice;
          this.stats.setMark(e.symbol, e.markPrice);
          this.stats.observe();
          this.touch();
          return;
        }
        case 'order':
          return this.onOrderEvent(e.event);
        case 'position':
          return this.onPositionEvent(e.event.symbol, e.event.netQuantity, e.event.entryPrice, e.event.markPrice);
        case 'connection':
          return this.onConnection(e.state, e.detail);
        case 'balance':
          return this.spot?.request();
      }
    }
  }

  private onBook(symbol: string, book: BookView): void {
    const st = this.syms.get(symbol);
    if (!st) return;
    st.book = book;
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const wasValid = st.bookValid;
    st.bookValid = true;
    // Hot path: only re-decide when the top of book changed (or the book just became usable).
    if (wasValid && eqOrNull(bid, st.lastBid) && eqOrNull(ask, st.lastAsk)) return;
    st.lastBid = bid;
    st.lastAsk = ask;
    if (st.isSpot) {
      const mid = midOf(book);
      if (mid !== null) {
        st.mark = mid;
        this.stats.setMark(symbol, mid);
        this.stats.observe();
      }
    }
    this.touch();
    this.batch.requoteLater(st);
  }

  private onBookInvalid(symbol: string, reason: string): void {
    const st = this.syms.get(symbol);
    if (!st) return;
    if (st.bookValid) this.logger.warn(`[${symbol}] book invalid (${reason}): quoting stopped until resync`);
    st.bookValid = false;
    this.touch();
    this.batch.requoteLater(st);
  }

  private onConnection(state: 'up' | 'down' | 'resynced', detail?: string): void {
    if (state === 'down') {
      if (!this.connDown) this.logger.warn(`exchange stream down${detail ? ': ' + detail : ''}: quoting stopped`);
      this.connDown = true;
      this.touch();
      for (const st of this.syms.values()) this.batch.requoteLater(st);
      return;
    }
    // 'up' or 'resynced': reconcile orders, fills and positions by REST before quoting again.
    if (this.connDown || state === 'resynced') void this.reconcile(true);
  }

  private onOrderEvent(ev: OrderEvent): void {
    const st = this.syms.get(ev.symbol);
    if (ev.fill && st) {
      this.onFill(st, {
        tradeId: ev.fill.tradeId,
        orderId: ev.orderId,
        clientId: ev.clientId,
        symbol: ev.symbol,
        side: ev.side,
        price: ev.fill.price,
        quantity: ev.fill.quantity,
        fee: ev.fill.fee,
        feeSymbol: ev.fill.feeSymbol,
        isMaker: ev.fill.isMaker,
        timestamp: ev.ts,
      });
    }
    const effect = this.execution.onOrderEvent(st, ev, this.stopping);
    if (effect === null) return;
    if (st) this.applyEffect(st, effect);
    this.touch();
    if (st) this.batch.requoteLater(st);
  }

  private onPositionEvent(symbol: string, qty: Decimal, entry: Decimal, mark: Decimal): void {
    const st = this.syms.get(symbol);
    if (!st || st.isSpot) return;
    if (mark.gt(0)) {
      st.mark = mark;
      this.stats.setMark(symbol, mark);
    }
    this.recovery.notePosition(st, qty, entry);
    this.touch();
  }

  // ------------------------------------------------------------------ fills and ledger

  private onFill(st: SymState, f: Fill, live = true): boolean {
    if (this.portfolio.has(f)) return false;
    this.appendJournal(toJournal(f));
    this.applyFill(st, normalFill(f), live);
    return true;
  }

  /** Apply a normalised fill (live, recovered or replayed); a live one moves spot funds and the loss limits. */
  private applyFill(st: SymState | undefined, f: LedgerFill, live: boolean): void {
    const r = this.portfolio.applyFill(st, f, live, () => this.tracker.find(f.clientId, f.orderId)?.reduceOnly ?? false);
    if (!r.live || !st) return;
    // Replayed and start-up fills are in the start-up balance read already.
    if (st.isSpot) this.spot?.noteFill(st, f.side, f.quantity, f.price, f.fee, f.feeSymbol);
    if (r.limits.length > 0) this.onLimitChanges(r.limits);
    this.touch();
  }

  private appendJournal(rec: JournalFill): void {
    this.onJournalTransition(this.journalQueue.push(rec));
  }

  /** A journal that cannot be written holds its records in memory, alerts loudly and trades REDUCING. */
  private onJournalTransition(t: SinkTransition): void {
    if (t === null) return;
    if (t.kind === 'broken') {
      this.alerts.raise('journal', 'journal unwritable', 'critical', `fill journal unwritable (${msg(t.error)}): ${this.journalQueue.pending} fill(s) held in memory; trading REDUCING`);
    } else {
      this.alerts.clear('journal', 'journal writable again, queued fills written');
    }
    this.touch();
  }

  private writeBlock(block: string): void {
    this.onLogTransition(this.logQueue.push(block));
  }

  private onLogTransition(t: SinkTransition): void {
    if (t === null) return;
    if (t.kind === 'broken') {
      this.alerts.raise('logfile', 'log unwritable', 'critical', `log file ${this.logFile} unwritable (${msg(t.error)}); trading REDUCING`);
    } else {
      this.alerts.clear('logfile', 'log file writable again');
    }
    this.touch();
  }

  private spotHost(): SpotHost {
    return {
      port: this.port,
      clock: this.clock,
      logger: this.logger,
      ledger: (symbol) => this.stats.ledger(symbol),
      workingOrders: () => this.tracker.all(),
      ordersPlaced: () => this.ordersPlaced,
      inflight: (p) => this.inflightRequest(p),
      changed: () => {
        this.batch.run(() => {
          this.touch();
          for (const st of this.spot?.syms ?? []) this.batch.requoteLater(st);
        });
      },
    };
  }

  // ------------------------------------------------------------------ decisions and orders

  /** Signed inventory: the perp position, or on spot the base held minus the target (the ledger counts both). */
  inventory(st: SymState): Decimal {
    return this.portfolio.inventory(st);
  }

  effectiveMode(st: SymState): EffectiveMode {
    return this.modes.effectiveMode(st);
  }

  hitLimitNames(): string[] {
    return this.limits.hitNames();
  }

  /** Decide and act for one symbol: cancel, place or wait. Synchronous; sends are fire-and-track. */
  requote(st: SymState): void {
    if (!this.started || (this.stopping && this.modes.stopFlattenSince === null)) return;
    const now = this.clock.now();
    const t = this.tracker.get(st.symbol);
    if (t && (t.state === 'pending' || t.state === 'unknown' || t.cancelInFlight || t.resolving)) return;
    const { mode } = this.effectiveMode(st);
    if (mode === 'HALTED' || mode === 'PAUSED' || st.book === null) {
      if (t) this.execution.cancel(st, t);
      return;
    }
    const stopFlatten = this.modes.stopFlattenSince !== null;
    const operatorFlatten = this.modes.isOperatorFlatten(st);
    const inv = this.inventory(st);
    const l = this.stats.ledger(st.symbol);
    st.flow.evaluate(now);
    const rem = t ? remaining(t) : ZERO;
    const own = t && t.price !== null && !t.ioc ? { side: t.side, price: t.price, remaining: rem } : null;
    const d = decide({
      market: st.market,
      book: st.book,
      own,
      inventory: inv,
      entryPrice: l.position.isZero() ? null : l.avgCost,
      inventorySince: l.inventorySince,
      flowSide: st.flow.side,
      flowFresh: st.flow.fresh,
      forceInventory: this.modes.forceReduceOnInventory,
      reducing: operatorFlatten,
      exitsOnly: mode === 'REDUCING',
      reducingSince: stopFlatten ? this.modes.stopFlattenSince : operatorFlatten ? (st.reducingSince ?? this.modes.globalReducingSince ?? now) : null,
      ...(stopFlatten ? { reducingIocAfterMs: STOP_FLATTEN_IOC_AFTER_MS } : {}),
      now,
      p: {
        orderNotional: this.settings.orderNotional,
        orderQuantity: this.settings.orderQuantity[st.symbol] ?? null,
        inventoryThreshold: this.settings.inventoryThreshold,
        improveTicks: this.settings.improveTicks,
        exitEscalation: this.settings.exitEscalation,
        exitEscalateAfterSec: this.settings.exitEscalateAfterSec,
        exitAdverseBps: this.settings.exitAdverseBps,
      },
      funds: this.spot && st.isSpot ? this.spot.funds(st) : null,
    });
    const q = d.quote;
    this.noteSide(st, q, inv);
    // A spot residual below one step (a base fee's leftover) is the normal end of a round trip, not news.
    if (d.dust && !st.dustLogged && (!st.isSpot || floorToStep(d.dust, st.market.stepSize).gt(0))) {
      st.dustLogged = true;
      this.logger.warn(`[${st.symbol}] inventory ${inv} is dust (below the market minimum ${st.market.minQuantity}): no exit order`);
    } else if (!d.dust) st.dustLogged = false;
    if (operatorFlatten && q === null && !t && (inv.isZero() || d.dust !== null || inv.abs().lt(effectiveInventoryThreshold(this.settings.inventoryThreshold, st.market)))) {
      if (!stopFlatten) this.finishFlatten(st);
      return;
    }
    const have: WorkingView | null = t
      ? { side: t.side, price: t.price, remaining: rem, reduceOnly: t.reduceOnly, ioc: t.ioc, placedAt: t.placedAt }
      : null;
    const a = diffQuote(q, have, now, {
      tickSize: st.market.tickSize,
      refreshToleranceTicks: this.settings.refreshToleranceTicks,
      minRequoteMs: this.settings.minRequoteMs,
    });
    switch (a.kind) {
      case 'none':
        return;
      case 'wait':
        this.wakeAt(st, a.at);
        return;
      case 'cancel':
        this.replacements[a.reason] = (this.replacements[a.reason] ?? 0) + 1;
        if (t) this.execution.cancel(st, t);
        return;
      case 'place':
        if (q) this.place(st, q, mode, inv, now);
        return;
    }
  }

  private place(st: SymState, q: Quote, mode: TradingMode, inv: Decimal, now: number): void {
    const r = this.execution.place(st, q, mode, inv, now, this.lossLimitHit);
    if (r.placed) this.touch();
    if (r.wakeAt !== null) this.wakeAt(st, r.wakeAt);
  }

  /** A placement's, cancel's or query's outcome was applied: back-off, re-read, publish, re-quote. */
  private onExecutionSettled(st: SymState, effect: Effect): void {
    this.batch.run(() => {
      this.applyEffect(st, effect);
      this.touch();
      this.batch.requoteLater(st);
    });
  }

  private applyEffect(st: SymState, effect: Effect): void {
    if (effect.readPosition) this.recovery.requestPositionRead(st);
    if (effect.wakeAt !== null) this.wakeAt(st, effect.wakeAt);
  }

  private noteSide(st: SymState, q: Quote | null, inv: Decimal): void {
    if (q === null) {
      st.sideReason = 'none';
      return;
    }
    if (q.exit && !st.quotedExit && q.side !== st.quotedSide) {
      const px = st.mark ?? q.price;
      this.logger.info(
        `[${st.symbol}] inventory switch: ${st.quotedSide ?? 'none'} -> ${q.side}, position=${fmtQty(inv, marketFormat(st.market))}, notional=${fmtMoney(inv.abs().mul(px))}`,
      );
    }
    if (q.side !== st.quotedSide || q.reason !== st.sideReason) this.touch();
    st.quotedSide = q.side;
    st.quotedExit = q.exit;
    st.sideReason = q.reason;
  }

  private wakeAt(st: SymState, at: number): void {
    if (st.wake !== null && st.wakeAt <= at) return;
    this.clock.clear(st.wake);
    st.wakeAt = at;
    st.wake = this.clock.setTimeout(() => {
      st.wake = null;
      st.wakeAt = Infinity;
      this.batch.requoteLater(st);
    }, Math.max(0, at - this.clock.now()));
  }

  private finishFlatten(st: SymState): void {
    const done = this.modes.finishFlatten(st, () => [...this.syms.values()].every((x) => this.isFlat(x) && !this.tracker.get(x.symbol)));
    for (const line of done) this.logger.info(line);
    if (done.length > 0) this.saveRunState();
    this.touch();
  }

  private checkLossLimit(): void {
    const changes = this.portfolio.checkLossLimits();
    if (changes.length > 0) this.onLimitChanges(changes);
  }

  /** Alerts, run state and re-quotes for limits that were hit or released. */
  private onLimitChanges(changes: LimitChange[]): void {
    const net = this.stats.netPnl();
    for (const c of changes) {
      const id = `loss-limit:${c.name}`;
      if (c.hit) {
        const f = this.limits.figure(c.name, net);
        const since = c.name === 'session' ? 'since this start (or the last reset)' : 'today (UTC)';
        const what = c.why === 'loss' ? `${c.name} net PnL ${fmtMoney(f.pnl)} ${since} reached -${f.limit}` : `${c.name} loss limit (-${f.limit}) ${c.why}`;
        this.alerts.raise(
          id,
          `${c.name} loss limit`,
          'critical',
          `${what}: opening quotes halted, exits continue, until the UTC day rolls over or \`tierhunter ctl resume --reset-limits\``,
        );
      } else {
        this.alerts.clear(id, c.why);
      }
    }
    this.saveRunState();
    this.touch();
    for (const st of this.syms.values()) this.batch.requoteLater(st);
  }

  // ------------------------------------------------------------------ timers

  /** Once a second: retries, drift adoption, hold/escalation re-evaluation, alerts. */
  housekeeping(): void {
    try {
      const now = this.clock.now();
      if (this.journalQueue.pending > 0) this.onJournalTransition(this.journalQueue.flush());
      if (this.logQueue.pending > 0) this.onLogTransition(this.logQueue.flush());
      void this.sync.compact(false);
      for (const st of this.syms.values()) {
        if (this.recovery.driftDue(st, now)) void this.reconcile(false);
        if (st.flow.evaluate(now)) this.touch();
        this.requote(st);
      }
      this.checkLossLimit();
      if (this.monitoring.feesDue(now)) void this.readFees();
      if (this.monitoring.equityWanted(now)) void this.refreshEquity();
      // One metrics read per tick (a port may build per-endpoint latency percentiles for it).
      const m = this.port.metrics();
      this.evaluateAlerts(now, m);
      if (this.monitoring.noteMalformedInput(m, this.recovery.reconciling)) void this.reconcile(true);
    } catch (e) {
      this.logger.warn(`housekeeping: ${msg(e)}`);
    }
  }

  /** Read the account's fee rates (see Monitoring.readFees); a change is published. */
  private async readFees(): Promise<void> {
    if (await this.monitoring.readFees()) this.touch();
  }

  /** Read the equity unless a read is under way or the figure is fresh (see Monitoring.refreshEquity). */
  private refreshEquity(): Promise<boolean> {
    const read = this.monitoring.refreshEquity();
    void read.then((changed) => changed && this.touch());
    return read;
  }

  evaluateAlerts(now: number, metrics?: ExchangeMetrics): void {
    const streaming = this.started && !this.stopping;
    this.monitoring.evaluateAlerts(now, metrics ?? this.port.metrics(), this.syms.values(), this.portfolio, streaming, this.healthSymbols());
  }

  private healthSymbols(): Array<{ symbol: string; format: NumberFormat }> {
    return [...this.syms.values()].map((st) => ({ symbol: st.symbol, format: marketFormat(st.market) }));
  }

  /**
   * Write a stats block. The timer's block reads the equity first and is rendered when the read returns
   * (or gives up after the request timeout, capped at half the interval), so it shows the figure read
   * for it; a flush or the shutdown block is written at once with the last figure. Either way the block
   * prints the figure's age.
   */
  statsTick(final = false): void {
    if (!final && this.stopping) return;
    if (final) return this.writeStatsBlock();
    const wait = Math.min(this.settings.requestTimeoutMs, this.settings.statsLogIntervalSec * 500);
    void raceTimeout(this.clock, this.refreshEquity(), wait).then(() => {
      if (!this.stopping) this.writeStatsBlock();
    });
  }

  private writeStatsBlock(): void {
    this.writeBlock(this.renderStatsBlock());
    this.touch();
  }

  renderStatsBlock(): string {
    return statsBlock(this, this.equityAt);
  }

  summaryTick(): void {
    this.logger.info(summaryLine(this));
  }

  tier() {
    const now = this.clock.now();
    return tierProgress(this.futuresVolume.total(now), pacePerMs(this.futuresVolume, now, this.startedAt));
  }

  /** REST reconciliation (see Recovery.reconcile); the loop then publishes and re-quotes every symbol. */
  reconcile(afterResync: boolean): Promise<void> {
    if (!this.started || this.stopping) return Promise.resolve();
    return this.recovery.reconcile(afterResync, () => this.connDown);
  }

  private onReconciled(streamsBack: boolean): void {
    this.batch.run(() => {
      if (streamsBack) {
        this.connDown = false;
        this.logger.info('exchange streams back and reconciled: quoting resumes');
      }
      this.touch();
      for (const st of this.syms.values()) this.batch.requoteLater(st);
    });
  }

  // ------------------------------------------------------------------ commands and views

  async command(cmd: CommandArgs): Promise<CommandReply> {
    return this.batch.run(() => this.runCommand(cmd));
  }

  private runCommand(cmd: CommandArgs): CommandReply {
    try {
      const plan = planCommand(cmd, {
        syms: this.syms,
        symbols: this.settings.symbols,
        modes: this.modes,
        limits: this.limits,
        netPnl: this.stats.netPnl(),
        now: this.clock.now(),
        logger: this.logger,
      });
      switch (plan.kind) {
        case 'reply':
          return plan.reply;
        case 'modes':
          if (plan.limits !== null) this.onLimitChanges(plan.limits);
          this.afterModeChange();
          return plan.reply;
        case 'flush':
          this.statsTick(true);
          if (this.logBroken) return { ok: false, error: `could not write to ${this.logFile}` };
          return { ok: true, message: `stats written to ${this.logFile}`, data: { logFile: this.logFile } };
        case 'stats':
          return { ok: true, message: 'stats', data: buildStats(this, plan.symbol) };
        case 'snapshot':
          return { ok: true, message: 'snapshot', data: this.snapshot() };
      }
    } catch (e) {
      return { ok: false, error: msg(e) };
    }
  }

  private afterModeChange(): void {
    this.saveRunState();
    this.touch();
    for (const st of this.syms.values()) {
      this.clock.clear(st.wake);
      st.wake = null;
      st.wakeAt = Infinity;
      this.batch.requoteLater(st);
    }
  }

  private restoreRunState(): void {
    this.savedLimits = this.modes.restore(() => this.runState.load(), this.syms, this.clock.now());
  }

  private saveRunState(): void {
    try {
      this.runState.save(this.modes.runState(this.syms.values(), this.limits.state()));
      this.alerts.clear('runstate');
    } catch (e) {
      this.alerts.raise('runstate', 'run state unwritable', 'critical', `run-time state could not be saved (${msg(e)}); it will not survive a restart`);
    }
  }

  snapshot(): Snapshot {
    this.monitoring.lastSnapshotAt = this.clock.now();
    this.dirty = false;
    return buildSnapshot(this);
  }

  /** True when something changed since the last snapshot() (for coalesced pushes). */
  isDirty(): boolean {
    return this.dirty;
  }

  now(): number {
    return this.clock.now();
  }

  /** Something a dashboard shows changed: listeners are told when the current event ends. */
  private touch(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.batch.publishLater();
  }

  private publish(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // a listener's failure must never affect trading
      }
    }
  }

  /** Keep a request in the in-flight set until it settles (a stop waits for them). */
  private inflightRequest<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }
}

function eqOrNull(a: Decimal | null, b: Decimal | null): boolean {
  // Identity first: the book hands out the same cached Decimal until its best price changes.
  return a === b || (a !== null && b !== null && a.eq(b));
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

function raceTimeout<T>(clock: Clock, p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const h = clock.setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clock.clear(h);
        resolve(v);
      },
      () => {
        clock.clear(h);
        resolve(undefined);
      },
    );
  });
}

