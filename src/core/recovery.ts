// Recovery and reconciliation: making our view agree with the exchange's. At start it cancels what a
// previous run left resting, replays the journal, recovers missed fills and adopts the positions (and spot
// balances); while running it reconciles by REST (open orders, fills, positions, funding) after a stream
// resync, on a timer, or when a position disagreement persists, and serves the position re-reads that
// execution asks for. Fills are always recovered before positions are read (see positionsAfterFills).
// It never re-quotes: a finished reconciliation or position read is handed to the loop's callbacks.
import type { ExchangePort } from '../exchange/port.js';
import type { BalanceInfo } from '../exchange/types.js';
import type { Position } from '../domain/position.js';
import type { Settings } from '../config/settings.js';
import type { Clock } from '../util/clock.js';
import { type Decimal, ZERO } from '../util/decimal.js';
import { isOurClientId } from './client-ids.js';
import type { Execution } from './execution.js';
import type { HistorySync } from './history-sync.js';
import type { Logger } from './ports.js';
import type { SpotAccount } from './spot-account.js';
import type { TradingStats } from './stats.js';
import type { SymbolState } from './symbol-state.js';
import { errorMessage } from '../util/error-message.js';

/** A position disagreement with the exchange is reconciled when it persists this long. */
export const DRIFT_ADOPT_MS = 3000;

export interface RecoveryDeps {
  port: ExchangePort;
  clock: Clock;
  logger: Logger;
  settings: Readonly<Settings>;
  stats: TradingStats;
  sync: HistorySync;
  execution: Execution;
  syms: ReadonlyMap<string, SymbolState>;
  /** Spot balances (set once the markets are known); null without spot symbols. */
  spot(): SpotAccount | null;
  /** Registers a request so a stop waits for it. */
  inflight<T>(p: Promise<T>): Promise<T>;
  /** A reconciliation ended (successfully or not); `streamsBack` when it may end a stream outage. */
  reconciled(streamsBack: boolean): void;
  /** A position re-read asked for by `sym` ended; `changed` when a position was adopted. */
  positionRead(sym: SymbolState, changed: boolean): void;
}

type SpotRead = { balances: BalanceInfo[]; ctx: ReturnType<SpotAccount['context']> };

export class Recovery {
  private running = false;

  constructor(private readonly d: RecoveryDeps) {}

  /** A reconciliation is under way (a second one is not started; drift waits for it). */
  get reconciling(): boolean {
    return this.running;
  }

  /**
   * Start-up, before anything is placed: cancel our orphans, read positions (and spot balances), replay
   * the journal and recover the fills since, then adopt the exchange's positions. Returns the journal's
   * description for the log header.
   */
  async atStart(): Promise<string> {
    // Orphans first: nothing of ours may rest from a previous run before we place anything new.
    await this.cancelOrphans();
    const positions = await this.d.port.getPositions();
    const spot = this.d.spot();
    const spotBalances = spot ? await this.d.port.getBalances() : null;
    const replayed = this.d.sync.replay();
    await this.d.sync.recoverAtStart();
    this.adoptPositions(positions, true);
    // The replayed and recovered fills are all in this read (no order of ours was live since it).
    if (spot && spotBalances) await spot.adoptAtStart(spotBalances);
    return replayed;
  }

  /** REST reconciliation: open orders (+ orphans), fills, positions, funding. `streamsDown` is read at the end. */
  async reconcile(afterResync: boolean, streamsDown: () => boolean): Promise<void> {
    if (this.running) return;
    this.running = true;
    let streamsBack = false;
    // Every reconciliation recovers fills before it reads positions: a position read that includes a fill
    // we missed must not be adopted ahead of that fill (it would be counted twice when recovered later).
    try {
      const open = await this.d.inflight(this.d.port.getOpenOrders());
      this.d.execution.matchOpenOrders(this.d.syms.values(), open);
      const { positions, seq, spot } = await this.d.inflight(this.positionsAfterFills());
      this.adoptPositions(positions, true, seq);
      if (spot) this.d.spot()?.apply(spot.balances, spot.ctx, true);
      await this.d.sync.recoverFunding();
      // Only with the streams really back (this reconciliation was started by their reconnect, or the port
      // reports them connected): a periodic REST reconciliation that succeeds during a websocket outage
      // must not resume quoting blind to fills and order updates.
      streamsBack = streamsDown() && (afterResync || this.d.port.metrics().wsConnected);
    } catch (e) {
      this.d.logger.warn(`reconcile failed: ${errorMessage(e)}`);
    } finally {
      this.running = false;
      this.d.reconciled(streamsBack);
    }
  }

  /** A position update from the stream: a disagreement is noted and reconciled if it lasts (see driftDue). */
  notePosition(sym: SymbolState, qty: Decimal, entry: Decimal): void {
    if (qty.eq(this.d.stats.ledger(sym.symbol).position)) {
      sym.driftQty = null;
    } else if (sym.driftQty === null || !sym.driftQty.eq(qty)) {
      // Fills and position updates race; give our fills a moment to catch up before adopting.
      sym.driftQty = qty;
      sym.driftEntry = entry;
      sym.driftSince = this.d.clock.now();
    }
  }

