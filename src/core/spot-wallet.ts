// Spot balances as the core sees them, to size orders inside what the account can really fund. The
// exchange's REST balances (GET /api/v1/capital) are the base line; our own spot fills move the totals
// between reads, so an order placed right after a fill is sized on what that fill left. What orders that
// are not ours lock (another program, a manual order) comes from the read: its `locked` less what our own
// working orders locked then. Inventory itself is the ledger's (exact, fill by fill); the wallet only caps
// what may be sold or spent. Pure: no I/O, no clock.
import type { BalanceInfo } from '../exchange/types.js';
import type { MarketInfo } from '../domain/market.js';
import type { Side } from '../domain/side.js';
import { type Decimal, minDec, ZERO } from '../util/decimal.js';
import type { SpotFunds } from './strategy.js';

interface AssetFigures {
  /** Available + locked at the last read, moved by our spot fills since. */
  total: Decimal;
  /** Locked by orders that are not ours, at the last read whose own locks were stable. */
  foreignLocked: Decimal;
}

/** A working order as far as locks go (a tracked order fits). */
export interface LockingOrder {
  symbol: string;
  side: Side;
  price: Decimal | null;
  quantity: Decimal;
  executed: Decimal;
}

export type AssetAmounts = Map<string, Decimal>;

export class SpotWallet {
  private readonly assets = new Map<string, AssetFigures>();

  /**
   * Adopt a REST read for `assets` (an asset the exchange does not list holds nothing). `ownLocked`: what
   * our working orders locked when the read was sent. Assets in `unsureTotal` (a fill of ours landed while
   * the read was out) keep their totals; in `unsureLocks` (our own locks moved meanwhile) their foreign lock.
   */
  adopt(balances: readonly BalanceInfo[], assets: Iterable<string>, ownLocked: AssetAmounts, unsureTotal: ReadonlySet<string>, unsureLocks: ReadonlySet<string>): void {
    const by = new Map(balances.map((b) => [b.asset, b]));
    for (const a of assets) {
      const b = by.get(a);
      const cur = this.figures(a);
      if (!unsureTotal.has(a)) cur.total = b ? b.available.plus(b.locked) : ZERO;
      if (!unsureLocks.has(a)) {
        const foreign = (b ? b.locked : ZERO).minus(ownLocked.get(a) ?? ZERO);
        cur.foreignLocked = foreign.isNegative() ? ZERO : foreign;
      }
    }
  }

  /** One of our spot fills: base and quote move, the fee leaves the asset it was charged in. */
  applyFill(m: MarketInfo, side: Side, quantity: Decimal, price: Decimal, fee: Decimal, feeSymbol: string): void {
    const notional = quantity.mul(price);
    const base = this.figures(m.baseSymbol);
    const quote = this.figures(m.quoteSymbol);
    base.total = side === 'Bid' ? base.total.plus(quantity) : base.total.minus(quantity);
    quote.total = side === 'Bid' ? quote.total.minus(notional) : quote.total.plus(notional);
    const paid = feeSymbol === m.baseSymbol ? base : feeSymbol === m.quoteSymbol ? quote : this.assets.get(feeSymbol);
    if (paid) paid.total = paid.total.minus(fee);
  }

  total(asset: string): Decimal {
    return this.assets.get(asset)?.total ?? ZERO;
  }

  foreignLocked(asset: string): Decimal {
    return this.assets.get(asset)?.foreignLocked ?? ZERO;
  }

  /**
   * What `m`'s next order can use: base held (the lower of the ledger's figure and ours: a fill one of them
   * has not counted yet must not be sold twice) and quote, less foreign locks and `otherLocks` (our working
   * orders on other symbols). Never negative.
   */
  funds(m: MarketInfo, baseHeld: Decimal, otherLocks: AssetAmounts): SpotFunds {
    const base = minDec(this.total(m.baseSymbol), baseHeld).minus(this.foreignLocked(m.baseSymbol)).minus(otherLocks.get(m.baseSymbol) ?? ZERO);
    const quote = this.total(m.quoteSymbol).minus(this.foreignLocked(m.quoteSymbol)).minus(otherLocks.get(m.quoteSymbol) ?? ZERO);
    return { base: base.isNegative() ? ZERO : base, quote: quote.isNegative() ? ZERO : quote };
  }

  private figures(asset: string): AssetFigures {
    let f = this.assets.get(asset);
    if (!f) {
      f = { total: ZERO, foreignLocked: ZERO };
      this.assets.set(asset, f);
    }
    return f;
  }
}

/**
 * What our working spot orders lock, per asset, as the exchange locks it: a bid its price times what is
 * left in quote, an ask what is left in base. Orders in flight count (the exchange may already hold them).
 * `except`: a symbol whose order is left out (the one a new order would replace).
 */
export function ownLocks(orders: Iterable<LockingOrder>, markets: ReadonlyMap<string, MarketInfo>, except?: string): AssetAmounts {
  const out: AssetAmounts = new Map();
  for (const o of orders) {
    const m = markets.get(o.symbol);
    if (!m || m.marketType !== 'SPOT' || o.symbol === except || o.price === null) continue;
    const left = o.quantity.minus(o.executed);
    if (left.lte(0)) continue;
    const asset = o.side === 'Bid' ? m.quoteSymbol : m.baseSymbol;
    const amount = o.side === 'Bid' ? left.mul(o.price) : left;
    out.set(asset, (out.get(asset) ?? ZERO).plus(amount));
  }
  return out;
}

/** Assets whose own locks differ between two snapshots. */
export function movedLocks(before: AssetAmounts, after: AssetAmounts): Set<string> {
  const out = new Set<string>();
  for (const a of new Set([...before.keys(), ...after.keys()])) if (!(before.get(a) ?? ZERO).eq(after.get(a) ?? ZERO)) out.add(a);
  return out;
}
