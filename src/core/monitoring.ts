// Monitoring: the account's equity and fee rates (read by REST on their own schedules), the alert
// conditions evaluated every housekeeping tick (API usage, silent stream, drawdown, health, inventory
// age and notional, consecutive failures) and the once-per-kind notes about malformed exchange input.
// It raises and clears alerts in the AlertBook it is given; it never calls back into the engine: its
// methods return whether something a dashboard shows changed, or that a reconciliation is due.
import type { Settings } from '../config/settings.js';
import type { ExchangeMetrics, ExchangePort } from '../exchange/port.js';
import type { AccountFees } from '../exchange/types.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import { type Decimal, ZERO } from '../util/decimal.js';
import type { AlertBook } from './alerts.js';
import { FEE_RETRY_MS, feeChanges, nextFeeReadAt } from './fee-watch.js';
import { HealthMonitor } from './health.js';
import { fmtMoney, fmtQty, marketFormat, type NumberFormat } from './number-format.js';
import type { Logger } from './ports.js';
import type { LimitChange, LossLimits } from './loss-limits.js';
import type { Portfolio } from './portfolio.js';
import type { SymbolState } from './symbol-state.js';

export interface MonitoringDeps {
  port: ExchangePort;
  clock: Clock;
  logger: Logger;
  settings: Readonly<Settings>;
  alerts: AlertBook;
  /** Registers a request so a stop waits for it. */
  inflight<T>(p: Promise<T>): Promise<T>;
}

export class Monitoring {
  fees: AccountFees | null = null;
  equity: Decimal | null = null;
  /** When `equity` was read (the reply's arrival); null before the first successful read. */
  equityAt: number | null = null;
  /** When a snapshot was last taken: the equity is only read while someone is looking (or for log.txt). */
  lastSnapshotAt = -Infinity;
  readonly health = new HealthMonitor();
  /** When the account's fee rates are read next (hourly and after each UTC midnight). */
  private feesReadAt = Infinity;
  private feesReading = false;
  private lastEquityAt = -Infinity;
  private equityRead: Promise<boolean> | null = null;
  /** Malformed exchange input is counted per item but logged once per kind (a bad feed must not flood stdout). */
  private readonly malformedLogged = { ws: false, rest: false };
  private wsParseErrorsSeen = 0;

  constructor(private readonly d: MonitoringDeps) {}

  feesDue(now: number): boolean {
    return now >= this.feesReadAt && !this.feesReading;
  }

  /**
   * Read the account's fee rates (at start, then hourly and after each UTC midnight: Backpack recalculates
   * tiers hourly). A change is a notice in the alerts, stdout and log.txt; the tier shown and the cost
   * figures follow the new rates. Resolves true when the rates changed.
   */
  async readFees(): Promise<boolean> {
    this.feesReading = true;
    const at = this.d.clock.now();
    try {
      const next = await this.d.inflight(this.d.port.getAccountFees());
      const prev = this.fees;
      this.fees = next;
      this.feesReadAt = nextFeeReadAt(at);
      const changed = prev === null ? [] : feeChanges(prev, next);
      if (changed.length > 0) {
        this.d.alerts.notice('fees', 'fee rates changed', `account fee rates changed: ${changed.join(', ')}`);
        return true;
      }
    } catch (e) {
      this.feesReadAt = at + FEE_RETRY_MS;
      this.d.logger.warn(`could not read account fees: ${errorMessage(e)}`);
    } finally {
      this.feesReading = false;
    }
    return false;
  }

  equityWanted(now: number): boolean {
    return now - this.lastSnapshotAt < 5000 && now - this.lastEquityAt >= this.d.settings.equityRefreshSec * 1000;
  }

  /**
   * Read the equity unless a read is under way (then wait for it) or the figure is fresh enough. Resolves
   * true when a new figure arrived.
   */
  refreshEquity(): Promise<boolean> {
    if (this.equityRead) return this.equityRead;
    const now = this.d.clock.now();
    if (now - this.lastEquityAt < this.d.settings.equityRefreshSec * 1000) return Promise.resolve(false);
    this.lastEquityAt = now;
    const read = this.d.inflight(this.d.port.getCollateral()).then(
      (c) => {
        this.equity = c.netEquity;
        this.equityAt = this.d.clock.now();
        return true;
      },
      (e: unknown) => {
        this.d.logger.warn(`equity read failed: ${errorMessage(e)}`);
        return false;
      },
    );
    this.equityRead = read.finally(() => {
      this.equityRead = null;
    });
    return this.equityRead;
  }

