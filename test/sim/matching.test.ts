// Matching rules of the paper exchange, one test per rule, on a quiet book (no market model) with
// liquidity placed by hand so every expectation is exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { D } from '../../src/util/decimal.js';
import { SimExchange, type Result } from '../../src/sim/exchange.js';
import type { SimOrderInfo } from '../../src/sim/accounts/account.js';
import type { OrderUpdateEvent } from '../../src/sim/events.js';
import type { BalanceInfo } from '../../src/exchange/types.js';
import { DEFAULT_MARKETS } from '../../src/sim/model/markets.js';

const SOL = 'SOL_USDC_PERP';

function quiet(opts: { fees?: Record<string, string>; startingBalances?: Record<string, string> } = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const markets = [SOL, 'SOL_USDC'].map((s) => ({ ...DEFAULT_MARKETS.find((m) => m.symbol === s)!, initialPrice: '100.00' }));
  const ex = new SimExchange({ clock, seed: 1, model: false, markets, ...opts });
  const events: OrderUpdateEvent[] = [];
  ex.subscribe({ order: (e) => events.push(e) });
  return { clock, ex, events };
}

/** A balance with its Decimals as strings (exact digits to compare). */
const strs = (b: BalanceInfo | undefined) => b && { asset: b.asset, available: b.available.toString(), locked: b.locked.toString() };

function okv(r: Result<SimOrderInfo>): SimOrderInfo {
  if (!r.ok) throw new Error(`expected ok, got ${r.status} ${r.code} ${r.message}`);
  return r.value;
}

const limit = (side: 'Bid' | 'Ask', price: string, quantity: string, extra: Record<string, unknown> = {}) => ({
  symbol: SOL,
  side,
  orderType: 'Limit',
  price,
  quantity,
  ...extra,
});

test('price-time priority: better price first, then earlier order at the same price', () => {
  const { ex } = quiet();
  okv(ex.placeOrder('A', limit('Ask', '100.10', '1')));
  okv(ex.placeOrder('B', limit('Ask', '100.00', '1')));
  okv(ex.placeOrder('C', limit('Ask', '100.00', '1')));
  ex.takeLiquidity(SOL, 'Bid', '2.5');
  const fills = (k: string) => ex.fills(k, {}).map((f) => `${f.price}x${f.quantity}`);
  assert.deepEqual(fills('B'), ['100x1']);
  assert.deepEqual(fills('C'), ['100x1']);
  assert.deepEqual(fills('A'), ['100.1x0.5']);
  assert.ok(Number(ex.fills('B', {})[0]!.tradeId) < Number(ex.fills('C', {})[0]!.tradeId), 'B (earlier) traded first');
  assert.equal(ex.openOrders('A')[0]!.executedQuantity.toString(), '0.5');
});

test('queue position: a joining order waits behind resting size; house size added later queues behind it', () => {
  const { ex } = quiet();
  ex.addLiquidity(SOL, 'Bid', '99.00', '5');
  const mine = okv(ex.placeOrder('U', limit('Bid', '99.00', '1', { postOnly: true })));
  ex.addLiquidity(SOL, 'Bid', '99.00', '10');
  assert.equal(ex.queueAhead('U', mine.id), '5.00');
  ex.takeLiquidity(SOL, 'Ask', '4.99');
  assert.equal(ex.fills('U', {}).length, 0, 'nothing of ours before the 5 ahead are consumed');
  ex.takeLiquidity(SOL, 'Ask', '0.51');
  const f = ex.fills('U', {});
  assert.equal(f.length, 1);
  assert.equal(f[0]!.quantity.toString(), '0.5', 'only what passed the queue ahead reached us');
  assert.equal(ex.queueAhead('U', mine.id), '0.00');
});

test('queue position: background cancels take size from BEHIND user orders first', () => {
  const { ex } = quiet();
  ex.addLiquidity(SOL, 'Bid', '99.00', '5');
  const mine = okv(ex.placeOrder('U', limit('Bid', '99.00', '1')));
  ex.addLiquidity(SOL, 'Bid', '99.00', '3');
  ex.removeLiquidity(SOL, 'Bid', '99.00', '3');
  assert.equal(ex.queueAhead('U', mine.id), '5.00', 'removing 3 only took the size behind us');
  ex.removeLiquidity(SOL, 'Bid', '99.00', '2');
  assert.equal(ex.queueAhead('U', mine.id), '3.00', 'only then the size ahead');
});

