// The pure quoting decision for one symbol: which side, price, size and flags we WANT resting now.
// Inventory first (close it with a reduce-only quote), else the side from taker flow. Prices come from the
// book without our own order, optionally improved, never crossing. Unfilled exits escalate: first a
// post-only price at the touch, then an IOC at the touch, always bounded by the position so an exit can
// never flip it. Spot orders stay inside the free balance: an exit sells at most the base we can free,
// a flat symbol quotes only a side it can fund (an Ask needs base above the target, a Bid quote), and
// takes the other side, or waits, when the flow's side cannot be funded. No I/O, no clock: `now` is an input.
import { type BookView, type MarketInfo } from '../domain/market.js';
import { opposite, type Side } from '../domain/side.js';
import type { SideReason } from '../domain/trading-mode.js';
import { type Decimal, floorToStep, minDec, ZERO } from '../util/decimal.js';
import { bestExcludingOwn, midOf, type OwnResting } from './book-math.js';

/** In REDUCING (flatten) the IOC stage starts this long after the flatten began. */
export const FLATTEN_IOC_AFTER_MS = 5000;

export interface StrategyParams {
  orderNotional: Decimal;
  /** Per-symbol base quantity override for this symbol, or null. */
  orderQuantity: Decimal | null;
  inventoryThreshold: Decimal;
  improveTicks: number;
  exitEscalation: boolean;
  exitEscalateAfterSec: number;
  exitAdverseBps: number;
}

/**
 * Spot: what the account can fund for this symbol's next order, with our own working order's lock counted
 * as free (a new order replaces it). Perps: null (margin is the exchange's check).
 */
export interface SpotFunds {
  /** Base this symbol may sell: held, less what other orders lock. */
  base: Decimal;
  /** Quote this symbol may spend. */
  quote: Decimal;
}

export interface DecideInput {
  market: MarketInfo;
  book: BookView;
  own: OwnResting | null;
  /** Signed inventory: perp net position, or spot base balance minus target. */
  inventory: Decimal;
  /** Average entry of the inventory (adverse-move check); null when unknown. */
  entryPrice: Decimal | null;
  /** When the current inventory was opened (ms); null when flat. */
  inventorySince: number | null;
  flowSide: Side | null;
  flowFresh: boolean;
  forceInventory: boolean;
  /** Operator flatten: only exits, always escalating to IOC. */
  reducing: boolean;
  /** Only exits allowed (mode REDUCING for any reason, loss limit): no escalation forced. */
  exitsOnly: boolean;
  /** When REDUCING started (ms); null when not reducing. */
  reducingSince: number | null;
  /** How long after reducingSince an operator flatten turns to IOC (default FLATTEN_IOC_AFTER_MS; shorter for a stop). */
  reducingIocAfterMs?: number;
  now: number;
  p: StrategyParams;
  /** Spot funds (see SpotFunds); null on perps. */
  funds?: SpotFunds | null;
}

export interface Quote {
  side: Side;
  price: Decimal;
  quantity: Decimal;
  reduceOnly: boolean;
  postOnly: boolean;
  ioc: boolean;
  reason: SideReason;
  /** 0 = join, 1 = post-only at the touch, 2 = IOC at the touch. */
  stage: 0 | 1 | 2;
  /** True for an order that reduces inventory (reduce-only on perps; the closing side on spot). */
  exit: boolean;
}

export interface Decision {
  quote: Quote | null;
  /** Why there is no quote (for the snapshot/log), or the side reason. */
  why: string;
  /** Inventory too small to close with a legal order (below min quantity after rounding), else null. */
  dust: Decimal | null;
}

const NO_QUOTE = (why: string, dust: Decimal | null = null): Decision => ({ quote: null, why, dust });

/**
 * The original's INVENTORY_THRESHOLD (0.001) is in base units, which means $90 of BTC but 20 cents of SOL: a
 * half-filled BTC quote would never count as inventory and would never be closed. A position is inventory once
 * it reaches the threshold OR the market's minimum quantity, whichever is smaller, so any closable position is
 * closed at once.
 */
export function effectiveInventoryThreshold(threshold: Decimal, m: MarketInfo): Decimal {
  return threshold.lt(m.minQuantity) ? threshold : m.minQuantity;
}

