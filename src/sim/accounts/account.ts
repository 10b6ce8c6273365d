// One paper account (keyed by its API key): balances with locked amounts, perp positions, fee rates,
// and its fill / order / funding history. Plain data so the state file can save and restore it.
import { D, Decimal, ZERO } from '../../util/decimal.js';
import type { SimOrder } from '../matching/types.js';
import { FillStore } from './fill-store.js';
import type { PerpPosition } from './position.js';
import type { OrderInfo } from '../../domain/order.js';
import type { FundingInfo } from '../../exchange/types.js';

export interface FeeRatesBps {
  futuresMaker: Decimal;
  futuresTaker: Decimal;
  spotMaker: Decimal;
  spotTaker: Decimal;
}

export const DEFAULT_FEES_BPS = { futuresMaker: '2', futuresTaker: '5', spotMaker: '8', spotTaker: '10' } as const;

export interface Balance {
  total: Decimal;
  locked: Decimal;
}

/**
 * An order as the paper exchange reports it (order events, history, queries): the domain OrderInfo plus
 * what Backpack's order objects carry beyond it. Decimals; server/wire.ts renders them at the market's
 * tick/step scale.
 */
export interface SimOrderInfo extends OrderInfo {
  /**
   * The quote budget of a market order sized in quote instead of quantity (its `quantity` is then zero,
   * and null on the wire); null otherwise.
   */
  quoteQuantity: Decimal | null;
  selfTradePrevention: string;
  expiryReason: string | null;
}

export class Account {
  readonly balances = new Map<string, Balance>();
  readonly positions = new Map<string, PerpPosition>();
  /** Live (resting or executing) orders by id, and by clientId. */
  readonly open = new Map<string, SimOrder>();
  readonly byClientId = new Map<number, SimOrder>();
  /** Live reduce-only orders (checked after every position change). */
  readonly reduceOnly = new Set<SimOrder>();
  /** Notional (exact integer units) of resting non-reduce-only perp orders, per symbol, kept incrementally. */
  readonly openNotional = new Map<string, number>();
  /** Every fill, oldest first, packed (see FillStore); bounded by the exchange's fillLimit. */
  readonly fills = new FillStore();
  readonly history: SimOrderInfo[] = [];
  readonly funding: FundingInfo[] = [];
  /** Called after any change of an asset's total or lock (the exchange publishes balance updates). */
  onChange: ((asset: string) => void) | null = null;
  constructor(
    readonly key: string,
    public fees: FeeRatesBps,
  ) {}

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (!b) {
      b = { total: ZERO, locked: ZERO };
      this.balances.set(asset, b);
    }
    return b;
  }
  available(asset: string): Decimal {
    const b = this.balances.get(asset);
    return b ? b.total.sub(b.locked) : ZERO;
  }
  credit(asset: string, amount: Decimal): void {
    const b = this.balance(asset);
    b.total = b.total.add(amount);
    this.onChange?.(asset);
  }
  lock(asset: string, amount: Decimal): void {
    const b = this.balance(asset);
    b.locked = b.locked.add(amount);
    this.onChange?.(asset);
  }
  unlock(asset: string, amount: Decimal): void {
    const b = this.balance(asset);
    b.locked = Decimal.max(ZERO, b.locked.sub(amount));
    this.onChange?.(asset);
  }
}

export function feesFrom(x: Partial<Record<keyof FeeRatesBps, string>> | undefined): FeeRatesBps {
  return {
    futuresMaker: D(x?.futuresMaker ?? DEFAULT_FEES_BPS.futuresMaker),
    futuresTaker: D(x?.futuresTaker ?? DEFAULT_FEES_BPS.futuresTaker),
    spotMaker: D(x?.spotMaker ?? DEFAULT_FEES_BPS.spotMaker),
    spotTaker: D(x?.spotTaker ?? DEFAULT_FEES_BPS.spotTaker),
  };
}