test('post-only that would take is rejected with 400 INVALID_ORDER and no event', () => {
  const { ex, events } = quiet();
  ex.addLiquidity(SOL, 'Ask', '100.00', '1');
  const r = ex.placeOrder('U', limit('Bid', '100.00', '1', { postOnly: true, clientId: 5 }));
  assert.deepEqual(r, { ok: false, status: 400, code: 'INVALID_ORDER', message: 'Order would immediately match and take' });
  assert.equal(events.length, 0);
  assert.equal(ex.openOrders('U').length, 0);
  okv(ex.placeOrder('U', limit('Bid', '99.99', '1', { postOnly: true, clientId: 5 })));
});

test('reduce-only is enforced against the perp position', () => {
  const { ex } = quiet();
  const r = ex.placeOrder('U', limit('Ask', '100.00', '1', { reduceOnly: true }));
  assert.deepEqual(r, { ok: false, status: 400, code: 'INVALID_ORDER', message: 'Reduce only order not reduced' });
  ex.addLiquidity(SOL, 'Ask', '100.00', '2');
  okv(ex.placeOrder('U', { symbol: SOL, side: 'Bid', orderType: 'Market', quantity: '2' }));
  const same = ex.placeOrder('U', limit('Bid', '90.00', '1', { reduceOnly: true }));
  assert.equal(same.ok, false, 'a reduce-only bid cannot grow a long');
  // A reduce-only ask larger than the position can never flip it.
  const ro = okv(ex.placeOrder('U', limit('Ask', '101.00', '5', { reduceOnly: true })));
  ex.takeLiquidity(SOL, 'Bid', '10');
  assert.equal(ex.positions('U').length, 0, 'flat, not short');
  assert.equal(ex.fills('U', {}).filter((f) => f.orderId === ro.id)[0]!.quantity.toString(), '2');
  // Resting reduce-only order is expired once the position it reduced is gone.
  assert.equal(ex.openOrders('U').length, 0);
});

test('IOC fills what it can and expires the rest; FOK is all or nothing', () => {
  const { ex, events } = quiet();
  ex.addLiquidity(SOL, 'Ask', '100.00', '1');
  const ioc = okv(ex.placeOrder('U', limit('Bid', '100.00', '3', { timeInForce: 'IOC' })));
  assert.equal(ioc.status, 'Expired');
  assert.equal(ioc.executedQuantity.toString(), '1');
  assert.equal(ioc.expiryReason, 'ImmediateOrCancel');
  assert.deepEqual(events.map((e) => e.type), ['orderAccepted', 'orderFill', 'orderExpired']);
  ex.addLiquidity(SOL, 'Ask', '100.00', '1');
  const fok = okv(ex.placeOrder('U', limit('Bid', '100.00', '2', { timeInForce: 'FOK' })));
  assert.equal(fok.status, 'Expired');
  assert.equal(fok.executedQuantity.toString(), '0');
  assert.equal(fok.expiryReason, 'FillOrKill');
  const fok2 = okv(ex.placeOrder('U', limit('Bid', '100.00', '1', { timeInForce: 'FOK' })));
  assert.equal(fok2.status, 'Filled');
});

