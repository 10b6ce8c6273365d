// Every tunable of Tier Hunter: name, default, meaning and validation, in one table. Values come from the
// conf store under TIERHUNTER_HOME (settings.json), each overridden by TIERHUNTER_<UPPER_SNAKE>. The
// result is one typed, validated, frozen object. Secrets are NOT settings: they only come from BPX_*.
import { D, Decimal } from '../util/decimal.js';
import { ConfigError } from './errors.js';

export type SideMode = 'with' | 'against';

export interface Settings {
  symbols: string[];
  orderNotional: Decimal;
  orderQuantity: Record<string, Decimal>;
  inventoryThreshold: Decimal;
  forceReduceOnInventory: boolean;
  tradeLookbackSec: number;
  imbalanceEmaAlpha: number;
  imbalanceThreshold: number;
  minSideHoldSec: number;
  sideMode: SideMode;
  improveTicks: number;
  refreshToleranceTicks: number;
  minRequoteMs: number;
  exitEscalation: boolean;
  exitEscalateAfterSec: number;
  exitAdverseBps: number;
  maxPositionNotional: Decimal;
  sessionLossLimit: Decimal;
  dailyLossLimit: Decimal;
  flattenOnStop: boolean;
  spotTargetBase: Record<string, Decimal>;
  statsLogIntervalSec: number;
  summaryIntervalSec: number;
  logFile: string;
  restRateLimit: number;
  requestTimeoutMs: number;
  recvWindowMs: number;
  wsWatchdogSec: number;
  equityRefreshSec: number;
  positionRefreshSec: number;
  balanceRefreshSec: number;
  reconcileIntervalSec: number;
  rejectBackoffMs: number;
  alertApiUsagePct: number;
  alertInventoryAgeSec: number;
  alertInventoryNotional: Decimal;
  alertConsecutiveFailures: number;
  alertStreamSilentSec: number;
  alertDrawdown: Decimal;
  alertWsApiRatio: number;
  alertSuccessRatePct: number;
  alertLongShortRatio: number;
  journalCompactRecords: number;
  backfillPagesPerMin: number;
  paperFillHistory: number;
}

type Kind = 'int' | 'number' | 'decimal' | 'bool' | 'string' | 'symbols' | 'sideMode' | 'symbolDecimals';

export interface SettingSpec {
  key: keyof Settings;
  kind: Kind;
  def: string;
  min?: number;
  max?: number;
  doc: string;
}

