// TradingStats: the original bot's stats object, now exact and per symbol: one SymbolLedger per market
// plus the totals, fill dedupe by (symbol, tradeId), drawdown of net PnL and per-minute samples for
// Sharpe. Rendering the figures is log-format.ts's job (the engine hands it these figures).
import type { Side } from '../domain/side.js';
import { D, Decimal, ZERO } from '../util/decimal.js';
import { SymbolLedger, type FillInput, type LedgerState } from './ledger.js';
import type { StateReader } from './state-codec.js';
import type { ExchangeMetrics } from '../exchange/port.js';
import { TradeDedupe, type DedupeState } from './trade-dedupe.js';

/** What the fills and funding built (ledgers and the trade ids counted), for a checkpoint. */
export interface StatsState {
  ledgers: LedgerState[];
  seen: DedupeState;
}

export interface Figures {
  fills: number;
  makerFills: number;
  takerFills: number;
  filledQty: Decimal;
  volume: Decimal;
  makerVolume: Decimal;
  takerVolume: Decimal;
  realizedPnl: Decimal;
  unrealizedPnl: Decimal;
  fees: Decimal;
  /** Fees charged in the quote asset (quote units). */
  quoteAssetFees: Decimal;
  /** Spot: fees charged in the base asset (base units; a sum over symbols mixes assets). */
  baseAssetFees: Decimal;
  funding: Decimal;
  netPnl: Decimal;
  failedOrders: number;
  failures: Record<string, number>;
  successRate: number | null;
  longShortRatio: number | null;
  trips: number;
  wins: number;
  losses: number;
  winRate: number | null;
  averageWin: Decimal | null;
  averageLoss: Decimal | null;
  largestWin: Decimal;
  largestLoss: Decimal;
  averagePnl: Decimal | null;
  /** -net / volume * 1e6 (positive = paid to trade); null before any volume. */
  costPerMillion: Decimal | null;
  meanInventoryMs: number | null;
  position: Decimal;
  avgEntry: Decimal | null;
}

export const EMPTY_METRICS: ExchangeMetrics = {
  restTotal: 0,
  restLastMinute: 0,
  restLimitPerMinute: 0,
  http429: 0,
  restErrors: 0,
  byEndpoint: {},
  wsMessages: 0,
  wsBytes: 0,
  wsParseErrors: 0,
  wsLastMinute: 0,
  reconnects: 0,
  byStream: {},
  wsConnected: false,
  lastMessageAgoMs: null,
  clockOffsetMs: 0,
};

/** Keep this many per-minute samples (a week) for Sharpe and the sparkline. */
const MAX_SAMPLES = 7 * 24 * 60;

export class TradingStats {
  readonly ledgers = new Map<string, SymbolLedger>();
  private seen = new TradeDedupe();
  peakNet: Decimal = ZERO;
  maxDrawdown: Decimal = ZERO;
  /** Total net PnL (as a number, for Sharpe/sparkline only) sampled once a minute, oldest first. */
  readonly samples: number[] = [];
  private readonly lastNets: Decimal[] = [];
  private lastNetPnl: Decimal | null = null;

  constructor(symbols: readonly string[] = []) {
    for (const s of symbols) this.ledger(s);
  }

  ledger(symbol: string): SymbolLedger {
    let l = this.ledgers.get(symbol);
    if (!l) {
      l = new SymbolLedger(symbol);
      this.ledgers.set(symbol, l);
    }
    return l;
  }

  state(): StatsState {
    return { ledgers: [...this.ledgers.values()].map((l) => l.state()), seen: this.seen.state() };
  }

