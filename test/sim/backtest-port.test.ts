// BacktestPort: the ExchangePort over an in-process SimExchange in virtual time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { D } from '../../src/util/decimal.js';
import { BacktestPort } from '../../src/sim/backtest-port/port.js';
import type { ExchangeEvent } from '../../src/exchange/types.js';

test('delivers book, trade, markPrice, order and position events in order; requests resolve without network', async () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const port = new BacktestPort({ clock, seed: 3, markets: ['SOL_USDC_PERP', 'BTC_USDC_PERP'] });
  const events: ExchangeEvent[] = [];
  await port.start(['SOL_USDC_PERP'], (e) => events.push(e));
  await port.advance(10_000);
  const types = new Set(events.map((e) => e.type));
  for (const t of ['connection', 'book', 'trade', 'markPrice']) assert.ok(types.has(t as ExchangeEvent['type']), `has ${t}`);
  assert.ok(events.every((e) => !('symbol' in e) || e.symbol === 'SOL_USDC_PERP'), 'only the started symbols');
  const book = events.find((e) => e.type === 'book');
  assert.ok(book && book.type === 'book');
  const bid = book.book.bestBid()!;
  const ask = book.book.bestAsk()!;
  assert.ok(bid.lt(ask));
  assert.equal(book.book.levels('Bid', 5).length, 5);
  assert.ok(book.book.sizeAt('Bid', bid).gt(0));

  const markets = await port.getMarkets();
  assert.equal(markets.find((m) => m.symbol === 'SOL_USDC_PERP')!.tickSize.toString(), '0.01');
  events.length = 0;
  const placed = await port.placeOrder({ symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Market', quantity: D('1'), clientId: 500 });
  assert.equal(placed.kind, 'accepted');
  const post = await port.placeOrder({ symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: ask, quantity: D('1'), postOnly: true, clientId: 501 });
  assert.deepEqual(post, { kind: 'rejected', code: 'INVALID_ORDER', message: 'Order would immediately match and take', status: 400 });
  await port.advance(100);
  const orderEvents = events.filter((e) => e.type === 'order').map((e) => (e.type === 'order' ? e.event : null)!);
  assert.deepEqual(orderEvents.map((e) => e.type).slice(0, 2), ['accepted', 'fill']);
  assert.equal(orderEvents[1]!.fill!.isMaker, false);
  assert.ok(events.some((e) => e.type === 'position' && e.event.netQuantity.eq(1)));
  assert.equal((await port.getPositions())[0]!.netQuantity.toString(), '1');
  assert.equal((await port.getFills({})).rows[0]!.clientId, 500);
  assert.equal((await port.findOrder('SOL_USDC_PERP', 500))!.status, 'Filled');
  assert.equal(await port.findOrder('SOL_USDC_PERP', 999), null);
  const fees = await port.getAccountFees();
  assert.equal(fees.futuresTakerFeeBps.toString(), '5');
  const col = await port.getCollateral();
  assert.ok(col.netEquity.gt(9000));
  await port.stop();
});

test('a handler may place orders from inside an event without re-entering the engine', async () => {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const port = new BacktestPort({ clock, seed: 8, markets: ['SOL_USDC_PERP'] });
  let placed = 0;
  let rejected = 0;
  let cid = 1;
  await port.start(['SOL_USDC_PERP'], (e) => {
    if (e.type === 'trade' && placed < 50) {
      placed++;
      void port
        .placeOrder({ symbol: 'SOL_USDC_PERP', side: e.trade.takerSide, orderType: 'Limit', price: e.trade.price, quantity: D('0.1'), timeInForce: 'IOC', clientId: cid++ })
        .then((r) => {
          if (r.kind === 'rejected') rejected++;
        });
    }
  });
  await port.advance(60_000);
  assert.equal(placed, 50);
  assert.ok(rejected < 50);
  await port.stop();
});