test('tick, step, minimum quantity and price band errors', () => {
  const { ex } = quiet();
  const e = (body: Record<string, unknown>) => {
    const r = ex.placeOrder('U', body);
    return r.ok ? 'ok' : `${r.status} ${r.code} ${r.message}`;
  };
  assert.equal(e(limit('Bid', '100.001', '1')), '400 INVALID_ORDER Price decimal too long');
  assert.equal(e(limit('Bid', '100.00', '1.001')), '400 INVALID_ORDER Quantity decimal too long');
  assert.equal(e(limit('Bid', '100.00', '0.001')), '400 INVALID_ORDER Quantity decimal too long');
  assert.equal(e(limit('Bid', '100.00', '0')), '400 INVALID_ORDER Quantity is below the minimum allowed value');
  assert.equal(e(limit('Bid', '300.00', '1')), '400 INVALID_ORDER Price is out of bounds');
  assert.equal(e(limit('Bid', 'abc', '1')), '400 INVALID_CLIENT_REQUEST Invalid price');
  assert.equal(e({ ...limit('Bid', '100.00', '1'), symbol: 'NOPE_USDC' }), '400 INVALID_CLIENT_REQUEST Invalid market symbol');
  assert.equal(e(limit('Bid', '100.000', '1.00')), 'ok', 'trailing zeros are not extra precision');
  assert.equal(e({ ...limit('Bid', '100.00', '1'), clientId: -1 }), '400 INVALID_CLIENT_REQUEST Invalid clientId, expected an unsigned 32-bit integer');
});

test('live clientId must be unique and is echoed on every event', () => {
  const { ex, events } = quiet();
  okv(ex.placeOrder('U', limit('Bid', '99.00', '1', { clientId: 42 })));
  const dup = ex.placeOrder('U', limit('Bid', '98.00', '1', { clientId: 42 }));
  assert.deepEqual(dup, { ok: false, status: 400, code: 'INVALID_ORDER', message: 'Order with client ID already exists: 42' });
  ex.takeLiquidity(SOL, 'Ask', '0.5');
  const c = ex.cancelOrder('U', SOL, { clientId: 42 });
  assert.ok(c.ok);
  assert.ok(events.length >= 3 && events.every((e) => e.order.clientId === 42));
  okv(ex.placeOrder('U', limit('Bid', '98.00', '1', { clientId: 42 })));
  assert.equal(ex.fills('U', {})[0]!.clientId, 42);
});

test('self-trade prevention: RejectTaker (default), RejectMaker, RejectBoth', () => {
  {
    const { ex } = quiet();
    const maker = okv(ex.placeOrder('U', limit('Ask', '100.00', '1')));
    const t = okv(ex.placeOrder('U', limit('Bid', '100.00', '1')));
    assert.equal(t.status, 'Expired');
    assert.equal(t.expiryReason, 'SelfTradePrevention');
    assert.equal(ex.openOrders('U')[0]!.id, maker.id, 'maker stays');
    assert.equal(ex.fills('U', {}).length, 0);
  }
  {
    const { ex } = quiet();
    okv(ex.placeOrder('U', limit('Ask', '100.00', '1')));
    ex.addLiquidity(SOL, 'Ask', '100.00', '1');
    const t = okv(ex.placeOrder('U', limit('Bid', '100.00', '1', { selfTradePrevention: 'RejectMaker' })));
    assert.equal(t.status, 'Filled', 'own maker removed, filled against the next order');
    assert.equal(ex.openOrders('U').length, 0);
    assert.equal(ex.orderHistory('U', {}).find((o) => o.side === 'Ask')!.expiryReason, 'SelfTradePrevention');
  }
  {
    const { ex } = quiet();
    okv(ex.placeOrder('U', limit('Ask', '100.00', '1')));
    const t = okv(ex.placeOrder('U', limit('Bid', '100.00', '1', { selfTradePrevention: 'RejectBoth' })));
    assert.equal(t.status, 'Expired');
    assert.equal(ex.openOrders('U').length, 0, 'both gone');
  }
  {
    // Different accounts trade normally.
    const { ex } = quiet();
    okv(ex.placeOrder('A', limit('Ask', '100.00', '1')));
    assert.equal(okv(ex.placeOrder('B', limit('Bid', '100.00', '1'))).status, 'Filled');
  }
});

