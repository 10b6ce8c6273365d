// Local order book: REST snapshot + websocket depth deltas with Backpack's sequence rules (reference §3.4).
// Hot path (target: 200k messages/s through book + strategy): levels are keyed by their numeric price so
// REST "86700" and WS "86700.0" are the same level; each side is a sorted array of numbers with the best
// price at the END (so the common near-touch inserts/deletes splice few elements) plus a Map of wire
// quantity strings. Decimals are only built when asked for (and the best prices are cached).
import { D, ZERO, type Decimal } from '../../util/decimal.js';
import type { BookView } from '../../domain/market.js';
import type { Side } from '../../domain/side.js';
import type { DepthSnapshot } from './codec/rest-rows.js';
import type { DepthDelta } from './codec/stream-frames.js';
import type { WireLevel } from '../../protocol/backpack/wire-types.js';
import { PriceLadder } from '../../util/price-ladder.js';

/**
 * One side. `keys` ascending with the best at the end: for bids key = price, for asks key = -price.
 * Quantities are kept as wire strings (exact) keyed by the numeric price.
 */
export class BookSide extends PriceLadder<string> {
  /** Set the absolute quantity at a price; a zero quantity deletes the level. Returns true if the best changed. */
  set(price: number, qtyStr: string): boolean {
    const had = this.qty.has(price);
    if (+qtyStr === 0) {
      if (!had) return false;
      this.qty.delete(price);
      return this.removePrice(price);
    }
    this.qty.set(price, qtyStr);
    if (had) return this.keys[this.keys.length - 1] === price * this.sign;
    return this.insertPrice(price);
  }
  /** Quantity string at a price, undefined if none. */
  get(price: number): string | undefined {
    return this.qty.get(price);
  }
}

/** A plain price-level book (no sequencing). Reusable by the paper exchange / simulator. */
export class LevelBook implements BookView {
  readonly bids = new BookSide(1);
  readonly asks = new BookSide(-1);
  lastUpdateId = 0;
  private bidDec: Decimal | null = null;
  private askDec: Decimal | null = null;

  constructor(readonly symbol: string) {}

  clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.bidDec = null;
    this.askDec = null;
  }
  /** Apply absolute levels (REST snapshot or WS delta) to one side. */
  applyLevels(side: Side, levels: readonly WireLevel[]): void {
    const s = side === 'Bid' ? this.bids : this.asks;
    let changed = false;
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i]!;
      if (s.set(+l[0], l[1])) changed = true;
    }
    if (changed) {
      if (side === 'Bid') this.bidDec = null;
      else this.askDec = null;
    }
  }
  bestBidNum(): number {
    return this.bids.best();
  }
  bestAskNum(): number {
    return this.asks.best();
  }
  /** Best bid >= best ask (both present). */
  isCrossed(): boolean {
    return this.bids.size > 0 && this.asks.size > 0 && this.bids.best() >= this.asks.best();
  }
  bestBid(): Decimal | null {
    if (this.bids.size === 0) return null;
    return (this.bidDec ??= D(this.bids.best()));
  }
  bestAsk(): Decimal | null {
    if (this.asks.size === 0) return null;
    return (this.askDec ??= D(this.asks.best()));
  }
  sizeAt(side: Side, price: Decimal): Decimal {
    const q = (side === 'Bid' ? this.bids : this.asks).get(price.toNumber());
    return q === undefined ? ZERO : D(q);
  }
  levels(side: Side, n: number): Array<[Decimal, Decimal]> {
    const s = side === 'Bid' ? this.bids : this.asks;
    const out: Array<[Decimal, Decimal]> = [];
    const m = Math.min(n, s.size);
    for (let i = 0; i < m; i++) {
      const p = s.priceAt(i);
      out.push([D(p), D(s.get(p)!)]);
    }
    return out;
  }
}

export type ApplyResult =
  /** Buffered (waiting for the snapshot) or dropped as already covered: nothing to publish. */
  | 'buffered'
  | 'ignored'
  /** The book changed and is valid. */
  | 'applied'
  /** Sequence gap or crossed book: the book is now invalid and needs a new snapshot. */
  | 'gap'
  | 'crossed';

/** Cap on deltas buffered while waiting for a snapshot; beyond it the snapshot is hopeless, resync. */
const MAX_BUFFER = 5000;

/**
 * Sequencing of one symbol's book (reference §3.4):
 *  - before a snapshot, deltas are buffered;
 *  - on the snapshot (L = lastUpdateId) buffered deltas with u <= L are dropped, the first kept one must
 *    satisfy U <= L+1 <= u, and every later one U == previous u + 1;
 *  - a gap or a crossed book makes the book invalid until the next snapshot.
 */
export class SyncedBook extends LevelBook {
  private state: 'waiting' | 'synced' = 'waiting';
  /** After a snapshot, the next kept delta must straddle L+1 (rather than start exactly at last u + 1). */
  private needFirst = false;
  private buffer: DepthDelta[] = [];
  invalidReason: string | null = 'no snapshot yet';

  get valid(): boolean {
    return this.state === 'synced';
  }
  /** Forget the book and start buffering for a new snapshot. */
  invalidate(reason: string): void {
    this.state = 'waiting';
    this.invalidReason = reason;
    this.buffer.length = 0;
    this.needFirst = false;
    this.clear();
  }

  /**
   * Load a REST snapshot and replay buffered deltas. Returns 'applied' when the book is valid, 'gap' when
   * the snapshot is too old for the buffered deltas (fetch another), 'crossed' when the result is crossed.
   * A snapshot ahead of every delta received so far is valid: later deltas with u <= L are ignored and the
   * first one straddling L+1 continues the sequence.
   */
  loadSnapshot(snap: DepthSnapshot): ApplyResult {
    this.clear();
    this.applyLevels('Bid', snap.bids);
    this.applyLevels('Ask', snap.asks);
    this.lastUpdateId = snap.lastUpdateId;
    this.state = 'synced';
    this.invalidReason = null;
    this.needFirst = true;
    const pending = this.buffer;
    this.buffer = [];
    for (const d of pending) {
      const r = this.applyDelta(d);
      if (r === 'gap' || r === 'crossed') return r;
    }
    if (this.isCrossed()) {
      this.invalidate('crossed snapshot');
      return 'crossed';
    }
    return 'applied';
  }

  /** Apply one websocket delta according to the sequence rules. */
  applyDelta(d: DepthDelta): ApplyResult {
    if (this.state === 'waiting') {
      if (this.buffer.length >= MAX_BUFFER) this.buffer.shift();
      this.buffer.push(d);
      return 'buffered';
    }
    const last = this.lastUpdateId;
    if (d.u <= last) return 'ignored';
    if (this.needFirst) {
      if (!(d.U <= last + 1)) {
        this.invalidate(`snapshot ${last} older than delta ${d.U}..${d.u}`);
        return 'gap';
      }
      this.needFirst = false;
    } else if (d.U !== last + 1) {
      this.invalidate(`sequence gap: expected ${last + 1}, got ${d.U}..${d.u}`);
      return 'gap';
    }
    this.applyLevels('Bid', d.bids);
    this.applyLevels('Ask', d.asks);
    this.lastUpdateId = d.u;
    if (this.isCrossed()) {
      this.invalidate(`crossed book at ${d.u}: bid ${this.bids.best()} >= ask ${this.asks.best()}`);
      return 'crossed';
    }
    return 'applied';
  }

  /** Number of deltas waiting for a snapshot (diagnostics). */
  get buffered(): number {
    return this.buffer.length;
  }
}
