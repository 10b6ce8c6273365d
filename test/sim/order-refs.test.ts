// Naming an order to get or cancel it (exchange/orders.ts badOrderRef, findLive): exactly one of orderId
// and clientId, a clientId given as a query string works like a number, and an order of another market
// or account is not found. Plus the clock-driven funding settlement at each interval boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { SimExchange } from '../../src/sim/exchange.js';
import { DEFAULT_MARKETS } from '../../src/sim/model/markets.js';

const SOL = 'SOL_USDC_PERP';

function quiet(clock = new VirtualClock(Date.UTC(2026, 0, 1))) {
  const markets = [SOL, 'SOL_USDC'].map((s) => ({ ...DEFAULT_MARKETS.find((m) => m.symbol === s)!, initialPrice: '100.00' }));
  return { clock, ex: new SimExchange({ clock, seed: 1, model: false, markets }) };
}

test('get and cancel need exactly one of orderId and clientId; a string clientId works; other markets and accounts do not see it', () => {
  const { ex } = quiet();
  const r = ex.placeOrder('U', { symbol: SOL, side: 'Bid', orderType: 'Limit', price: '90.00', quantity: '1', clientId: 42 });
  assert.ok(r.ok);
  const id = r.value.id;
  for (const ref of [{}, { orderId: id, clientId: 42 }, { orderId: null, clientId: null }]) {
    for (const res of [ex.getOrder('U', SOL, ref), ex.cancelOrder('U', SOL, ref)]) {
      assert.ok(!res.ok);
      assert.equal(res.status, 400);
      assert.equal(res.message, 'Must specify either `clientId` or `orderId`');
    }
  }
  const bad = ex.getOrder('U', 'NOPE', { orderId: id });
  assert.ok(!bad.ok && bad.message === 'Invalid market symbol');
  for (const res of [ex.getOrder('U', 'SOL_USDC', { orderId: id }), ex.getOrder('V', SOL, { orderId: id }), ex.getOrder('U', SOL, { clientId: '43' })]) {
    assert.ok(!res.ok);
    assert.equal(res.status, 404);
  }
  const byCid = ex.getOrder('U', SOL, { clientId: '42' });
  assert.ok(byCid.ok && byCid.value.id === id);
  const c = ex.cancelOrder('U', SOL, { clientId: '42' });
  assert.ok(c.ok && c.value.status === 'Cancelled');
  const again = ex.cancelOrder('U', SOL, { orderId: id });
  assert.ok(!again.ok && again.status === 404, 'a finished order is not live');
});

test('funding: settled by the clock at each interval boundary, longs pay a positive rate at the mark', () => {
  const { clock, ex } = quiet(new VirtualClock(Date.UTC(2026, 0, 1, 0, 30)));
  ex.addLiquidity(SOL, 'Ask', '100.00', '2');
  assert.ok(ex.placeOrder('U', { symbol: SOL, side: 'Bid', orderType: 'Market', quantity: '2' }).ok);
  ex.start();
  clock.advance(29 * 60_000);
  assert.equal(ex.fundingPayments('U', {}).length, 0, 'not before the hour');
  clock.advance(60_000);
  const paid = ex.fundingPayments('U', {});
  // 2 SOL long at mark 100 (the last trade; no book left), rate 0.0000125: pays 0.0025.
  assert.deepEqual(paid.map((p) => [p.quantity.toString(), p.intervalEndTimestamp]), [['-0.0025', Date.UTC(2026, 0, 1, 1)]]);
  assert.deepEqual(ex.fundingRates(SOL).map((r) => r.intervalEndTimestamp), [Date.UTC(2026, 0, 1, 1)]);
  clock.advance(3_600_000);
  assert.equal(ex.fundingPayments('U', {}).length, 2, 'and again an hour later');
  ex.stop();
  clock.advance(3_600_000);
  assert.equal(ex.fundingPayments('U', {}).length, 2, 'stopped: no more funding');
});
