// Backpack's private REST endpoints on the paper exchange (signed; rest.ts authenticates): orders,
// account, capital, collateral, positions, and the fill / order / funding history pages (reference §4).
import { endpointKey, PATHS } from '../../protocol/backpack/endpoints.js';
import { apiErr, intParam, isReply, obj, ok, paged, text, userId, type Handler, type RestContext, type Reply } from './rest-reply.js';
import { accountWire, balancesWire, collateralWire, fillWire, fundingWire, orderHistoryWire, orderWire, positionWire } from './wire.js';

async function placeOne(ctx: RestContext, key: string, body: Record<string, unknown>): Promise<Reply> {
  if (ctx.faults.roll(ctx.faults.get().orderRejectRate)) {
    return body['postOnly'] === true
      ? apiErr(400, 'INVALID_ORDER', 'Order would immediately match and take')
      : apiErr(400, 'INVALID_ORDER', 'Price is out of bounds');
  }
  const r = await ctx.ex.submitOrder(key, body);
  return r.ok ? ok(orderWire(r.value, ctx.ex.market(r.value.symbol))) : apiErr(r.status, r.code, r.message);
}

export const PRIVATE: Record<string, Handler> = {
  [endpointKey('POST', PATHS.order)]: (ctx, _q, body, key) => placeOne(ctx, key, obj(body)),
  [endpointKey('POST', PATHS.orders)]: async (ctx, _q, body, key) => {
    if (!Array.isArray(body)) return text(400, 'Json deserialize error: expected a JSON array of orders');
    if (body.length > 50) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'Too many orders in batch (max 50)');
    const out: unknown[] = [];
    for (const item of body) {
      const r = await placeOne(ctx, key, obj(item));
      const j = r.json as Record<string, unknown>;
      out.push(r.status === 200 ? { ...j, operation: 'Ok' } : { operation: 'Err', code: j?.['code'], message: j?.['message'] });
    }
    return ok(out);
  },
  [endpointKey('DELETE', PATHS.order)]: (ctx, _q, body, key) => {
    const b = obj(body);
    const r = ctx.ex.cancelOrder(key, b['symbol'], { orderId: b['orderId'], clientId: b['clientId'] });
    return r.ok ? ok(orderWire(r.value, ctx.ex.market(r.value.symbol))) : apiErr(r.status, r.code, r.message);
  },
  [endpointKey('DELETE', PATHS.orders)]: (ctx, _q, body, key) => {
    const r = ctx.ex.cancelAll(key, obj(body)['symbol']);
    return r.ok ? ok(r.value.map((o) => orderWire(o, ctx.ex.market(o.symbol)))) : apiErr(r.status, r.code, r.message);
  },
  [endpointKey('GET', PATHS.order)]: (ctx, q, _b, key) => {
    const r = ctx.ex.getOrder(key, q.get('symbol'), { orderId: q.get('orderId'), clientId: q.get('clientId') });
    return r.ok ? ok(orderWire(r.value, ctx.ex.market(r.value.symbol))) : apiErr(r.status, r.code, r.message);
  },
  [endpointKey('GET', PATHS.orders)]: (ctx, q, _b, key) => {
    const s = q.get('symbol') ?? undefined;
    const mt = q.get('marketType');
    return ok(ctx.ex.openOrders(key, s).filter((o) => !mt || ctx.ex.market(o.symbol)?.spec.marketType === mt).map((o) => orderWire(o, ctx.ex.market(o.symbol))));
  },
  [endpointKey('GET', PATHS.account)]: (ctx, _q, _b, key) => ok(accountWire(ctx.ex.accountInfo(key))),
  [endpointKey('GET', PATHS.capital)]: (ctx, _q, _b, key) => ok(balancesWire(ctx.ex.balances(key))),
  [endpointKey('GET', PATHS.collateral)]: (ctx, _q, _b, key) => ok(collateralWire(ctx.ex.collateral(key))),
  [endpointKey('GET', PATHS.position)]: (ctx, q, _b, key) => {
    const mt = q.get('marketType');
    if (mt && mt !== 'PERP') return ok([]);
    return ok(ctx.ex.positions(key, q.get('symbol') ?? undefined).map((p) => positionWire(p, userId(key), ctx.ex.market(p.symbol))));
  },
  [endpointKey('GET', PATHS.fillHistory)]: (ctx, q, _b, key) => {
    const fillType = q.get('fillType');
    if (fillType && fillType !== 'User') return ok([]); // the sim has no liquidations/ADL/conversions
    const limit = intParam(q, 'limit', 100, 1000);
    const offset = intParam(q, 'offset', 0);
    const from = intParam(q, 'from', -1);
    const to = intParam(q, 'to', -1);
    for (const x of [limit, offset, from, to]) if (isReply(x)) return x;
    const sd = q.get('sortDirection');
    const page = ctx.ex.fillPage(key, {
      ...(q.get('symbol') ? { symbol: q.get('symbol')! } : {}),
      ...(q.get('orderId') ? { orderId: q.get('orderId')! } : {}),
      ...((from as number) >= 0 ? { from: from as number } : {}),
      ...((to as number) >= 0 ? { to: to as number } : {}),
      limit: limit as number,
      offset: offset as number,
      sortDirection: sd === 'Asc' ? 'Asc' : 'Desc',
    });
    return paged(page.rows.map((f) => fillWire(f, ctx.ex.market(f.symbol))), page.total, limit as number, offset as number);
  },
  [endpointKey('GET', PATHS.orderHistory)]: (ctx, q, _b, key) => {
    const limit = intParam(q, 'limit', 100, 1000);
    const offset = intParam(q, 'offset', 0);
    if (isReply(limit)) return limit;
    if (isReply(offset)) return offset;
    const all = ctx.ex.orderHistory(key, {
      ...(q.get('symbol') ? { symbol: q.get('symbol')! } : {}),
      ...(q.get('orderId') ? { orderId: q.get('orderId')! } : {}),
      limit: Number.MAX_SAFE_INTEGER,
      offset: 0,
      sortDirection: q.get('sortDirection') === 'Asc' ? 'Asc' : 'Desc',
    });
    return paged(all.slice(offset, offset + limit).map((o) => orderHistoryWire(o, ctx.ex.market(o.symbol))), all.length, limit, offset);
  },
  [endpointKey('GET', PATHS.fundingHistory)]: (ctx, q, _b, key) => {
    const limit = intParam(q, 'limit', 100, 1000);
    const offset = intParam(q, 'offset', 0);
    if (isReply(limit)) return limit;
    if (isReply(offset)) return offset;
    const sd = q.get('sortDirection') === 'Asc' ? 'Asc' : 'Desc';
    const page = ctx.ex.fundingPage(key, { ...(q.get('symbol') ? { symbol: q.get('symbol')! } : {}), limit, offset, sortDirection: sd });
    return paged(page.rows.map((f) => fundingWire(f, userId(key))), page.total, limit, offset);
  },
};