/** The table the README documents. `def` is the default in its environment-variable spelling. */
export const SETTINGS: readonly SettingSpec[] = [
  { key: 'symbols', kind: 'symbols', def: 'SOL_USDC_PERP,BTC_USDC_PERP,ETH_USDC_PERP', doc: 'Markets to quote, comma separated (perps and spot).' },
  { key: 'orderNotional', kind: 'decimal', def: '50', min: 0, doc: 'Order size in quote currency (USDC) per quote, rounded down to the step size, never below the market minimum.' },
  { key: 'orderQuantity', kind: 'symbolDecimals', def: '', doc: 'Per-symbol base-quantity override, e.g. `SOL_USDC_PERP=0.5,BTC_USDC_PERP=0.001`.' },
  { key: 'inventoryThreshold', kind: 'decimal', def: '0.001', min: 0, doc: 'Position (base units) at or above which the inventory rule quotes the closing side; capped at the market minimum quantity so any closable position is closed.' },
  { key: 'forceReduceOnInventory', kind: 'bool', def: 'true', doc: 'Inventory first: when holding, quote a post-only reduce-only close at once (toggled at run time with `i`).' },
  { key: 'tradeLookbackSec', kind: 'number', def: '2.0', min: 0.1, max: 600, doc: 'Window of public trades for taker buy/sell volume.' },
  { key: 'imbalanceEmaAlpha', kind: 'number', def: '0.4', min: 0.001, max: 1, doc: 'EMA smoothing of the imbalance ratio.' },
  { key: 'imbalanceThreshold', kind: 'number', def: '1.3', min: 1, max: 100, doc: 'Ratio past which the flow picks a side (buy/sell or sell/buy).' },
  { key: 'minSideHoldSec', kind: 'number', def: '1.5', min: 0, max: 3600, doc: 'Minimum time a flow-chosen side is held.' },
  { key: 'sideMode', kind: 'sideMode', def: 'with', doc: '`with`: quote the side takers hit (ask while takers buy, as the original); `against`: the other side.' },
  { key: 'improveTicks', kind: 'int', def: '1', min: 0, max: 100, doc: 'Improve the best price by this many ticks when the spread allows (never crossing).' },
  { key: 'refreshToleranceTicks', kind: 'int', def: '0', min: 0, max: 1000, doc: 'Re-quote only when the order is more than this many ticks from the target price.' },
  { key: 'minRequoteMs', kind: 'int', def: '250', min: 0, max: 600000, doc: 'Minimum interval between replacements of a symbol\'s order.' },
  { key: 'exitEscalation', kind: 'bool', def: 'false', doc: 'Escalate an unfilled reduce-only exit: improve the price, then IOC reduce-only at the touch.' },
  { key: 'exitEscalateAfterSec', kind: 'number', def: '30', min: 0, max: 86400, doc: 'Inventory age that starts the exit escalation.' },
  { key: 'exitAdverseBps', kind: 'number', def: '25', min: 0, max: 10000, doc: 'Adverse move from entry (bps) that starts the exit escalation.' },
  { key: 'maxPositionNotional', kind: 'decimal', def: '500', min: 0, doc: 'Per-symbol cap on position notional (USDC); orders that could exceed it are denied.' },
  { key: 'sessionLossLimit', kind: 'decimal', def: '100', min: 0, doc: 'Net loss (USDC, fees and funding included) since this start that halts opening quotes (exits continue). A hit limit stays hit across restarts until the UTC day rolls over or `ctl resume --reset-limits`. 0 disables.' },
  { key: 'dailyLossLimit', kind: 'decimal', def: '300', min: 0, doc: 'Net loss (USDC, fees and funding included) since the start of the UTC day that halts opening quotes (exits continue); counted across restarts, so a crash loop gets no fresh budget. Stays hit until the day rolls over or `ctl resume --reset-limits`. 0 disables.' },
  { key: 'flattenOnStop', kind: 'bool', def: 'false', doc: 'On SIGTERM/SIGINT or `q`, close every position with reduce-only orders (post-only at the touch, then IOC) for up to 5 s before cancelling the rest; overrides pause.' },
  { key: 'spotTargetBase', kind: 'symbolDecimals', def: '', doc: 'Spot only: base balance per symbol the bot keeps (it never sells below it); inventory = base held - target, e.g. `SOL_USDC=2`. Default 0: entries are bought with the quote and sold back.' },
  { key: 'statsLogIntervalSec', kind: 'number', def: '60', min: 1, max: 86400, doc: 'How often a stats block is appended to log.txt.' },
  { key: 'summaryIntervalSec', kind: 'number', def: '300', min: 1, max: 86400, doc: 'How often a one-line summary is printed to stdout.' },
  { key: 'logFile', kind: 'string', def: './log.txt', doc: 'Stats file (appended, never truncated), relative to the working directory.' },
  { key: 'restRateLimit', kind: 'int', def: '2000', min: 10, max: 100000, doc: 'Client-side REST budget per rolling minute; requests wait rather than exceed it.' },
  { key: 'requestTimeoutMs', kind: 'int', def: '5000', min: 100, max: 120000, doc: 'Timeout of every REST request.' },
  { key: 'recvWindowMs', kind: 'int', def: '5000', min: 100, max: 60000, doc: 'X-Window of signed requests (exchange max 60000).' },
  { key: 'wsWatchdogSec', kind: 'number', def: '20', min: 1, max: 600, doc: 'Reconnect the websocket when no message or pong arrives for this long.' },
  { key: 'equityRefreshSec', kind: 'number', def: '10', min: 1, max: 3600, doc: 'Minimum interval between REST equity reads.' },
  { key: 'positionRefreshSec', kind: 'number', def: '3', min: 1, max: 3600, doc: 'Minimum interval between REST position reads (only when streams cannot answer).' },
  { key: 'balanceRefreshSec', kind: 'number', def: '2', min: 0.25, max: 3600, doc: 'Spot only: after fills (and balance-stream hints) balances are re-read from REST, at most once per this interval.' },
  { key: 'reconcileIntervalSec', kind: 'number', def: '60', min: 5, max: 86400, doc: 'Slow periodic REST reconciliation of orders and positions.' },
  { key: 'rejectBackoffMs', kind: 'int', def: '250', min: 0, max: 60000, doc: 'Base back-off after a post-only or reduce-only rejection (doubles on repeats).' },
  { key: 'alertApiUsagePct', kind: 'number', def: '80', min: 1, max: 100, doc: 'Alert when REST calls in the last minute exceed this share of the limit.' },
  { key: 'alertInventoryAgeSec', kind: 'number', def: '300', min: 1, max: 86400, doc: 'Alert when inventory is held longer than this.' },
  { key: 'alertInventoryNotional', kind: 'decimal', def: '400', min: 0, doc: 'Alert when a position notional exceeds this (USDC).' },
  { key: 'alertConsecutiveFailures', kind: 'int', def: '5', min: 1, max: 10000, doc: 'Alert after this many consecutive failed orders on a symbol.' },
  { key: 'alertStreamSilentSec', kind: 'number', def: '30', min: 1, max: 3600, doc: 'Alert when the websocket has been silent this long.' },
  { key: 'alertDrawdown', kind: 'decimal', def: '50', min: 0, doc: 'Alert when net-PnL drawdown from its peak exceeds this (USDC).' },
  { key: 'alertWsApiRatio', kind: 'number', def: '10', min: 0, max: 100000, doc: 'Alert when websocket messages per REST call over the last 5 minutes fall below this (the original\'s WS/API > 10 rule; judged after 5 minutes and 30 REST calls). 0 disables.' },
  { key: 'alertSuccessRatePct', kind: 'number', def: '80', min: 0, max: 100, doc: 'Alert when fills / (fills + failed orders) over the last 5 minutes falls below this percentage (judged from 20 attempts). 0 disables.' },
  { key: 'alertLongShortRatio', kind: 'number', def: '2', min: 1, max: 1000, doc: 'Alert when a symbol\'s bought / sold quantity over the last 10 minutes is beyond this ratio either way (2 = beyond 2:1 or 1:2; judged from 10 fills).' },
  { key: 'journalCompactRecords', kind: 'int', def: '50000', min: 100, max: 10000000, doc: 'Compact the fill journal (a checkpoint of the cumulative stats, then a fresh segment) once this many records were written since the last checkpoint, and at shutdown: a start reads the checkpoint and at most about this many records.' },
  { key: 'backfillPagesPerMin', kind: 'number', def: '10', min: 0.1, max: 600, doc: 'Pace of the one-time read of the 30-day account fill history a new home needs for its tier volume (pages of 1,000 fills per minute; paused while REST usage is above half the budget).' },
  { key: 'paperFillHistory', kind: 'int', def: '1000000', min: 1000, max: 100000000, doc: 'Paper mode: fills the in-process paper exchange keeps per account (the newest; ~52 bytes each in memory), as the real exchange keeps an account\'s history.' },
];

