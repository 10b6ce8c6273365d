// The Engine: the core's event loop and nothing else. Exchange events, timers, REST outcomes and operator
// commands arrive here and go to the component that owns them (core-parts.ts builds them), which returns
// what changed; the loop then re-quotes the affected symbols and publishes, once per event (EventBatch).
// Only the loop re-quotes and publishes. Async REST results re-enter through small `on*` methods that
// run to completion. Pure: time from the Clock, I/O only through the ports.
import type { CommandArgs, CommandReply } from '../domain/command.js';
import type { Fill } from '../domain/fill.js';
import type { OrderEvent } from '../domain/order.js';
import type { RunMode, Snapshot } from '../domain/snapshot.js';
import type { ExchangeEvent } from '../exchange/types.js';
import type { TimerHandle } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import { planCommand } from './commands.js';
import { assembleCore, type CoreDeps, type CoreParts } from './core-parts.js';
import { CoreView } from './core-view.js';
import { EventBatch } from './event-batch.js';
import type { Effect } from './execution.js';
import { normalFill, toJournal, type LedgerFill } from './journal-codec.js';
import { openSymbols, raceTimeout, stopCore } from './lifecycle.js';
import { LoopState } from './loop-state.js';
import type { LimitChange } from './loss-limits.js';
import { applyBook, applyBookInvalid, applyMark, applyTrade } from './market-data.js';
import { marketFormat, type NumberFormat } from './number-format.js';
import { buildSnapshot, buildStats } from './snapshot.js';
import { SpotAccount, type SpotHost } from './spot-account.js';
import { summaryLine } from './stats-report.js';
import type { SymState } from './sym-state.js';

export interface EngineDeps extends CoreDeps {
  runMode: RunMode;
  coreVersion: string;
  /** Shown in the header/snapshot; the edge passes process.pid. */
  pid?: number;
}

const HOUSEKEEPING_MS = 1000;

