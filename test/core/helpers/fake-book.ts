// A minimal BookView for tests: price levels in two maps, keyed by the price's canonical string.
import type { BookView } from '../../../src/domain/market.js';
import type { Side } from '../../../src/domain/side.js';
import { D, Decimal, ZERO } from '../../../src/util/decimal.js';

export class FakeBook implements BookView {
  lastUpdateId = 1;
  private readonly sides: Record<Side, Map<string, Decimal>> = { Bid: new Map(), Ask: new Map() };

  constructor(
    readonly symbol: string,
    bids: Array<[Decimal.Value, Decimal.Value]> = [],
    asks: Array<[Decimal.Value, Decimal.Value]> = [],
  ) {
    for (const [p, q] of bids) this.set('Bid', p, q);
    for (const [p, q] of asks) this.set('Ask', p, q);
  }

  set(side: Side, price: Decimal.Value, qty: Decimal.Value): this {
    const key = D(price).toString();
    if (D(qty).lte(0)) this.sides[side].delete(key);
    else this.sides[side].set(key, D(qty));
    this.lastUpdateId++;
    return this;
  }

  bestBid(): Decimal | null {
    return this.levels('Bid', 1)[0]?.[0] ?? null;
  }
  bestAsk(): Decimal | null {
    return this.levels('Ask', 1)[0]?.[0] ?? null;
  }
  sizeAt(side: Side, price: Decimal): Decimal {
    return this.sides[side].get(price.toString()) ?? ZERO;
  }
  levels(side: Side, n: number): Array<[Decimal, Decimal]> {
    const all = [...this.sides[side].entries()].map(([p, q]) => [D(p), q] as [Decimal, Decimal]);
    all.sort((a, b) => (side === 'Bid' ? b[0].cmp(a[0]) : a[0].cmp(b[0])));
    return all.slice(0, n);
  }
}
