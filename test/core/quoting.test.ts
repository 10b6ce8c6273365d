// Quoting on its own: one symbol's re-quote (place, cancel, wait or nothing), the flatten it finds
// complete, the wake-up timer per symbol, and what counts as flat (dust a legal order cannot close).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyBook, applyBookInvalid, applyTrade } from '../../src/core/market-data.js';
import type { SymbolState } from '../../src/core/symbol-state.js';
import { D } from '../../src/util/decimal.js';
import { FakeBook } from './helpers/fake-book.js';
import { perpMarket } from './helpers/fake-port.js';
import { settle, T0 } from './helpers/harness.js';
import { ledgerFill, makeParts, type PartsRig } from './helpers/parts.js';

const S = 'SOL_USDC_PERP';

/** A started core with a valid book and takers buying (the flow picks the Ask). */
function quotable(rig: PartsRig = makeParts()): PartsRig & { sym: SymbolState } {
  rig.loop.started = true;
  const sym = rig.parts.syms.get(S)!;
  applyBook(sym, new FakeBook(S, [['100.00', 5]], [['100.05', 5]]), rig.parts.portfolio.stats);
  applyTrade(sym, { symbol: S, price: D(100), quantity: D(1), takerSide: 'Bid', tradeId: 1, ts: rig.clock.now() });
  return { ...rig, sym };
}

function count(rig: PartsRig, m: string): number {
  return rig.port.names().filter((n) => n === m).length;
}

test('quoting: a placement reports changed; the order it sends is the strategy quote', () => {
  const rig = quotable();
  const r = rig.parts.quoting.requote(rig.sym);
  assert.deepEqual(r, { changed: true, flat: false });
  const [req] = rig.port.placed();
  assert.ok(req);
  assert.equal(req.side, 'Ask');
  assert.equal(req.price?.toString(), '100.05');
  assert.equal(rig.parts.execution.tracker.get(S)?.state, 'pending');
});

test('quoting: a pending order (no reply yet) makes a re-quote do nothing, even in PAUSED', () => {
  const rig = quotable();
  rig.port.placeHandler = () => new Promise(() => undefined); // the reply never comes
  rig.parts.quoting.requote(rig.sym);
  rig.parts.modes.globalMode = 'PAUSED';
  assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: false });
  assert.equal(count(rig, 'cancelOrder'), 0, 'no cancel for an order whose placement has not answered');
  assert.equal(count(rig, 'placeOrder'), 1);
});

for (const guard of ['unknown', 'cancelInFlight', 'resolving'] as const) {
  test(`quoting: a working order that is ${guard} makes a re-quote do nothing (no cancel, no replacement, no placement)`, async () => {
    const rig = quotable();
    rig.parts.quoting.requote(rig.sym);
    await settle();
    const t = rig.parts.execution.tracker.get(S)!;
    assert.equal(t.state, 'open');
    // Each flag on its own (the tracker sets them in combination), so each guard is tested by itself.
    if (guard === 'unknown') t.state = 'unknown';
    else t[guard] = true;
    // A better ask would replace the order (ACTIVE), and PAUSED would cancel it: neither happens.
    rig.clock.advance(1000);
    applyBook(rig.sym, new FakeBook(S, [['100.00', 5]], [['100.03', 5]]), rig.parts.portfolio.stats);
    assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: false });
    assert.deepEqual(rig.parts.quoting.replacements, {});
    rig.parts.modes.globalMode = 'PAUSED';
    assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: false });
    assert.equal(count(rig, 'cancelOrder'), 0);
    assert.equal(count(rig, 'placeOrder'), 1);
  });
}

test('quoting: a better touch replaces the open order (the control for the guards above)', async () => {
  const rig = quotable();
  rig.parts.quoting.requote(rig.sym);
  await settle();
  rig.clock.advance(1000);
  applyBook(rig.sym, new FakeBook(S, [['100.00', 5]], [['100.03', 5]]), rig.parts.portfolio.stats);
  rig.parts.quoting.requote(rig.sym);
  assert.equal(count(rig, 'cancelOrder'), 1);
  assert.equal(Object.values(rig.parts.quoting.replacements).reduce((a, b) => a + b, 0), 1);
});

test('quoting: PAUSED cancels the working order and places nothing', async () => {
  const rig = quotable();
  rig.parts.quoting.requote(rig.sym);
  await settle();
  rig.parts.modes.globalMode = 'PAUSED';
  assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: false });
  assert.equal(count(rig, 'cancelOrder'), 1);
  await settle();
  assert.equal(rig.parts.execution.tracker.get(S), null, 'the cancel ended the order');
  rig.parts.quoting.requote(rig.sym);
  assert.equal(count(rig, 'placeOrder'), 1, 'nothing placed while PAUSED');
  assert.equal(count(rig, 'cancelOrder'), 1);
});

