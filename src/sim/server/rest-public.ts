// Backpack's public REST endpoints on the paper exchange: status, assets, markets, tickers, depth,
// trades, klines, mark prices, funding rates, open interest (reference §2). No authentication.
import { endpointKey, PATHS } from '../../protocol/backpack/endpoints.js';
import { apiErr, intParam, isReply, ok, symbolOr400, text, type Handler } from './rest-reply.js';
import { marketWire, tickerWire } from './wire.js';

const DEPTH_LIMITS = new Set(['5', '10', '20', '50', '100', '500', '1000']);
const KLINE_MS: Record<string, number> = {
  '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000,
  '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000, '12h': 43_200_000, '1d': 86_400_000, '3d': 259_200_000,
  '1w': 604_800_000, '1month': 2_592_000_000,
};

export const PUBLIC: Record<string, Handler> = {
  [endpointKey('GET', PATHS.status)]: () => ok({ status: 'Ok', message: null }),
  [endpointKey('GET', PATHS.ping)]: () => text(200, 'pong'),
  [endpointKey('GET', PATHS.time)]: (ctx) => text(200, String(Math.floor(ctx.ex.clock.now()))),
  [endpointKey('GET', PATHS.assets)]: (ctx) => {
    const assets = new Set<string>();
    for (const m of ctx.ex.markets.values()) {
      assets.add(m.spec.baseSymbol);
      assets.add(m.spec.quoteSymbol);
    }
    return ok([...assets].map((symbol) => ({
      symbol, displayName: symbol, coingeckoId: null,
      tokens: [{ blockchain: 'Solana', contractAddress: null, depositEnabled: true, minimumDeposit: '0', withdrawEnabled: true, minimumWithdrawal: '0', maximumWithdrawal: null, withdrawalFee: '0' }],
    })));
  },
  [endpointKey('GET', PATHS.markets)]: (ctx, q) => {
    const types = q.getAll('marketType');
    return ok([...ctx.ex.markets.values()].filter((m) => types.length === 0 || types.includes(m.spec.marketType)).map(marketWire));
  },
  [endpointKey('GET', PATHS.market)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    return isReply(s) ? s : ok(marketWire(ctx.ex.market(s)!));
  },
  [endpointKey('GET', PATHS.ticker)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    return isReply(s) ? s : ok(tickerWire(ctx.ex.ticker(s)!, ctx.ex.market(s)!));
  },
  [endpointKey('GET', PATHS.tickers)]: (ctx) => ok([...ctx.ex.markets.values()].map((m) => tickerWire(ctx.ex.ticker(m.symbol)!, m))),
  [endpointKey('GET', PATHS.depth)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const l = q.get('limit');
    if (l !== null && !DEPTH_LIMITS.has(l)) {
      return text(400, 'failed to parse parameter `limit`: Expect a valid enumeration value: 5, 10, 20, 50, 100, 500, 1000');
    }
    return ok(ctx.ex.depth(s, l === null ? 100_000 : Number(l)));
  },
  [endpointKey('GET', PATHS.trades)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const limit = intParam(q, 'limit', 100, 1000);
    if (isReply(limit)) return limit;
    return ok(ctx.ex.market(s)!.recentTrades(limit).map(tradeRest));
  },
  [endpointKey('GET', PATHS.tradesHistory)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const limit = intParam(q, 'limit', 100, 1000);
    const offset = intParam(q, 'offset', 0);
    if (isReply(limit)) return limit;
    if (isReply(offset)) return offset;
    return ok(ctx.ex.market(s)!.recentTrades(limit, offset).map(tradeRest));
  },
  [endpointKey('GET', PATHS.klines)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const iv = q.get('interval') ?? '';
    const ms = KLINE_MS[iv];
    if (!ms) return text(400, 'failed to parse parameter `interval`: Expect a valid enumeration value');
    const start = intParam(q, 'startTime', NaN);
    const end = intParam(q, 'endTime', Math.floor(ctx.ex.clock.now() / 1000));
    if (isReply(start)) return start;
    if (isReply(end)) return end;
    if (Number.isNaN(start)) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'Missing startTime');
    const m = ctx.ex.market(s)!;
    const rows = new Map<number, { start: number; open: number; high: number; low: number; close: number; volume: number; quoteVolume: number; trades: number }>();
    for (const c of m.candles) {
      if (c.start < start * 1000 || c.start >= end * 1000) continue;
      const b = Math.floor(c.start / ms) * ms;
      const r = rows.get(b);
      if (!r) rows.set(b, { ...c, start: b });
      else {
        r.high = Math.max(r.high, c.high);
        r.low = Math.min(r.low, c.low);
        r.close = c.close;
        r.volume += c.volume;
        r.quoteVolume += c.quoteVolume;
        r.trades += c.trades;
      }
    }
    const fmt = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
    return ok([...rows.values()].map((r) => ({
      start: fmt(r.start), end: fmt(r.start + ms), open: m.px(r.open), high: m.px(r.high), low: m.px(r.low), close: m.px(r.close),
      volume: m.qty(r.volume), quoteVolume: m.notionalDec(r.quoteVolume).toString(), trades: String(r.trades),
    })));
  },
  [endpointKey('GET', PATHS.markPrices)]: (ctx, q) => {
    const s = q.get('symbol');
    if (s && !ctx.ex.market(s)) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'Symbol not found');
    const mt = q.get('marketType');
    return ok([...ctx.ex.markets.values()].filter((m) => (!s || m.symbol === s) && (!mt || m.spec.marketType === mt)).map((m) => {
      const e = ctx.ex.markEvent(m);
      const row: Record<string, unknown> = { symbol: m.symbol, markPrice: e.markPrice, indexPrice: e.indexPrice };
      if (e.fundingRate !== null) {
        row['fundingRate'] = e.fundingRate;
        row['nextFundingTimestamp'] = e.nextFundingTimestamp;
      }
      return row;
    }));
  },
  [endpointKey('GET', PATHS.fundingRates)]: (ctx, q) => {
    const s = symbolOr400(ctx.ex, q);
    if (isReply(s)) return s;
    const limit = intParam(q, 'limit', 100, 10000);
    const offset = intParam(q, 'offset', 0);
    if (isReply(limit)) return limit;
    if (isReply(offset)) return offset;
    return ok(ctx.ex.fundingRates(s, limit, offset));
  },
  [endpointKey('GET', PATHS.openInterest)]: (ctx, q) => {
    const s = q.get('symbol');
    const ms = [...ctx.ex.markets.values()].filter((m) => m.isPerp && (!s || m.symbol === s));
    return ok(ms.map((m) => ({ symbol: m.symbol, openInterest: ctx.ex.openInterest(m.symbol), timestamp: Math.floor(ctx.ex.clock.now()) })));
  },
};

function tradeRest(t: { id: number; price: string; quantity: string; quoteQuantity: string; ts: number; buyerIsMaker: boolean }): Record<string, unknown> {
  return { id: t.id, price: t.price, quantity: t.quantity, quoteQuantity: t.quoteQuantity, timestamp: Math.floor(t.ts), isBuyerMaker: t.buyerIsMaker };
}

