// The comparison baseline: a two-sided join-best quoter. On every top-of-book change it wants a post-only
// bid at the best bid and a post-only ask at the best ask (the book without its own order), both of the
// same size (orderNotional, rounded to the step), and replaces an order whose price is no longer the
// target. It keeps no inventory rule: the only brake is the per-symbol position cap (a side whose fill
// would grow |position| past maxPositionNotional is not quoted) and, on spot, the base it holds (no ask for
// more than the base above the target: the exchange would refuse it for funds).
//
// Everything after that decision is the engine's own: orders go through Execution (a bid and an ask slot
// per symbol: the same risk gate, tracker, unknown outcomes resolved by query and never resent, and reject
// back-off, which is the symbol's and so shared by both sides) and fills through the engine's Portfolio
// (a spot fee in the base asset is a cost valued in quote and leaves the base held). A comparison of the
// two therefore measures the strategies, not two ways of handling orders. Not the engine's: modes and loss
// limits (the gate always sees ACTIVE, no limit hit), REST reconciliation and position reads (its ledger
// is its fills), the minimum re-quote interval.
import type { Settings } from '../config/settings.js';
import { AccountHistory } from '../core/account-history.js';
import { bestExcludingOwn } from '../core/book-math.js';
import { Execution, type Effect } from '../core/execution.js';
import { fillOfEvent, normalFill } from '../core/journal-codec.js';
import { LoopState } from '../core/loop-state.js';
import { applyBook, applyMark } from '../core/market-data.js';
import { remaining } from '../core/order-tracker.js';
import { Portfolio } from '../core/portfolio.js';
import type { Logger } from '../core/ports.js';
import type { TradingStats } from '../core/stats.js';
import { executionPort, type StrategyPort } from '../core/strategy-port.js';
import type { Quote } from '../core/strategy.js';
import { scheduleWake, SymbolState } from '../core/symbol-state.js';
import type { BookView } from '../domain/market.js';
import type { OrderEvent } from '../domain/order.js';
import type { Side } from '../domain/side.js';
import type { ExchangePort } from '../exchange/port.js';
import type { ExchangeEvent } from '../exchange/types.js';
import type { Clock } from '../util/clock.js';
import { type Decimal, floorToStep, ZERO } from '../util/decimal.js';

/** One slot per side: the slot is named by the side it quotes. */
const SIDES: readonly Side[] = ['Bid', 'Ask'];

export class SymmetricQuoter {
  readonly execution: Execution;
  private readonly portfolio: Portfolio;
  private readonly port: StrategyPort;
  private readonly syms = new Map<string, SymbolState>();
  /** Its requests in flight (a stop lets them land) and whether it is stopping. */
  private readonly loop: LoopState;

  constructor(
    private readonly exchange: ExchangePort,
    private readonly clock: Clock,
    private readonly settings: Readonly<Settings>,
    logger: Logger,
  ) {
    this.loop = new LoopState(clock.now());
    const history = new AccountHistory();
    // Loss limits 0 = off: the baseline has none (see the header).
    this.portfolio = new Portfolio({ clock, logger, symbols: settings.symbols, sessionLossLimit: ZERO, dailyLossLimit: ZERO, history: () => history });
    this.execution = new Execution({
      port: exchange,
      clock,
      logger,
      settings,
      stats: this.portfolio.stats,
      inflight: (p) => this.loop.keepInFlight(p),
      settled: (sym, effect) => this.onSettled(sym, effect),
    });
    this.port = executionPort(this.execution, clock, (sym) => this.portfolio.inventory(sym), { mode: () => 'ACTIVE', lossLimitHit: () => false });
  }

  get stats(): TradingStats {
    return this.portfolio.stats;
  }

  get ordersPlaced(): number {
    return this.execution.ordersPlaced;
  }

  get cancelsSent(): number {
    return this.execution.cancelsSent;
  }

  async start(): Promise<void> {
    const markets = await this.exchange.getMarkets();
    for (const s of this.settings.symbols) {
      const m = markets.find((x) => x.symbol === s);
      if (!m) throw new Error(`unknown symbol ${s}`);
      this.syms.set(s, new SymbolState(s, m, this.settings));
    }
    this.stats.observe();
    await this.exchange.start(this.settings.symbols, (e) => this.handle(e));
  }