test('quoting: HALTED (the book invalid) cancels the working order', async () => {
  const rig = quotable();
  rig.parts.quoting.requote(rig.sym);
  await settle();
  applyBookInvalid(rig.sym, 'gap', rig.logger);
  assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: false });
  assert.equal(count(rig, 'cancelOrder'), 1);
});

test('quoting: an operator flatten of a flat symbol with no order reports flat; with a working order it cancels it first', async () => {
  const rig = quotable();
  rig.parts.quoting.requote(rig.sym);
  await settle();
  rig.sym.opMode = 'REDUCING';
  assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: false }, 'not flat while an order works');
  assert.equal(count(rig, 'cancelOrder'), 1);
  await settle();
  assert.equal(rig.parts.execution.tracker.get(S), null);
  assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: true });
  // A stop's flatten finishes by itself (lifecycle polls allFlat): a flat symbol is not reported.
  rig.parts.modes.stopFlattenSince = rig.clock.now();
  assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: false });
});

test('quoting: an operator flatten of a symbol holding dust reports flat', () => {
  const rig = quotable();
  rig.parts.portfolio.applyFill(rig.sym, ledgerFill(S, 'Bid', '0.005', '100'), false, () => false); // below min 0.01
  rig.sym.opMode = 'REDUCING';
  assert.deepEqual(rig.parts.quoting.requote(rig.sym), { changed: false, flat: true });
  assert.equal(count(rig, 'placeOrder'), 0);
});

test('quoting: wakeAt keeps the earlier wake-up and fires `due` once, at that time', () => {
  const { parts, clock, hooks, sym } = quotable();
  parts.quoting.wakeAt(sym, T0 + 500);
  parts.quoting.wakeAt(sym, T0 + 1000); // later: ignored
  assert.equal(sym.wakeAt, T0 + 500);
  clock.advance(499);
  assert.equal(hooks.due.length, 0);
  clock.advance(1);
  assert.deepEqual(hooks.due, [sym]);
  assert.equal(sym.wake, null);
  assert.equal(sym.wakeAt, Infinity);
  // An earlier wake-up replaces a later one (the later timer is dropped).
  parts.quoting.wakeAt(sym, T0 + 2000);
  parts.quoting.wakeAt(sym, T0 + 1200);
  assert.equal(sym.wakeAt, T0 + 1200);
  clock.advance(700); // T0 + 1200
  assert.equal(hooks.due.length, 2);
  clock.advance(5000);
  assert.equal(hooks.due.length, 2, 'the replaced wake-up does not fire');
});

test('quoting: clearWake drops the wake-up', () => {
  const { parts, clock, hooks, sym } = quotable();
  parts.quoting.wakeAt(sym, T0 + 500);
  parts.quoting.clearWake(sym);
  assert.equal(sym.wake, null);
  assert.equal(sym.wakeAt, Infinity);
  clock.advance(1000);
  assert.equal(hooks.due.length, 0);
});

test('quoting: isFlat counts dust below the minimum quantity as flat; allFlat also needs no working order', async () => {
  // Step 0.001, minimum 0.01: 0.005 is above the inventory threshold (0.001) yet no legal order closes it.
  const rig = quotable(makeParts({ symbols: [S, 'ETH_USDC_PERP'] }, [perpMarket(S, { stepSize: D('0.001') }), perpMarket('ETH_USDC_PERP')]));
  const { parts, sym } = rig;
  const eth = parts.syms.get('ETH_USDC_PERP')!;
  const q = parts.quoting;
  assert.equal(q.isFlat(sym), true);
  parts.portfolio.applyFill(sym, ledgerFill(S, 'Bid', '0.005', '100'), false, () => false);
  assert.equal(q.isFlat(sym), true, 'dust');
  parts.portfolio.applyFill(sym, ledgerFill(S, 'Bid', '0.005', '100'), false, () => false);
  assert.equal(q.isFlat(sym), false, '0.01 is closable');
  parts.portfolio.applyFill(sym, ledgerFill(S, 'Ask', '0.0095', '100'), false, () => false);
  assert.equal(parts.portfolio.inventory(sym).toString(), '0.0005');
  assert.equal(q.isFlat(sym), true, 'below the inventory threshold');
  assert.equal(q.allFlat([sym, eth]), true);
  q.requote(sym); // flow quote: a working order
  assert.ok(parts.execution.tracker.get(S));
  assert.equal(q.allFlat([sym, eth]), false, 'a working order is not flat');
  assert.equal(q.allFlat([eth]), true);
  parts.portfolio.applyFill(eth, ledgerFill('ETH_USDC_PERP', 'Ask', '0.01', '100'), false, () => false);
  assert.equal(q.allFlat([eth]), false);
  await settle();
});
