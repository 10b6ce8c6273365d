// The original bot's health rules as windowed alert conditions. The counters they need are cumulative
// (the port's REST/WS totals, each ledger's fills, failures and bought/sold quantity), so the monitor keeps
// a sample of them every few seconds and judges each rule on the difference over its window: what the
// last minutes looked like, not the average since start. Pure: time comes in as `now`.
//
//   ws-api        WS messages / REST calls over the last 5 minutes below TIERHUNTER_ALERT_WS_API_RATIO
//                 (judged once the run has 5 minutes of samples and made at least MIN_REST_CALLS calls in them)
//   success-rate  fills / (fills + failed orders), all symbols, over the last 5 minutes (or since start),
//                 below TIERHUNTER_ALERT_SUCCESS_RATE_PCT, once there were at least MIN_ATTEMPTS of them
//   long-short    per symbol: bought / sold base quantity of our fills over the last 10 minutes beyond
//                 TIERHUNTER_ALERT_LONG_SHORT_RATIO:1 either way (a side with nothing counts as beyond),
//                 judged once the run has 10 minutes of samples and at least MIN_FILLS fills in them
import type { Settings } from '../config/settings.js';
import type { RaisedAlertLevel } from '../domain/alert.js';
import type { ExchangeMetrics } from '../exchange/port.js';
import { type Decimal, ZERO } from '../util/decimal.js';
import { fmtQty, type NumberFormat } from './number-format.js';
import type { TradingStats } from './stats.js';

export const WS_API_WINDOW_MS = 5 * 60_000;
export const SUCCESS_WINDOW_MS = 5 * 60_000;
export const LONG_SHORT_WINDOW_MS = 10 * 60_000;
/** Below this many REST calls in the window, REST use is too light for the ratio to mean anything. */
export const MIN_REST_CALLS = 30;
/** Fills + failed orders in the window before the success rate is judged (a start must not alarm). */
export const MIN_ATTEMPTS = 20;
/** Fills of a symbol in the window before its long/short ratio is judged. */
export const MIN_FILLS = 10;
/** How often the counters are sampled: windows are their length plus at most this. */
export const SAMPLE_MS = 5000;

export interface AlertCondition {
  on: boolean;
  id: string;
  kind: string;
  level: RaisedAlertLevel;
  message: string;
}

export type HealthSettings = Pick<Settings, 'alertWsApiRatio' | 'alertSuccessRatePct' | 'alertLongShortRatio'>;

interface SymbolSample {
  fills: number;
  bought: Decimal;
  sold: Decimal;
}

interface Sample {
  at: number;
  ws: number;
  rest: number;
  fills: number;
  failed: number;
  bySymbol: Map<string, SymbolSample>;
}

export interface CounterSource {
  now: number;
  metrics: ExchangeMetrics;
  stats: TradingStats;
  /** The traded symbols and their display formats (for the messages). */
  symbols: ReadonlyArray<{ symbol: string; format: NumberFormat }>;
}

export interface HealthInput extends CounterSource {
  settings: Readonly<HealthSettings>;
}

const LONGEST_WINDOW_MS = Math.max(WS_API_WINDOW_MS, SUCCESS_WINDOW_MS, LONG_SHORT_WINDOW_MS);

export class HealthMonitor {
  private samples: Sample[] = [];

  /**
   * The counters when trading starts (after the journal replay): windows younger than the run count from
   * here, so what happens before the first evaluation (the first second) is counted too.
   */
  begin(x: CounterSource): void {
    this.samples = [];
    this.sample(x);
  }

  /** Sample the counters (at most every SAMPLE_MS) and judge every rule. */
  evaluate(x: HealthInput): AlertCondition[] {
    const cur = this.sample(x);
    const out: AlertCondition[] = [this.wsApi(x, cur), this.successRate(x, cur)];
    for (const s of x.symbols) out.push(this.longShort(x, cur, s.symbol, s.format));
    return out;
  }