/** `orderNotional` -> `TIERHUNTER_ORDER_NOTIONAL`. */
export function envName(key: string): string {
  return 'TIERHUNTER_' + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** A Backpack spot or perp symbol: SOL_USDC, SOL_USDC_PERP. */
export const SYMBOL_RE = /^[A-Z0-9]+_[A-Z0-9]+(_PERP)?$/;

function parseOne(spec: SettingSpec, raw: string, source: string): unknown {
  const name = source === 'env' ? envName(spec.key) : `${spec.key} (settings.json)`;
  const bad = (allowed: string) => new ConfigError(name, `${name}=${JSON.stringify(raw)} is invalid: ${allowed}`);
  const v = raw.trim();
  const range = (x: number) => {
    if (spec.min !== undefined && x < spec.min) throw bad(`must be >= ${spec.min}`);
    if (spec.max !== undefined && x > spec.max) throw bad(`must be <= ${spec.max}`);
    return x;
  };
  switch (spec.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(v)) throw bad('expected a whole number');
      return range(Number(v));
    }
    case 'number': {
      if (!/^-?(\d+\.?\d*|\.\d+)$/.test(v)) throw bad('expected a number');
      return range(Number(v));
    }
    case 'decimal': {
      if (!/^-?(\d+\.?\d*|\.\d+)$/.test(v)) throw bad('expected a decimal number');
      const d = D(v);
      if (spec.min !== undefined && d.lt(spec.min)) throw bad(`must be >= ${spec.min}`);
      return d;
    }
    case 'bool': {
      const l = v.toLowerCase();
      if (['true', '1', 'on', 'yes'].includes(l)) return true;
      if (['false', '0', 'off', 'no'].includes(l)) return false;
      throw bad('expected true or false');
    }
    case 'string': {
      if (!v) throw bad('must not be empty');
      return v;
    }
    case 'sideMode': {
      if (v !== 'with' && v !== 'against') throw bad('expected `with` or `against`');
      return v;
    }
    case 'symbols': {
      const list = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (list.length === 0) throw bad('list at least one symbol, e.g. SOL_USDC_PERP');
      for (const s of list) if (!SYMBOL_RE.test(s)) throw bad(`"${s}" is not a Backpack symbol like SOL_USDC_PERP or SOL_USDC`);
      if (new Set(list).size !== list.length) throw bad('a symbol is listed twice');
      return list;
    }
    case 'symbolDecimals': {
      const out: Record<string, Decimal> = {};
      if (!v) return out;
      for (const part of v.split(',')) {
        const m = /^\s*([A-Z0-9_]+)\s*[=:]\s*(\d+\.?\d*|\.\d+)\s*$/.exec(part);
        if (!m || !SYMBOL_RE.test(m[1]!)) throw bad('expected SYMBOL=QUANTITY pairs, e.g. SOL_USDC_PERP=0.5,BTC_USDC_PERP=0.001');
        out[m[1]!] = D(m[2]!);
      }
      return out;
    }
  }
}

