// The comparison baseline: a two-sided join-best quoter. On every top-of-book change it wants a post-only
// bid at the best bid and a post-only ask at the best ask (the book without its own order), both of the
// same size (orderNotional, rounded to the step), and replaces an order whose price is no longer the
// target. It keeps no inventory rule: the only brake is the same per-symbol position cap the core's risk
// gate uses (a side whose fill would grow |position| past maxPositionNotional is not quoted). Fills go
// through the core's TradingStats, so its figures are computed exactly like the engine's.
import type { Settings } from '../config/settings.js';
import { bestExcludingOwn } from '../core/book-math.js';
import { ClientIdAllocator } from '../core/client-ids.js';
import { TradingStats } from '../core/stats.js';
import type { ExchangePort } from '../exchange/port.js';
import type { ExchangeEvent } from '../exchange/types.js';
import type { BookView, MarketInfo } from '../domain/market.js';
import type { OrderEvent } from '../domain/order.js';
import type { Side } from '../domain/side.js';
import type { Clock } from '../util/clock.js';
import { type Decimal, floorToStep, ZERO } from '../util/decimal.js';

interface Working {
  clientId: number;
  side: Side;
  price: Decimal;
  quantity: Decimal;
  executed: Decimal;
  /** pending: placement in flight; open: resting; cancelling: cancel in flight. */
  state: 'pending' | 'open' | 'cancelling';
}

interface Sym {
  market: MarketInfo;
  book: BookView | null;
  lastBid: Decimal | null;
  lastAsk: Decimal | null;
  orders: Partial<Record<Side, Working>>;
}

const SIDES: readonly Side[] = ['Bid', 'Ask'];

export class SymmetricQuoter {
  readonly stats: TradingStats;
  ordersPlaced = 0;
  cancelsSent = 0;
  private readonly syms = new Map<string, Sym>();
  private readonly byClientId = new Map<number, { sym: Sym; w: Working }>();
  private readonly ids: ClientIdAllocator;

  constructor(
    private readonly port: ExchangePort,
    clock: Clock,
    private readonly settings: Readonly<Settings>,
  ) {
    this.stats = new TradingStats(settings.symbols);
    this.ids = new ClientIdAllocator(clock.now());
  }

  async start(): Promise<void> {
    const markets = await this.port.getMarkets();
    for (const s of this.settings.symbols) {
      const m = markets.find((x) => x.symbol === s);
      if (!m) throw new Error(`unknown symbol ${s}`);
      this.syms.set(s, { market: m, book: null, lastBid: null, lastAsk: null, orders: {} });
    }
    this.stats.observe();
    await this.port.start(this.settings.symbols, (e) => this.handle(e));
  }

  handle(e: ExchangeEvent): void {
    switch (e.type) {
      case 'book': {
        const st = this.syms.get(e.symbol);
        if (!st) return;
        st.book = e.book;
        const bid = e.book.bestBid();
        const ask = e.book.bestAsk();
        if (eq(bid, st.lastBid) && eq(ask, st.lastAsk)) return;
        st.lastBid = bid;
        st.lastAsk = ask;
        this.requote(st);
        return;
      }
      case 'markPrice':
        if (!this.syms.has(e.symbol)) return;
        this.stats.setMark(e.symbol, e.markPrice);
        this.stats.observe();
        return;
      case 'order':
        this.onOrder(e.event);
        return;
      default:
        return;
    }
  }

  private onOrder(ev: OrderEvent): void {
    if (ev.fill) {
      this.stats.recordFill(ev.side, ev.fill.quantity, ev.fill.price, ev.fill.isMaker, {
        symbol: ev.symbol,
        fee: ev.fill.fee,
        ts: ev.ts,
        tradeId: ev.fill.tradeId,
      });
    }
    const hit = ev.clientId === null ? undefined : this.byClientId.get(ev.clientId);
    if (!hit) return;
    if (ev.executedQuantity.gt(hit.w.executed)) hit.w.executed = ev.executedQuantity;
    if (ev.type === 'cancelled' || ev.type === 'expired' || ev.status === 'Filled') {
      this.forget(hit.sym, hit.w);
      this.requote(hit.sym);
    }
  }

  private forget(st: Sym, w: Working): void {
    this.byClientId.delete(w.clientId);
    if (st.orders[w.side] === w) delete st.orders[w.side];
  }

  private requote(st: Sym): void {
    const book = st.book;
    if (!book) return;
    const m = st.market;
    const pos = this.stats.ledger(m.symbol).position;
    for (const side of SIDES) {
      const w = st.orders[side];
      if (w && w.state !== 'open') continue;
      const own = w ? { side, price: w.price, remaining: w.quantity.minus(w.executed) } : null;
      const target = bestExcludingOwn(book, side, own);
      let ok = target !== null && target.gt(0);
      let qty = ZERO;
      if (target !== null && ok) {
        qty = floorToStep(this.settings.orderNotional.div(target), m.stepSize);
        if (qty.lt(m.minQuantity)) qty = m.minQuantity;
        const after = side === 'Bid' ? pos.plus(qty) : pos.minus(qty);
        if (after.abs().gt(pos.abs()) && after.abs().mul(target).gt(this.settings.maxPositionNotional)) ok = false;
      }
      if (w) {
        if (!ok || target === null || !target.eq(w.price)) this.cancel(st, w);
        continue;
      }
      if (ok && target !== null) this.place(st, side, target, qty);
    }
  }

  private place(st: Sym, side: Side, price: Decimal, quantity: Decimal): void {
    const clientId = this.ids.next();
    const w: Working = { clientId, side, price, quantity, executed: ZERO, state: 'pending' };
    st.orders[side] = w;
    this.byClientId.set(clientId, { sym: st, w });
    this.ordersPlaced++;
    void this.port
      .placeOrder({ symbol: st.market.symbol, side, orderType: 'Limit', price, quantity, timeInForce: 'GTC', postOnly: true, clientId })
      .then(
        (o) => {
          if (o.kind === 'accepted') {
            if (st.orders[side] === w && w.state === 'pending') w.state = 'open';
          } else {
            // Post-only would have crossed (or any rejection): forget it; the next book change re-quotes.
            this.stats.recordFailure(st.market.symbol, o.kind === 'rejected' ? 'post-only' : 'unknown');
            this.forget(st, w);
          }
        },
        () => this.forget(st, w),
      );
  }

  private cancel(st: Sym, w: Working): void {
    w.state = 'cancelling';
    this.cancelsSent++;
    void this.port.cancelOrder(st.market.symbol, { clientId: w.clientId }).then(
      () => {
        // Accepted, or not found because it filled meanwhile: either way it no longer rests.
        if (st.orders[w.side] === w) {
          this.forget(st, w);
          this.requote(st);
        }
      },
      () => this.forget(st, w),
    );
  }
}

function eq(a: Decimal | null, b: Decimal | null): boolean {
  return a === null ? b === null : b !== null && a.eq(b);
}
