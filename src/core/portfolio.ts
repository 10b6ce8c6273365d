// Portfolio: what the account holds and has done. Applies fills (live, recovered or replayed) to the
// ledger and the tier volumes, keeps the newest fills for the dashboard and evaluates the loss limits.
// It does no I/O and never calls back into the engine: applyFill() and checkLossLimits() return what
// changed (was the fill live, which limits were hit or released) and the engine acts on it.
import type { FillView } from '../domain/snapshot.js';
import type { Clock } from '../util/clock.js';
import { type Decimal, ZERO } from '../util/decimal.js';
import type { AccountHistory } from './account-history.js';
import type { LedgerFill } from './journal-codec.js';
import { LossLimits, type LimitChange } from './loss-limits.js';
import { fmtMoney, fmtPrice, fmtQty, marketFormat, type NumberFormat } from './number-format.js';
import type { Logger } from './ports.js';
import { TradingStats } from './stats.js';
import type { SymbolState } from './symbol-state.js';

const RECENT_FILLS = 50;

/** What applying one fill changed. */
export interface FillApplied {
  /** A live fill of a traded symbol (not a duplicate, replay or start-up recovery): re-quote, publish. */
  live: boolean;
  /** Loss limits the fill hit (empty when none changed). */
  limits: LimitChange[];
}

const NOT_LIVE: FillApplied = Object.freeze({ live: false, limits: [] }) as FillApplied;

export interface PortfolioDeps {
  clock: Clock;
  logger: Logger;
  symbols: readonly string[];
  sessionLossLimit: Decimal;
  dailyLossLimit: Decimal;
  /** The account's tier volume and history cursors (owned by the history sync, restored from the checkpoint). */
  history: () => AccountHistory;
}

export class Portfolio {
  readonly stats: TradingStats;
  readonly limits: LossLimits;
  private readonly recentRaw: RecentFill[] = [];
  private recentViews: FillView[] | null = null;

  constructor(private readonly d: PortfolioDeps) {
    this.stats = new TradingStats(d.symbols);
    this.limits = new LossLimits(d.sessionLossLimit, d.dailyLossLimit);
  }

  /** The newest fills (newest first) for the snapshot; rendered to strings only when read. */
  get recentFills(): FillView[] {
    return (this.recentViews ??= this.recentRaw.map(renderFill));
  }

  /** Signed inventory: the perp position, or on spot the base held minus the target (the ledger counts both). */
  inventory(sym: SymbolState): Decimal {
    return this.stats.ledger(sym.symbol).position;
  }

  /** True when this trade was counted already (live, recovered or replayed). */
  has(f: { symbol: string; tradeId: string }): boolean {
    return this.stats.hasTrade(f.symbol, f.tradeId);
  }

  /**
   * Apply a normalised fill to the ledger and the volumes. `sym` is undefined for another market's fill
   * (tier volume only); `reduceOnly` tells the dashboard whether the order was an exit.
   */
  applyFill(sym: SymbolState | undefined, f: LedgerFill, live: boolean, reduceOnly: () => boolean): FillApplied {
    const market = sym?.market;
    // A spot fee in the base asset: its quote value is a fee, and the base it took leaves the position.
    const baseFee = market && f.feeSymbol === market.baseSymbol ? f.fee : null;
    const feeQuote = baseFee ? baseFee.mul(f.price) : f.fee;
    const x: Parameters<TradingStats['recordFill']>[4] = { symbol: f.symbol, fee: feeQuote, ts: f.timestamp, tradeId: f.tradeId };
    if (baseFee) x.baseFee = baseFee;
    const realized = this.stats.recordFill(f.side, f.quantity, f.price, f.isMaker, x);
    if (realized === null) return NOT_LIVE;
    const history = this.d.history();
    history.noteFill(f.timestamp);
    history.addVolume(f.symbol, f.timestamp, f.quantity.mul(f.price), this.d.clock.now());
    if (!sym) return NOT_LIVE;
    sym.fillSeq++;
    if (!live) return NOT_LIVE;
    this.recentRaw.unshift({ ts: f.timestamp, symbol: f.symbol, side: f.side, price: f.price, quantity: f.quantity, isMaker: f.isMaker, fee: feeQuote, reduceOnly: reduceOnly(), realizedPnl: realized });
    if (this.recentRaw.length > RECENT_FILLS) this.recentRaw.length = RECENT_FILLS;
    this.recentViews = null;
    const log = this.d.logger;
    log.info(log.discardsInfo ? 'FILL' : fillLine(f, feeQuote, realized, this.inventory(sym), marketFormat(sym.market)));
    return { live: true, limits: this.checkLossLimits() };
  }

  /** Start-up is complete (journal replayed, history read): this run's drawdown is measured from here. */
  beginSession(): void {
    this.stats.observe();
    this.stats.peakNet = this.stats.netPnl();
    this.stats.maxDrawdown = ZERO;
  }

  /** Evaluate the loss limits against the net PnL now: the limits hit or released. */
  checkLossLimits(): LimitChange[] {
    return this.limits.evaluate(this.stats.netPnl(), this.d.clock.now());
  }
}

/** A recent fill as applied (Decimals); FillView is its rendering for the snapshot. */
interface RecentFill {
  ts: number;
  symbol: string;
  side: FillView['side'];
  price: Decimal;
  quantity: Decimal;
  isMaker: boolean;
  fee: Decimal;
  reduceOnly: boolean;
  realizedPnl: Decimal;
}

function renderFill(r: RecentFill): FillView {
  return {
    ts: r.ts,
    symbol: r.symbol,
    side: r.side,
    price: r.price.toString(),
    quantity: r.quantity.toString(),
    isMaker: r.isMaker,
    fee: r.fee.toString(),
    reduceOnly: r.reduceOnly,
    realizedPnl: r.realizedPnl.toString(),
  };
}

/** The stdout line of a live fill, in the numbers a person reads (the journal keeps the exact ones). */
function fillLine(f: LedgerFill, fee: Decimal, realized: Decimal, position: Decimal, nf: NumberFormat): string {
  return `[${f.symbol}] FILL ${f.side} ${fmtQty(f.quantity, nf)} @ ${fmtPrice(f.price, nf)} ${f.isMaker ? 'maker' : 'taker'} fee=${fmtMoney(fee)} realized=${fmtMoney(realized)} position=${fmtQty(position, nf)}`;
}
