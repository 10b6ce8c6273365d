// SimExchange answers balances, collateral, account and ticker in Decimals; server/wire.ts renders them in
// Backpack's field names and string formats. Exact figures on a quiet book, worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { SimExchange } from '../../src/sim/exchange.js';
import { DEFAULT_MARKETS } from '../../src/sim/model/markets.js';
import { accountWire, balancesWire, collateralWire, tickerWire } from '../../src/sim/server/wire.js';

const SOL = 'SOL_USDC_PERP';
const SPOT = 'SOL_USDC';

function quiet() {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const markets = [SOL, SPOT].map((s) => ({ ...DEFAULT_MARKETS.find((m) => m.symbol === s)!, initialPrice: '100.00' }));
  return { clock, ex: new SimExchange({ clock, seed: 1, model: false, markets }) };
}

test('balances: Decimals by asset (available = total - locked); wire adds staked 0', () => {
  const { ex } = quiet();
  assert.ok(ex.placeOrder('U', { symbol: SPOT, side: 'Bid', orderType: 'Limit', price: '90.00', quantity: '2' }).ok);
  const b = ex.balances('U').get('USDC')!;
  assert.equal(b.asset, 'USDC');
  assert.equal(b.available.toString(), '9820');
  assert.equal(b.locked.toString(), '180');
  assert.deepEqual(balancesWire(ex.balances('U')), { USDC: { available: '9820', locked: '180', staked: '0' } });
});

test('collateral: a long perp marked up, in Decimals, and the wire object with its per-asset rows', () => {
  const { ex } = quiet();
  ex.addLiquidity(SOL, 'Ask', '100.00', '10');
  assert.ok(ex.placeOrder('U', { symbol: SOL, side: 'Bid', orderType: 'Limit', price: '100.00', quantity: '10' }).ok);
  assert.ok(ex.placeOrder('U', { symbol: SPOT, side: 'Bid', orderType: 'Limit', price: '90.00', quantity: '1' }).ok);
  ex.setMark(SOL, '101.00');
  const c = ex.collateral('U');
  // 10 bought at 100 with a 5 bps taker fee (0.5): USDC 9999.5 (90 of it locked by a spot bid); unrealized +10 at mark 101.
  assert.equal(c.pnlUnrealized.toString(), '10');
  assert.equal(c.netEquity.toString(), '10009.5');
  assert.equal(c.netExposureFutures.toString(), '1010');
  assert.equal(c.imf.toString(), '0.1');
  assert.equal(c.mmf.toString(), '0.05');
  assert.equal(c.netEquityLocked.toString(), '191', 'margin on exposure 1010 at imf 0.1, plus 90 USDC locked by the spot bid');
  assert.equal(c.netEquityAvailable.toString(), '9818.5');
  assert.equal(c.marginFraction!.toFixed(6), '9.910396');
  const w = collateralWire(c);
  assert.equal(w['netEquity'], '10009.5');
  assert.equal(w['netEquityAvailable'], '9818.5');
  assert.equal(w['marginFraction'], c.marginFraction!.toString());
  assert.equal(w['borrowLiability'], '0');
  assert.deepEqual(w['collateral'], [{
    symbol: 'USDC', assetMarkPrice: '1', totalQuantity: '9999.5', balanceNotional: '9999.5', collateralWeight: '1',
    collateralValue: '9999.5', openOrderQuantity: '90', lendQuantity: '0', availableQuantity: '9909.5',
  }]);
  assert.equal(collateralWire(quiet().ex.collateral('flat'))['marginFraction'], null, 'no position: no margin fraction');
});

test('account: fees and limits as values; wire with the fixed settings', () => {
  const { ex } = quiet();
  ex.setFees('U', { futuresMaker: '-0.5' });
  assert.ok(ex.placeOrder('U', { symbol: SOL, side: 'Bid', orderType: 'Limit', price: '90.00', quantity: '1' }).ok);
  const a = ex.accountInfo('U');
  assert.equal(a.fees.futuresMakerFeeBps.toString(), '-0.5');
  assert.equal(a.limitOrders, 1);
  assert.equal(a.leverageLimit, 10);
  const w = accountWire(a);
  assert.equal(w['futuresMakerFee'], '-0.5');
  assert.equal(w['futuresTakerFee'], '5');
  assert.equal(w['spotMakerFee'], '8');
  assert.equal(w['leverageLimit'], '10');
  assert.equal(w['limitOrders'], 1);
});

test('ticker: 24 h stats as Decimals; wire at tick/step scale with change and percent', () => {
  const { clock, ex } = quiet();
  ex.addLiquidity(SOL, 'Ask', '100.00', '1');
  ex.takeLiquidity(SOL, 'Bid', '1');
  clock.advance(60_000);
  ex.addLiquidity(SOL, 'Ask', '102.50', '3');
  ex.takeLiquidity(SOL, 'Bid', '3');
  const t = ex.ticker(SOL)!;
  assert.equal(t.lastPrice.toString(), '102.5');
  assert.equal(t.trades, 2);
  const m = ex.market(SOL)!;
  assert.deepEqual(tickerWire(t, m), {
    symbol: SOL, firstPrice: '100.00', lastPrice: '102.50', priceChange: '2.50', priceChangePercent: '0.025000',
    high: '102.50', low: '100.00', volume: '4.00', quoteVolume: '407.5', trades: '2',
  });
  const flat = tickerWire(quiet().ex.ticker(SOL)!, m);
  assert.equal(flat['priceChangePercent'], '0.000000', 'no trades: first = last = initial price');
  assert.equal(ex.ticker('NOPE'), null);
});
