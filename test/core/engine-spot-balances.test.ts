// Spot balances in the Engine against the scriptable fake port: orders sized inside the free balance
// (foreign locks excluded), REST balance reads after fills debounced to the refresh interval, a balance
// hint re-reads, a disagreement with the ledger reconciled like a perp position (fills first, then adopt),
// and an INSUFFICIENT_FUNDS rejection re-reads before the next order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/errors.js';
import type { Settings } from '../../src/config/settings.js';
import type { BalanceInfo } from '../../src/exchange/types.js';
import type { Fill } from '../../src/domain/fill.js';
import type { OrderRequest } from '../../src/domain/order.js';
import type { Side } from '../../src/domain/side.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { FakeBook } from './helpers/fake-book.js';
import { FakePort, orderInfo, perpMarket } from './helpers/fake-port.js';
import { bookEvent, fillEvent, makeHarness, settle, tradeEvent, type Harness } from './helpers/harness.js';

const S = 'SOL_USDC';

function bal(asset: string, available: string, locked = '0'): BalanceInfo {
  return { asset, available: D(available), locked: D(locked) };
}

async function spot(balances: BalanceInfo[], over: Partial<Settings> = {}, takerSide: Side = 'Bid'): Promise<Harness> {
  const port = new FakePort();
  port.markets = [perpMarket(S)];
  port.balances = balances;
  const book = new FakeBook(S, [['100.00', 5], ['99.99', 5]], [['100.05', 5], ['100.06', 5]]);
  const h = makeHarness({ symbols: [S], ...over }, { port, book });
  await h.engine.start();
  h.port.emit(tradeEvent(S, takerSide, 1, h.clock.now()));
  h.port.emit(bookEvent(h.book));
  await settle();
  return h;
}

const reads = (h: Harness) => h.port.names().filter((n) => n === 'getBalances').length;

async function advance(h: Harness, ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    h.clock.advance(Math.min(step, ms - t));
    await settle();
  }
}

/** The fill of `req` the exchange made, as its REST history reports it (base fee 8 bps on a bid). */
function exchangeFill(req: OrderRequest, orderId: string, qty: string, ts: number): Fill {
  const q = D(qty);
  return {
    tradeId: `t-${orderId}`,
    orderId,
    clientId: req.clientId,
    symbol: S,
    side: req.side,
    price: req.price!,
    quantity: q,
    fee: req.side === 'Bid' ? q.mul('0.0008') : q.mul(req.price!).mul('0.0008'),
    feeSymbol: req.side === 'Bid' ? 'SOL' : 'USDC',
    isMaker: true,
    timestamp: ts,
  };
}

test('spot sizing: a bid spends only the free quote (orders that are not ours keep their lock); nothing when nothing is free', { timeout: 20_000 }, async () => {
  // 100 USDC, 70 of it locked by someone else's order: 30 is ours to spend.
  const h = await spot([bal('USDC', '30', '70')]);
  const [bid] = h.port.placed();
  assert.equal(bid?.side, 'Bid', 'takers buy, but an Ask has no base to sell: the bid it can fund');
  assert.equal(bid?.quantity.toString(), '0.3');
  assert.equal(h.engine.view.syms.get(S)!.sideReason, 'funds');
  await h.engine.stop();

  const poor = await spot([bal('USDC', '0.5')]);
  await advance(poor, 2000);
  assert.equal(poor.port.placed().length, 0, 'no order the balance cannot fund');
  assert.deepEqual(poor.engine.view.stats.figures(S).failures, {});
  // A deposit: the balance stream's hint makes the core re-read, and quoting starts.
  poor.port.balances = [bal('USDC', '1000')];
  poor.port.emit({ type: 'balance', ts: poor.clock.now() });
  await advance(poor, 400);
  assert.equal(reads(poor), 2, 'start-up read + the hinted one');
  assert.equal(poor.port.placed()[0]?.quantity.toString(), '0.5');
  await poor.engine.stop();
});

