// A perp position as the exchange reports it (REST), and the position stream's push of one.
import type { Decimal } from '../util/decimal.js';

export interface Position {
  symbol: string;
  /** Signed: + long, - short. */
  netQuantity: Decimal;
  entryPrice: Decimal;
  markPrice: Decimal;
  pnlRealized: Decimal;
  pnlUnrealized: Decimal;
  cumulativeFunding: Decimal;
}

/**
 * The position stream's push: the same Position less the cumulative funding (the stream does not carry
 * it), with when it was sent and whether it is the snapshot pushed on subscribe (no `e` on the wire).
 */
export type PositionUpdate = Omit<Position, 'cumulativeFunding'> & {
  snapshot: boolean;
  ts: number;
};
