// Risk gate per mode, max position, loss limit, one working order, exits never flip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gate, stricter } from '../../src/core/risk.js';
import { D } from '../../src/util/decimal.js';

const open = { side: 'Bid' as const, price: D(100), quantity: D(1), exit: false };
const exit = { side: 'Ask' as const, price: D(100), quantity: D(1), exit: true };
const ctx = { mode: 'ACTIVE' as const, position: D(1), maxPositionNotional: D(500), lossLimitHit: false, hasWorkingOrder: false };

test('risk: modes', () => {
  assert.equal(gate(open, ctx), null);
  assert.equal(gate(exit, ctx), null);
  assert.equal(gate(open, { ...ctx, mode: 'PAUSED' }), 'paused');
  assert.equal(gate(exit, { ...ctx, mode: 'PAUSED' }), 'paused');
  assert.equal(gate(exit, { ...ctx, mode: 'HALTED' }), 'halted');
  assert.equal(gate(open, { ...ctx, mode: 'REDUCING' }), 'reducing-opening');
  assert.equal(gate(exit, { ...ctx, mode: 'REDUCING' }), null);
  assert.equal(stricter('ACTIVE', 'REDUCING'), 'REDUCING');
  assert.equal(stricter('PAUSED', 'REDUCING'), 'PAUSED');
  assert.equal(stricter('PAUSED', 'HALTED'), 'HALTED');
});

test('risk: max position notional denies an order whose fill could exceed it', () => {
  assert.equal(gate(open, { ...ctx, position: D(4) }), null); // 5 * 100 = 500: at the cap, allowed
  assert.equal(gate(open, { ...ctx, position: D('4.01') }), 'max-position');
  // a sell from a long reduces: allowed even near the cap
  assert.equal(gate({ ...open, side: 'Ask' }, { ...ctx, position: D(5) }), null);
});

test('risk: loss limit halts opening quotes, exits continue', () => {
  assert.equal(gate(open, { ...ctx, lossLimitHit: true }), 'loss-limit');
  assert.equal(gate(exit, { ...ctx, lossLimitHit: true }), null);
});

test('risk: at most one working order; exits can never flip the position', () => {
  assert.equal(gate(open, { ...ctx, hasWorkingOrder: true }), 'working-order');
  assert.equal(gate({ ...exit, quantity: D(2) }, ctx), 'not-reducing');
  assert.equal(gate({ ...exit, side: 'Bid' }, ctx), 'not-reducing');
});
