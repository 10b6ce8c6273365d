// Exact per-symbol position and PnL ledger (Decimal, never floats).
// Realized PnL by average cost: adding to a position moves the average; reducing realizes
// (price - avg) * closed * sign; a fill that goes through zero closes the old position at the fill price
// and opens the remainder at the same price. Fees are as charged (negative = rebate), valued in quote.
// Round trips run flat -> flat (a flip closes one and opens the next); a trip's PnL is its realized PnL
// minus its fees (a flipping fill's fee is split pro rata) plus funding received while it was open.
//
// Spot: the position is the base held minus the target. A fee taken in the base asset (Backpack charges
// spot fees in the received asset) is booked twice, as it really happens: its quote value at the fill price
// joins the fees (the cost figures), and the base it took leaves the position like a sale at the fill price
// whose proceeds were the fee, so the next exit sells what is really held. Flooring that exit to the step
// leaves a residual below the market minimum, which cannot be traded: with a dust rule, a position that
// floors below the minimum counts as flat for round trips (the trip closes; the residual keeps its cost and
// rolls into the next trip, whose PnL also takes anything realized while only dust was held).
import type { Side } from '../domain/side.js';
import { type Decimal, floorToStep, minDec, ZERO } from '../util/decimal.js';
import { decimalOf, intOf, type StateReader } from './state-codec.js';

export interface FillInput {
  side: Side;
  quantity: Decimal;
  price: Decimal;
  /** Fee in quote currency (rebate negative). */
  fee: Decimal;
  isMaker: boolean;
  ts: number;
  /** Spot: the part of the fee taken in the base asset, in base units (its quote value is in `fee`). */
  baseFee?: Decimal;
}

/** Spot: a position whose |size| floors (to `step`) below `min` cannot be traded and counts as flat. */
export interface DustRule {
  step: Decimal;
  min: Decimal;
}

/**
 * The decimal figures a ledger builds from fills (its checkpoint holds them as exact strings). A figure
 * added later needs a value for checkpoints written without it (in fromState): a checkpoint that lacks a
 * field is refused, and the covered records are gone, so the home would not start until migrated.
 */
const DECIMALS = ['filledQty', 'volume', 'makerVolume', 'takerVolume', 'buyQty', 'sellQty', 'position', 'avgCost', 'realized', 'fees', 'quoteAssetFees', 'baseAssetFees', 'funding', 'sumWins', 'sumLosses', 'largestWin', 'largestLoss', 'tripPnl'] as const;
const COUNTS = ['fills', 'makerFills', 'takerFills', 'trips', 'wins', 'losses', 'inventoryMsTotal', 'inventoryEpisodes', 'lastFillTs'] as const;

/**
 * Everything a ledger rebuilds from fills and funding, JSON-safe (decimals as exact strings). Not the mark
 * or the dust rule (from the market) nor failed orders (per session, as before checkpoints existed).
 */
export interface LedgerState {
  symbol: string;
  inventorySince: number | null;
  counts: Record<(typeof COUNTS)[number], number>;
  decimals: Record<(typeof DECIMALS)[number], string>;
}

export class SymbolLedger {
  fills = 0;
  makerFills = 0;
  takerFills = 0;
  filledQty: Decimal = ZERO;
  volume: Decimal = ZERO;
  makerVolume: Decimal = ZERO;
  takerVolume: Decimal = ZERO;
  buyQty: Decimal = ZERO;
  sellQty: Decimal = ZERO;
  position: Decimal = ZERO;
  avgCost: Decimal = ZERO;
  realized: Decimal = ZERO;
  fees: Decimal = ZERO;
  /** Fees charged in the quote asset (quote units) and in the base asset (base units); `fees` values both in quote. */
  quoteAssetFees: Decimal = ZERO;
  baseAssetFees: Decimal = ZERO;
  funding: Decimal = ZERO;
  mark: Decimal | null = null;
  failures: Record<string, number> = {};
  failedOrders = 0;
  // Round trips
  trips = 0;
  wins = 0;
  losses = 0;
  sumWins: Decimal = ZERO;
  sumLosses: Decimal = ZERO;
  largestWin: Decimal = ZERO;
  largestLoss: Decimal = ZERO;
  private tripPnl: Decimal = ZERO;
  // Time in inventory (per closed trip)
  inventorySince: number | null = null;
  inventoryMsTotal = 0;
  inventoryEpisodes = 0;
  lastFillTs = 0;
  private netMemo: {
    realized: Decimal;
    fees: Decimal;
    funding: Decimal;
    position: Decimal;
    mark: Decimal | null;
    avgCost: Decimal;
    value: Decimal;
  } | null = null;

