// The Engine: the core's event loop and nothing else. Exchange events, timers, REST outcomes and operator
// commands arrive here and go to the component that owns them (core-parts.ts builds them), which returns
// what changed; the loop then re-quotes the affected symbols and publishes, once per event (EventBatch).
// Only the loop re-quotes and publishes. Async REST results re-enter through small `on*` methods that
// run to completion. Pure: time from the Clock, I/O only through the ports.
import type { CommandArgs, CommandReply } from '../domain/command.js';
import { type Changes, REQUOTE_ALL } from './changes.js';
import type { OrderEvent } from '../domain/order.js';
import type { RunMode, Snapshot } from '../domain/snapshot.js';
import type { ExchangeEvent } from '../exchange/types.js';
import { errorMessage } from '../util/error-message.js';
import { planCommand, viewReply } from './commands.js';
import { assembleCore, type CoreDeps, type CoreParts } from './core-parts.js';
import { CoreEvents } from './core-events.js';
import { CoreView } from './core-view.js';
import { EventBatch } from './event-batch.js';
import type { Effect } from './execution.js';
import { prepareStart, stopCore } from './lifecycle.js';
import { fillOfEvent } from './journal-codec.js';
import { LoopState } from './loop-state.js';
import { applyBook, applyBookInvalid, applyMark, applyTrade } from './market-data.js';
import { buildSnapshot, buildStats } from './snapshot.js';
import { Reporting } from './reporting.js';
import type { SymbolState } from './symbol-state.js';

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
  /** What changed, for the edges (the control socket's pushes); replaces polling the core. */
  readonly events = new CoreEvents();
  private readonly d: EngineDeps;
  private readonly loop: LoopState;
  private readonly p: CoreParts;
  private readonly reporting: Reporting;
  /** The current event's re-quotes and publish, done once when it ends. */
  private readonly batch = new EventBatch<SymbolState>((sym) => this.requote(sym), () => this.events.changed());

  constructor(d: EngineDeps) {
    this.d = d;
    this.loop = new LoopState(d.clock.now());
    this.p = assembleCore(d, this.loop, {
      inflight: (p) => this.loop.keepInFlight(p),
      changed: () => this.touch(),
      due: (sym) => this.batch.requoteLater(sym),
      settled: (sym, effect) => this.batch.run(() => this.onEffect(sym, effect)),
      countFill: (f, live) => {
        const c = this.p.fills.count(this.p.syms.get(f.symbol), f, live);
        this.apply(c);
        return c !== null;
      },
      replayFill: (f) => this.apply(this.p.fills.book(this.p.syms.get(f.symbol), f, false)),
      appendJournal: (rec) => this.apply({ publish: this.p.outputs.appendJournal(rec) }),
      reconciled: (streamsBack) => this.batch.run(() => this.onReconciled(streamsBack)),
      positionRead: (sym, changed) => this.batch.run(() => this.apply({ publish: changed, requote: [sym] })),
    });
    this.view = new CoreView({ ...d, pid: d.pid ?? 0 }, this.p, this.loop);
    this.reporting = new Reporting({ ...d, ...this.p, view: this.view, loop: this.loop, changed: () => this.touch() });
  }

  async start(): Promise<void> {
    const { port, clock, settings: s } = this.d;
    const p = this.p;
    this.loop.startedAt = clock.now();
    const carried = await prepareStart({
      ...this.d,
      parts: p,
      inflight: (q) => this.loop.keepInFlight(q),
      spotChanged: () => this.batch.run(() => this.apply({ publish: true, requote: p.spot?.syms ?? [] })),
      readFees: () => this.reporting.readFees(),
      header: (journal) => this.apply({ publish: p.outputs.writeBlock(this.view.header(journal)) }),
    });
    await port.start(s.symbols, (e) => this.handle(e));
    const every = (ms: number, fn: () => void) => this.loop.every(clock, ms, fn);
    every(HOUSEKEEPING_MS, () => this.housekeeping());
    every(s.statsLogIntervalSec * 1000, () => this.reporting.statsTick());
    every(s.summaryIntervalSec * 1000, () => this.reporting.summaryTick());
    every(60_000, () => p.portfolio.stats.sampleMinute());
    every(s.reconcileIntervalSec * 1000, () => void this.reconcile(false));
    every(Math.round(60_000 / s.backfillPagesPerMin), () => void p.sync.backfillStep());
    this.loop.started = true;
    this.d.logger.info(this.view.startedLine());
    p.runState.reportProblem();
    // The limits as restored (a limit hit before a restart is still hit) and saved with today's baseline.
    this.apply({ limits: carried });
    this.apply({ limits: p.portfolio.checkLossLimits() });
    p.runState.save();
    this.batch.run(() => this.apply(REQUOTE_ALL));
  }

  async stop(): Promise<void> {
    if (this.loop.stopping) return;
    this.loop.stopping = true;
    this.loop.clearTimers(this.d.clock);
    await stopCore({
      ...this.d,
      ...this.p,
      loop: this.loop,
      requoteAll: () => this.batch.run(() => this.apply(REQUOTE_ALL)),
      finalBlock: () => this.reporting.statsTick(true),
      changed: () => this.touch(),
    });
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
      // Market data: when it changed what we quote from, publish and re-quote (no allocation on the hot path).
      case 'book': {
        const sym = p.syms.get(e.symbol);
        return sym && applyBook(sym, e.book, p.portfolio.stats) ? this.requoteSoon(sym) : undefined;
      }
      case 'bookInvalid': {
        const sym = p.syms.get(e.symbol);
        return sym && applyBookInvalid(sym, e.reason, this.d.logger) ? this.requoteSoon(sym) : undefined;
      }
      case 'trade': {
        const sym = p.syms.get(e.trade.symbol);
        return sym && applyTrade(sym, e.trade) ? this.requoteSoon(sym) : undefined;
      }
      case 'markPrice':
        // A mark moves valuations (published), not quotes.
        return applyMark(p.syms.get(e.symbol), e.markPrice, p.portfolio.stats) ? this.touch() : undefined;
      case 'order':
        return this.onOrderEvent(e.event);
      case 'position': {
        const sym = p.syms.get(e.event.symbol);
        if (!sym || sym.isSpot) return;
        if (e.event.markPrice.gt(0)) applyMark(sym, e.event.markPrice, p.portfolio.stats, false);
        p.recovery.notePosition(sym, e.event.netQuantity, e.event.entryPrice);
        return this.touch();
      }
      case 'connection':
        return this.onConnection(e.state, e.detail);
      case 'balance':
        return p.spot?.request();
    }
  }

  private requoteSoon(sym: SymbolState): void {
    this.touch();
    this.batch.requoteLater(sym);
  }

  private onConnection(state: 'up' | 'down' | 'resynced', detail?: string): void {
    if (state === 'down') {
      if (!this.loop.connDown) this.d.logger.warn(`exchange stream down${detail ? ': ' + detail : ''}: quoting stopped`);
      this.loop.connDown = true;
      return this.apply(REQUOTE_ALL);
    }
    // 'up' or 'resynced': reconcile orders, fills and positions by REST before quoting again.
    if (this.loop.connDown || state === 'resynced') void this.reconcile(true);
  }

  private onOrderEvent(ev: OrderEvent): void {
    const sym = this.p.syms.get(ev.symbol);
    const fill = fillOfEvent(ev);
    if (fill && sym) this.apply(this.p.fills.count(sym, fill));
    const effect = this.p.execution.onOrderEvent(sym, ev, this.loop.stopping);
    if (effect !== null) this.onEffect(sym, effect);
  }

  /** What an order outcome asks of the loop: a position re-read, a wake-up, a publish, a re-quote. */
  private onEffect(sym: SymbolState | undefined, effect: Effect): void {
    if (sym && effect.readPosition) this.p.recovery.requestPositionRead(sym);
    if (sym && effect.wakeAt !== null) this.p.quoting.wakeAt(sym, effect.wakeAt);
    this.apply({ publish: true, requote: sym ? [sym] : [] });
  }

  /** Act on what a component changed: limits announced and saved, then the publish and the re-quotes. */
  private apply(c: Changes | null): void {
    if (c === null) return;
    const p = this.p;
    let requote = c.requote;
    if (c.limits !== undefined && c.limits.length > 0) {
      p.monitoring.alertLimitChanges(c.limits, p.portfolio.limits, p.portfolio.stats.netPnl());
      p.runState.save();
      this.touch();
      requote = 'all';
    }
    if (c.publish) this.touch();
    for (const sym of requote === 'all' ? p.syms.values() : (requote ?? [])) this.batch.requoteLater(sym);
  }

  /** Re-quote one symbol (the batch calls it once per marked symbol at the end of an event). */
  private requote(sym: SymbolState): void {
    if (!this.loop.started || (this.loop.stopping && this.p.modes.stopFlattenSince === null)) return;
    const r = this.p.quoting.requote(sym);
    if (r.flat) this.finishFlatten(sym);
    if (r.changed || r.flat) this.touch();
  }

  private finishFlatten(sym: SymbolState): void {
    const p = this.p;
    const done = p.modes.finishFlatten(sym, () => p.quoting.allFlat(p.syms.values()));
    for (const line of done) this.d.logger.info(line);
    if (done.length > 0) p.runState.save();
  }

  /** Once a second: retries, drift adoption, hold/escalation re-evaluation, alerts. */
  housekeeping(): void {
    const p = this.p;
    try {
      const now = this.d.clock.now();
      this.apply({ publish: p.outputs.retry() });
      void p.sync.compact(false);
      for (const sym of p.syms.values()) {
        if (p.recovery.driftDue(sym, now)) void this.reconcile(false);
        this.apply({ publish: sym.flow.evaluate(now) });
        this.requote(sym);
      }
      this.apply({ limits: p.portfolio.checkLossLimits() });
      this.reporting.readsDue(now);
      // One metrics read per tick (a port may build per-endpoint latency percentiles for it).
      const m = this.d.port.metrics();
      p.monitoring.evaluateAlerts(now, m, p.syms.values(), p.portfolio, this.loop.started && !this.loop.stopping);
      if (p.monitoring.noteMalformedInput(m, p.recovery.reconciling)) void this.reconcile(true);
    } catch (e) {
      this.d.logger.warn(`housekeeping: ${errorMessage(e)}`);
    }
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
    this.apply(REQUOTE_ALL);
  }

  async command(cmd: CommandArgs): Promise<CommandReply> {
    return this.batch.run(() => this.runCommand(cmd));
  }

  private runCommand(cmd: CommandArgs): CommandReply {
    const p = this.p;
    try {
      const ctx = { syms: p.syms, symbols: this.d.settings.symbols, modes: p.modes, limits: p.portfolio.limits, netPnl: p.portfolio.stats.netPnl(), now: this.d.clock.now(), logger: this.d.logger };
      const plan = planCommand(cmd, ctx);
      if (plan.kind === 'reply') return plan.reply;
      if (plan.kind === 'modes') {
        if (plan.limits !== null) this.apply({ limits: plan.limits });
        this.afterModeChange();
        return plan.reply;
      }
      if (plan.kind === 'flush') this.reporting.statsTick(true);
      return viewReply(plan, { logFile: this.d.logFile, logBroken: p.outputs.logBroken, stats: (symbol) => buildStats(this.view, symbol), snapshot: () => this.snapshot() });
    } catch (e) {
      return { ok: false, error: errorMessage(e) };
    }
  }

  /** A mode changed: save it and re-quote every symbol now (pending wake-ups are moot). */
  private afterModeChange(): void {
    this.p.runState.save();
    for (const sym of this.p.syms.values()) this.p.quoting.clearWake(sym);
    this.apply(REQUOTE_ALL);
  }

  snapshot(): Snapshot {
    this.p.monitoring.lastSnapshotAt = this.d.clock.now();
    return buildSnapshot(this.view);
  }

  /** Something a snapshot shows changed: one `changed` event when the current loop event ends. */
  private touch(): void {
    this.batch.publishLater();
  }
}
