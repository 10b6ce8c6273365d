// Strategy rules: inventory priority, join best without our own order, improve never crossing, size,
// dust, exit escalation; plus the refresh diff (tolerance, min interval, reason codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type DecideInput, FLATTEN_IOC_AFTER_MS, joinPrice } from '../../src/core/strategy.js';
import { diffQuote } from '../../src/core/quote-diff.js';
import { D } from '../../src/util/decimal.js';
import { FakeBook } from './helpers/fake-book.js';
import { perpMarket } from './helpers/fake-port.js';

const book = () => new FakeBook('SOL_USDC_PERP', [['100.00', 5], ['99.99', 5]], [['100.05', 5], ['100.06', 5]]);

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    market: perpMarket(),
    book: book(),
    own: null,
    inventory: D(0),
    entryPrice: null,
    inventorySince: null,
    flowSide: 'Bid',
    flowFresh: true,
    forceInventory: true,
    reducing: false,
    exitsOnly: false,
    reducingSince: null,
    now: 0,
    p: {
      orderNotional: D(50),
      orderQuantity: null,
      inventoryThreshold: D('0.001'),
      improveTicks: 0,
      exitEscalation: false,
      exitEscalateAfterSec: 30,
      exitAdverseBps: 25,
    },
    ...over,
  };
}

test('strategy: flat -> flow side, join best, size = notional / price rounded down to step', () => {
  const d = decide(input({ p: { ...input().p, orderNotional: D('50.999') } }));
  assert.equal(d.quote?.side, 'Bid');
  assert.equal(d.quote?.price.toString(), '100');
  assert.equal(d.quote?.quantity.toString(), '0.5'); // 50.999 / 100 = 0.50999 -> 0.50
  assert.equal(d.quote?.postOnly, true);
  assert.equal(d.quote?.reduceOnly, false);
  assert.equal(d.quote?.reason, 'flow');
});

test('strategy: inventory first — long position quotes a reduce-only Ask for the whole position', () => {
  const d = decide(input({ inventory: D('0.1234'), flowSide: 'Bid' }));
  assert.equal(d.quote?.side, 'Ask');
  assert.equal(d.quote?.reduceOnly, true);
  assert.equal(d.quote?.postOnly, true);
  assert.equal(d.quote?.quantity.toString(), '0.12'); // rounded DOWN to step 0.01
  assert.equal(d.quote?.price.toString(), '100.05');
  assert.equal(d.quote?.reason, 'inventory');
  const short = decide(input({ inventory: D('-0.5'), flowSide: 'Ask' }));
  assert.equal(short.quote?.side, 'Bid');
  // forcing off: the flow decides
  const off = decide(input({ inventory: D('0.5'), forceInventory: false, flowSide: 'Bid' }));
  assert.equal(off.quote?.side, 'Bid');
  assert.equal(off.quote?.reduceOnly, false);
});

test('strategy: inventory below the market minimum is dust: no exit order, reported', () => {
  const d = decide(input({ inventory: D('0.005'), flowSide: null }));
  assert.equal(d.quote, null);
  assert.equal(d.dust?.toString(), '0.005');
  const r = decide(input({ inventory: D('0.005'), reducing: true, reducingSince: 0 }));
  assert.equal(r.quote, null);
  assert.equal(r.why, 'dust');
});

test('strategy: joins the best price computed WITHOUT our own order', () => {
  // Our bid of 5 at 100.00 is the whole level: the market's best bid is 99.99.
  const alone = decide(input({ own: { side: 'Bid', price: D('100.00'), remaining: D(5) } }));
  assert.equal(alone.quote?.price.toString(), '99.99');
  // Someone else rests at 100.00 too: it stays the best.
  const shared = decide(input({ own: { side: 'Bid', price: D('100.00'), remaining: D(2) } }));
  assert.equal(shared.quote?.price.toString(), '100');
});

test('strategy: improve ticks when the spread allows, never crossing', () => {
  const d = decide(input({ p: { ...input().p, improveTicks: 2 } }));
  assert.equal(d.quote?.price.toString(), '100.02');
  // a 1-tick spread: improving would cross, so it joins
  const tight = new FakeBook('SOL_USDC_PERP', [['100.00', 1]], [['100.01', 1]]);
  assert.equal(decide(input({ book: tight, p: { ...input().p, improveTicks: 3 } })).quote?.price.toString(), '100');
  // improve 10 on a 5-tick spread: capped one tick below the ask
  assert.equal(joinPrice('Bid', D('100.00'), D('100.05'), D('0.01'), 10)?.toString(), '100.04');
  assert.equal(joinPrice('Ask', D('100.00'), D('100.05'), D('0.01'), 10)?.toString(), '100.01');
});

