// Settlement of every trade the matcher makes: the public trade (tape, candles, trade events), and per
// user side the fee, the perp position or spot balances, the fill record and the private fill events.
// The hooks built here are what the matcher calls; makers that end by fill or self-trade prevention are
// archived here too, since only the matcher sees them go.
import type { Decimal } from '../../util/decimal.js';
import { ZERO } from '../../util/decimal.js';
import type { Fill } from '../../domain/fill.js';
import { appendFill } from '../accounts/history.js';
import { applyPerpFill, newPosition } from '../accounts/position.js';
import type { OrderUpdateEvent, PositionUpdateEvent, RawFill, TradeEvent } from '../events.js';
import type { SimMarket } from '../market.js';
import type { MatchHooks } from '../matching/match.js';
import type { SimOrder } from '../matching/types.js';
import { track } from './margin.js';
import { archive } from './orders.js';
import { emitOrder } from './publish.js';
import type { ExchangeState } from './state.js';
import { orderInfo, positionInfo } from './views.js';

export function makeHooks(s: ExchangeState, m: SimMarket): MatchHooks {
  return {
    trade: (maker, taker, price, qty) => {
      const ts = s.clock.now();
      const id = ++m.tradeSeq;
      const buyerIsMaker = maker.side === 'Bid';
      const t: TradeEvent = {
        symbol: m.symbol,
        id,
        price: m.px(price),
        quantity: m.qty(qty),
        quoteQuantity: m.notional(price * qty),
        buyerIsMaker,
        buyOrderId: buyerIsMaker ? maker.id : taker.id,
        sellOrderId: buyerIsMaker ? taker.id : maker.id,
        ts,
      };
      m.recordTrade(t, price, qty, ts);
      for (const fn of s.events.listeners('trade')) fn(t);
      for (const fn of s.events.listeners('tradeRaw')) fn(t, price, qty, m);
      if (maker.account !== null) {
        track(s.accounts.get(maker.account)!, m, maker, true);
        userFill(s, m, maker, price, qty, true, id, ts);
      }
      if (taker.account !== null) {
        if (taker.remaining === 0) taker.status = 'Filled';
        else taker.status = 'PartiallyFilled';
        userFill(s, m, taker, price, qty, false, id, ts);
      }
    },
    makerFilled: (maker) => {
      if (maker.account !== null) archive(s, s.accounts.get(maker.account)!, m, maker);
    },
    makerStp: (maker) => {
      if (maker.account !== null) {
        const acct = s.accounts.get(maker.account)!;
        archive(s, acct, m, maker);
        emitOrder(s, acct.key, 'orderExpired', maker, m);
      }
    },
  };
}

function userFill(s: ExchangeState, m: SimMarket, o: SimOrder, price: number, qty: number, isMaker: boolean, tradeId: number, ts: number): void {
  const acct = s.accounts.get(o.account!)!;
  const P = m.pxDec(price);
  const Q = m.qtyDec(qty);
  const notional = P.mul(Q);
  const base = m.spec.baseSymbol;
  const quote = m.spec.quoteSymbol;
  let fee: Decimal;
  let feeSymbol: string;
  if (m.isPerp) {
    const rate = isMaker ? acct.fees.futuresMaker : acct.fees.futuresTaker;
    fee = notional.mul(rate).div(10000);
    feeSymbol = quote;
    let pos = acct.positions.get(m.symbol);
    if (!pos) {
      pos = newPosition(m.symbol, String(s.nextPositionId++));
      acct.positions.set(m.symbol, pos);
    }
    const wasFlat = pos.net.isZero();
    if (wasFlat) {
      pos.realized = ZERO;
      pos.fees = ZERO;
      pos.cumFunding = ZERO;
    }
    const realized = applyPerpFill(pos, o.side, Q, P);
    pos.fees = pos.fees.add(fee);
    acct.credit(quote, realized.sub(fee));
    s.reduceChecks.add(acct);
    const type = wasFlat ? 'positionOpened' : pos.net.isZero() ? 'positionClosed' : 'positionAdjusted';
    if (s.events.has('position')) {
      const e: PositionUpdateEvent = { account: acct.key, type, position: positionInfo(pos, m), ts };
      for (const fn of s.events.listeners('position')) fn(e);
    }
    for (const fn of s.events.listeners('positionRaw')) fn(acct.key, type, pos, m, ts);
  } else {
    const rate = isMaker ? acct.fees.spotMaker : acct.fees.spotTaker;
    if (o.side === 'Bid') {
      fee = Q.mul(rate).div(10000);
      feeSymbol = base;
      acct.credit(base, Q.sub(fee));
      acct.credit(quote, notional.neg());
      if (o.price !== null) acct.unlock(quote, m.pxDec(o.price).mul(Q));
    } else {
      fee = notional.mul(rate).div(10000);
      feeSymbol = quote;
      acct.credit(base, Q.neg());
      if (o.price !== null) acct.unlock(base, Q);
      acct.credit(quote, notional.sub(fee));
    }
  }
  const rec: Fill = {
    tradeId: String(tradeId),
    orderId: o.id,
    clientId: o.clientId,
    symbol: m.symbol,
    side: o.side,
    price: P,
    quantity: Q,
    fee,
    feeSymbol,
    isMaker,
    timestamp: ts,
  };
  appendFill(acct, rec, s.fillLimit);
  if (s.events.has('order')) {
    const e: OrderUpdateEvent = {
      account: acct.key,
      type: 'orderFill',
      order: orderInfo(o, m),
      fill: { tradeId: rec.tradeId, price: P, quantity: Q, isMaker, fee, feeSymbol },
      ts,
    };
    for (const fn of s.events.listeners('order')) fn(e);
  }
  if (s.events.has('orderRaw')) {
    const f: RawFill = { tradeId, price, quantity: qty, isMaker, fee, feeSymbol };
    for (const fn of s.events.listeners('orderRaw')) fn(acct.key, 'orderFill', o, m, f, ts);
  }
}