/** Render a setting value back to its environment spelling (log.txt header, README). */
export function renderSetting(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (value instanceof Decimal) return value.toString();
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, x]) => `${k}=${String(x)}`).join(',');
  }
  return String(value);
}

/**
 * Build the frozen Settings from a stored object (conf store) and the environment. Throws ConfigError
 * naming the first bad setting. Unknown TIERHUNTER_* variables are rejected too (typos must not be silent).
 */
export function resolveSettings(stored: Record<string, unknown>, env: NodeJS.ProcessEnv): Readonly<Settings> {
  const out: Record<string, unknown> = {};
  for (const spec of SETTINGS) {
    const e = env[envName(spec.key)];
    const s = stored[spec.key];
    if (e !== undefined) out[spec.key] = parseOne(spec, e, 'env');
    else if (s !== undefined && s !== null) out[spec.key] = parseOne(spec, typeof s === 'string' ? s : renderSetting(s), 'store');
    else out[spec.key] = parseOne(spec, spec.def, 'env');
  }
  const known = new Set(SETTINGS.map((s) => envName(s.key)));
  for (const k of Object.keys(env)) {
    if (k.startsWith('TIERHUNTER_') && !known.has(k) && !NON_SETTING_ENV.has(k)) {
      throw new ConfigError(k, `${k} is not a Tier Hunter setting; see the README's settings table for the valid names`);
    }
  }
  const settings = out as unknown as Settings;
  if (settings.imbalanceThreshold <= 1) {
    throw new ConfigError(envName('imbalanceThreshold'), `${envName('imbalanceThreshold')} must be > 1 (it is a ratio of buy to sell volume)`);
  }
  return Object.freeze(settings);
}

/** TIERHUNTER_* variables that are not tunables (paths, modes, test switches). */
export const NON_SETTING_ENV = new Set([
  'TIERHUNTER_HOME', 'TIERHUNTER_TEST', 'TIERHUNTER_SECRET_FILE', 'TIERHUNTER_SIM_SEED', 'TIERHUNTER_PAPER_PORT', 'TIERHUNTER_PM2_APPS', 'TIERHUNTER_TSX',
  // Read by ecosystem.config.cjs only (the opt-in recorder app).
  'TIERHUNTER_RECORD_SYMBOLS', 'TIERHUNTER_RECORD_DIR', 'TIERHUNTER_RECORD_ROTATE_MINUTES',
]);

export function defaultSettings(): Readonly<Settings> {
  return resolveSettings({}, {});
}
