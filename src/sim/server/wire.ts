// Render SimExchange records in Backpack's wire shapes (REST objects and websocket payloads).
// Times: REST order createdAt ms; history/fills naive UTC strings; websocket E/T µs. Decimals: prices at
// the market's tick scale ("100.10"), quantities at its step scale ("2.00"), every other figure (notional,
// fees, PnL, rates) as its exact minimal decimal ("200.2", "0.1001"). The records carry Decimals, which
// keep no trailing zeros, so the renderers of orders, fills and positions take the market for its scales
// (undefined: a market this exchange no longer has, e.g. history from an older state file).
import type { SimOrderInfo } from '../accounts/account.js';
import type { DepthEvent, MarkEvent, OrderUpdateEvent, PositionUpdateEvent, SimPositionInfo, TradeEvent } from '../events.js';
import type { SimMarket } from '../market.js';
import { fmtAtScale } from '../matching/units.js';
import type { AccountSummary, BalanceInfo, CollateralDetail, FundingInfo, TickerInfo } from '../../exchange/types.js';
import type { Fill } from '../../domain/fill.js';
import type { Decimal } from '../../util/decimal.js';

export const us = (ms: number): number => Math.floor(ms * 1000);

/** "2025-07-27T17:39:00.092" — UTC without the Z, as Backpack's history endpoints print it. */
function naiveUtc(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().slice(0, -1);
}

const NULL_TRIGGERS = {
  triggerPrice: null,
  triggerQuantity: null,
  triggerBy: null,
  triggeredAt: null,
  relatedOrderId: null,
  strategyId: null,
  stopLossTriggerPrice: null,
  stopLossLimitPrice: null,
  stopLossTriggerBy: null,
  takeProfitTriggerPrice: null,
  takeProfitLimitPrice: null,
  takeProfitTriggerBy: null,
};

/** An order's decimals as strings: price at tick scale, quantities at step scale, null quantity when sized by quote. */
function orderStrings(o: SimOrderInfo, m: SimMarket | undefined): { price: string | null; quantity: string | null; quoteQuantity: string | null; executedQuantity: string; executedQuoteQuantity: string } {
  const qs = m?.qs.scale;
  return {
    price: o.price === null ? null : fmtAtScale(o.price, m?.ps.scale),
    quantity: o.quoteQuantity !== null ? null : fmtAtScale(o.quantity, qs),
    quoteQuantity: o.quoteQuantity === null ? null : o.quoteQuantity.toString(),
    executedQuantity: fmtAtScale(o.executedQuantity, qs),
    executedQuoteQuantity: o.executedQuoteQuantity.toString(),
  };
}

/** The REST order object (discriminated by orderType). */
export function orderWire(o: SimOrderInfo, m: SimMarket | undefined): Record<string, unknown> {
  const d = orderStrings(o, m);
  const common = {
    orderType: o.orderType,
    id: o.id,
    clientId: o.clientId,
    symbol: o.symbol,
    side: o.side,
    quantity: d.quantity,
    executedQuantity: d.executedQuantity,
    executedQuoteQuantity: d.executedQuoteQuantity,
    reduceOnly: o.reduceOnly,
    timeInForce: o.timeInForce,
    selfTradePrevention: o.selfTradePrevention,
    status: o.status,
    createdAt: o.createdAt,
  };
  if (o.orderType === 'Limit') return { ...common, price: d.price, postOnly: o.postOnly, ...NULL_TRIGGERS };
  return { ...common, quoteQuantity: d.quoteQuantity, ...NULL_TRIGGERS };
}

export function orderHistoryWire(o: SimOrderInfo, m: SimMarket | undefined): Record<string, unknown> {
  const d = orderStrings(o, m);
  return {
    id: o.id,
    createdAt: naiveUtc(o.createdAt),
    executedQuantity: d.executedQuantity,
    executedQuoteQuantity: d.executedQuoteQuantity,
    expiryReason: o.expiryReason,
    orderType: o.orderType,
    postOnly: o.postOnly,
    price: d.price,
    quantity: d.quantity,
    quoteQuantity: d.quoteQuantity,
    selfTradePrevention: o.selfTradePrevention,
    status: o.status,
    side: o.side,
    stopLossTriggerPrice: null,
    stopLossLimitPrice: null,
    stopLossTriggerBy: null,
    symbol: o.symbol,
    takeProfitTriggerPrice: null,
    takeProfitLimitPrice: null,
    takeProfitTriggerBy: null,
    timeInForce: o.timeInForce,
    triggerBy: null,
    triggerPrice: null,
    triggerQuantity: null,
    clientId: o.clientId,
    systemOrderType: null,
    strategyId: null,
    reduceOnly: o.reduceOnly,
  };
}

