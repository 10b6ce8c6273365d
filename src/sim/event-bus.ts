// The one path by which the paper exchange tells the world what happened: a typed bus with one channel per
// kind of event (public depth/book/trade/mark, private order/position/balance, and the in-process "raw"
// twins of trade/order/position that carry the matching engine's own records instead of built ones).
// Emitters read `listeners(type)` and loop themselves instead of calling an `emit(...args)`: the bus sits
// on the hottest path of a backtest, where a rest-parameter array per event would be measurable, and
// `has(type)` lets an emitter skip building a payload nobody reads (depth levels, order views).
import type { PerpPosition } from './accounts/position.js';
import type { BalanceChangeEvent, DepthEvent, MarkEvent, OrderEventType, OrderUpdateEvent, PositionUpdateEvent, RawFill, TradeEvent } from './events.js';
import type { SimMarket } from './market.js';
import type { SimOrder } from './matching/types.js';

/** Every channel of the bus and the signature of its subscribers. */
export interface SimEvents {
  /** Only built when some subscriber has it (the server); costs formatting. */
  depth(e: DepthEvent): void;
  /** Cheap notification after every book change (the direct adapter and the makers read the book themselves). */
  bookChanged(symbol: string, updateId: number, ts: number): void;
  trade(e: TradeEvent): void;
  markPrice(e: MarkEvent): void;
  order(e: OrderUpdateEvent): void;
  position(e: PositionUpdateEvent): void;
  /** Per change (several per fill): the server coalesces them into account.balanceUpdate frames. */
  balance(e: BalanceChangeEvent): void;
  /**
   * In-process variants of trade, order and position (the direct adapter of a backtest): the engine's own
   * records, with no record built. Called synchronously, at the same points as their built
   * counterparts; the objects are live and mutable, so a subscriber must copy what it needs at once.
   */
  tradeRaw(e: TradeEvent, priceUnits: number, qtyUnits: number, m: SimMarket): void;
  orderRaw(account: string, type: OrderEventType, o: SimOrder, m: SimMarket, fill: RawFill | null, ts: number): void;
  positionRaw(account: string, type: PositionUpdateEvent['type'], p: PerpPosition, m: SimMarket, ts: number): void;
}

export type SimEventType = keyof SimEvents;

/** A subscriber to any subset of the channels (SimExchange.subscribe). */
export type SimListener = Partial<SimEvents>;

const CHANNELS: readonly SimEventType[] = ['depth', 'bookChanged', 'trade', 'markPrice', 'order', 'position', 'balance', 'tradeRaw', 'orderRaw', 'positionRaw'];

export class SimEventBus {
  private readonly subs: { [K in SimEventType]: Array<SimEvents[K]> } = {
    depth: [],
    bookChanged: [],
    trade: [],
    markPrice: [],
    order: [],
    position: [],
    balance: [],
    tradeRaw: [],
    orderRaw: [],
    positionRaw: [],
  };

  /** Subscribe `fn` to one channel; the returned function unsubscribes it (again: no-op). */
  on<K extends SimEventType>(type: K, fn: SimEvents[K]): () => void {
    const arr = this.subs[type];
    arr.push(fn);
    return () => {
      const i = arr.indexOf(fn);
      if (i >= 0) arr.splice(i, 1);
    };
  }

  /** Subscribe every handler `l` has (bound to `l`); the returned function unsubscribes them all. */
  subscribe(l: SimListener): () => void {
    const offs: Array<() => void> = [];
    for (const type of CHANNELS) {
      const fn = l[type];
      if (fn) offs.push(this.on(type, (fn as (...a: unknown[]) => void).bind(l) as SimEvents[typeof type]));
    }
    return () => {
      for (const off of offs) off();
    };
  }

  /** Whether anyone listens on `type` (emitters skip building payloads otherwise). */
  has(type: SimEventType): boolean {
    return this.subs[type].length > 0;
  }

  /** The live subscriber list of a channel, for the emitter to call in order. */
  listeners<K extends SimEventType>(type: K): ReadonlyArray<SimEvents[K]> {
    return this.subs[type];
  }
}
