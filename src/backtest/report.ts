// The backtest report: what a run cost and bought, exact (decimal strings), built from the same
// TradingStats the core keeps. Wall-time figures live apart in `perf` so two runs with the same seed and
// settings compare equal on everything else.
import type { TradingStats } from '../core/stats.js';
import { DAY_MS, FUTURES_TIERS, tierProgress } from '../core/tiers.js';
import type { ExchangeEvent } from '../exchange/types.js';
import type { LatencySettings } from '../sim/latency.js';
import type { TapeStatsResult } from '../tape/stats.js';
import { D, type Decimal, ZERO } from '../util/decimal.js';
import type { FillMetricsResult } from './fill-metrics.js';

export type StrategyName = 'engine' | 'symmetric';

export interface SymbolReport {
  fills: number;
  volume: string;
  fees: string;
  realizedPnl: string;
  netPnl: string;
  costPerMillion: string | null;
  endPosition: string;
  maxInventoryNotional: string;
  /** Spot only: fees by the asset they were charged in, and the base the exchange held at the end. */
  spot?: { baseAsset: string; feesInQuoteAsset: string; feesInBaseAsset: string; endBaseBalance: string; target: string };
}

/**
 * The run's figures, with what every backtest reports about its own fills (FillMetricsResult: markoutBps,
 * fillsPerMinute, meanQueueWaitMs, costPer1M; src/backtest/fill-metrics.ts), at the top level for every kind.
 */
export interface BacktestReport extends FillMetricsResult {
  strategy: StrategyName;
  seed: number;
  hours: number;
  symbols: string[];
  /** The settings that shape the strategy, in their env spelling. */
  settings: Record<string, string>;
  fills: number;
  makerFills: number;
  takerFills: number;
  volume: string;
  makerVolume: string;
  takerVolume: string;
  /** Maker volume / volume; null before any volume. */
  makerShare: string | null;
  fees: string;
  realizedPnl: string;
  unrealizedPnl: string;
  funding: string;
  netPnl: string;
  /** -net / volume * 1e6 (positive = paid to trade). */
  costPerMillion: string | null;
  /** Mean seconds per closed round trip (flat -> flat) spent holding inventory. */
  meanInventorySec: number | null;
  /** Largest |position| * price on one symbol at any fill. */
  maxInventoryNotional: string;
  /** Largest sum over symbols of |position| * (that symbol's last fill price). */
  maxGrossInventoryNotional: string;
  maxDrawdown: string;
  ordersPlaced: number;
  cancelsSent: number;
  ordersPerFill: string | null;
  cancelsPerFill: string | null;
  failedOrders: number;
  failures: Record<string, number>;
  roundTrips: number;
  winRate: number | null;
  volumePerDay: string;
  tier: { current: string; next: string | null; daysToNext: string | null };
  /** Days from zero to each fee tier at this run's pace. */
  daysToTier: Record<string, string | null>;
  perSymbol: Record<string, SymbolReport>;
  /**
   * The synthetic market's own public stream through the `tape stats` statistics, per symbol; null for a
   * tape backtest (the market is the tape: \`tierhunter tape stats\` on it gives this block).
   */
  market: Record<string, TapeStatsResult> | null;
  latencyMs: LatencySettings;
  /** Where the markets' dynamics came from (null: the built-in paper markets). */
  marketSpec: string[] | null;
  perf: { wallMs: number; simHoursPerSec: number };
}

/** Watches fills as they are applied and records the largest inventory notional. */
export class InventoryWatch {
  maxSingle: Decimal = ZERO;
  maxGross: Decimal = ZERO;
  readonly maxBySymbol = new Map<string, Decimal>();
  private readonly current = new Map<string, Decimal>();

  constructor(private readonly position: (symbol: string) => Decimal) {}

  /** Call after the strategy has handled `e`. */
  after(e: ExchangeEvent): void {
    if (e.type !== 'order' || !e.event.fill) return;
    const sym = e.event.symbol;
    const n = this.position(sym).abs().mul(e.event.fill.price);
    this.current.set(sym, n);
    if (n.gt(this.maxSingle)) this.maxSingle = n;
    if (n.gt(this.maxBySymbol.get(sym) ?? ZERO)) this.maxBySymbol.set(sym, n);
    let g = ZERO;
    for (const v of this.current.values()) g = g.plus(v);
    if (g.gt(this.maxGross)) this.maxGross = g;
  }
}