/** A fill of the history endpoint (the exchange's trade ids are integers: a number on the wire). */
export function fillWire(f: Fill, m: SimMarket | undefined): Record<string, unknown> {
  return {
    tradeId: Number(f.tradeId),
    orderId: f.orderId,
    clientId: f.clientId === null ? null : String(f.clientId),
    symbol: f.symbol,
    side: f.side,
    price: fmtAtScale(f.price, m?.ps.scale),
    quantity: fmtAtScale(f.quantity, m?.qs.scale),
    fee: f.fee.toString(),
    feeSymbol: f.feeSymbol,
    isMaker: f.isMaker,
    systemOrderType: null,
    timestamp: naiveUtc(f.timestamp),
  };
}

export function fundingWire(f: FundingInfo, userId: number): Record<string, unknown> {
  return {
    userId,
    subaccountId: null,
    symbol: f.symbol,
    quantity: f.quantity.toString(),
    intervalEndTimestamp: naiveUtc(f.intervalEndTimestamp),
    fundingRate: f.fundingRate.toString(),
  };
}

const IMF_FN = { type: 'sqrt', base: '0.02', factor: '0.00006' };
const MMF_FN = { type: 'sqrt', base: '0.0135', factor: '0.000036' };

/** A position's figures as strings: quantities at step scale, the mark at tick scale, the rest exact. */
function positionStrings(p: SimPositionInfo, m: SimMarket | undefined): Record<'netQuantity' | 'netExposureQuantity' | 'netExposureNotional' | 'netCost' | 'entryPrice' | 'breakEvenPrice' | 'markPrice' | 'pnlRealized' | 'pnlUnrealized', string> {
  const qs = m?.qs.scale;
  const abs = p.netQuantity.abs();
  return {
    netQuantity: fmtAtScale(p.netQuantity, qs),
    netExposureQuantity: fmtAtScale(abs, qs),
    netExposureNotional: abs.mul(p.markPrice).toString(),
    netCost: p.netQuantity.mul(p.entryPrice).toString(),
    entryPrice: p.entryPrice.toString(),
    breakEvenPrice: p.breakEvenPrice.toString(),
    markPrice: fmtAtScale(p.markPrice, m?.ps.scale),
    pnlRealized: p.pnlRealized.toString(),
    pnlUnrealized: p.pnlUnrealized.toString(),
  };
}

export function positionWire(p: SimPositionInfo, userId: number, m: SimMarket | undefined): Record<string, unknown> {
  const d = positionStrings(p, m);
  return {
    symbol: p.symbol,
    positionId: p.positionId,
    userId,
    subaccountId: null,
    netQuantity: d.netQuantity,
    netExposureQuantity: d.netExposureQuantity,
    netExposureNotional: d.netExposureNotional,
    netCost: d.netCost,
    entryPrice: d.entryPrice,
    breakEvenPrice: d.breakEvenPrice,
    markPrice: d.markPrice,
    estLiquidationPrice: '0',
    pnlRealized: d.pnlRealized,
    pnlUnrealized: d.pnlUnrealized,
    cumulativeFundingPayment: p.cumulativeFunding.toString(),
    cumulativeInterest: '0',
    imf: '0.02',
    mmf: '0.0135',
    imfFunction: IMF_FN,
    mmfFunction: MMF_FN,
  };
}

export function marketWire(m: SimMarket): Record<string, unknown> {
  const s = m.spec;
  const perp = s.marketType === 'PERP';
  return {
    symbol: s.symbol,
    baseSymbol: s.baseSymbol,
    quoteSymbol: s.quoteSymbol,
    marketType: s.marketType,
    rwaMarketType: null,
    filters: {
      price: {
        minPrice: s.minPrice,
        maxPrice: s.maxPrice,
        tickSize: s.tickSize,
        maxMultiplier: '1.25',
        minMultiplier: '0.75',
        maxImpactMultiplier: '1.03',
        minImpactMultiplier: '0.97',
        meanMarkPriceBand: perp ? { maxMultiplier: '1.1', minMultiplier: '0.9' } : null,
        meanPremiumBand: perp ? { tolerancePct: '0.05' } : null,
        borrowEntryFeeMaxMultiplier: null,
        borrowEntryFeeMinMultiplier: null,
        maxPriceUpdateMultiplier: '1.0025',
        minPriceUpdateMultiplier: '0.9975',
      },
      quantity: { minQuantity: s.minQuantity, maxQuantity: s.maxQuantity, stepSize: s.stepSize },
    },
    imfFunction: perp ? IMF_FN : null,
    mmfFunction: perp ? MMF_FN : null,
    fundingInterval: perp ? 3600000 : null,
    fundingRateUpperBound: perp ? '150' : null,
    fundingRateLowerBound: perp ? '-150' : null,
    openInterestLimit: perp ? '4000000' : null,
    orderBookState: 'Open',
    createdAt: '2025-01-21T06:34:54.691858',
    visible: true,
    positionLimitWeight: perp ? '1' : null,
  };
}