test('strategy: exit escalation — post-only at the touch after X s, IOC at the touch after 2X s', () => {
  const base = { inventory: D('1'), entryPrice: D('100.02'), inventorySince: 0, p: { ...input().p, exitEscalation: true } };
  const s0 = decide(input({ ...base, now: 29_000 }));
  assert.equal(s0.quote?.price.toString(), '100.05');
  assert.equal(s0.quote?.stage, 0);
  const s1 = decide(input({ ...base, now: 30_000 }));
  assert.equal(s1.quote?.stage, 1);
  assert.equal(s1.quote?.price.toString(), '100.01'); // best bid + 1 tick: still rests
  assert.equal(s1.quote?.postOnly, true);
  const s2 = decide(input({ ...base, now: 60_000 }));
  assert.equal(s2.quote?.stage, 2);
  assert.equal(s2.quote?.ioc, true);
  assert.equal(s2.quote?.postOnly, false);
  assert.equal(s2.quote?.reduceOnly, true);
  assert.equal(s2.quote?.price.toString(), '100'); // sells into the best bid
  assert.equal(s2.quote?.quantity.toString(), '1'); // never more than the position
  // adverse move: entry 101, mid 100.025 -> ~96.5 bps against a long: straight to IOC (>= 2 x 25)
  const adverse = decide(input({ ...base, entryPrice: D('101'), now: 1000 }));
  assert.equal(adverse.quote?.stage, 2);
  // escalation off: stays at stage 0
  assert.equal(decide(input({ ...base, now: 100_000, p: { ...input().p, exitEscalation: false } })).quote?.stage, 0);
});

test('strategy: flatten (REDUCING) — only exits, IOC after the flatten delay; flat quotes nothing', () => {
  const r1 = decide(input({ inventory: D('-1'), reducing: true, exitsOnly: true, reducingSince: 0, now: 10 }));
  assert.equal(r1.quote?.side, 'Bid');
  assert.equal(r1.quote?.stage, 1);
  assert.equal(r1.quote?.price.toString(), '100.04');
  const r2 = decide(input({ inventory: D('-1'), reducing: true, exitsOnly: true, reducingSince: 0, now: FLATTEN_IOC_AFTER_MS }));
  assert.equal(r2.quote?.ioc, true);
  assert.equal(r2.quote?.price.toString(), '100.05');
  assert.equal(decide(input({ reducing: true, exitsOnly: true, reducingSince: 0 })).quote, null);
  // loss limit / REDUCING without operator flatten: exits without forced escalation
  const e = decide(input({ inventory: D('1'), exitsOnly: true, forceInventory: false }));
  assert.equal(e.quote?.stage, 0);
  assert.equal(e.quote?.reduceOnly, true);
});

test('strategy: per-symbol base quantity and the market minimum', () => {
  assert.equal(decide(input({ p: { ...input().p, orderQuantity: D('0.3') } })).quote?.quantity.toString(), '0.3');
  assert.equal(decide(input({ p: { ...input().p, orderNotional: D('0.1') } })).quote?.quantity.toString(), '0.01');
});

const RP = { tickSize: D('0.01'), refreshToleranceTicks: 1, minRequoteMs: 250 };
const want = (price: string, over = {}) => ({
  side: 'Bid' as const,
  price: D(price),
  quantity: D('0.5'),
  reduceOnly: false,
  postOnly: true,
  ioc: false,
  reason: 'flow' as const,
  stage: 0 as const,
  exit: false,
  ...over,
});
const have = (price: string, over = {}) => ({ side: 'Bid' as const, price: D(price), remaining: D('0.5'), reduceOnly: false, ioc: false, placedAt: 0, ...over });

test('refresh: tolerance in ticks, min interval, reason codes', () => {
  assert.deepEqual(diffQuote(want('100.01'), have('100.00'), 1000, RP), { kind: 'none' }); // 1 tick <= tolerance
  assert.deepEqual(diffQuote(want('100.02'), have('100.00'), 1000, RP), { kind: 'cancel', reason: 'price' });
  assert.deepEqual(diffQuote(want('100.02'), have('100.00'), 100, RP), { kind: 'wait', at: 250 }); // too soon
  assert.deepEqual(diffQuote(want('100.00', { side: 'Ask' }), have('100.00'), 1000, RP), { kind: 'cancel', reason: 'side' });
  // inventory switch is urgent: not rate-limited
  assert.deepEqual(diffQuote(want('100.05', { side: 'Ask', exit: true, reduceOnly: true }), have('100.00'), 10, RP), {
    kind: 'cancel',
    reason: 'inventory',
  });
  assert.deepEqual(diffQuote(want('100.00', { exit: true, reduceOnly: true, quantity: D('0.4') }), have('100.00', { reduceOnly: true }), 1000, RP), {
    kind: 'cancel',
    reason: 'size',
  });
  assert.deepEqual(diffQuote(null, have('100.00'), 0, RP), { kind: 'cancel', reason: 'no-quote' });
  assert.deepEqual(diffQuote(want('100.00'), null, 0, RP), { kind: 'place' });
  assert.deepEqual(diffQuote(null, null, 0, RP), { kind: 'none' });
});

