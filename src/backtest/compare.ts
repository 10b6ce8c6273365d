// --compare: several strategies on IDENTICAL seeds, side by side. Every strategy sees the same market
// (same seed => same model randomness; our orders do move the book, so paths diverge once we trade).
// Aggregates over seeds: mean and min..max per figure (decimal strings, exact means).
import type { AccountFees } from '../exchange/types.js';
import type { LatencySettings } from '../sim/latency.js';
import type { MarketSpecFile } from '../sim/model/spec.js';
import { D, type Decimal } from '../util/decimal.js';
import type { BacktestReport, StrategyName } from './report.js';
import { runBacktest } from './run.js';

export interface StrategySpec {
  name: string;
  strategy: StrategyName;
  overrides: Record<string, string>;
  note: string;
}

/**
 * The original bot's rules, pinned (so later changes of our defaults do not move the baseline):
 * follow the flow, join best, no tolerance, no exit escalation, the original flow thresholds, 50 USDC.
 */
export const ORIGINAL_RULES: Readonly<Record<string, string>> = {
  sideMode: 'with',
  orderNotional: '50',
  improveTicks: '0',
  refreshToleranceTicks: '0',
  minRequoteMs: '250',
  exitEscalation: 'false',
  tradeLookbackSec: '2.0',
  imbalanceEmaAlpha: '0.4',
  imbalanceThreshold: '1.3',
  minSideHoldSec: '1.5',
};

/** The four columns of the issue; `tunedOverrides` (from --set) apply to the tuned column only. */
export function standardStrategies(tunedOverrides: Record<string, string> = {}): StrategySpec[] {
  return [
    { name: 'original', strategy: 'engine', overrides: { ...ORIGINAL_RULES }, note: "original bot's rules (quote with the flow)" },
    { name: 'against', strategy: 'engine', overrides: { ...ORIGINAL_RULES, sideMode: 'against' }, note: 'same rules, quote against the flow' },
    { name: 'symmetric', strategy: 'symmetric', overrides: { orderNotional: ORIGINAL_RULES['orderNotional']! }, note: 'two-sided join-best quoter' },
    { name: 'tuned', strategy: 'engine', overrides: { ...tunedOverrides }, note: 'our defaults' + (Object.keys(tunedOverrides).length ? ' + --set' : '') },
  ];
}

export interface Spread {
  mean: string;
  min: string;
  max: string;
}

export interface CompareRow {
  name: string;
  note: string;
  seeds: number[];
  costPerMillion: Spread | null;
  volume: Spread;
  netPnl: Spread;
  makerShare: Spread | null;
  fills: Spread;
  ordersPerFill: Spread | null;
  maxInventoryNotional: Spread;
  meanInventorySec: Spread | null;
  reports: BacktestReport[];
}

export interface CompareResult {
  hours: number;
  symbols: string[];
  seeds: number[];
  rows: CompareRow[];
  wallMs: number;
}

export function spreadOf(values: Array<Decimal.Value | null>, dp = 4): Spread | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  const ds = values.map((v) => D(v as Decimal.Value));
  let sum = D(0);
  let min = ds[0]!;
  let max = ds[0]!;
  for (const d of ds) {
    sum = sum.plus(d);
    if (d.lt(min)) min = d;
    if (d.gt(max)) max = d;
  }
  const r = (x: Decimal) => x.toDecimalPlaces(dp).toFixed();
  return { mean: r(sum.div(ds.length)), min: r(min), max: r(max) };
}

export interface CompareOptions {
  hours: number;
  seeds: number[];
  symbols: string[];
  strategies: StrategySpec[];
  marketSpec?: MarketSpecFile;
  latency?: LatencySettings;
  /** Fee rates of the account (`--set feeTier=...`); the paper exchange's defaults otherwise. */
  fees?: AccountFees;
  onProgress?: (doneMs: number, totalMs: number, label: string) => void;
}

export async function runCompare(o: CompareOptions): Promise<CompareResult> {
  const t0 = performance.now();
  const perRun = o.hours * 3_600_000;
  const totalMs = perRun * o.seeds.length * o.strategies.length;
  let base = 0;
  const rows: CompareRow[] = [];
  for (const s of o.strategies) {
    const reports: BacktestReport[] = [];
    for (const seed of o.seeds) {
      const label = `${s.name} seed ${seed}`;
      const b = base;
      reports.push(
        await runBacktest({
          hours: o.hours,
          seed,
          symbols: o.symbols,
          overrides: s.overrides,
          strategy: s.strategy,
          ...(o.marketSpec ? { marketSpec: o.marketSpec } : {}),
          ...(o.latency ? { latency: o.latency } : {}),
          ...(o.fees ? { fees: o.fees } : {}),
          ...(o.onProgress ? { onProgress: (d: number) => o.onProgress!(b + d, totalMs, label) } : {}),
        }),
      );
      base += perRun;
    }
    rows.push(summarize(s, o.seeds, reports));
  }
  return { hours: o.hours, symbols: o.symbols, seeds: o.seeds, rows, wallMs: performance.now() - t0 };
}

export function summarize(s: StrategySpec, seeds: number[], reports: BacktestReport[]): CompareRow {
  return {
    name: s.name,
    note: s.note,
    seeds,
    costPerMillion: spreadOf(reports.map((r) => r.costPerMillion), 2),
    volume: spreadOf(reports.map((r) => r.volume), 0)!,
    netPnl: spreadOf(reports.map((r) => r.netPnl), 2)!,
    makerShare: spreadOf(reports.map((r) => r.makerShare), 4),
    fills: spreadOf(reports.map((r) => r.fills), 0)!,
    ordersPerFill: spreadOf(reports.map((r) => r.ordersPerFill), 2),
    maxInventoryNotional: spreadOf(reports.map((r) => r.maxInventoryNotional), 0)!,
    meanInventorySec: spreadOf(reports.map((r) => r.meanInventorySec), 1),
    reports,
  };
}