  /** Stop quoting, let the requests in flight end, cancel what rests and close the stream. */
  async stop(): Promise<void> {
    this.loop.stopping = true;
    for (const sym of this.syms.values()) this.clock.clear(sym.wake);
    for (let p = this.loop.pending(); p.length > 0; p = this.loop.pending()) await Promise.all(p);
    for (const s of this.settings.symbols) await this.exchange.cancelAll(s);
    await this.exchange.stop();
  }

  handle(e: ExchangeEvent): void {
    switch (e.type) {
      case 'book': {
        const sym = this.syms.get(e.symbol);
        if (sym && applyBook(sym, e.book, this.stats)) this.requote(sym);
        return;
      }
      case 'markPrice':
        applyMark(this.syms.get(e.symbol), e.markPrice, this.stats);
        return;
      case 'order':
        return this.onOrder(e.event);
      default:
        return;
    }
  }

  private onOrder(ev: OrderEvent): void {
    const sym = this.syms.get(ev.symbol);
    const fill = fillOfEvent(ev);
    // Post-only quotes are never reduce-only: every fill is shown as an entry.
    if (fill && sym) this.portfolio.applyFill(sym, normalFill(fill), true, () => false);
    const effect = this.execution.onOrderEvent(sym, ev, this.loop.stopping);
    if (effect !== null && sym) this.onSettled(sym, effect);
  }

  /** An execution step or outcome for `sym` was applied: honour its back-off and re-quote. */
  private onSettled(sym: SymbolState, effect: Effect): void {
    // effect.readPosition is not acted on: the baseline reads no positions, its ledger is its fills.
    if (effect.wakeAt !== null) scheduleWake(this.clock, sym, effect.wakeAt, () => this.requote(sym));
    this.requote(sym);
  }

  private requote(sym: SymbolState): void {
    if (this.loop.stopping || sym.book === null) return;
    const inv = this.port.inventory(sym);
    for (const side of SIDES) this.quoteSide(sym, sym.book, side, inv);
  }

  private quoteSide(sym: SymbolState, book: BookView, side: Side, inv: Decimal): void {
    const t = this.port.working(sym, side);
    // An order whose fate is being settled (placement or cancel in flight, unknown outcome) is left alone.
    if (t && (t.state === 'pending' || t.state === 'unknown' || t.cancelInFlight || t.resolving)) return;
    const own = t && t.price !== null ? { side, price: t.price, remaining: remaining(t) } : null;
    const target = bestExcludingOwn(book, side, own);
    const q = target !== null && target.gt(0) ? this.wanted(sym, side, target, inv) : null;
    if (t) {
      if (q === null || t.price === null || !q.price.eq(t.price)) this.port.cancel(sym, t);
      return;
    }
    if (q === null) return;
    const r = this.port.place(sym, q, side);
    if (r.wakeAt !== null) scheduleWake(this.clock, sym, r.wakeAt, () => this.requote(sym));
  }

  /** The post-only quote for one side at `price`, or null when the position cap (or, on spot, the base held) rules it out. */
  private wanted(sym: SymbolState, side: Side, price: Decimal, inv: Decimal): Quote | null {
    const m = sym.market;
    let qty = floorToStep(this.settings.orderNotional.div(price), m.stepSize);
    if (qty.lt(m.minQuantity)) qty = m.minQuantity;
    const after = side === 'Bid' ? inv.plus(qty) : inv.minus(qty);
    const grows = after.abs().gt(inv.abs());
    if (grows && after.abs().mul(price).gt(this.settings.maxPositionNotional)) return null;
    if (sym.isSpot && side === 'Ask' && inv.lt(qty)) return null;
    // The gate's notion of an exit (it lets one through whatever the cap) is a fill that shrinks |position|
    // without crossing zero; one that shrinks it across zero is gated as an entry, on its far side's size.
    const exit = !grows && (after.isZero() || inv.isNegative() === after.isNegative());
    // reason: the baseline has no side signal; 'none' is the engine's word for "no reason given".
    return { side, price, quantity: qty, reduceOnly: false, postOnly: true, ioc: false, reason: 'none', stage: 0, exit };
  }
}