  /** Spot markets: below this the position is dust (flat for round trips). Null: flat means exactly zero. */
  dust: DustRule | null = null;

  constructor(readonly symbol: string) {}

  /** Apply one fill; returns the PnL it realized (before fees). */
  applyFill(f: FillInput): Decimal {
    const q = f.quantity;
    const notional = q.mul(f.price);
    this.fills++;
    this.filledQty = this.filledQty.plus(q);
    this.volume = this.volume.plus(notional);
    if (f.isMaker) {
      this.makerFills++;
      this.makerVolume = this.makerVolume.plus(notional);
    } else {
      this.takerFills++;
      this.takerVolume = this.takerVolume.plus(notional);
    }
    if (f.side === 'Bid') this.buyQty = this.buyQty.plus(q);
    else this.sellQty = this.sellQty.plus(q);
    this.fees = this.fees.plus(f.fee);
    const baseFee = f.baseFee;
    if (baseFee !== undefined && !baseFee.isZero()) this.baseAssetFees = this.baseAssetFees.plus(baseFee);
    else this.quoteAssetFees = this.quoteAssetFees.plus(f.fee);
    if (f.ts > this.lastFillTs) this.lastFillTs = f.ts;

    let realized = this.move(f.side === 'Bid' ? q : q.neg(), f.price, notional, f.fee, f.ts);
    if (baseFee !== undefined && !baseFee.isZero()) {
      // The base the fee took leaves the position at the fill price; its value is already in the fees.
      realized = realized.plus(this.move(baseFee.neg(), f.price, baseFee.mul(f.price), ZERO, f.ts));
    }
    return realized;
  }

  /** Move the position by `signed` at `price` (`notional` = |signed| * price) paying `fee`; returns the PnL realized. */
  private move(signed: Decimal, price: Decimal, notional: Decimal, fee: Decimal, ts: number): Decimal {
    const q = signed.abs();
    const pos = this.position;
    let realized = ZERO;
    if (pos.isZero() || pos.isNegative() === signed.isNegative()) {
      // Opening or adding.
      const absPos = pos.abs();
      this.avgCost = absPos.mul(this.avgCost).plus(notional).div(absPos.plus(q));
      this.position = pos.plus(signed);
      this.tripPnl = this.tripPnl.minus(fee);
      if (this.inventorySince === null && !this.isFlat(this.position)) this.inventorySince = ts;
    } else {
      // Reducing, closing or flipping.
      const closed = minDec(q, pos.abs());
      realized = price.minus(this.avgCost).mul(closed).mul(pos.isNegative() ? -1 : 1);
      this.realized = this.realized.plus(realized);
      const closeFee = closed.eq(q) ? fee : fee.mul(closed).div(q);
      this.tripPnl = this.tripPnl.plus(realized).minus(closeFee);
      this.position = pos.plus(signed);
      if (this.position.isZero()) {
        this.avgCost = ZERO;
        if (this.inventorySince !== null) this.closeTrip(ts);
      } else if (this.position.isNegative() !== pos.isNegative()) {
        if (this.inventorySince !== null) this.closeTrip(ts);
        this.avgCost = price;
        this.tripPnl = this.tripPnl.minus(fee.minus(closeFee));
        if (!this.isFlat(this.position)) this.inventorySince = ts;
      } else if (this.inventorySince !== null && this.isFlat(this.position)) {
        // Spot: only dust is left (the residual keeps its average cost).
        this.closeTrip(ts);
      }
    }
    return realized;
  }

