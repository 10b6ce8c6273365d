// The core's published state: what `tierhunter attach` and `ctl snapshot` show. Decimals travel as
// strings and times as epoch milliseconds, because the UI renders exactly these values (the core builds
// them in src/core/snapshot.ts; the control protocol sends them unchanged).
import type { AlertView } from './alert.js';
import type { MarketType } from './market.js';
import type { Side } from './side.js';
import type { SideReason, TradingMode } from './trading-mode.js';

export type RunMode = 'paper' | 'live';

export interface OrderView {
  side: Side;
  price: string;
  quantity: string;
  executedQuantity: string;
  reduceOnly: boolean;
  status: string;
  clientId: number;
  ageMs: number;
}

export interface SymbolView {
  symbol: string;
  marketType: MarketType;
  mode: TradingMode;
  /** Why the symbol is in its mode when not ACTIVE (e.g. "operator", "book resync", "loss limit"). */
  modeReason: string | null;
  side: Side | null;
  sideReason: SideReason;
  /** Smoothed taker buy/sell imbalance ratio (EMA); null until enough trades. */
  imbalance: number | null;
  order: OrderView | null;
  bestBid: string | null;
  bestAsk: string | null;
  markPrice: string | null;
  position: string;
  positionNotional: string;
  entryPrice: string | null;
  unrealizedPnl: string;
  realizedPnl: string;
  fees: string;
  makerFills: number;
  takerFills: number;
  volume: string;
  /** ms the current inventory has been held (null when flat). */
  inventoryAgeMs: number | null;
}

export interface TotalsView {
  fills: number;
  makerFills: number;
  takerFills: number;
  volume: string;
  makerVolume: string;
  takerVolume: string;
  volumeToday: string;
  volume30d: string;
  realizedPnl: string;
  unrealizedPnl: string;
  funding: string;
  fees: string;
  netPnl: string;
  /** Net cost per $1M of volume (positive = paid); null before any volume. */
  costPerMillion: string | null;
  successRate: number | null;
  longShortRatio: number | null;
  maxDrawdown: string;
  winRate: number | null;
  failedOrders: number;
  equity: string | null;
}

export interface TierView {
  current: string;
  next: string | null;
  volume30d: string;
  nextThreshold: string | null;
  /** 0..1 progress from the current tier's threshold to the next one. */
  progress: number;
  /** ms to reach the next tier at the current pace; null when unknown or at the top. */
  etaMs: number | null;
  makerFeeBps: string;
  takerFeeBps: string;
  /**
   * True while the account's fills of the 30 days before this home began are still being read (a new
   * home's one-time backfill): volume30d is then a lower bound. Absent from older cores.
   */
  partial?: boolean;
}

export interface ApiView {
  restLastMinute: number;
  restLimit: number;
  restTotal: number;
  wsLastMinute: number;
  wsTotal: number;
  wsApiRatio: number | null;
  http429: number;
  reconnects: number;
  wsConnected: boolean;
  lastMessageAgoMs: number | null;
  restErrors: number;
  parseErrors: number;
}

export interface FillView {
  ts: number;
  symbol: string;
  side: Side;
  price: string;
  quantity: string;
  isMaker: boolean;
  fee: string;
  reduceOnly: boolean;
  realizedPnl: string;
}

export interface LossLimitView {
  /** The limit in USDC; "0" = disabled. */
  limit: string;
  /** Net PnL since the limit's baseline (negative = loss). */
  pnl: string;
  /** Latched until the UTC day rolls over or the operator resumes with a reset. */
  hit: boolean;
  hitAt: number | null;
}

export interface LimitsView {
  /** From the start of this process (or the operator's last reset). */
  session: LossLimitView;
  /** From the start of the UTC day `day` (YYYY-MM-DD). */
  daily: LossLimitView;
  day: string;
}

export interface Snapshot {
  coreVersion: string;
  runMode: RunMode;
  exchangeHost: string;
  pid: number;
  startedAt: number;
  now: number;
  globalMode: TradingMode;
  forceInventory: boolean;
  symbols: SymbolView[];
  totals: TotalsView;
  tier: TierView;
  api: ApiView;
  /** Net PnL samples (one per minute, oldest first, bounded) for the sparkline. */
  pnlHistory: number[];
  /** Newest first, bounded. */
  recentFills: FillView[];
  alerts: AlertView[];
  limits: LimitsView;
  logFile: string;
}
