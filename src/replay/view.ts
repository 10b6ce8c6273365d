// The engine's side of one replayed market: the book as the engine has received it (a second TapeBook fed
// in delivery order, feed latency behind the venue's), exposed as a BookView, and the conversion of
// delivered tape events into the ExchangeEvents a websocket adapter would produce:
//   depth     'book' when the synced book's top changed or it just became usable; 'bookInvalid' when a gap,
//             a sequence break, a stale snapshot or a crossed book leaves it unsynced (the engine stops
//             quoting the market until the next snapshot re-syncs it, as on a live gap)
//   trade     'trade' (the taker's side; a trade without one is placed by the book it printed against)
//   mark      'markPrice' with the funding rate; a tape without mark prices gets the mid once a second
//             (Backpack pushes its mark stream once a second), so the engine values inventory
// Times handed to the engine are the replay clock's (never the venue's raw exchange clock).
import type { ExchangeEvent } from '../exchange/types.js';
import type { BookView, TradeTick } from '../domain/market.js';
import type { Side } from '../domain/side.js';
import { TapeBook, type BookSide } from '../tape/book.js';
import { DenseSide } from './dense-side.js';
import type { TapeEvent, TradeEvent } from '../tape/types.js';
import { D, type Decimal, ZERO } from '../util/decimal.js';
import type { ReplayMarket } from './market.js';

const SYNTH_MARK_MS = 1000;

/** A receive time in ns, as the websocket adapter stamps its frames (only built for events the engine gets). */
export const nsOf = (ms: number): bigint => BigInt(Math.round(ms * 1e6));

class ReplayBookView implements BookView {
  private bidU = NaN;
  private bidDec: Decimal | null = null;
  private askU = NaN;
  private askDec: Decimal | null = null;
  constructor(
    private readonly m: ReplayMarket,
    private readonly book: TapeBook,
  ) {}
  get symbol(): string {
    return this.m.symbol;
  }
  get lastUpdateId(): number {
    return this.book.updateId ?? 0;
  }
  bestBid(): Decimal | null {
    const b = this.book.bids.best();
    if (b !== this.bidU) {
      this.bidU = b;
      this.bidDec = Number.isNaN(b) ? null : this.m.px.get(b);
    }
    return this.bidDec;
  }
  bestAsk(): Decimal | null {
    const a = this.book.asks.best();
    if (a !== this.askU) {
      this.askU = a;
      this.askDec = Number.isNaN(a) ? null : this.m.px.get(a);
    }
    return this.askDec;
  }
  sizeAt(side: Side, price: Decimal): Decimal {
    const p = this.m.priceUnits(price);
    if (p === null) return ZERO;
    const q = this.sideOf(side).qtyAt(p);
    return q === 0 ? ZERO : this.m.displayed(q, p);
  }
  levels(side: Side, n: number): Array<[Decimal, Decimal]> {
    const s = this.sideOf(side);
    const out: Array<[Decimal, Decimal]> = [];
    for (let i = 0; i < s.size && i < n; i++) {
      const p = s.priceAt(i);
      out.push([this.m.px.get(p), this.m.displayed(s.qtyAt(p), p)]);
    }
    return out;
  }
  private sideOf(side: Side): BookSide {
    return side === 'Bid' ? this.book.bids : this.book.asks;
  }
}

/** A public trade whose Decimals are built only when read (the engine reads the float quantity). */
class ReplayTradeTick implements TradeTick {
  readonly symbol: string;
  constructor(
    private readonly m: ReplayMarket,
    private readonly pu: number,
    private readonly qu: number,
    readonly quantityNum: number,
    readonly takerSide: Side,
    readonly tradeId: number,
    readonly ts: number,
  ) {
    this.symbol = m.symbol;
  }
  get price(): Decimal {
    return this.m.px.get(this.pu);
  }
  get quantity(): Decimal {
    return this.m.displayed(this.qu, this.pu);
  }
}

export class EngineView {
  readonly book: TapeBook;
  readonly view: BookView;
  /** The last mark the engine was given (tape mark or mid), for position events and valuations. */
  mark: Decimal | null = null;
  /** Times the book became unusable. */
  invalidations = 0;
  private valid = false;
  private topBid = NaN;
  private topAsk = NaN;
  private tapeMarks = false;
  private nextSynthMs = -Infinity;
  private tradeSeq = 0;

  constructor(private readonly m: ReplayMarket) {
    this.book = new TapeBook(m.header.seqRule, (sign) => new DenseSide(sign));
    this.view = new ReplayBookView(m, this.book);
  }

  /** A tape event reaching the engine at `nowMs`; `emit` null while the engine is not subscribed. */
  deliver(e: TapeEvent, nowMs: number, emit: ((x: ExchangeEvent) => void) | null): void {
    switch (e.type) {
      case 'snapshot':
      case 'diff':
      case 'gap': {
        if (e.type === 'gap' && !e.lost.includes('depth')) return;
        this.book.apply(e);
        const b = this.book;
        if (!b.synced) {
          if (this.valid) {
            this.valid = false;
            this.invalidations++;
            emit?.({ type: 'bookInvalid', symbol: this.m.symbol, reason: b.problem ? `${b.problem.reason}: ${b.problem.detail}` : 'book not synced', ts: nowMs });
          }
          return;
        }
        const bid = b.bids.best();
        const ask = b.asks.best();
        if (this.valid && bid === this.topBid && ask === this.topAsk) break;
        this.valid = true;
        this.topBid = bid;
        this.topAsk = ask;
        emit?.({ type: 'book', symbol: this.m.symbol, book: this.view, ts: nowMs, recvNs: nsOf(nowMs) });
        break;
      }
      case 'trade': {
        const side = this.takerSide(e);
        if (side === null || emit === null) return;
        const id = typeof e.tradeId === 'number' ? e.tradeId : ++this.tradeSeq;
        const qNum = this.m.baseNum(e.qty, e.price);
        emit({ type: 'trade', trade: new ReplayTradeTick(this.m, e.price, e.qty, qNum, side, id, nowMs), recvNs: nsOf(nowMs) });
        return;
      }
      case 'mark': {
        this.tapeMarks = true;
        const mark = D(e.markPrice);
        this.mark = mark;
        emit?.({ type: 'markPrice', symbol: this.m.symbol, markPrice: mark, indexPrice: e.indexPrice === null ? null : D(e.indexPrice), fundingRate: e.fundingRate === null ? null : D(e.fundingRate), ts: nowMs });
        return;
      }
      default:
        return;
    }
    if (!this.tapeMarks && nowMs >= this.nextSynthMs && this.valid && this.book.asks.size > 0 && this.book.bids.size > 0) {
      this.nextSynthMs = Math.floor(nowMs / SYNTH_MARK_MS) * SYNTH_MARK_MS + SYNTH_MARK_MS;
      const mark = this.m.px.get(this.topBid).add(this.m.px.get(this.topAsk)).div(2);
      this.mark = mark;
      emit?.({ type: 'markPrice', symbol: this.m.symbol, markPrice: mark, indexPrice: null, fundingRate: null, ts: nowMs });
    }
  }

  private takerSide(e: TradeEvent): Side | null {
    if (e.side !== null) return e.side === 'buy' ? 'Bid' : 'Ask';
    const b = this.book;
    if (b.bids.size === 0 || b.asks.size === 0) return null;
    return e.price * 2 >= b.bids.best() + b.asks.best() ? 'Bid' : 'Ask';
  }
}