test('fees on every fill: maker and taker rates (bps), negative maker = rebate, spot fee in received asset', () => {
  const { ex, events } = quiet({ startingBalances: { SOL: '10' } });
  ex.setFees('M', { futuresMaker: '-1' });
  okv(ex.placeOrder('M', limit('Ask', '100.00', '2')));
  okv(ex.placeOrder('T', limit('Bid', '100.00', '2')));
  const m = ex.fills('M', {})[0]!;
  const t = ex.fills('T', {})[0]!;
  assert.equal(m.isMaker, true);
  assert.equal(D(m.fee).toString(), '-0.02', 'maker rebate 1 bp of 200');
  assert.equal(t.isMaker, false);
  assert.equal(D(t.fee).toString(), '0.1', 'taker 5 bps of 200');
  assert.equal(t.feeSymbol, 'USDC');
  const fillEvents = events.filter((e) => e.type === 'orderFill');
  assert.equal(fillEvents.length, 2);
  assert.deepEqual(fillEvents.map((e) => [e.account, e.fill!.isMaker, D(e.fill!.fee).toString()]).sort(), [['M', true, '-0.02'], ['T', false, '0.1']]);
  // Spot: buyer pays in base (received), seller in quote; 8 / 10 bps defaults.
  okv(ex.placeOrder('S', { symbol: 'SOL_USDC', side: 'Ask', orderType: 'Limit', price: '100.00', quantity: '1' }));
  okv(ex.placeOrder('B', { symbol: 'SOL_USDC', side: 'Bid', orderType: 'Limit', price: '100.00', quantity: '1' }));
  const sf = ex.fills('S', {})[0]!;
  const bf = ex.fills('B', {})[0]!;
  assert.deepEqual([sf.feeSymbol, D(sf.fee).toString(), sf.isMaker], ['USDC', '0.08', true]);
  assert.deepEqual([bf.feeSymbol, D(bf.fee).toString(), bf.isMaker], ['SOL', '0.001', false]);
  assert.equal(ex.balances('B').get('SOL')!.available.toString(), '10.999');
  assert.equal(ex.balances('S').get('USDC')!.available.toString(), '10099.92');
});

test('spot balances lock for resting orders and unlock on cancel', () => {
  const { ex } = quiet();
  const o = okv(ex.placeOrder('U', { symbol: 'SOL_USDC', side: 'Bid', orderType: 'Limit', price: '100.00', quantity: '10' }));
  assert.deepEqual(strs(ex.balances('U').get('USDC')), { asset: 'USDC', available: '9000', locked: '1000' });
  const r = ex.placeOrder('U', { symbol: 'SOL_USDC', side: 'Bid', orderType: 'Limit', price: '100.00', quantity: '91' });
  assert.equal(r.ok ? '' : r.code, 'INSUFFICIENT_FUNDS');
  ex.cancelOrder('U', 'SOL_USDC', { orderId: o.id });
  assert.deepEqual(strs(ex.balances('U').get('USDC')), { asset: 'USDC', available: '10000', locked: '0' });
});

test('position and PnL math: average entry, partial close, flip through zero, unrealized at mark', () => {
  const { ex } = quiet({ fees: { futuresMaker: '0', futuresTaker: '0' } });
  const buy = (px: string, q: string) => {
    ex.addLiquidity(SOL, 'Ask', px, q);
    okv(ex.placeOrder('U', limit('Bid', px, q, { timeInForce: 'IOC' })));
  };
  const sell = (px: string, q: string) => {
    ex.addLiquidity(SOL, 'Bid', px, q);
    okv(ex.placeOrder('U', limit('Ask', px, q, { timeInForce: 'IOC' })));
  };
  buy('100.00', '1');
  buy('110.00', '1');
  let p = ex.positions('U')[0]!;
  assert.equal(p.netQuantity.toString(), '2');
  assert.equal(D(p.entryPrice).toString(), '105');
  sell('120.00', '1');
  p = ex.positions('U')[0]!;
  assert.equal(p.netQuantity.toString(), '1');
  assert.equal(D(p.pnlRealized).toString(), '15');
  sell('90.00', '3'); // closes 1 at -15, opens 2 short at 90
  p = ex.positions('U')[0]!;
  assert.equal(p.netQuantity.toString(), '-2');
  assert.equal(D(p.entryPrice).toString(), '90');
  ex.setMark(SOL, '95.00');
  p = ex.positions('U')[0]!;
  assert.equal(D(p.pnlUnrealized).toString(), '-10');
  assert.equal(ex.balances('U').get('USDC')!.available.toString(), '10000', 'realized +15 then -15 settled into USDC');
  buy('80.00', '2');
  assert.equal(ex.positions('U').length, 0);
  assert.equal(ex.balances('U').get('USDC')!.available.toString(), '10020');
});