  /**
   * Replace every ledger and the counted trade ids with a checkpoint's: afterwards the figures, and what
   * any further fill does to them, are exactly those of the stats the checkpoint was taken from.
   */
  restore(r: StateReader): void {
    const restored = new Map(r.list('ledgers').map((x) => {
      const l = SymbolLedger.fromState(x);
      return [l.symbol, l] as const;
    }));
    const seen = TradeDedupe.fromState(r.obj('seen'));
    // The configured symbols keep their places (a replay creates their ledgers first), the rest follow.
    const before = [...this.ledgers];
    this.ledgers.clear();
    for (const [sym, old] of before) {
      const l = restored.get(sym) ?? new SymbolLedger(sym);
      l.mark = old.mark;
      l.dust = old.dust;
      this.ledgers.set(sym, l);
    }
    for (const [sym, l] of restored) if (!this.ledgers.has(sym)) this.ledgers.set(sym, l);
    this.seen = seen;
    this.lastNets.length = 0;
    this.lastNetPnl = null;
  }

  hasTrade(symbol: string, tradeId: string): boolean {
    return this.seen.has(symbol, tradeId);
  }

  /**
   * Record one fill. Returns the PnL it realized, or null when the trade id was already counted.
   * Without a trade id the fill is always counted (the original's API had none).
   */
  recordFill(
    side: Side,
    qty: Decimal.Value,
    price: Decimal.Value,
    isMaker: boolean,
    x: { symbol: string; fee?: Decimal; ts?: number; tradeId?: string; baseFee?: Decimal },
  ): Decimal | null {
    if (x.tradeId !== undefined) {
      if (!this.seen.add(x.symbol, x.tradeId)) return null;
    }
    const fill: FillInput = {
      side,
      // Decimals are immutable: pass them through rather than copy (a copy per fill shows in profiles).
      quantity: qty instanceof Decimal ? qty : D(qty),
      price: price instanceof Decimal ? price : D(price),
      fee: x.fee ?? ZERO,
      isMaker,
      ts: x.ts ?? 0,
    };
    if (x.baseFee !== undefined) fill.baseFee = x.baseFee;
    const realized = this.ledger(x.symbol).applyFill(fill);
    this.observe();
    return realized;
  }

  /** Funding received (+) or paid (-); deduped by id when given. Returns false for a duplicate. */
  recordFunding(symbol: string, amount: Decimal, id?: string): boolean {
    if (id !== undefined) {
      if (!this.seen.add(symbol, id)) return false;
    }
    this.ledger(symbol).applyFunding(amount);
    this.observe();
    return true;
  }

  recordFailure(symbol: string, reason: string): void {
    this.ledger(symbol).recordFailure(reason);
  }

  setMark(symbol: string, mark: Decimal): void {
    this.ledger(symbol).mark = mark;
  }

  netPnl(): Decimal {
    // Called after every fill and mark; usually no ledger changed since the last call, or only one. The
    // sum is re-done only when a ledger's net is a different object (same order of additions: same result).
    const nets = this.lastNets;
    let same = nets.length === this.ledgers.size;
    let i = 0;
    for (const l of this.ledgers.values()) {
      const v = l.net();
      if (nets[i] !== v) {
        nets[i] = v;
        same = false;
      }
      i++;
    }
    if (same && this.lastNetPnl !== null) return this.lastNetPnl;
    nets.length = i;
    let n = ZERO;
    for (const v of nets) n = n.plus(v);
    this.lastNetPnl = n;
    return n;
  }

  /** Update peak and max drawdown of total net PnL (after fills, funding and mark moves). */
  observe(): void {
    const net = this.netPnl();
    if (net.gt(this.peakNet)) this.peakNet = net;
    const dd = this.peakNet.minus(net);
    if (dd.gt(this.maxDrawdown)) this.maxDrawdown = dd;
  }

  currentDrawdown(): Decimal {
    return this.peakNet.minus(this.netPnl());
  }

  sampleMinute(): void {
    this.observe();
    this.samples.push(this.netPnl().toNumber());
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
  }

