// Perp position arithmetic (average cost): adding on the same side moves the average entry; reducing
// realises PnL against it; crossing through zero realises the closed part and opens the rest at the
// fill price. Exact Decimals throughout.
import { Decimal, ZERO } from '../../util/decimal.js';
import type { Side } from '../../domain/side.js';

export interface PerpPosition {
  symbol: string;
  positionId: string;
  /** Signed: + long, - short. */
  net: Decimal;
  entry: Decimal;
  /** Realised PnL of this position (since it was opened). */
  realized: Decimal;
  cumFunding: Decimal;
  /** Sum of fees paid on fills of this position (for break-even). */
  fees: Decimal;
}

export function newPosition(symbol: string, positionId: string): PerpPosition {
  return { symbol, positionId, net: ZERO, entry: ZERO, realized: ZERO, cumFunding: ZERO, fees: ZERO };
}

/** Apply a fill; returns the PnL realised by it (before fees). Mutates `p`. */
export function applyPerpFill(p: PerpPosition, side: Side, qty: Decimal, price: Decimal): Decimal {
  const signed = side === 'Bid' ? qty : qty.neg();
  if (p.net.isZero() || p.net.isPositive() === signed.isPositive()) {
    const absOld = p.net.abs();
    const absNew = absOld.add(qty);
    p.entry = absOld.mul(p.entry).add(qty.mul(price)).div(absNew);
    p.net = p.net.add(signed);
    return ZERO;
  }
  const closing = Decimal.min(qty, p.net.abs());
  const dir = p.net.isPositive() ? 1 : -1;
  const realized = price.sub(p.entry).mul(closing).mul(dir);
  p.realized = p.realized.add(realized);
  p.net = p.net.add(signed);
  if (p.net.isZero()) p.entry = ZERO;
  else if (p.net.isPositive() !== (dir > 0)) p.entry = price; // flipped through zero
  return realized;
}

export function unrealized(p: PerpPosition, mark: Decimal): Decimal {
  if (p.net.isZero()) return ZERO;
  return mark.sub(p.entry).mul(p.net);
}