export interface ReportInput {
  strategy: StrategyName;
  seed: number;
  hours: number;
  symbols: string[];
  settings: Record<string, string>;
  stats: TradingStats;
  ordersPlaced: number;
  cancelsSent: number;
  inventory: InventoryWatch;
  /** Spot symbols: base asset, base held at the end (exchange), target. */
  spot?: Record<string, { baseAsset: string; endBaseBalance: string; target: string }>;
  fillMetrics: FillMetricsResult;
  market: Record<string, TapeStatsResult> | null;
  latency: LatencySettings;
  marketSpecNote: string[] | null;
  wallMs: number;
}

const dp = (x: Decimal, n: number) => x.toDecimalPlaces(n).toFixed();

export function buildReport(x: ReportInput): BacktestReport {
  const f = x.stats.figures();
  const simMs = x.hours * 3_600_000;
  const pacePerMs = simMs > 0 ? f.volume.div(simMs) : ZERO;
  const tp = tierProgress(f.volume, pacePerMs.gt(0) ? pacePerMs : null);
  const daysToTier: Record<string, string | null> = {};
  for (const t of FUTURES_TIERS) {
    if (t.volume.lte(f.volume)) continue;
    daysToTier[t.name] = pacePerMs.gt(0) ? dp(t.volume.minus(f.volume).div(pacePerMs).div(DAY_MS), 2) : null;
  }
  const perFill = (n: number) => (f.fills > 0 ? dp(D(n).div(f.fills), 4) : null);
  const perSymbol: Record<string, SymbolReport> = {};
  for (const s of x.symbols) {
    const g = x.stats.figures(s);
    perSymbol[s] = {
      fills: g.fills,
      volume: g.volume.toFixed(),
      fees: g.fees.toFixed(),
      realizedPnl: g.realizedPnl.toFixed(),
      netPnl: g.netPnl.toFixed(),
      costPerMillion: g.costPerMillion === null ? null : dp(g.costPerMillion, 4),
      endPosition: g.position.toFixed(),
      maxInventoryNotional: (x.inventory.maxBySymbol.get(s) ?? ZERO).toFixed(),
    };
    const sp = x.spot?.[s];
    if (sp) perSymbol[s]!.spot = { ...sp, feesInQuoteAsset: g.quoteAssetFees.toFixed(), feesInBaseAsset: g.baseAssetFees.toFixed() };
  }
  const wallSec = x.wallMs / 1000;
  return {
    strategy: x.strategy,
    seed: x.seed,
    hours: x.hours,
    symbols: x.symbols,
    settings: x.settings,
    fills: f.fills,
    makerFills: f.makerFills,
    takerFills: f.takerFills,
    volume: f.volume.toFixed(),
    makerVolume: f.makerVolume.toFixed(),
    takerVolume: f.takerVolume.toFixed(),
    makerShare: f.volume.gt(0) ? dp(f.makerVolume.div(f.volume), 6) : null,
    fees: f.fees.toFixed(),
    realizedPnl: f.realizedPnl.toFixed(),
    unrealizedPnl: f.unrealizedPnl.toFixed(),
    funding: f.funding.toFixed(),
    netPnl: f.netPnl.toFixed(),
    costPerMillion: f.costPerMillion === null ? null : dp(f.costPerMillion, 4),
    meanInventorySec: f.meanInventoryMs === null ? null : Math.round(f.meanInventoryMs) / 1000,
    maxInventoryNotional: x.inventory.maxSingle.toFixed(),
    maxGrossInventoryNotional: x.inventory.maxGross.toFixed(),
    maxDrawdown: x.stats.maxDrawdown.toFixed(),
    ordersPlaced: x.ordersPlaced,
    cancelsSent: x.cancelsSent,
    ordersPerFill: perFill(x.ordersPlaced),
    cancelsPerFill: perFill(x.cancelsSent),
    failedOrders: f.failedOrders,
    failures: f.failures,
    roundTrips: f.trips,
    winRate: f.winRate,
    volumePerDay: dp(pacePerMs.mul(DAY_MS), 2),
    tier: {
      current: tp.current.name,
      next: tp.next?.name ?? null,
      daysToNext: tp.etaMs === null ? null : dp(D(tp.etaMs).div(DAY_MS), 2),
    },
    daysToTier,
    perSymbol,
    ...x.fillMetrics,
    market: x.market,
    latencyMs: { ...x.latency },
    marketSpec: x.marketSpecNote,
    perf: { wallMs: Math.round(x.wallMs), simHoursPerSec: wallSec > 0 ? x.hours / wallSec : 0 },
  };
}

/** The report without wall-time figures (what determinism compares). */
export function withoutPerf(r: BacktestReport): Omit<BacktestReport, 'perf'> {
  const { perf: _perf, ...rest } = r;
  return rest;
}