  /** Sharpe of per-minute net PnL changes (mean / stdev, not annualised); null with < 2 changes or no variance. */
  sharpe(): number | null {
    const s = this.samples;
    if (s.length < 3) return null;
    const n = s.length - 1;
    let mean = 0;
    for (let i = 1; i < s.length; i++) mean += s[i]! - s[i - 1]!;
    mean /= n;
    let v = 0;
    for (let i = 1; i < s.length; i++) v += (s[i]! - s[i - 1]! - mean) ** 2;
    const sd = Math.sqrt(v / (n - 1));
    return sd > 0 ? mean / sd : null;
  }

  /** Figures of one symbol, or of all symbols summed when omitted. */
  figures(symbol?: string): Figures {
    const ls = symbol === undefined ? [...this.ledgers.values()] : [this.ledger(symbol)];
    let fills = 0, makerFills = 0, takerFills = 0, failed = 0, trips = 0, wins = 0, losses = 0;
    let invMs = 0, invN = 0;
    let filledQty = ZERO, volume = ZERO, makerVolume = ZERO, takerVolume = ZERO, realized = ZERO, unrealized = ZERO;
    let fees = ZERO, quoteAssetFees = ZERO, baseAssetFees = ZERO, funding = ZERO, buy = ZERO, sell = ZERO, sumW = ZERO, sumL = ZERO, bigW = ZERO, bigL = ZERO, position = ZERO;
    const failures: Record<string, number> = {};
    for (const l of ls) {
      fills += l.fills;
      makerFills += l.makerFills;
      takerFills += l.takerFills;
      failed += l.failedOrders;
      for (const [k, v] of Object.entries(l.failures)) failures[k] = (failures[k] ?? 0) + v;
      trips += l.trips;
      wins += l.wins;
      losses += l.losses;
      invMs += l.inventoryMsTotal;
      invN += l.inventoryEpisodes;
      filledQty = filledQty.plus(l.filledQty);
      volume = volume.plus(l.volume);
      makerVolume = makerVolume.plus(l.makerVolume);
      takerVolume = takerVolume.plus(l.takerVolume);
      realized = realized.plus(l.realized);
      unrealized = unrealized.plus(l.unrealized());
      fees = fees.plus(l.fees);
      quoteAssetFees = quoteAssetFees.plus(l.quoteAssetFees);
      baseAssetFees = baseAssetFees.plus(l.baseAssetFees);
      funding = funding.plus(l.funding);
      buy = buy.plus(l.buyQty);
      sell = sell.plus(l.sellQty);
      sumW = sumW.plus(l.sumWins);
      sumL = sumL.plus(l.sumLosses);
      if (l.largestWin.gt(bigW)) bigW = l.largestWin;
      if (l.largestLoss.lt(bigL)) bigL = l.largestLoss;
      position = position.plus(l.position);
    }
    const net = realized.plus(unrealized).minus(fees).plus(funding);
    const one = ls.length === 1 ? ls[0]! : null;
    return {
      fills,
      makerFills,
      takerFills,
      filledQty,
      volume,
      makerVolume,
      takerVolume,
      realizedPnl: realized,
      unrealizedPnl: unrealized,
      fees,
      quoteAssetFees,
      baseAssetFees,
      funding,
      netPnl: net,
      failedOrders: failed,
      failures,
      successRate: fills + failed > 0 ? fills / (fills + failed) : null,
      longShortRatio: sell.gt(0) ? buy.div(sell).toNumber() : null,
      trips,
      wins,
      losses,
      winRate: trips > 0 ? wins / trips : null,
      averageWin: wins > 0 ? sumW.div(wins) : null,
      averageLoss: losses > 0 ? sumL.div(losses) : null,
      largestWin: bigW,
      largestLoss: bigL,
      averagePnl: trips > 0 ? sumW.plus(sumL).div(trips) : null,
      costPerMillion: volume.gt(0) ? net.neg().div(volume).mul(1_000_000) : null,
      meanInventoryMs: invN > 0 ? invMs / invN : null,
      position,
      avgEntry: one && !one.position.isZero() ? one.avgCost : null,
    };
  }
}