export function decide(x: DecideInput): Decision {
  const m = x.market;
  const isSpot = m.marketType === 'SPOT';
  const absInv = x.inventory.isNegative() ? x.inventory.abs() : x.inventory;
  const bid = bestExcludingOwn(x.book, 'Bid', x.own);
  const ask = bestExcludingOwn(x.book, 'Ask', x.own);
  if (bid === null && ask === null) return NO_QUOTE('empty book');

  const holding = absInv.gt(0) && absInv.gte(effectiveInventoryThreshold(x.p.inventoryThreshold, m));
  if (holding && (x.forceInventory || x.reducing || x.exitsOnly)) {
    let qty = capQty(exitQty(x.inventory, absInv, m), m);
    const side: Side = x.inventory.isPositive() ? 'Ask' : 'Bid';
    if (qty.lt(m.minQuantity) || qty.lte(0)) {
      // Cannot close with a legal order: treat as flat (flow quotes move it) unless only exits are allowed.
      if (x.reducing || x.exitsOnly) return NO_QUOTE('dust', absInv);
      return flowQuote(x, bid, ask, absInv);
    }
    const stage = exitStage(x, side);
    const price = exitPrice(side, stage, bid, ask, m.tickSize);
    if (price === null) return NO_QUOTE('no touch for exit');
    const funds = x.funds;
    if (funds) {
      // Sell what can be freed, buy what the quote pays for; an exit nothing funds waits for the balance.
      const cap = floorToStep(side === 'Ask' ? funds.base : funds.quote.div(price), m.stepSize);
      if (qty.gt(cap)) qty = cap;
      if (qty.lt(m.minQuantity) || qty.lte(0)) return x.reducing || x.exitsOnly ? NO_QUOTE('no funds') : flowQuote(x, bid, ask, null);
    }
    return {
      quote: {
        side,
        price,
        quantity: qty,
        reduceOnly: !isSpot,
        postOnly: stage < 2,
        ioc: stage === 2,
        reason: stage > 0 ? 'escalation' : 'inventory',
        stage,
        exit: true,
      },
      why: stage > 0 ? 'escalation' : 'inventory',
      dust: null,
    };
  }
  if (x.reducing || x.exitsOnly) return NO_QUOTE(absInv.gt(0) ? 'below inventory threshold' : 'flat');
  return flowQuote(x, bid, ask, null);
}

function flowQuote(x: DecideInput, bid: Decimal | null, ask: Decimal | null, dust: Decimal | null): Decision {
  const side = x.flowSide;
  if (side === null) return NO_QUOTE('no flow signal', dust);
  const reason: SideReason = x.flowFresh ? 'flow' : 'hold';
  const q = sideQuote(x, side, bid, ask, reason);
  if (typeof q !== 'string') return { quote: q, why: reason, dust };
  if (q !== 'no funds') return NO_QUOTE(q, dust);
  // Spot: the flow's side cannot be funded; quote the side that can (volume is the point), or wait.
  const other = sideQuote(x, opposite(side), bid, ask, 'funds');
  if (typeof other === 'string') return NO_QUOTE(other, dust);
  return { quote: other, why: 'funds', dust };
}

/** An opening quote on `side` (join/improve, order size, funded on spot), or why there is none. */
function sideQuote(x: DecideInput, side: Side, bid: Decimal | null, ask: Decimal | null, reason: SideReason): Quote | 'no price' | 'no funds' {
  const m = x.market;
  const price = joinPrice(side, bid, ask, m.tickSize, x.p.improveTicks);
  if (price === null || price.lte(0)) return 'no price';
  let qty = x.p.orderQuantity ?? notionalQty(x.p.orderNotional, price, m);
  if (qty.lt(m.minQuantity)) qty = m.minQuantity;
  qty = capQty(qty, m);
  const funds = x.funds;
  if (funds) {
    // An Ask sells only base above the target (the target is kept); a Bid spends only free quote.
    const can = side === 'Ask' ? minDec(funds.base, x.inventory.isPositive() ? x.inventory : ZERO) : funds.quote.div(price);
    const cap = floorToStep(can, m.stepSize);
    if (qty.gt(cap)) qty = cap;
    if (qty.lt(m.minQuantity) || qty.lte(0)) return 'no funds';
  }
  return { side, price, quantity: qty, reduceOnly: false, postOnly: true, ioc: false, reason, stage: 0, exit: false };
}

/**
 * floorToStep(notional / price): two 40-digit divisions, re-done on every book tick although the price
 * rarely changes between ticks. The last answer per market is kept (same inputs, same result).
 */
const lastQty = new WeakMap<MarketInfo, { notional: Decimal; price: Decimal; qty: Decimal; byPrice: Map<string, Decimal> }>();
function notionalQty(notional: Decimal, price: Decimal, m: MarketInfo): Decimal {
  let c = lastQty.get(m);
  if (c && c.notional === notional && (c.price === price || c.price.eq(price))) return c.qty;
  // The price moves within a few hundred ticks for hours: answers are also kept by price (its string is
  // ~10x cheaper than the divisions). Bounded; emptied when the notional setting changes or it is full.
  if (!c || c.notional !== notional) {
    c = { notional, price, qty: ZERO, byPrice: new Map() };
    lastQty.set(m, c);
  }
  const key = price.toString();
  let qty = c.byPrice.get(key);
  if (qty === undefined) {
    qty = floorToStep(notional.div(price), m.stepSize);
    if (c.byPrice.size >= 4096) c.byPrice.clear();
    c.byPrice.set(key, qty);
  }
  c.price = price;
  c.qty = qty;
  return qty;
}