export class Engine {
  /** Everything a dashboard, log.txt, a test or a benchmark reads. */
  readonly view: CoreView;
  private readonly d: EngineDeps;
  private readonly loop: LoopState;
  private readonly p: CoreParts;
  private readonly timers: TimerHandle[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private dirty = false;
  private readonly listeners = new Set<() => void>();
  /** The current event's re-quotes and publish, done once when it ends. */
  private readonly batch = new EventBatch<SymState>(
    (st) => this.requote(st),
    () => this.publish(),
  );

  constructor(d: EngineDeps) {
    this.d = d;
    this.loop = new LoopState(d.clock.now());
    this.p = assembleCore(d, this.loop, {
      inflight: (p) => this.inflightRequest(p),
      changed: () => this.touch(),
      due: (st) => this.batch.requoteLater(st),
      settled: (st, effect) => this.batch.run(() => this.onEffect(st, effect)),
      countFill: (f, live) => this.onFill(this.p.syms.get(f.symbol)!, f, live),
      replayFill: (f) => this.applyFill(this.p.syms.get(f.symbol), f, false),
      appendJournal: (rec) => this.changedIf(this.p.outputs.appendJournal(rec)),
      reconciled: (streamsBack) => this.batch.run(() => this.onReconciled(streamsBack)),
      positionRead: (st, changed) => this.batch.run(() => this.onEffect(st, null, changed)),
    });
    this.view = new CoreView({ ...d, pid: d.pid ?? 0 }, this.p, this.loop);
  }

  get started(): boolean {
    return this.loop.started;
  }

  async start(): Promise<void> {
    const { port, clock, settings: s } = this.d;
    const p = this.p;
    this.loop.startedAt = clock.now();
    const markets = await port.getMarkets();
    for (const st of openSymbols(markets, s, p.portfolio, port.host)) p.syms.set(st.symbol, st);
    const spotSyms = [...p.syms.values()].filter((x) => x.isSpot);
    if (spotSyms.length > 0) p.spot = new SpotAccount(this.spotHost(), spotSyms, markets, s.balanceRefreshSec * 1000);
    const savedLimits = p.runState.restore(clock.now());
    await this.readFees();
    const replayed = await p.recovery.atStart();
    const carried = p.portfolio.limits.restore(savedLimits, p.portfolio.stats.netPnl(), clock.now());
    p.portfolio.beginSession();
    p.monitoring.health.begin({ now: clock.now(), metrics: port.metrics(), stats: p.portfolio.stats, symbols: this.healthSymbols() });
    this.changedIf(p.outputs.writeBlock(this.view.header(replayed)));
    await port.start(s.symbols, (e) => this.handle(e));
    this.timers.push(
      clock.setInterval(() => this.housekeeping(), HOUSEKEEPING_MS),
      clock.setInterval(() => this.statsTick(), s.statsLogIntervalSec * 1000),
      clock.setInterval(() => this.summaryTick(), s.summaryIntervalSec * 1000),
      clock.setInterval(() => p.portfolio.stats.sampleMinute(), 60_000),
      clock.setInterval(() => void this.reconcile(false), s.reconcileIntervalSec * 1000),
      clock.setInterval(() => void p.sync.backfillStep(), Math.round(60_000 / s.backfillPagesPerMin)),
    );
    this.loop.started = true;
    const force = p.modes.forceReduceOnInventory ? 'on' : 'off';
    this.d.logger.info(`Tier Hunter ${this.d.coreVersion} started (${this.d.runMode}, ${port.host}) symbols=${s.symbols.join(',')} forceInventory=${force} mode=${p.modes.globalMode}`);
    p.runState.reportProblem();
    // The limits as restored (a limit hit before a restart is still hit) and saved with today's baseline.
    if (carried.length > 0) this.onLimitChanges(carried);
    this.checkLossLimit();
    p.runState.save();
    for (const st of p.syms.values()) this.requote(st);
    this.touch();
  }

  async stop(): Promise<void> {
    if (this.loop.stopping) return;
    this.loop.stopping = true;
    const p = this.p;
    p.spot?.stop();
    for (const t of this.timers) this.d.clock.clear(t);
    for (const st of p.syms.values()) this.d.clock.clear(st.wake);
    await stopCore({
      ...this.d,
      ...p,
      started: this.loop.started,
      connDown: () => this.loop.connDown,
      inflight: () => [...this.inflight],
      requoteAll: () => this.requoteAll(),
      finalBlock: () => this.statsTick(true),
      changed: () => this.touch(),
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** THE event handler: every exchange event, in arrival order. Never throws. */
  handle(e: ExchangeEvent): void {
    try {
      this.batch.run(() => this.route(e));
    } catch (err) {
      this.loop.malformedEvents++;
      this.d.logger.warn(`event ${e.type} skipped: ${errorMessage(err)}`);
    }
  }

  private route(e: ExchangeEvent): void {
    const p = this.p;
    switch (e.type) {
      case 'book':
        return this.onSymbol(e.symbol, (st) => applyBook(st, e.book, p.portfolio.stats));
      case 'bookInvalid':
        return this.onSymbol(e.symbol, (st) => applyBookInvalid(st, e.reason, this.d.logger));
      case 'trade':
        return this.onSymbol(e.trade.symbol, (st) => applyTrade(st, e.trade));
      case 'markPrice':
        // A mark moves valuations (published), not quotes.
        return this.changedIf(applyMark(p.syms.get(e.symbol), e.markPrice, p.portfolio.stats));
      case 'order':
        return this.onOrderEvent(e.event);
      case 'position': {
        const st = p.syms.get(e.event.symbol);
        if (!st || st.isSpot) return;
        if (e.event.markPrice.gt(0)) applyMark(st, e.event.markPrice, p.portfolio.stats, false);
        p.recovery.notePosition(st, e.event.netQuantity, e.event.entryPrice);
        return this.touch();
      }
      case 'connection':
        return this.onConnection(e.state, e.detail);
      case 'balance':
        return p.spot?.request();
    }
  }

  /** A market-data event for one of our symbols: when it changed what we quote from, publish and re-quote. */
  private onSymbol(symbol: string, apply: (st: SymState) => boolean): void {
    const st = this.p.syms.get(symbol);
    if (!st || !apply(st)) return;
    this.touch();
    this.batch.requoteLater(st);
  }

  private onConnection(state: 'up' | 'down' | 'resynced', detail?: string): void {
    if (state === 'down') {
      if (!this.loop.connDown) this.d.logger.warn(`exchange stream down${detail ? ': ' + detail : ''}: quoting stopped`);
      this.loop.connDown = true;
      this.touch();
      for (const st of this.p.syms.values()) this.batch.requoteLater(st);
      return;
    }
    // 'up' or 'resynced': reconcile orders, fills and positions by REST before quoting again.
    if (this.loop.connDown || state === 'resynced') void this.reconcile(true);
  }

  private onOrderEvent(ev: OrderEvent): void {
    const st = this.p.syms.get(ev.symbol);
    if (ev.fill && st) {
      const f = ev.fill;
      const { tradeId, price, quantity, fee, feeSymbol, isMaker } = f;
      this.onFill(st, { tradeId, orderId: ev.orderId, clientId: ev.clientId, symbol: ev.symbol, side: ev.side, price, quantity, fee, feeSymbol, isMaker, timestamp: ev.ts });
    }
    const effect = this.p.execution.onOrderEvent(st, ev, this.loop.stopping);
    if (effect !== null) this.onEffect(st, effect);
  }

  /** A fill from the stream or a REST read: journalled and booked unless already counted. */
  private onFill(st: SymState, f: Fill, live = true): boolean {
    if (this.p.portfolio.has(f)) return false;
    this.changedIf(this.p.outputs.appendJournal(toJournal(f)));
    this.applyFill(st, normalFill(f), live);
    return true;
  }

  /** Book a normalised fill (live, recovered or replayed); a live one moves spot funds and the loss limits. */
  private applyFill(st: SymState | undefined, f: LedgerFill, live: boolean): void {
    const p = this.p;
    const r = p.portfolio.applyFill(st, f, live, () => p.execution.tracker.find(f.clientId, f.orderId)?.reduceOnly ?? false);
    if (!r.live || !st) return;
    // Replayed and start-up fills are in the start-up balance read already.
    if (st.isSpot) p.spot?.noteFill(st, f.side, f.quantity, f.price, f.fee, f.feeSymbol);
    if (r.limits.length > 0) this.onLimitChanges(r.limits);
    this.touch();
  }

  /** What an order outcome or a position read asks of the loop: a re-read, a wake-up, a publish, a re-quote. */
  private onEffect(st: SymState | undefined, effect: Effect | null, changed = true): void {
    if (effect !== null && st) {
      if (effect.readPosition) this.p.recovery.requestPositionRead(st);
      if (effect.wakeAt !== null) this.p.quoting.wakeAt(st, effect.wakeAt);
    }
    if (changed) this.touch();
    if (st) this.batch.requoteLater(st);
  }

  private spotHost(): SpotHost {
    const { port, clock, logger } = this.d;
    const { portfolio, execution } = this.p;
    const changed = () => this.batch.run(() => this.requoteSpot());
    return { port, clock, logger, ledger: (s) => portfolio.stats.ledger(s), workingOrders: () => execution.tracker.all(), ordersPlaced: () => execution.ordersPlaced, inflight: (p) => this.inflightRequest(p), changed };
  }

  private requoteSpot(): void {
    this.touch();
    for (const st of this.p.spot?.syms ?? []) this.batch.requoteLater(st);
  }

  /** Re-quote one symbol (the batch calls it once per marked symbol at the end of an event). */
  private requote(st: SymState): void {
    if (!this.loop.started || (this.loop.stopping && this.p.modes.stopFlattenSince === null)) return;
    const r = this.p.quoting.requote(st);
    if (r.flat) this.finishFlatten(st);
    if (r.changed || r.flat) this.touch();
  }

  private requoteAll(): void {
    for (const st of this.p.syms.values()) this.requote(st);
  }

  private finishFlatten(st: SymState): void {
    const p = this.p;
    const done = p.modes.finishFlatten(st, () => p.quoting.allFlat(p.syms.values()));
    for (const line of done) this.d.logger.info(line);
    if (done.length > 0) p.runState.save();
  }

  private checkLossLimit(): void {
    const changes = this.p.portfolio.checkLossLimits();
    if (changes.length > 0) this.onLimitChanges(changes);
  }

  /** Limits hit or released: alerts, the run state, and every symbol re-quoted. */
  private onLimitChanges(changes: LimitChange[]): void {
    const p = this.p;
    p.monitoring.alertLimitChanges(changes, p.portfolio.limits, p.portfolio.stats.netPnl());
    p.runState.save();
    this.touch();
    for (const st of p.syms.values()) this.batch.requoteLater(st);
  }

  /** Once a second: retries, drift adoption, hold/escalation re-evaluation, alerts. */
  housekeeping(): void {
    const p = this.p;
    try {
      const now = this.d.clock.now();
      this.changedIf(p.outputs.retry());
      void p.sync.compact(false);
      for (const st of p.syms.values()) {
        if (p.recovery.driftDue(st, now)) void this.reconcile(false);
        if (st.flow.evaluate(now)) this.touch();
        this.requote(st);
      }
      this.checkLossLimit();
      if (p.monitoring.feesDue(now)) void this.readFees();
      if (p.monitoring.equityWanted(now)) void this.refreshEquity();
      // One metrics read per tick (a port may build per-endpoint latency percentiles for it).
      const m = this.d.port.metrics();
      p.monitoring.evaluateAlerts(now, m, p.syms.values(), p.portfolio, this.loop.started && !this.loop.stopping, this.healthSymbols());
      if (p.monitoring.noteMalformedInput(m, p.recovery.reconciling)) void this.reconcile(true);
    } catch (e) {
      this.d.logger.warn(`housekeeping: ${errorMessage(e)}`);
    }
  }

  private async readFees(): Promise<void> {
    this.changedIf(await this.p.monitoring.readFees());
  }

  private refreshEquity(): Promise<boolean> {
    const read = this.p.monitoring.refreshEquity();
    void read.then((changed) => this.changedIf(changed));
    return read;
  }

  private healthSymbols(): Array<{ symbol: string; format: NumberFormat }> {
    return [...this.p.syms.values()].map((st) => ({ symbol: st.symbol, format: marketFormat(st.market) }));
  }

  /**
   * Write a stats block. The timer's block reads the equity first and is rendered when the read returns
   * (or gives up after the request timeout, capped at half the interval), so it shows the figure read
   * for it; a flush or the shutdown block is written at once with the last figure. Either way the block
   * prints the figure's age.
   */
  statsTick(final = false): void {
    if (!final && this.loop.stopping) return;
    if (final) return this.writeStatsBlock();
    const s = this.d.settings;
    const wait = Math.min(s.requestTimeoutMs, s.statsLogIntervalSec * 500);
    void raceTimeout(this.d.clock, this.refreshEquity(), wait).then(() => {
      if (!this.loop.stopping) this.writeStatsBlock();
    });
  }

  private writeStatsBlock(): void {
    this.p.outputs.writeBlock(this.view.statsBlock());
    this.touch();
  }

  summaryTick(): void {
    this.d.logger.info(summaryLine(this.view));
  }

  /** REST reconciliation (see Recovery.reconcile); the loop then publishes and re-quotes every symbol. */
  reconcile(afterResync: boolean): Promise<void> {
    if (!this.loop.started || this.loop.stopping) return Promise.resolve();
    return this.p.recovery.reconcile(afterResync, () => this.loop.connDown);
  }

  private onReconciled(streamsBack: boolean): void {
    if (streamsBack) {
      this.loop.connDown = false;
      this.d.logger.info('exchange streams back and reconciled: quoting resumes');
    }
    this.touch();
    for (const st of this.p.syms.values()) this.batch.requoteLater(st);
  }

  async command(cmd: CommandArgs): Promise<CommandReply> {
    return this.batch.run(() => this.runCommand(cmd));
  }

  private runCommand(cmd: CommandArgs): CommandReply {
    const p = this.p;
    const logFile = this.d.logFile;
    try {
      const ctx = { syms: p.syms, symbols: this.d.settings.symbols, modes: p.modes, limits: p.portfolio.limits, netPnl: p.portfolio.stats.netPnl(), now: this.d.clock.now(), logger: this.d.logger };
      const plan = planCommand(cmd, ctx);
      switch (plan.kind) {
        case 'reply':
          return plan.reply;
        case 'modes':
          if (plan.limits !== null) this.onLimitChanges(plan.limits);
          this.afterModeChange();
          return plan.reply;
        case 'flush':
          this.statsTick(true);
          if (p.outputs.logBroken) return { ok: false, error: `could not write to ${logFile}` };
          return { ok: true, message: `stats written to ${logFile}`, data: { logFile } };
        case 'stats':
          return { ok: true, message: 'stats', data: buildStats(this.view, plan.symbol) };
        case 'snapshot':
          return { ok: true, message: 'snapshot', data: this.snapshot() };
      }
    } catch (e) {
      return { ok: false, error: errorMessage(e) };
    }
  }

  /** A mode changed: save it and re-quote every symbol now (pending wake-ups are moot). */
  private afterModeChange(): void {
    this.p.runState.save();
    this.touch();
    for (const st of this.p.syms.values()) {
      this.p.quoting.clearWake(st);
      this.batch.requoteLater(st);
    }
  }

  snapshot(): Snapshot {
    this.p.monitoring.lastSnapshotAt = this.d.clock.now();
    this.dirty = false;
    return buildSnapshot(this.view);
  }

  /** True when something changed since the last snapshot() (for coalesced pushes). */
  isDirty(): boolean {
    return this.dirty;
  }

  private changedIf(changed: boolean): void {
    if (changed) this.touch();
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

  private inflightRequest<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }
}