  private sample(x: CounterSource): Sample {
    const bySymbol = new Map<string, SymbolSample>();
    let fills = 0;
    let failed = 0;
    for (const { symbol } of x.symbols) {
      const l = x.stats.ledger(symbol);
      bySymbol.set(symbol, { fills: l.fills, bought: l.buyQty, sold: l.sellQty });
      fills += l.fills;
      failed += l.failedOrders;
    }
    const cur: Sample = { at: x.now, ws: x.metrics.wsMessages, rest: x.metrics.restTotal, fills, failed, bySymbol };
    const newest = this.samples[this.samples.length - 1];
    if (!newest || x.now - newest.at >= SAMPLE_MS) this.samples.push(cur);
    // Keep one sample at or before the longest window's start, and everything after it.
    let drop = 0;
    while (drop + 1 < this.samples.length && this.samples[drop + 1]!.at <= x.now - LONGEST_WINDOW_MS) drop++;
    if (drop > 0) this.samples.splice(0, drop);
    return cur;
  }

  /** The newest sample at least `windowMs` old; null while the run is younger than the window. */
  private base(now: number, windowMs: number): Sample | null {
    for (let i = this.samples.length - 1; i >= 0; i--) if (this.samples[i]!.at <= now - windowMs) return this.samples[i]!;
    return null;
  }

  private wsApi(x: HealthInput, cur: Sample): AlertCondition {
    const min = x.settings.alertWsApiRatio;
    const b = this.base(x.now, WS_API_WINDOW_MS);
    const rest = b ? cur.rest - b.rest : 0;
    const ws = b ? cur.ws - b.ws : 0;
    const ratio = rest > 0 ? ws / rest : Infinity;
    return {
      on: min > 0 && rest >= MIN_REST_CALLS && ratio < min,
      id: 'ws-api',
      kind: 'WS/API ratio',
      level: 'warn',
      message: `WS/API ratio ${ratio.toFixed(1)} over the last 5 min (${ws} WS messages / ${rest} REST calls) below ${min}`,
    };
  }

  private successRate(x: HealthInput, cur: Sample): AlertCondition {
    const minPct = x.settings.alertSuccessRatePct;
    // Since start when the run is younger than the window: the minimum of attempts guards the start.
    const b = this.base(x.now, SUCCESS_WINDOW_MS) ?? this.samples[0]!;
    const fills = cur.fills - b.fills;
    const failed = cur.failed - b.failed;
    const attempts = fills + failed;
    const rate = attempts > 0 ? (fills / attempts) * 100 : 100;
    return {
      on: minPct > 0 && attempts >= MIN_ATTEMPTS && rate < minPct,
      id: 'success-rate',
      kind: 'success rate',
      level: 'warn',
      message: `success rate ${rate.toFixed(1)}% over the last 5 min (${fills} fills, ${failed} failed orders) below ${minPct}%`,
    };
  }

  private longShort(x: HealthInput, cur: Sample, symbol: string, nf: NumberFormat): AlertCondition {
    const bound = x.settings.alertLongShortRatio;
    const b = this.base(x.now, LONG_SHORT_WINDOW_MS)?.bySymbol.get(symbol);
    const c = cur.bySymbol.get(symbol)!;
    const fills = b ? c.fills - b.fills : 0;
    const bought = b ? c.bought.minus(b.bought) : ZERO;
    const sold = b ? c.sold.minus(b.sold) : ZERO;
    // A statistic, not money: the float is fine here.
    const ratio = sold.isZero() ? (bought.isZero() ? 1 : Infinity) : bought.div(sold).toNumber();
    const far = ratio > bound || ratio < 1 / bound;
    return {
      on: fills >= MIN_FILLS && far,
      id: `long-short:${symbol}`,
      kind: 'long/short',
      level: 'warn',
      message: `[${symbol}] long/short ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'inf'} over the last 10 min (bought ${fmtQty(bought, nf)}, sold ${fmtQty(sold, nf)} in ${fills} fills) beyond ${bound}:1 either way`,
    };
  }
}