  /** Flat for round trips: zero, or (spot) too small to trade. */
  isFlat(position: Decimal): boolean {
    if (position.isZero()) return true;
    const d = this.dust;
    return d !== null && floorToStep(position.abs(), d.step).lt(d.min);
  }

  /**
   * Adopt the exchange's position when it disagrees with ours (fills we never saw, or a position that
   * predates the journal). No PnL is realized; the exchange's entry becomes our average cost.
   */
  adopt(position: Decimal, entry: Decimal, ts: number): void {
    const wasFlat = this.inventorySince === null;
    this.position = position;
    this.avgCost = position.isZero() ? ZERO : entry;
    if (this.isFlat(position)) {
      this.inventorySince = null;
      this.tripPnl = ZERO;
    } else if (wasFlat) {
      this.inventorySince = ts;
      this.tripPnl = ZERO;
    }
  }

  applyFunding(amount: Decimal): void {
    this.funding = this.funding.plus(amount);
    if (this.inventorySince !== null) this.tripPnl = this.tripPnl.plus(amount);
  }

  recordFailure(reason: string): void {
    this.failures[reason] = (this.failures[reason] ?? 0) + 1;
    this.failedOrders++;
  }

  /** Count a closed round trip's PnL (wins, losses, largest and sums). */
  private recordTrip(pnl: Decimal): void {
    this.trips++;
    if (pnl.gt(0)) {
      this.wins++;
      this.sumWins = this.sumWins.plus(pnl);
      if (pnl.gt(this.largestWin)) this.largestWin = pnl;
    } else {
      this.losses++;
      this.sumLosses = this.sumLosses.plus(pnl);
      if (pnl.lt(this.largestLoss)) this.largestLoss = pnl;
    }
  }

  unrealized(): Decimal {
    if (this.position.isZero() || this.mark === null) return ZERO;
    return this.position.mul(this.mark.minus(this.avgCost));
  }

  net(): Decimal {
    // Memoised on the identity of its inputs (Decimals are immutable; the fields are reassigned on change),
    // so a ledger nothing touched answers without arithmetic.
    const m = this.netMemo;
    if (m !== null && m.realized === this.realized && m.fees === this.fees && m.funding === this.funding && m.position === this.position && m.mark === this.mark && m.avgCost === this.avgCost) {
      return m.value;
    }
    const value = this.realized.plus(this.unrealized()).minus(this.fees).plus(this.funding);
    this.netMemo = { realized: this.realized, fees: this.fees, funding: this.funding, position: this.position, mark: this.mark, avgCost: this.avgCost, value };
    return value;
  }

  state(): LedgerState {
    const counts = {} as LedgerState['counts'];
    for (const k of COUNTS) counts[k] = this[k];
    const decimals = {} as LedgerState['decimals'];
    for (const k of DECIMALS) decimals[k] = this[k].toString();
    return { symbol: this.symbol, inventorySince: this.inventorySince, counts, decimals };
  }

  /** A ledger exactly as `state()` captured it (throws on a malformed state). */
  static fromState(r: StateReader): SymbolLedger {
    const l = new SymbolLedger(r.str('symbol'));
    const since = r.get('inventorySince');
    l.inventorySince = since === null ? null : intOf(since, r.path('inventorySince'));
    const counts = r.obj('counts');
    for (const k of COUNTS) l[k] = intOf(counts.get(k), counts.path(k));
    const decs = r.obj('decimals');
    for (const k of DECIMALS) l[k] = decimalOf(decs.get(k), decs.path(k));
    return l;
  }

  /** Mean ms per closed trip spent holding inventory; null before the first trip closes. */
  meanInventoryMs(): number | null {
    return this.inventoryEpisodes > 0 ? this.inventoryMsTotal / this.inventoryEpisodes : null;
  }

  private closeTrip(ts: number): void {
    if (this.inventorySince !== null) {
      this.inventoryMsTotal += Math.max(0, ts - this.inventorySince);
      this.inventoryEpisodes++;
    }
    this.inventorySince = null;
    this.recordTrip(this.tripPnl);
    this.tripPnl = ZERO;
  }
}
