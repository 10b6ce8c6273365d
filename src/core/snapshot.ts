// Views of the engine for the control socket: the TUI snapshot and the `stats` JSON. Built on demand
// from the engine's state (cheap: a handful of symbols), decimals as strings.
import type { AlertView } from '../domain/alert.js';
import type { FillView, LimitsView, OrderView, RunMode, Snapshot, SymbolView } from '../domain/snapshot.js';
import type { ExchangePort } from '../exchange/port.js';
import type { AccountFees } from '../exchange/types.js';
import type { Decimal } from '../util/decimal.js';
import type { AccountHistory } from './account-history.js';
import type { AlertBook } from './alerts.js';
import type { LossLimits } from './loss-limits.js';
import type { EffectiveMode } from './modes.js';
import type { OrderTracker } from './order-tracker.js';
import type { OperatorMode } from '../domain/trading-mode.js';
import type { DenialCounter } from './risk.js';
import type { TradingStats } from './stats.js';
import type { SymbolState } from './symbol-state.js';
import type { RollingVolume, TierProgress } from './tiers.js';
import { fmtPrice, marketFormat } from './number-format.js';
import type { Figures } from './stats.js';
import { tierLabel } from './tiers.js';
import { utcDay } from './loss-limits.js';

/** What the views read (the engine provides it; declared here so the views do not import the engine). */
export interface ViewSource {
  readonly coreVersion: string;
  readonly runMode: RunMode;
  readonly pid: number;
  readonly startedAt: number;
  readonly logFile: string;
  readonly port: ExchangePort;
  readonly syms: ReadonlyMap<string, SymbolState>;
  readonly stats: TradingStats;
  readonly tracker: OrderTracker;
  readonly alerts: AlertBook;
  readonly limits: LossLimits;
  readonly history: AccountHistory;
  readonly futuresVolume: RollingVolume;
  readonly spotVolume: RollingVolume;
  readonly recentFills: FillView[];
  readonly globalMode: OperatorMode;
  readonly forceReduceOnInventory: boolean;
  readonly connDown: boolean;
  readonly equity: Decimal | null;
  readonly fees: AccountFees | null;
  readonly ordersPlaced: number;
  readonly cancelsSent: number;
  readonly replacements: Readonly<Record<string, number>>;
  readonly denials: DenialCounter;
  now(): number;
  tier(): TierProgress;
  effectiveMode(sym: SymbolState): EffectiveMode;
  inventory(sym: SymbolState): Decimal;
}

export function buildSnapshot(e: ViewSource): Snapshot {
  const now = e.now();
  const symbols: SymbolView[] = [];
  for (const sym of e.syms.values()) {
    const l = e.stats.ledger(sym.symbol);
    const t = e.tracker.get(sym.symbol);
    const m = e.effectiveMode(sym);
    const inv = e.inventory(sym);
    const order: OrderView | null = t
      ? {
          side: t.side,
          price: t.price?.toString() ?? '',
          quantity: t.quantity.toString(),
          executedQuantity: t.executed.toString(),
          reduceOnly: t.reduceOnly,
          status: t.cancelInFlight ? 'cancelling' : t.state,
          clientId: t.clientId,
          ageMs: now - t.placedAt,
        }
      : null;
    symbols.push({
      symbol: sym.symbol,
      marketType: sym.market.marketType,
      mode: m.mode,
      modeReason: m.reason,
      side: sym.quotedSide,
      sideReason: sym.sideReason,
      imbalance: sym.flow.ema,
      order,
      bestBid: sym.lastBid?.toString() ?? null,
      bestAsk: sym.lastAsk?.toString() ?? null,
      markPrice: sym.mark?.toString() ?? null,
      position: inv.toString(),
      positionNotional: sym.mark ? inv.abs().mul(sym.mark).toString() : '0',
      // An average of fill prices: exact, it runs to 40 digits; shown like log.txt's (tick + 2 places).
      entryPrice: l.position.isZero() ? null : fmtPrice(l.avgCost, marketFormat(sym.market)),
      unrealizedPnl: l.unrealized().toString(),
      realizedPnl: l.realized.toString(),
      fees: l.fees.toString(),
      makerFills: l.makerFills,
      takerFills: l.takerFills,
      volume: l.volume.toString(),
      inventoryAgeMs: l.inventorySince === null || inv.isZero() ? null : now - l.inventorySince,
    });
  }
  const f = e.stats.figures();
  const tier = e.tier();
  const m = e.port.metrics();
  const dayStart = now - (now % 86_400_000);
  let globalMode = e.globalMode as Snapshot['globalMode'];
  if (e.connDown) globalMode = 'HALTED';
  return {
    coreVersion: e.coreVersion,
    runMode: e.runMode,
    exchangeHost: e.port.host,
    pid: e.pid,
    startedAt: e.startedAt,
    now,
    globalMode,
    forceInventory: e.forceReduceOnInventory,
    symbols,
    totals: {
      fills: f.fills,
      makerFills: f.makerFills,
      takerFills: f.takerFills,
      volume: f.volume.toString(),
      makerVolume: f.makerVolume.toString(),
      takerVolume: f.takerVolume.toString(),
      volumeToday: e.futuresVolume.since(dayStart - 1).plus(e.spotVolume.since(dayStart - 1)).toString(),
      volume30d: tier.volume30d.toString(),
      realizedPnl: f.realizedPnl.toString(),
      unrealizedPnl: f.unrealizedPnl.toString(),
      funding: f.funding.toString(),
      fees: f.fees.toString(),
      netPnl: f.netPnl.toString(),
      costPerMillion: f.costPerMillion?.toDecimalPlaces(4).toString() ?? null,
      successRate: f.successRate,
      longShortRatio: f.longShortRatio,
      maxDrawdown: e.stats.maxDrawdown.toString(),
      winRate: f.winRate,
      failedOrders: f.failedOrders,
      equity: e.equity?.toString() ?? null,
    },
    tier: {
      current: shownTier(e).name,
      next: tier.next?.name ?? null,
      volume30d: tier.volume30d.toString(),
      nextThreshold: tier.next?.volume.toString() ?? null,
      progress: tier.progress,
      etaMs: tier.etaMs,
      makerFeeBps: shownTier(e).makerBps.toString(),
      takerFeeBps: shownTier(e).takerBps.toString(),
      partial: e.history.partial(),
    },
    api: {
      restLastMinute: m.restLastMinute,
      restLimit: m.restLimitPerMinute,
      restTotal: m.restTotal,
      wsLastMinute: m.wsLastMinute,
      wsTotal: m.wsMessages,
      wsApiRatio: m.restTotal > 0 ? m.wsMessages / m.restTotal : null,
      http429: m.http429,
      reconnects: m.reconnects,
      wsConnected: m.wsConnected,
      lastMessageAgoMs: m.lastMessageAgoMs,
      restErrors: m.restErrors,
      parseErrors: m.wsParseErrors,
    },
    pnlHistory: e.stats.samples.slice(-120),
    recentFills: e.recentFills.slice(),
    alerts: e.alerts.list(),
    limits: limitsView(e),
    logFile: e.logFile,
  };
}

