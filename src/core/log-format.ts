// Rendering of log.txt: the start-up header (version, mode, symbols, every setting, run-time state; never
// secrets — secrets are not settings) and the periodic stats block, labelled for humans: one line per
// symbol, one line of totals, then risk, tier, API and alert lines.
import { SETTINGS, envName, renderSetting, type Settings } from '../config/settings.js';
import type { ExchangeMetrics } from '../exchange/port.js';
import type { Decimal } from '../util/decimal.js';
import { combinedFormat, fmtMoney as money, fmtPrice, fmtQty, type NumberFormat } from './number-format.js';
import type { Figures } from './stats.js';
import type { TierProgress } from './tiers.js';

export interface HeaderInfo {
  coreVersion: string;
  runMode: string;
  host: string;
  pid: number;
  now: number;
  settings: Readonly<Settings>;
  forceInventory: boolean;
  globalMode: string;
  symbolModes: Record<string, string>;
  feesLine: string;
  journal: string;
}

export function renderHeader(h: HeaderInfo): string {
  const lines = [
    `==================== Tier Hunter ${h.coreVersion} start ${iso(h.now)} ====================`,
    `Mode: ${h.runMode} | Exchange: ${h.host} | PID: ${h.pid}`,
    `Symbols: ${h.settings.symbols.join(', ')}`,
    `Account fees: ${h.feesLine}`,
    `Run-time state: forceInventory=${h.forceInventory ? 'on' : 'off'} globalMode=${h.globalMode} symbolModes=${
      Object.entries(h.symbolModes).map(([k, v]) => `${k}:${v}`).join(',') || '(none)'
    }`,
    `Journal: ${h.journal}`,
    'Settings:',
  ];
  for (const spec of SETTINGS) lines.push(`  ${envName(spec.key)}=${renderSetting(h.settings[spec.key])}`);
  return lines.join('\n') + '\n';
}

/** Every label a stats line carries (tests check the block has them all). */
export const SYMBOL_LABELS = [
  'Mode', 'Position', 'Entry', 'Mark', 'Maker fills', 'Taker fills', 'Filled qty', 'Volume', 'Maker volume', 'Taker volume',
  'Failed orders', 'Success rate', 'Long/short', 'Realized PnL', 'Unrealized PnL', 'Fees', 'Funding', 'Net PnL',
  'Round trips', 'Win rate', 'Avg win', 'Avg loss', 'Largest win', 'Largest loss', 'Avg PnL', 'Cost per $1M', 'Mean time in inventory',
] as const;

export interface SymbolLine {
  symbol: string;
  mode: string;
  mark: Decimal | null;
  f: Figures;
  /** The market's display precision (prices to tick + 2, quantities to the step). */
  format: NumberFormat;
}

export interface BlockInfo {
  now: number;
  startedAt: number;
  symbols: SymbolLine[];
  total: Figures;
  equity: Decimal | null;
  /** How long before `now` the equity figure was read from the exchange (null: never read). */
  equityAgeMs: number | null;
  maxDrawdown: Decimal;
  drawdown: Decimal;
  sharpe: number | null;
  denials: Record<string, number>;
  replacements: Record<string, number>;
  ordersPlaced: number;
  cancelsSent: number;
  tier: TierProgress;
  /** The tier as shown (the table's name only when the account's rates are that tier's) and its rates. */
  tierShown: { name: string; makerBps: Decimal; takerBps: Decimal; fromTable: boolean };
  limits: { session: LimitLine; daily: LimitLine; day: string };
  /** True while the account's fills of the 30 days before this home began are still being read. */
  tierPartial?: boolean;
  spotVolume30d: Decimal;
  metrics: ExchangeMetrics;
  alerts: string[];
  activeAlerts: string[];
}

export interface LimitLine {
  limit: Decimal;
  pnl: Decimal;
  hitAt: number | null;
}

function limitText(l: LimitLine): string {
  if (l.limit.lte(0)) return `${money(l.pnl)} (limit off)`;
  return `${money(l.pnl)} of -${l.limit} (${l.hitAt === null ? 'ok' : `HIT at ${iso(l.hitAt)}`})`;
}