  /**
   * True when the symbol's disagreement with the exchange has lasted DRIFT_ADOPT_MS and a reconciliation
   * should run. A lasting disagreement usually means a fill we have not heard of (lost frame, late REST
   * recovery); adopting the stream's figure and then counting the recovered fill would count it twice, so
   * we reconcile instead: fills first, then the REST position (adopted only if it still disagrees). Not
   * while a reconciliation runs; asked again every DRIFT_ADOPT_MS while it persists.
   */
  driftDue(sym: SymbolState, now: number): boolean {
    if (sym.driftQty === null || now - sym.driftSince < DRIFT_ADOPT_MS || this.running) return false;
    const position = this.d.stats.ledger(sym.symbol).position;
    if (sym.driftQty.eq(position)) {
      sym.driftQty = null;
      return false;
    }
    const theirs = sym.isSpot ? `exchange's balance (inventory ${sym.driftQty})` : `stream's ${sym.driftQty}`;
    this.d.logger.warn(`[${sym.symbol}] position ${position} disagrees with the ${theirs}: reconciling with the exchange`);
    sym.driftSince = now;
    return true;
  }

  /** Re-read the position (and spot balances) before `sym` places again, at most once per TIERHUNTER_POSITION_REFRESH_SEC. */
  requestPositionRead(sym: SymbolState): void {
    sym.positionReadPending = true;
    const now = this.d.clock.now();
    const wait = Math.max(0, sym.lastPositionReadAt + this.d.settings.positionRefreshSec * 1000 - now);
    this.d.clock.setTimeout(() => {
      sym.lastPositionReadAt = this.d.clock.now();
      // Recent fills first: a reduce-only rejection often means a fill we missed, and adopting a position
      // that includes it before counting it would count it twice once it is recovered.
      this.d.inflight(
        this.positionsAfterFills().then(
          ({ positions, seq, spot }) => {
            const changed = this.adoptPositions(positions, false, seq);
            if (spot) this.d.spot()?.apply(spot.balances, spot.ctx, true);
            sym.positionReadPending = false;
            this.d.positionRead(sym, changed);
          },
          (e: unknown) => {
            this.d.logger.warn(`[${sym.symbol}] position read failed: ${errorMessage(e)}`);
            sym.positionReadPending = false;
            this.d.positionRead(sym, false);
          },
        ),
      );
    }, wait);
  }

  private async cancelOrphans(): Promise<void> {
    const open = await this.d.port.getOpenOrders();
    const ours = open.filter((o) => isOurClientId(o.clientId));
    if (ours.length === 0) return;
    this.d.logger.warn(`cancelling ${ours.length} orphaned order(s) from a previous run`);
    const results = await Promise.allSettled(ours.map((o) => this.d.port.cancelOrder(o.symbol, { orderId: o.id })));
    results.forEach((r, i) => {
      if (r.status === 'rejected' || r.value.kind === 'unknown') {
        this.d.logger.warn(`orphan ${ours[i]!.id} cancel outcome unknown; the next reconciliation retries`);
      }
    });
  }

  /**
   * The exchange's positions, read between two fill recoveries. A fill that lands around the position
   * read (and whose stream frame we lost) is counted by the second recovery, which moves that symbol's
   * fillSeq and so keeps adoptPositions from adopting a figure our fills already explain.
   */
  private async positionsAfterFills(): Promise<{ positions: Position[]; seq: Map<string, number>; spot: SpotRead | null }> {
    await this.d.sync.recoverRecent();
    const seq = new Map([...this.d.syms.values()].map((x) => [x.symbol, x.fillSeq]));
    const ctx = this.d.spot()?.context() ?? null;
    const positions = await this.d.port.getPositions();
    // Spot balances inside the same window: the second fill recovery guards them like the positions.
    const balances = ctx ? await this.d.port.getBalances() : null;
    await this.d.sync.recoverRecent();
    return { positions, seq, spot: ctx && balances ? { balances, ctx } : null };
  }

  /** Make our positions agree with the exchange's (REST read); `fillSeqs` guards against racing fills. True when one was adopted. */
  private adoptPositions(positions: Position[], force: boolean, fillSeqs?: Map<string, number>): boolean {
    let changed = false;
    for (const sym of this.d.syms.values()) {
      if (sym.isSpot) continue;
      if (fillSeqs && fillSeqs.get(sym.symbol) !== sym.fillSeq) continue;
      const p = positions.find((x) => x.symbol === sym.symbol);
      const qty = p ? p.netQuantity : ZERO;
      if (p && p.markPrice.gt(0)) {
        sym.mark = p.markPrice;
        this.d.stats.setMark(sym.symbol, p.markPrice);
      }
      const l = this.d.stats.ledger(sym.symbol);
      if (!qty.eq(l.position)) {
        this.d.logger.warn(`[${sym.symbol}] position ${l.position} disagrees with the exchange's ${qty}: adopting the exchange's`);
        l.adopt(qty, p ? p.entryPrice : ZERO, this.d.clock.now());
        changed = true;
      }
      sym.driftQty = null;
      if (force) sym.positionReadPending = false;
    }
    return changed;
  }
}