  /**
   * Note malformed exchange input in the metrics (logged once per kind). Returns true when a websocket
   * frame could not be read since the last look and no reconciliation runs: one should start, since the
   * frame may have been one of our order or fill updates.
   */
  noteMalformedInput(m: ExchangeMetrics, reconciling: boolean): boolean {
    let reconcile = false;
    if (m.wsParseErrors > this.wsParseErrorsSeen && !reconciling) {
      // While a reconciliation runs the count is left unseen, so the next tick starts one after it.
      this.wsParseErrorsSeen = m.wsParseErrors;
      reconcile = true;
    }
    const log = this.d.logger;
    if (!this.malformedLogged.ws && m.wsParseErrors > 0) {
      this.malformedLogged.ws = true;
      log.warn(`malformed websocket frame(s) from the exchange skipped (${m.wsParseErrors} so far; counted as "WS parse errors" in the stats, logged once)`);
    }
    const rest = m.restParseErrors ?? 0;
    if (!this.malformedLogged.rest && rest > 0) {
      this.malformedLogged.rest = true;
      log.warn(`malformed REST reply row(s) from the exchange skipped (${rest} so far; counted, logged once)`);
    }
    return reconcile;
  }

  /** Raise the alert of each loss limit that was hit, clear those released (the loop saves and re-quotes). */
  alertLimitChanges(changes: readonly LimitChange[], limits: LossLimits, net: Decimal): void {
    for (const c of changes) {
      const id = `loss-limit:${c.name}`;
      if (!c.hit) {
        this.d.alerts.clear(id, c.why);
        continue;
      }
      const f = limits.figure(c.name, net);
      const since = c.name === 'session' ? 'since this start (or the last reset)' : 'today (UTC)';
      const what = c.why === 'loss' ? `${c.name} net PnL ${fmtMoney(f.pnl)} ${since} reached -${f.limit}` : `${c.name} loss limit (-${f.limit}) ${c.why}`;
      this.d.alerts.raise(id, `${c.name} loss limit`, 'critical', `${what}: opening quotes halted, exits continue, until the UTC day rolls over or \`tierhunter ctl resume --reset-limits\``);
    }
  }

  /** Raise or clear every alert condition for `now`. `streaming`: started and not stopping. */
  evaluateAlerts(now: number, m: ExchangeMetrics, symbols: Iterable<SymbolState>, portfolio: Portfolio, streaming: boolean): void {
    // Read twice below (the health rules, then each symbol's conditions): an iterator would be spent by the first.
    const syms = [...symbols];
    const s = this.d.settings;
    const alerts = this.d.alerts;
    const stats = portfolio.stats;
    const limit = m.restLimitPerMinute || s.restRateLimit;
    alerts.set(
      m.restLastMinute > (limit * s.alertApiUsagePct) / 100,
      'api-usage',
      'API usage',
      'warn',
      `REST calls in the last minute ${m.restLastMinute} above ${s.alertApiUsagePct}% of ${limit}`,
    );
    alerts.set(
      streaming && m.lastMessageAgoMs !== null && m.lastMessageAgoMs > s.alertStreamSilentSec * 1000,
      'stream-silent',
      'stream silent',
      'critical',
      `no websocket message for ${Math.round((m.lastMessageAgoMs ?? 0) / 1000)} s`,
    );
    const dd = stats.currentDrawdown();
    alerts.set(dd.gt(s.alertDrawdown), 'drawdown', 'drawdown', 'critical', `net PnL drawdown ${fmtMoney(dd)} beyond ${s.alertDrawdown}`);
    for (const c of this.health.evaluate({ now, metrics: m, stats, symbols: healthSymbols(syms), settings: s })) alerts.set(c.on, c.id, c.kind, c.level, c.message);
    for (const sym of syms) {
      const l = stats.ledger(sym.symbol);
      const inv = portfolio.inventory(sym);
      const nf = marketFormat(sym.market);
      const age = l.inventorySince === null || inv.isZero() ? 0 : now - l.inventorySince;
      alerts.set(age > s.alertInventoryAgeSec * 1000, `inventory-age:${sym.symbol}`, 'inventory age', 'warn', `[${sym.symbol}] inventory ${fmtQty(inv, nf)} held for ${Math.round(age / 1000)} s`);
      const notional = sym.mark ? inv.abs().mul(sym.mark) : ZERO;
      alerts.set(
        notional.gt(s.alertInventoryNotional),
        `inventory-notional:${sym.symbol}`,
        'inventory notional',
        'warn',
        `[${sym.symbol}] inventory notional ${fmtMoney(notional)} above ${s.alertInventoryNotional}`,
      );
      alerts.set(
        sym.consecutiveFailures >= s.alertConsecutiveFailures,
        `failures:${sym.symbol}`,
        'consecutive failures',
        'critical',
        `[${sym.symbol}] ${sym.consecutiveFailures} consecutive failed orders`,
      );
    }
  }
}

/** The symbols the health rules watch, with the number format their messages use. */
export function healthSymbols(syms: Iterable<SymbolState>): Array<{ symbol: string; format: NumberFormat }> {
  return [...syms].map((sym) => ({ symbol: sym.symbol, format: marketFormat(sym.market) }));
}