// ---------------------------------------------------------------- websocket payloads

export function depthWs(e: DepthEvent): Record<string, unknown> {
  const t = us(e.ts);
  return { e: 'depth', E: t, s: e.symbol, a: e.asks, b: e.bids, U: e.firstUpdateId, u: e.lastUpdateId, T: t };
}

export function bookTickerWs(m: SimMarket, ts: number): Record<string, unknown> | null {
  const b = m.book.bids.best();
  const a = m.book.asks.best();
  if (a === undefined || b === undefined) return null;
  const t = us(ts);
  return {
    e: 'bookTicker', E: t, s: m.symbol,
    a: m.px(a), A: m.qty(m.book.asks.totalAt(a)),
    b: m.px(b), B: m.qty(m.book.bids.totalAt(b)),
    u: m.book.updateId, T: t,
  };
}

export function tradeWs(e: TradeEvent): Record<string, unknown> {
  const t = us(e.ts);
  return { e: 'trade', E: t, s: e.symbol, p: e.price, q: e.quantity, b: e.buyOrderId, a: e.sellOrderId, t: e.id, T: t, m: e.buyerIsMaker };
}

export function markPriceWs(e: MarkEvent): Record<string, unknown> {
  const t = us(e.ts);
  const out: Record<string, unknown> = { e: 'markPrice', E: t, s: e.symbol, p: e.markPrice, i: e.indexPrice };
  if (e.fundingRate !== null) out['f'] = e.fundingRate;
  if (e.nextFundingTimestamp !== null) out['n'] = e.nextFundingTimestamp;
  out['T'] = t;
  return out;
}

/** GET /api/v1/ticker: prices at the market's tick, quantities at its step. */
export function tickerWire(t: TickerInfo, m: SimMarket): Record<string, string> {
  const change = t.lastPrice.sub(t.firstPrice);
  return {
    symbol: t.symbol,
    firstPrice: t.firstPrice.toFixed(m.ps.scale),
    lastPrice: t.lastPrice.toFixed(m.ps.scale),
    priceChange: change.toFixed(m.ps.scale),
    priceChangePercent: t.firstPrice.isZero() ? '0' : change.div(t.firstPrice).toFixed(6),
    high: t.high.toFixed(m.ps.scale),
    low: t.low.toFixed(m.ps.scale),
    volume: t.volume.toFixed(m.qs.scale),
    quoteVolume: t.quoteVolume.toString(),
    trades: String(t.trades),
  };
}

export function tickerWs(t: TickerInfo, m: SimMarket, ts: number): Record<string, unknown> {
  const E = us(ts);
  const w = tickerWire(t, m);
  return { e: 'ticker', E, s: w['symbol'], o: w['firstPrice'], c: w['lastPrice'], h: w['high'], l: w['low'], v: w['volume'], V: w['quoteVolume'], n: t.trades };
}

/** GET /api/v1/capital: {asset: {available, locked, staked}}. */
export function balancesWire(b: ReadonlyMap<string, BalanceInfo>): Record<string, { available: string; locked: string; staked: string }> {
  const out: Record<string, { available: string; locked: string; staked: string }> = {};
  for (const [asset, x] of b) out[asset] = { available: x.available.toString(), locked: x.locked.toString(), staked: '0' };
  return out;
}