export function renderBlock(b: BlockInfo): string {
  const out = [`---------- Stats ${iso(b.now)} (uptime ${dur(b.now - b.startedAt)}) ----------`];
  for (const s of b.symbols) out.push(`${s.symbol}: Mode ${s.mode} | ${figuresLine(s.f, s.mark, s.format)}`);
  out.push(`TOTAL: ${figuresLine(b.total, null, combinedFormat(b.symbols.map((s) => s.format)))}`);
  out.push(
    `Equity: ${equityText(b.equity, b.equityAgeMs)} | Max drawdown: ${money(b.maxDrawdown)} | Drawdown now: ${money(b.drawdown)} | Sharpe (per-minute): ${
      b.sharpe === null ? 'n/a' : b.sharpe.toFixed(3)
    }`,
  );
  out.push(`Loss limits: session ${limitText(b.limits.session)} | daily (UTC ${b.limits.day}) ${limitText(b.limits.daily)}`);
  out.push(`Failed orders by reason: ${kv(b.total.failures)}`);
  out.push(`Orders placed: ${b.ordersPlaced} | Cancels sent: ${b.cancelsSent} | Replacements by reason: ${kv(b.replacements)} | Risk denials: ${kv(b.denials)}`);
  const t = b.tier;
  out.push(
    `Tier: ${b.tierShown.name} (maker ${b.tierShown.makerBps} bps, taker ${b.tierShown.takerBps} bps${b.tierShown.fromTable ? '' : ': the account\'s rates, not a tier of the table'}) | 30d futures volume: ${money(t.volume30d)}${
      b.tierPartial ? ' (partial: older history still being read)' : ''
    } | Next tier: ${
      t.next ? `${t.next.name} at ${money(t.next.volume)}` : 'top'
    } | Progress: ${(t.progress * 100).toFixed(1)}% | ETA: ${t.etaMs === null ? 'n/a' : dur(t.etaMs)} | 30d spot volume: ${money(b.spotVolume30d)}`,
  );
  const m = b.metrics;
  const pct = m.restLimitPerMinute > 0 ? ((m.restLastMinute / m.restLimitPerMinute) * 100).toFixed(1) : 'n/a';
  const endpoints = Object.entries(m.byEndpoint).map(([k, v]) => `${k}=${v.calls}`).join(', ') || '(none)';
  const streams = Object.entries(m.byStream).map(([k, v]) => `${k}=${v.messages}`).join(', ') || '(none)';
  const ratio = m.restTotal > 0 ? (m.wsMessages / m.restTotal).toFixed(1) : 'n/a';
  out.push(`REST calls: ${m.restTotal} | REST last minute: ${m.restLastMinute} / ${m.restLimitPerMinute} (${pct}%) | HTTP 429: ${m.http429} | REST errors: ${m.restErrors}`);
  out.push(`REST per endpoint: ${endpoints}`);
  out.push(`WS messages: ${m.wsMessages} | WS per stream: ${streams} | WS/API ratio: ${ratio} | Reconnects: ${m.reconnects} | WS parse errors: ${m.wsParseErrors}`);
  out.push(`Active alerts: ${b.activeAlerts.length ? b.activeAlerts.join('; ') : 'none'}`);
  for (const a of b.alerts) out.push(`  ${a}`);
  return out.join('\n') + '\n';
}

/** The equity and how old the figure is (it comes from a REST read, not from the stream). */
function equityText(equity: Decimal | null, ageMs: number | null): string {
  if (equity === null) return 'n/a';
  return ageMs === null ? money(equity) : `${money(equity)} (read ${dur(ageMs)} ago)`;
}

function figuresLine(f: Figures, mark: Decimal | null, nf: NumberFormat): string {
  return [
    `Position ${fmtQty(f.position, nf)}`,
    `Entry ${f.avgEntry === null ? 'n/a' : fmtPrice(f.avgEntry, nf)}`,
    `Mark ${mark === null ? 'n/a' : fmtPrice(mark, nf)}`,
    `Maker fills ${f.makerFills}`,
    `Taker fills ${f.takerFills}`,
    `Filled qty ${fmtQty(f.filledQty, nf)}`,
    `Volume ${money(f.volume)}`,
    `Maker volume ${money(f.makerVolume)}`,
    `Taker volume ${money(f.takerVolume)}`,
    `Failed orders ${f.failedOrders}`,
    `Success rate ${f.successRate === null ? 'n/a' : (f.successRate * 100).toFixed(1) + '%'}`,
    `Long/short ${f.longShortRatio === null ? 'n/a' : f.longShortRatio.toFixed(3)}`,
    `Realized PnL ${money(f.realizedPnl)}`,
    `Unrealized PnL ${money(f.unrealizedPnl)}`,
    `Fees ${money(f.fees)}`,
    `Funding ${money(f.funding)}`,
    `Net PnL ${money(f.netPnl)}`,
    `Round trips ${f.trips} (W ${f.wins} / L ${f.losses})`,
    `Win rate ${f.winRate === null ? 'n/a' : (f.winRate * 100).toFixed(1) + '%'}`,
    `Avg win ${f.averageWin === null ? 'n/a' : money(f.averageWin)}`,
    `Avg loss ${f.averageLoss === null ? 'n/a' : money(f.averageLoss)}`,
    `Largest win ${money(f.largestWin)}`,
    `Largest loss ${money(f.largestLoss)}`,
    `Avg PnL ${f.averagePnl === null ? 'n/a' : money(f.averagePnl)}`,
    `Cost per $1M ${f.costPerMillion === null ? 'n/a' : money(f.costPerMillion)}`,
    `Mean time in inventory ${f.meanInventoryMs === null ? 'n/a' : dur(f.meanInventoryMs)}`,
  ].join(' | ');
}

function kv(r: Record<string, number>): string {
  const e = Object.entries(r);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : 'none';
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function dur(ms: number): string {
  // Inventory is often held for under a second: show tenths there instead of rounding to "0s".
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d${h}h${String(m).padStart(2, '0')}m`;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}