test('strategy: inventory threshold is capped at the market minimum (a half-filled BTC quote is inventory)', () => {
  // BTC: min quantity 0.00001 is far below the original's 0.001 base-unit threshold ($90 of BTC).
  const btc = perpMarket('BTC_USDC_PERP', { tickSize: D('0.1'), stepSize: D('0.00001'), minQuantity: D('0.00001') });
  const d = decide(input({ market: btc, book: book(), inventory: D('-0.00055'), flowSide: 'Bid' }));
  assert.equal(d.quote?.side, 'Bid');
  assert.equal(d.quote?.reduceOnly, true);
  assert.equal(d.quote?.quantity.toString(), '0.00055');
  assert.equal(d.quote?.reason, 'inventory');
  // SOL: 0.005 is below both the threshold's cap (min 0.01) and closable size: flow quoting continues.
  const sol = decide(input({ inventory: D('0.005'), flowSide: 'Bid' }));
  assert.notEqual(sol.quote?.reason, 'inventory');
});

// ------------------------------------------------------------------ spot funds

const spotInput = (over: Partial<DecideInput> = {}): DecideInput => input({ market: perpMarket('SOL_USDC'), book: new FakeBook('SOL_USDC', [['100.00', 5], ['99.99', 5]], [['100.05', 5], ['100.06', 5]]), ...over });
const funds = (base: string, quote: string) => ({ base: D(base), quote: D(quote) });

test('strategy (spot): a flat symbol quotes the flow side only when it can fund it, else the side it can, else nothing', () => {
  // Takers buy ('with' quotes the Ask): no base above the target to sell.
  const noBase = decide(spotInput({ flowSide: 'Ask', funds: funds('0', '1000') }));
  assert.deepEqual([noBase.quote?.side, noBase.quote?.quantity.toString(), noBase.quote?.price.toString(), noBase.quote?.reason], ['Bid', '0.5', '100', 'funds']);
  // Base held but not above the target (inventory 0): still not for sale.
  assert.equal(decide(spotInput({ flowSide: 'Ask', funds: funds('3', '1000') })).quote?.side, 'Bid');
  // Base above the target with inventory forcing off: the Ask sells at most that.
  const above = decide(spotInput({ flowSide: 'Ask', inventory: D('0.3'), forceInventory: false, funds: funds('3.3', '1000') }));
  assert.deepEqual([above.quote?.side, above.quote?.quantity.toString(), above.quote?.reason], ['Ask', '0.3', 'flow']);
  // A bid spends only the free quote, floored to the step.
  const poor = decide(spotInput({ flowSide: 'Bid', funds: funds('0', '12.34') }));
  assert.deepEqual([poor.quote?.side, poor.quote?.quantity.toString(), poor.quote?.reason], ['Bid', '0.12', 'flow']);
  // Nothing to fund either side with: no quote at all (never an order the exchange would refuse).
  const none = decide(spotInput({ flowSide: 'Ask', funds: funds('0.005', '0.5') }));
  assert.equal(none.quote, null);
  assert.equal(none.why, 'no funds');
});

test('strategy (spot): the exit sells what is held and free, floored to the step; a residual below the minimum is dust', () => {
  // 0.5 bought, 0.0004 of it taken as the fee: 0.49 can be sold.
  const exit = decide(spotInput({ inventory: D('0.4996'), funds: funds('0.4996', '0') }));
  assert.deepEqual([exit.quote?.side, exit.quote?.quantity.toString(), exit.quote?.reduceOnly, exit.quote?.exit], ['Ask', '0.49', false, true]);
  // Part of the base is locked elsewhere: sell what is free.
  assert.equal(decide(spotInput({ inventory: D('0.4996'), funds: funds('0.3', '0') })).quote?.quantity.toString(), '0.3');
  // Held below the target: buy back what the quote pays for.
  const back = decide(spotInput({ inventory: D('-0.5'), funds: funds('0', '20') }));
  assert.deepEqual([back.quote?.side, back.quote?.quantity.toString(), back.quote?.exit], ['Bid', '0.2', true]);
  // The residual of a round trip cannot be sold: flat for quoting, reported as dust.
  const dust = decide(spotInput({ inventory: D('0.0096'), flowSide: 'Ask', funds: funds('0.0096', '1000') }));
  assert.deepEqual([dust.quote?.side, dust.quote?.reason, dust.dust?.toString()], ['Bid', 'funds', '0.0096']);
  // Flattening: an exit nothing funds waits (it is not dust: the flatten is not done).
  const stuck = decide(spotInput({ inventory: D('-0.5'), reducing: true, reducingSince: 0, funds: funds('0', '0') }));
  assert.deepEqual([stuck.quote, stuck.why, stuck.dust], [null, 'no funds', null]);
});