test('spot balances are re-read from REST after fills, debounced to one read per balanceRefreshSec', { timeout: 20_000 }, async () => {
  const h = await spot([bal('USDC', '1000')], { balanceRefreshSec: 2 });
  const req = h.port.placed()[0]!;
  const o = { symbol: S, orderId: '1000', clientId: req.clientId, side: req.side, price: req.price!, quantity: req.quantity };
  assert.equal(reads(h), 1, 'start-up');
  let executed = ZERO;
  // Partial fills of 0.1 @ 100.00, fee 8 bps in SOL; the exchange's balances follow them.
  const fill = (i: number) => {
    executed = executed.plus('0.1');
    // USDC: 50 was locked by the bid; what is spent leaves it, the rest stays locked.
    const locked = D('0.5').minus(executed).mul(100);
    h.port.balances = [bal('USDC', '950', locked.toString()), bal('SOL', executed.mul('0.9992').toString())];
    h.port.emit(fillEvent(o, { tradeId: `p${i}`, qty: '0.1', fee: '0.00008', feeSymbol: 'SOL' }, executed, h.clock.now()));
  };
  for (let i = 1; i <= 3; i++) {
    fill(i);
    await advance(h, 30, 30);
  }
  assert.equal(reads(h), 1, 'not while the fills still come');
  await advance(h, 300);
  assert.equal(reads(h), 2, 'one read for the burst');
  fill(4);
  await advance(h, 1000);
  assert.equal(reads(h), 2, 'at most one read per 2 s');
  await advance(h, 1000);
  assert.equal(reads(h), 3);
  await advance(h, 5000);
  assert.equal(reads(h), 3, 'no fills, no reads (and the exchange agrees: no reconciliation)');
  // Inventory is the base really held: 0.4 bought less 0.00032 of fees.
  assert.equal(h.engine.view.inventory(h.engine.view.syms.get(S)!).toString(), '0.39968');
  await h.engine.stop();
});

test('spot: a fill the stream lost shows as a balance disagreement; reconciled fills first, counted once, nothing adopted', { timeout: 20_000 }, async () => {
  const h = await spot([bal('USDC', '1000')]);
  const req = h.port.placed()[0]!;
  // At the exchange the bid filled (0.5 SOL less its fee), but the fill frame never arrived.
  const f = exchangeFill(req, '1000', '0.5', h.clock.now());
  h.port.fills = [f];
  h.port.resting.delete(req.clientId);
  h.port.findHandler = () => orderInfo(req, '1000', 'Filled', D('0.5'));
  h.port.balances = [bal('USDC', '950'), bal('SOL', '0.4996')];
  h.port.emit({ type: 'balance', ts: h.clock.now() });
  await advance(h, 500);
  assert.equal(h.engine.view.syms.get(S)!.driftQty?.toString(), '0.4996', 'the read found the disagreement');
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0', 'not adopted on sight');
  await advance(h, 4000);
  const l = h.engine.view.stats.ledger(S);
  assert.equal(l.position.toString(), '0.4996', 'the recovered fill explains it');
  assert.equal(l.fills, 1);
  assert.equal(h.journal.records.filter((r) => r.kind === 'fill').length, 1, 'journaled once');
  assert.ok(!h.logger.lines.some((x) => /adopting/.test(x)), h.logger.lines.join('\n'));
  assert.equal(h.engine.view.syms.get(S)!.driftQty, null);
  const exit = h.port.placed().at(-1)!;
  assert.deepEqual([exit.side, exit.quantity.toString()], ['Ask', '0.49'], 'the exit sells what is held, floored to the step');
  await h.engine.stop();
});

