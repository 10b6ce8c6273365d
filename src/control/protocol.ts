// The control protocol between the headless core and its clients (the Ink TUI, `tierhunter ctl`).
// Newline-delimited JSON over a Unix socket (framed by ./ndjson.ts). This module and ndjson.ts are the
// ONLY things the UI imports from the core: types and pure helpers, no I/O. Decimals travel as strings, times as epoch milliseconds.

export const PROTOCOL_VERSION = 1;
/** A line longer than this is rejected with an error reply (and the connection is kept). */
export const MAX_LINE_BYTES = 64 * 1024;
/** The core never pushes state more often than this. */
export const MIN_PUSH_INTERVAL_MS = 100;

export type TradingMode = 'ACTIVE' | 'PAUSED' | 'REDUCING' | 'HALTED';
export type RunMode = 'paper' | 'live';
export type SideName = 'Bid' | 'Ask';
/** Why the side: inventory rule, taker flow (fresh or held), exit escalation, or (spot) the only side the balance funds. */
export type SideReason = 'inventory' | 'flow' | 'hold' | 'none' | 'escalation' | 'funds';

export interface OrderView {
  side: SideName;
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
  marketType: 'SPOT' | 'PERP';
  mode: TradingMode;
  /** Why the symbol is in its mode when not ACTIVE (e.g. "operator", "book resync", "loss limit"). */
  modeReason: string | null;
  side: SideName | null;
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
  side: SideName;
  price: string;
  quantity: string;
  isMaker: boolean;
  fee: string;
  reduceOnly: boolean;
  realizedPnl: string;
}

export interface AlertView {
  id: string;
  kind: string;
  /** info: an event (e.g. a fee rate changed), shown once and never active. */
  level: 'info' | 'warn' | 'critical';
  message: string;
  active: boolean;
  raisedAt: number;
  clearedAt: number | null;
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

export type CommandName = 'pause' | 'resume' | 'flatten' | 'forceInventory' | 'flush' | 'stats' | 'snapshot';
export const COMMAND_NAMES: readonly CommandName[] = ['pause', 'resume', 'flatten', 'forceInventory', 'flush', 'stats', 'snapshot'];

export interface Command {
  type: 'cmd';
  id: string;
  name: CommandName;
  /** One symbol, or omitted for all. */
  symbol?: string;
  /** forceInventory only. */
  value?: 'on' | 'off' | 'toggle';
  /** resume only: also reset the loss limits (they count from now; a hit limit is released). */
  resetLimits?: boolean;
}

/** What a client asks for; the clients add the id. */
export interface CommandArgs {
  name: CommandName;
  symbol?: string;
  value?: 'on' | 'off' | 'toggle';
  resetLimits?: boolean;
}

/** One Command line's object from a client's request (both clients build it here). */
export function buildCommand(id: string, a: CommandArgs): Command {
  const cmd: Command = { type: 'cmd', id, name: a.name };
  if (a.symbol !== undefined) cmd.symbol = a.symbol;
  if (a.value !== undefined) cmd.value = a.value;
  if (a.resetLimits !== undefined) cmd.resetLimits = a.resetLimits;
  return cmd;
}

/** Core -> client messages. */
export type ServerMessage =
  | { type: 'hello'; protocol: number; coreVersion: string; pid: number }
  | { type: 'snapshot'; seq: number; snapshot: Snapshot }
  /** Top-level Snapshot keys that changed since the previous push, replaced wholesale. */
  | { type: 'patch'; seq: number; changes: Partial<Snapshot> }
  | { type: 'reply'; id: string | null; ok: true; message: string; data?: unknown }
  | { type: 'reply'; id: string | null; ok: false; error: string }
  | { type: 'bye'; reason: string };

export function encode(msg: ServerMessage | Command): string {
  return JSON.stringify(msg) + '\n';
}

/** Validate one client line into a Command, or return an error string. Pure. */
export function parseCommand(line: string): { ok: true; cmd: Command } | { ok: false; id: string | null; error: string } {
  if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) return { ok: false, id: null, error: `line exceeds ${MAX_LINE_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, id: null, error: 'malformed JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, id: null, error: 'expected a JSON object' };
  const o = raw as Record<string, unknown>;
  const id = typeof o['id'] === 'string' && o['id'].length <= 64 ? o['id'] : null;
  if (o['type'] !== 'cmd') return { ok: false, id, error: 'expected type "cmd"' };
  if (id === null) return { ok: false, id: null, error: 'missing or invalid id (string, at most 64 chars)' };
  const name = o['name'];
  if (typeof name !== 'string' || !(COMMAND_NAMES as readonly string[]).includes(name)) {
    return { ok: false, id, error: `unknown command ${JSON.stringify(name)}; expected one of ${COMMAND_NAMES.join(', ')}` };
  }
  const cmd: Command = { type: 'cmd', id, name: name as CommandName };
  if (o['symbol'] !== undefined && o['symbol'] !== null) {
    if (typeof o['symbol'] !== 'string' || !/^[A-Z0-9_]{1,40}$/.test(o['symbol'])) return { ok: false, id, error: 'invalid symbol' };
    cmd.symbol = o['symbol'];
  }
  if (name === 'forceInventory') {
    const v = o['value'] ?? 'toggle';
    if (v !== 'on' && v !== 'off' && v !== 'toggle') return { ok: false, id, error: 'forceInventory value must be on, off or toggle' };
    cmd.value = v;
  }
  if (o['resetLimits'] !== undefined) {
    if (name !== 'resume') return { ok: false, id, error: 'resetLimits is only valid with resume' };
    if (typeof o['resetLimits'] !== 'boolean') return { ok: false, id, error: 'resetLimits must be true or false' };
    cmd.resetLimits = o['resetLimits'];
  }
  return { ok: true, cmd };
}

/** Apply a server message to a client-side snapshot. Pure; used by the UI hook and by tests. */
export function applyMessage(prev: Snapshot | null, msg: ServerMessage): Snapshot | null {
  if (msg.type === 'snapshot') return msg.snapshot;
  if (msg.type === 'patch' && prev) return { ...prev, ...msg.changes };
  return prev;
}