test('funding: longs pay and shorts receive at a positive rate, recorded in history', () => {
  const { ex } = quiet({ fees: { futuresMaker: '0', futuresTaker: '0' } });
  ex.addLiquidity(SOL, 'Ask', '100.00', '2');
  okv(ex.placeOrder('L', limit('Bid', '100.00', '2', { timeInForce: 'IOC' })));
  ex.addLiquidity(SOL, 'Bid', '100.00', '1');
  okv(ex.placeOrder('S', limit('Ask', '100.00', '1', { timeInForce: 'IOC' })));
  ex.setMark(SOL, '100.00');
  ex.settleFunding(Date.UTC(2026, 0, 1, 1), { [SOL]: '0.0001' });
  assert.equal(D(ex.fundingPayments('L', {})[0]!.quantity).toString(), '-0.02');
  assert.equal(D(ex.fundingPayments('S', {})[0]!.quantity).toString(), '0.01');
  assert.equal(ex.balances('L').get('USDC')!.available.toString(), '9999.98');
  assert.equal(D(ex.positions('L')[0]!.cumulativeFunding).toString(), '-0.02');
  assert.equal(ex.fundingRates(SOL)[0]!.fundingRate, '0.0001');
});

test('funding is settled hourly by the clock', () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1, 0, 30));
  const ex = new SimExchange({ clock, seed: 1, model: false, markets: [{ ...DEFAULT_MARKETS[0]!, initialPrice: '100.00' }] });
  ex.start();
  ex.addLiquidity(SOL, 'Ask', '100.00', '1');
  okv(ex.placeOrder('L', limit('Bid', '100.00', '1', { timeInForce: 'IOC' })));
  clock.advance(31 * 60_000);
  assert.equal(ex.fundingPayments('L', {}).length, 1);
  assert.equal(ex.fundingPayments('L', {})[0]!.intervalEndTimestamp, Date.UTC(2026, 0, 1, 1));
  clock.advance(60 * 60_000);
  assert.equal(ex.fundingPayments('L', {}).length, 2);
  ex.stop();
});

test('get order finds only resting orders; cancel unknown is 404', () => {
  const { ex } = quiet();
  const o = okv(ex.placeOrder('U', limit('Bid', '99.00', '1', { clientId: 9 })));
  assert.ok(ex.getOrder('U', SOL, { orderId: o.id }).ok);
  assert.ok(ex.getOrder('U', SOL, { clientId: 9 }).ok);
  ex.cancelAll('U', SOL);
  const g = ex.getOrder('U', SOL, { orderId: o.id });
  assert.deepEqual(g, { ok: false, status: 404, code: 'RESOURCE_NOT_FOUND', message: 'Not Found' });
  assert.equal(ex.cancelOrder('U', SOL, { orderId: o.id }).ok, false);
  assert.equal(ex.orderHistory('U', {})[0]!.status, 'Cancelled');
});

test('optional taker speed bump: crossing orders wait 100 ms, post-only and resting orders do not', async () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ex = new SimExchange({ clock, seed: 1, model: false, markets: [{ ...DEFAULT_MARKETS[0]!, initialPrice: '100.00' }], takerSpeedBumpMs: 100 });
  ex.addLiquidity(SOL, 'Ask', '100.00', '1');
  let done = false;
  const p = ex.submitOrder('U', limit('Bid', '100.00', '1')).then((r) => {
    done = true;
    return r;
  });
  await Promise.resolve();
  assert.equal(done, false);
  clock.advance(99);
  await Promise.resolve();
  assert.equal(done, false, 'still in the speed bump');
  clock.advance(1);
  const r = await p;
  assert.ok(r.ok && r.value.status === 'Filled');
  const rest = await ex.submitOrder('U', limit('Bid', '99.00', '1'));
  assert.ok(rest.ok, 'a non-crossing order is not delayed');
});