/** The tier as a person should see it: the table's name only when the account's rates are that tier's. */
export function shownTier(e: ViewSource): ReturnType<typeof tierLabel> {
  const f = e.fees;
  return tierLabel(e.tier().current, f ? { makerBps: f.futuresMakerFeeBps, takerBps: f.futuresTakerFeeBps } : null);
}

export function limitsView(e: ViewSource): LimitsView {
  const net = e.stats.netPnl();
  const view = (name: 'session' | 'daily') => {
    const f = e.limits.figure(name, net);
    return { limit: f.limit.toString(), pnl: f.pnl.toString(), hit: f.hit, hitAt: f.hitAt };
  };
  return { session: view('session'), daily: view('daily'), day: e.limits.state().day || utcDay(e.now()) };
}

/** JSON-safe figures (decimal strings). */
export function figuresJson(f: Figures): Record<string, unknown> {
  return {
    fills: f.fills,
    makerFills: f.makerFills,
    takerFills: f.takerFills,
    filledQuantity: f.filledQty.toString(),
    volume: f.volume.toString(),
    makerVolume: f.makerVolume.toString(),
    takerVolume: f.takerVolume.toString(),
    fees: f.fees.toString(),
    feesInQuoteAsset: f.quoteAssetFees.toString(),
    feesInBaseAsset: f.baseAssetFees.toString(),
    realizedPnl: f.realizedPnl.toString(),
    unrealizedPnl: f.unrealizedPnl.toString(),
    funding: f.funding.toString(),
    netPnl: f.netPnl.toString(),
    failedOrders: f.failedOrders,
    failedByReason: { ...f.failures },
    successRate: f.successRate,
    longShortRatio: f.longShortRatio,
    roundTrips: f.trips,
    wins: f.wins,
    losses: f.losses,
    winRate: f.winRate,
    // Quotients are rounded to 8 places (sums stay exact to the last digit the exchange reported).
    averageWin: f.averageWin?.toDecimalPlaces(8).toString() ?? null,
    averageLoss: f.averageLoss?.toDecimalPlaces(8).toString() ?? null,
    largestWin: f.largestWin.toString(),
    largestLoss: f.largestLoss.toString(),
    averagePnl: f.averagePnl?.toDecimalPlaces(8).toString() ?? null,
    costPerMillion: f.costPerMillion?.toDecimalPlaces(8).toString() ?? null,
    meanInventoryMs: f.meanInventoryMs,
    position: f.position.toString(),
  };
}

export function buildStats(e: ViewSource, symbol?: string): { total: Record<string, unknown>; symbols: Record<string, Record<string, unknown>>; alerts: AlertView[] } {
  const symbols: Record<string, Record<string, unknown>> = {};
  for (const s of e.syms.keys()) if (symbol === undefined || s === symbol) symbols[s] = figuresJson(e.stats.figures(s));
  const tier = e.tier();
  return {
    total: {
      ...figuresJson(e.stats.figures()),
      maxDrawdown: e.stats.maxDrawdown.toString(),
      sharpe: e.stats.sharpe(),
      equity: e.equity?.toString() ?? null,
      ordersPlaced: e.ordersPlaced,
      cancelsSent: e.cancelsSent,
      replacements: { ...e.replacements },
      riskDenials: { ...e.denials.byReason },
      tier: shownTier(e).name,
      feeRates: e.fees
        ? {
            futuresMakerBps: e.fees.futuresMakerFeeBps.toString(),
            futuresTakerBps: e.fees.futuresTakerFeeBps.toString(),
            spotMakerBps: e.fees.spotMakerFeeBps.toString(),
            spotTakerBps: e.fees.spotTakerFeeBps.toString(),
          }
        : null,
      lossLimits: limitsView(e),
      nextTier: tier.next?.name ?? null,
      volume30d: tier.volume30d.toString(),
      volume30dPartial: e.history.partial(),
      tierEtaMs: tier.etaMs,
    },
    symbols,
    // The alerts now active (the same AlertBook as log.txt and the dashboard).
    alerts: e.alerts.active().map((a) => ({ ...a })),
  };
}