/** GET /api/v1/capital/collateral (the sim lends and borrows nothing: those fields are zero). */
export function collateralWire(c: CollateralDetail): Record<string, unknown> {
  return {
    assetsValue: c.assetsValue.toString(),
    borrowLiability: '0',
    liabilitiesValue: '0',
    imf: c.imf.toString(),
    mmf: c.mmf.toString(),
    marginFraction: c.marginFraction === null ? null : c.marginFraction.toString(),
    netEquity: c.netEquity.toString(),
    netEquityAvailable: c.netEquityAvailable.toString(),
    netEquityLocked: c.netEquityLocked.toString(),
    netExposureFutures: c.netExposureFutures.toString(),
    pnlUnrealized: c.pnlUnrealized.toString(),
    unsettledEquity: '0',
    collateral: c.assets.map((a) => ({
      symbol: a.asset,
      assetMarkPrice: a.markPrice.toString(),
      totalQuantity: a.total.toString(),
      balanceNotional: a.total.mul(a.markPrice).toString(),
      collateralWeight: '1',
      collateralValue: a.total.mul(a.markPrice).toString(),
      openOrderQuantity: a.locked.toString(),
      lendQuantity: '0',
      availableQuantity: a.total.sub(a.locked).toString(),
    })),
  };
}

/** GET /api/v1/account: the sim's fixed account settings around the account's fees and limits. */
export function accountWire(a: AccountSummary): Record<string, unknown> {
  return {
    autoBorrowSettlements: true,
    autoLend: false,
    autoRealizePnl: true,
    autoRepayBorrows: true,
    borrowLimit: '0',
    futuresMakerFee: a.fees.futuresMakerFeeBps.toString(),
    futuresTakerFee: a.fees.futuresTakerFeeBps.toString(),
    leverageLimit: String(a.leverageLimit),
    limitOrders: a.limitOrders,
    liquidating: false,
    positionLimit: '1000000',
    spotMakerFee: a.fees.spotMakerFeeBps.toString(),
    spotTakerFee: a.fees.spotTakerFeeBps.toString(),
    triggerOrders: 0,
  };
}

export function orderUpdateWs(e: OrderUpdateEvent, m: SimMarket | undefined): Record<string, unknown> {
  const o = e.order;
  const d = orderStrings(o, m);
  const t = us(e.ts);
  const out: Record<string, unknown> = { e: e.type, E: t, s: o.symbol };
  if (o.clientId !== null) out['c'] = o.clientId;
  out['S'] = o.side;
  out['o'] = o.orderType === 'Limit' ? 'LIMIT' : 'MARKET';
  out['f'] = o.timeInForce;
  if (d.quantity !== null) out['q'] = d.quantity;
  if (d.quoteQuantity !== null) out['Q'] = d.quoteQuantity;
  if (d.price !== null) out['p'] = d.price;
  out['X'] = o.status;
  if (e.type === 'orderExpired' && o.expiryReason) out['R'] = o.expiryReason;
  out['i'] = o.id;
  out['t'] = e.fill ? Number(e.fill.tradeId) : null;
  if (e.fill) {
    out['l'] = fmtAtScale(e.fill.quantity, m?.qs.scale);
    out['L'] = fmtAtScale(e.fill.price, m?.ps.scale);
    out['m'] = e.fill.isMaker;
    out['n'] = e.fill.fee.toString();
    out['N'] = e.fill.feeSymbol;
  }
  out['z'] = d.executedQuantity;
  out['Z'] = d.executedQuoteQuantity;
  out['V'] = o.selfTradePrevention;
  out['T'] = t;
  out['O'] = 'USER';
  out['r'] = o.reduceOnly;
  out['y'] = o.postOnly;
  return out;
}

/**
 * account.balanceUpdate (payload UNCONFIRMED on Backpack; this shape is the paper exchange's choice):
 * e event, E/T event time µs, a asset, f available, l locked. The client reads no field of it.
 */
export function balanceUpdateWs(asset: string, b: { available: Decimal; locked: Decimal } | undefined, ts: number): Record<string, unknown> {
  const t = us(ts);
  return { e: 'balanceUpdate', E: t, a: asset, f: b ? b.available.toString() : '0', l: b ? b.locked.toString() : '0', T: t };
}

export function positionUpdateWs(p: SimPositionInfo, type: PositionUpdateEvent['type'] | null, ts: number, m: SimMarket | undefined): Record<string, unknown> {
  const t = us(ts);
  const d = positionStrings(p, m);
  const out: Record<string, unknown> = {};
  if (type) out['e'] = type;
  Object.assign(out, {
    E: t, s: p.symbol, b: d.breakEvenPrice, B: d.entryPrice, f: '0.02', M: d.markPrice, m: '0.0135',
    q: d.netQuantity, Q: d.netExposureQuantity, n: d.netExposureNotional, i: p.positionId,
    p: d.pnlRealized, P: d.pnlUnrealized, l: '0', T: t,
  });
  return out;
}