test('spot: base the ledger never traded (a deposit) is adopted once the disagreement persists, and the exit sells it', { timeout: 20_000 }, async () => {
  const h = await spot([bal('USDC', '1000')]);
  h.port.balances = [bal('USDC', '1000'), bal('SOL', '1.2')];
  h.port.emit({ type: 'balance', ts: h.clock.now() });
  await advance(h, 1000);
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0', 'a single read adopts nothing');
  await advance(h, 4000);
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '1.2');
  assert.ok(h.logger.lines.some((x) => /inventory 0 disagrees with the exchange's SOL balance \(inventory 1\.2\): adopting/.test(x)), h.logger.lines.join('\n'));
  assert.equal(h.engine.view.stats.ledger(S).avgCost.toString(), '100.025', 'valued at the mid when found');
  const exit = h.port.placed().at(-1)!;
  assert.deepEqual([exit.side, exit.quantity.toString()], ['Ask', '1.2']);
  await h.engine.stop();
});

test('spot: INSUFFICIENT_FUNDS re-reads the balances (fills first) before the next order, which fits them', { timeout: 20_000 }, async () => {
  // The start-up read said 1000 USDC; by the time the order arrives only 10 are left (a withdrawal).
  const h = await spot([bal('USDC', '1000')]);
  let n = 0;
  h.port.placeHandler = (req) => {
    n++;
    if (n === 1) return { kind: 'rejected', code: 'INSUFFICIENT_FUNDS', message: 'Insufficient funds', status: 400 };
    const info = orderInfo(req, `ok-${n}`);
    h.port.resting.set(req.clientId, info);
    return { kind: 'accepted', value: info };
  };
  h.port.balances = [bal('USDC', '10')];
  h.book.set('Bid', '100.00', 0);
  h.port.emit(bookEvent(h.book)); // any re-decision: the resting bid is replaced by one at 99.99
  await advance(h, 3000);
  const names = h.port.names();
  const places = names.flatMap((x, i) => (x === 'placeOrder' ? [i] : []));
  assert.ok(places.length >= 3, names.join(','));
  const between = names.slice(places[1]! + 1, places[2]!);
  assert.ok(between.includes('getFills') && between.includes('getBalances'), `re-read between the rejection and the retry: ${between.join(',')}`);
  assert.ok(between.indexOf('getFills') < between.indexOf('getBalances'), 'fills first');
  assert.equal(h.port.placed()[2]!.quantity.toString(), '0.1', '10 USDC buys 0.1 at 99.99');
  assert.deepEqual(h.engine.view.stats.figures(S).failures, { INSUFFICIENT_FUNDS: 1 });
  await h.engine.stop();
});

test('spot: a fill that lands while a reconciliation reads the balances is not undone by the (older) read', { timeout: 20_000 }, async () => {
  const h = await spot([bal('USDC', '1000')]);
  const req = h.port.placed()[0]!;
  const o = { symbol: S, orderId: '1000', clientId: req.clientId, side: req.side, price: req.price!, quantity: req.quantity };
  const after = [bal('USDC', '950'), bal('SOL', '0.4996')];
  let raced = false;
  const read = h.port.getBalances.bind(h.port);
  h.port.getBalances = async () => {
    if (raced) return read();
    raced = true;
    // The exchange answers with the balances from before the fill, whose stream frame arrives meanwhile.
    const stale = [bal('USDC', '950', '50')];
    h.port.emit(fillEvent(o, { tradeId: 't-1000', qty: '0.5', fee: '0.0004', feeSymbol: 'SOL' }, D('0.5'), h.clock.now()));
    h.port.resting.delete(req.clientId);
    h.port.balances = after;
    h.port.fills = [exchangeFill(req, '1000', '0.5', h.clock.now())];
    return stale;
  };
  await h.engine.reconcile(false);
  await settle();
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0.4996', 'the fill stands');
  assert.ok(!h.logger.lines.some((x) => /adopting/.test(x)), h.logger.lines.join('\n'));
  // The wallet kept the fill too (the read predates it): the base it may sell is what the fill left.
  assert.equal(h.engine.view.spot!.funds(h.engine.view.syms.get(S)!).base.toString(), '0.4996');
  const exit = h.port.placed().at(-1)!;
  assert.deepEqual([exit.side, exit.quantity.toString()], ['Ask', '0.49']);
  await advance(h, 5000);
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0.4996');
  assert.equal(h.engine.view.stats.ledger(S).fills, 1);
  await h.engine.stop();
});

test('spot: a resting exit counts its own lock as free (it would be replaced), so it stays put instead of churning', { timeout: 20_000 }, async () => {
  const h = await spot([bal('USDC', '1000')]);
  const req = h.port.placed()[0]!;
  const o = { symbol: S, orderId: '1000', clientId: req.clientId, side: req.side, price: req.price!, quantity: req.quantity };
  h.port.resting.delete(req.clientId);
  h.port.balances = [bal('USDC', '950'), bal('SOL', '0.4996')];
  h.port.emit(fillEvent(o, { tradeId: 'f1', qty: '0.5', fee: '0.0004', feeSymbol: 'SOL' }, D('0.5'), h.clock.now()));
  await settle();
  const exit = h.port.placed().at(-1)!;
  assert.deepEqual([exit.side, exit.quantity.toString()], ['Ask', '0.49']);
  // The exchange now locks the exit's 0.49 SOL.
  h.port.balances = [bal('USDC', '950'), bal('SOL', '0.0096', '0.49')];
  const before = h.port.names().length;
  await advance(h, 5000);
  const later = h.port.names().slice(before);
  assert.ok(!later.includes('cancelOrder') && !later.includes('placeOrder'), later.join(','));
  assert.equal(h.engine.view.spot!.funds(h.engine.view.syms.get(S)!).base.toString(), '0.4996', 'own lock counted free for its own symbol');
  await h.engine.stop();
});

test('spot start-up: base the journal does not explain is adopted at the market price (no PnL); without a price it waits for the book', { timeout: 20_000 }, async () => {
  const port = new FakePort();
  port.markets = [perpMarket(S)];
  port.balances = [bal('USDC', '1000'), bal('SOL', '1.2')];
  port.getMarkPrice = async () => D('100.02');
  const h = makeHarness({ symbols: [S] }, { port, book: new FakeBook(S, [['100.00', 5]], [['100.05', 5]]) });
  await h.engine.start();
  const l = h.engine.view.stats.ledger(S);
  assert.deepEqual([l.position.toString(), l.avgCost.toString(), l.realized.toString()], ['1.2', '100.02', '0']);
  assert.ok(h.logger.lines.some((x) => /adopting/.test(x)));
  h.port.emit(bookEvent(h.book));
  await settle();
  assert.deepEqual([h.port.placed()[0]?.side, h.port.placed()[0]?.quantity.toString()], ['Ask', '1.2'], 'the exit sells it');
  await h.engine.stop();

  // No price at start-up (ticker unavailable): not adopted at a made-up cost; the book's mid values it.
  const q = new FakePort();
  q.markets = [perpMarket(S)];
  q.balances = [bal('USDC', '1000'), bal('SOL', '1.2')];
  const g = makeHarness({ symbols: [S] }, { port: q, book: new FakeBook(S, [['100.00', 5]], [['100.05', 5]]) });
  await g.engine.start();
  assert.equal(g.engine.view.stats.ledger(S).position.toString(), '0');
  assert.equal(g.engine.view.syms.get(S)!.driftQty?.toString(), '1.2');
  g.port.emit(bookEvent(g.book));
  await advance(g, 4000);
  assert.deepEqual([g.engine.view.stats.ledger(S).position.toString(), g.engine.view.stats.ledger(S).avgCost.toString()], ['1.2', '100.025']);
  await g.engine.stop();
});

test('spot: an order of ours placed and gone while a read was out is not taken for a foreign lock', { timeout: 20_000 }, async () => {
  const h = await spot([bal('USDC', '1000')]);
  const bid = h.port.placed()[0]!;
  const read = h.port.getBalances.bind(h.port);
  let first = true;
  h.port.getBalances = async () => {
    if (!first) return read();
    first = false;
    // While the read is out: the bid fills, the exit ask goes out and fills too; the exchange's snapshot
    // was taken while that ask rested, its 0.49 SOL locked. Our locks are the same (none) at both ends.
    h.port.resting.delete(bid.clientId);
    h.port.emit(fillEvent({ symbol: S, orderId: '1000', clientId: bid.clientId, side: 'Bid', price: bid.price!, quantity: bid.quantity }, { tradeId: 'b1', qty: '0.5', fee: '0.0004', feeSymbol: 'SOL' }, D('0.5'), h.clock.now()));
    await settle();
    const ask = h.port.placed().at(-1)!;
    assert.equal(ask.side, 'Ask');
    h.port.resting.delete(ask.clientId);
    h.port.emit(fillEvent({ symbol: S, orderId: '1001', clientId: ask.clientId, side: 'Ask', price: ask.price!, quantity: ask.quantity }, { tradeId: 'a1', qty: '0.49', fee: '0.0392' }, D('0.49'), h.clock.now()));
    await settle();
    h.port.balances = [bal('USDC', '998.96'), bal('SOL', '0.0096')];
    return [bal('USDC', '950'), bal('SOL', '0.0096', '0.49')];
  };
  h.port.emit({ type: 'balance', ts: h.clock.now() });
  await advance(h, 400);
  assert.equal(first, false, 'the read ran');
  assert.equal(h.engine.view.spot!.wallet.foreignLocked('SOL').toString(), '0', 'our own (gone) ask is nobody else\'s lock');
  await h.engine.stop();
});

test('spot: two spot symbols on one base asset are a configuration error (they would sell the same coins)', async () => {
  const port = new FakePort();
  port.markets = [perpMarket(S), perpMarket('SOL_USDT')];
  const h = makeHarness({ symbols: [S, 'SOL_USDT'] }, { port });
  await assert.rejects(h.engine.start(), (e: Error) => e instanceof ConfigError && /SOL_USDC and SOL_USDT both trade SOL/.test(e.message));
  assert.ok(!h.port.names().includes('placeOrder'));
});
