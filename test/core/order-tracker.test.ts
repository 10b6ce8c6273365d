// The order tracker keeps one working order per slot of a symbol: the engine's one (MAIN_SLOT, the
// default of every slot parameter) or several (the baseline's bid and ask). Slots are independent: one
// ends or is replaced without touching another, lookups by id work across slots, and the bounded memory
// of finished orders never forgets one that still works in any slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAIN_SLOT, OrderTracker, type NewOrder } from '../../src/core/order-tracker.js';
import type { Side } from '../../src/domain/side.js';
import { D } from '../../src/util/decimal.js';

const S = 'SOL_USDC_PERP';
let nextId = 1;

function order(side: Side, over: Partial<NewOrder> = {}): NewOrder {
  return { clientId: nextId++, symbol: S, side, price: D('100'), quantity: D(1), reduceOnly: false, postOnly: true, ioc: false, exit: false, placedAt: 0, ...over };
}

test('order tracker: without a slot an order takes the engine slot, and get(symbol) returns it', () => {
  const tr = new OrderTracker();
  const t = tr.add(order('Bid'));
  assert.equal(t.slot, MAIN_SLOT);
  assert.equal(tr.get(S), t);
  assert.equal(tr.get(S, MAIN_SLOT), t);
  assert.equal(tr.get(S, 'Bid'), null, 'the engine slot is not a side slot');
  assert.throws(() => tr.add(order('Ask')), /already has a working order in slot main/);
});

test('order tracker: a bid and an ask slot in one symbol work side by side and end independently', () => {
  const tr = new OrderTracker();
  const bid = tr.add(order('Bid', { slot: 'Bid' }));
  const ask = tr.add(order('Ask', { slot: 'Ask', price: D('100.01') }));
  assert.equal(tr.get(S, 'Bid'), bid);
  assert.equal(tr.get(S, 'Ask'), ask);
  assert.equal(tr.get(S), null, 'no engine order');
  assert.deepEqual(new Set(tr.forSymbol(S)), new Set([bid, ask]));
  assert.deepEqual(new Set(tr.all()), new Set([bid, ask]));
  assert.equal(tr.forSymbol('ETH_USDC_PERP').length, 0);
  assert.throws(() => tr.add(order('Bid', { slot: 'Bid' })), /slot Bid/, 'one order per slot');

  tr.setOrderId(ask, 'x-ask');
  assert.equal(tr.find(bid.clientId, null), bid);
  assert.equal(tr.find(null, 'x-ask'), ask);

  assert.equal(tr.advance(bid, 'filled'), true);
  assert.equal(tr.get(S, 'Bid'), null, 'the filled bid left its slot');
  assert.equal(tr.isWorking(bid), false);
  assert.equal(tr.get(S, 'Ask'), ask, 'the ask is untouched');
  assert.equal(tr.isWorking(ask), true);
  assert.deepEqual([...tr.all()], [ask]);

  const bid2 = tr.add(order('Bid', { slot: 'Bid', price: D('99.99') }));
  assert.equal(tr.get(S, 'Bid'), bid2, 'the free slot takes a new order');
  // A late event about the finished bid still finds it, and cannot disturb its successor.
  assert.equal(tr.find(bid.clientId, null), bid);
  assert.equal(tr.advance(bid, 'cancelled'), false);
  tr.finishAs(bid, 'cancelled');
  assert.equal(tr.get(S, 'Bid'), bid2);
  tr.finishAs(ask, 'cancelled');
  assert.equal(tr.get(S, 'Ask'), null);
  assert.deepEqual(tr.forSymbol(S), [bid2]);
});

test('order tracker: the memory of finished orders never forgets one still working in a side slot', () => {
  const tr = new OrderTracker();
  const resting = tr.add(order('Ask', { slot: 'Ask' }));
  // Churn far past the memory's bound through the bid slot.
  for (let i = 0; i < 600; i++) {
    const t = tr.add(order('Bid', { slot: 'Bid' }));
    tr.finishAs(t, 'cancelled');
  }
  assert.equal(tr.find(resting.clientId, null), resting, 'a working order is always found by its client id');
  const old = tr.add(order('Bid', { slot: 'Bid' }));
  tr.finishAs(old, 'filled');
  for (let i = 0; i < 600; i++) tr.finishAs(tr.add(order('Bid', { slot: 'Bid' })), 'cancelled');
  assert.equal(tr.find(old.clientId, null), null, 'finished orders are forgotten past the bound');
});
