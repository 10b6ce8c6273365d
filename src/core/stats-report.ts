// The periodic reports built from the engine's view: log.txt's stats block and stdout's summary line.
// Rendering the block drains the alert book's pending lines (each alert event is printed once).
import { renderBlock, type SymbolLine } from './log-format.js';
import { fmtMoney, marketFormat } from './number-format.js';
import { shownTier, type ViewSource } from './snapshot.js';

/** The stats block for log.txt; `equityAt` is when the shown equity was read (its age is printed). */
export function statsBlock(e: ViewSource, equityAt: number | null): string {
  const now = e.now();
  const net = e.stats.netPnl();
  const lines = e.alerts.drainLines();
  const symbols: SymbolLine[] = [...e.syms.values()].map((sym) => ({
    symbol: sym.symbol,
    mode: e.effectiveMode(sym).mode,
    mark: sym.mark,
    f: e.stats.figures(sym.symbol),
    format: marketFormat(sym.market),
  }));
  return renderBlock({
    now,
    startedAt: e.startedAt,
    symbols,
    total: e.stats.figures(),
    equity: e.equity,
    equityAgeMs: equityAt === null ? null : now - equityAt,
    maxDrawdown: e.stats.maxDrawdown,
    drawdown: e.stats.currentDrawdown(),
    sharpe: e.stats.sharpe(),
    denials: { ...e.denials.byReason },
    replacements: { ...e.replacements },
    ordersPlaced: e.ordersPlaced,
    cancelsSent: e.cancelsSent,
    tier: e.tier(),
    tierShown: shownTier(e),
    limits: { session: e.limits.figure('session', net), daily: e.limits.figure('daily', net), day: e.limits.state().day },
    tierPartial: e.history.partial(),
    spotVolume30d: e.spotVolume.total(now),
    metrics: e.port.metrics(),
    alerts: lines,
    activeAlerts: e.alerts.active().map((a) => a.message),
  });
}

/** The periodic one-line summary on stdout. */
export function summaryLine(e: ViewSource): string {
  const f = e.stats.figures();
  const t = e.tier();
  return `summary: fills=${f.fills} (maker ${f.makerFills}/taker ${f.takerFills}) volume=${fmtMoney(f.volume)} fees=${fmtMoney(f.fees)} realized=${fmtMoney(f.realizedPnl)} net=${fmtMoney(f.netPnl)} cost/$1M=${
    f.costPerMillion === null ? 'n/a' : fmtMoney(f.costPerMillion)
  } tier=${shownTier(e).name} 30d=${fmtMoney(t.volume30d)} equity=${e.equity === null ? 'n/a' : fmtMoney(e.equity)} alerts=${e.alerts.active().length}`;
}