/** floorToStep(|inventory|): the position object is the same between fills, so the last answer is kept. */
const lastExit = new WeakMap<MarketInfo, { inv: Decimal; step: Decimal; qty: Decimal }>();
function exitQty(inventory: Decimal, absInv: Decimal, m: MarketInfo): Decimal {
  const c = lastExit.get(m);
  if (c !== undefined && c.inv === inventory && c.step === m.stepSize) return c.qty;
  const qty = floorToStep(absInv, m.stepSize);
  lastExit.set(m, { inv: inventory, step: m.stepSize, qty });
  return qty;
}

function capQty(q: Decimal, m: MarketInfo): Decimal {
  return m.maxQuantity !== null && q.gt(m.maxQuantity) ? floorToStep(m.maxQuantity, m.stepSize) : q;
}

/**
 * Join the best price on `side` (book without our order), improved by `improve` ticks while staying at
 * least one tick away from the other side so a post-only order never crosses.
 */
export function joinPrice(side: Side, bid: Decimal | null, ask: Decimal | null, tick: Decimal, improve: number): Decimal | null {
  // Same inputs (by identity: Decimals are immutable) as the last call for this tick size: same answer.
  // A book's best prices stay the same objects between ticks, so most decisions hit this.
  const c = lastJoin.get(tick);
  if (c !== undefined && c.side === side && c.bid === bid && c.ask === ask && c.improve === improve) return c.price;
  const price = computeJoinPrice(side, bid, ask, tick, improve);
  lastJoin.set(tick, { side, bid, ask, improve, price });
  return price;
}

const lastJoin = new WeakMap<Decimal, { side: Side; bid: Decimal | null; ask: Decimal | null; improve: number; price: Decimal | null }>();

function computeJoinPrice(side: Side, bid: Decimal | null, ask: Decimal | null, tick: Decimal, improve: number): Decimal | null {
  if (side === 'Bid') {
    if (bid === null) return ask === null ? null : ask.minus(tick);
    let p = improve > 0 ? bid.plus(ticks(tick, improve)) : bid;
    if (ask !== null && p.gte(ask)) p = ask.minus(tick);
    return p.lt(bid) ? bid : p;
  }
  if (ask === null) return bid === null ? null : bid.plus(tick);
  let p = improve > 0 ? ask.minus(ticks(tick, improve)) : ask;
  if (bid !== null && p.lte(bid)) p = bid.plus(tick);
  return p.gt(ask) ? ask : p;
}

/** tick * n, kept per tick size (the setting rarely changes). */
const tickMul = new WeakMap<Decimal, { n: number; v: Decimal }>();
function ticks(tick: Decimal, n: number): Decimal {
  const c = tickMul.get(tick);
  if (c !== undefined && c.n === n) return c.v;
  const v = tick.mul(n);
  tickMul.set(tick, { n, v });
  return v;
}

function exitStage(x: DecideInput, side: Side): 0 | 1 | 2 {
  if (x.reducing) {
    const since = x.reducingSince ?? x.now;
    return x.now - since >= (x.reducingIocAfterMs ?? FLATTEN_IOC_AFTER_MS) ? 2 : 1;
  }
  if (!x.p.exitEscalation || x.inventorySince === null) return 0;
  const afterMs = x.p.exitEscalateAfterSec * 1000;
  const age = x.now - x.inventorySince;
  const adverse = adverseBps(x, side);
  const bps = x.p.exitAdverseBps;
  if (age >= 2 * afterMs || (bps > 0 && adverse >= 2 * bps)) return 2;
  if (age >= afterMs || (bps > 0 && adverse >= bps)) return 1;
  return 0;
}

/** How far the market moved against the inventory from its entry, in bps (negative = in our favour). */
export function adverseBps(x: DecideInput, exitSide: Side): number {
  const mid = midOf(x.book);
  const e = x.entryPrice;
  if (mid === null || e === null || e.lte(0)) return 0;
  // Long (exit Ask) loses when mid < entry; short (exit Bid) loses when mid > entry.
  const move = exitSide === 'Ask' ? e.minus(mid) : mid.minus(e);
  return move.div(e).mul(10000).toNumber();
}

function exitPrice(side: Side, stage: 0 | 1 | 2, bid: Decimal | null, ask: Decimal | null, tick: Decimal): Decimal | null {
  if (stage === 0) return joinPrice(side, bid, ask, tick, 0);
  if (side === 'Ask') {
    if (stage === 2) return bid; // IOC sells into the best bid
    return bid === null ? ask : bid.plus(tick); // most aggressive price that still rests
  }
  if (stage === 2) return ask;
  return ask === null ? bid : ask.minus(tick);
}

