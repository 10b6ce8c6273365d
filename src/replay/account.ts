// The replay venue's account: fee rates, positions (average cost, the paper exchange's arithmetic), cash,
// funding payments, and bounded histories of fills and finished orders for resolve-by-query. Balances are
// not enforced (no margin or funds checks: a replay measures queue and price dynamics, not collateral), so
// spot inventory may go below zero; docs/BACKTEST.md lists it among the caveats. Exact Decimals throughout.
import type { FundingInfo } from '../exchange/types.js';
import type { Fill } from '../domain/fill.js';
import type { OrderInfo } from '../domain/order.js';
import { applyPerpFill, newPosition, unrealized, type PerpPosition } from '../sim/accounts/position.js';
import { D, Decimal, ZERO } from '../util/decimal.js';

export interface ReplayFees {
  makerBps: Decimal;
  takerBps: Decimal;
}

/** Finished orders and fills kept for queries (the core only asks about the last seconds' orders). */
const HISTORY_LIMIT = 1_000;
export const STARTING_COLLATERAL = D(10_000);

export class ReplayAccount {
  readonly positions = new Map<string, PerpPosition>();
  /** Quote cash spent/received per symbol (spot balances), fees included. */
  private readonly cash = new Map<string, Decimal>();
  readonly fills: Fill[] = [];
  readonly history: OrderInfo[] = [];
  readonly funding: FundingInfo[] = [];
  feesPaid: Decimal = ZERO;
  fundingTotal: Decimal = ZERO;

  constructor(
    /** Rates per market class: perps use the futures schedule, spot the spot one. */
    readonly futures: ReplayFees,
    readonly spot: ReplayFees,
  ) {}

  position(symbol: string): PerpPosition {
    let p = this.positions.get(symbol);
    if (!p) {
      p = newPosition(symbol, symbol);
      this.positions.set(symbol, p);
    }
    return p;
  }

  feeFor(isPerp: boolean, isMaker: boolean, notional: Decimal): Decimal {
    const f = isPerp ? this.futures : this.spot;
    return notional.mul(isMaker ? f.makerBps : f.takerBps).div(10_000);
  }

  /** Book one fill: position, cash, fee, history. */
  applyFill(f: Fill, notional: Decimal): void {
    const p = this.position(f.symbol);
    applyPerpFill(p, f.side, f.quantity, f.price);
    p.fees = p.fees.add(f.fee);
    this.feesPaid = this.feesPaid.add(f.fee);
    const c = this.cash.get(f.symbol) ?? ZERO;
    this.cash.set(f.symbol, (f.side === 'Bid' ? c.sub(notional) : c.add(notional)).sub(f.fee));
    push(this.fills, f);
  }

  /** Settle one funding interval: a positive rate makes longs pay shorts. Returns the payment (+ received). */
  settleFunding(symbol: string, mark: Decimal, rate: Decimal, intervalEndMs: number): Decimal {
    const p = this.positions.get(symbol);
    if (!p || p.net.isZero()) return ZERO;
    const payment = p.net.mul(mark).mul(rate).neg();
    p.cumFunding = p.cumFunding.add(payment);
    this.fundingTotal = this.fundingTotal.add(payment);
    push(this.funding, { symbol, quantity: payment, fundingRate: rate, intervalEndTimestamp: intervalEndMs });
    return payment;
  }

  archive(o: OrderInfo): void {
    push(this.history, o);
  }

  /** Spot base balance (the net of our fills; may be negative, see above). */
  baseBalance(symbol: string): Decimal {
    return this.positions.get(symbol)?.net ?? ZERO;
  }
  quoteCash(symbol: string): Decimal {
    return this.cash.get(symbol) ?? ZERO;
  }

  /** Realised + unrealised at the given marks - fees + funding, on top of the starting collateral. */
  equity(marks: (symbol: string) => Decimal | null): { equity: Decimal; unrealized: Decimal } {
    let u = ZERO;
    let realized = ZERO;
    for (const p of this.positions.values()) {
      realized = realized.add(p.realized);
      const m = marks(p.symbol);
      if (m !== null) u = u.add(unrealized(p, m));
    }
    return { equity: STARTING_COLLATERAL.add(realized).add(u).sub(this.feesPaid).add(this.fundingTotal), unrealized: u };
  }
}

function push<T>(list: T[], x: T): void {
  list.push(x);
  if (list.length > HISTORY_LIMIT * 1.5) list.splice(0, list.length - HISTORY_LIMIT);
}
