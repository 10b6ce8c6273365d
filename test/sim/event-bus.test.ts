// The paper exchange's event bus: each channel delivers its own typed payload at the point the exchange
// says it does, and unsubscribing stops delivery (per channel and per listener object).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import { SimEventBus, type SimEvents, type SimEventType } from '../../src/sim/event-bus.js';
import { SimExchange } from '../../src/sim/exchange.js';
import { DEFAULT_MARKETS } from '../../src/sim/model/markets.js';

const SOL = 'SOL_USDC_PERP';

function quiet() {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const markets = [SOL, 'SOL_USDC'].map((s) => ({ ...DEFAULT_MARKETS.find((m) => m.symbol === s)!, initialPrice: '100.00' }));
  return { clock, ex: new SimExchange({ clock, seed: 1, model: false, markets }) };
}

/** A resting ask from the house and a user's bid lifting it: one trade, one user fill, one position. */
function userBuysOne(ex: SimExchange, key = 'U'): void {
  ex.addLiquidity(SOL, 'Ask', '100.00', '1');
  const r = ex.placeOrder(key, { symbol: SOL, side: 'Bid', orderType: 'Limit', price: '100.00', quantity: '1' });
  assert.ok(r.ok);
}

test('depth and bookChanged: one update per book change, with the changed levels and the same update id', () => {
  const { ex } = quiet();
  const depth: Array<Parameters<SimEvents['depth']>[0]> = [];
  const book: Array<[string, number]> = [];
  const off = ex.subscribe({ depth: (e) => depth.push(e), bookChanged: (s, id) => book.push([s, id]) });
  ex.addLiquidity(SOL, 'Bid', '99.50', '2');
  assert.deepEqual(depth.map((e) => [e.symbol, e.bids, e.asks]), [[SOL, [['99.50', '2.00']], []]]);
  assert.deepEqual(book, [[SOL, depth[0]!.lastUpdateId]]);
  off();
  ex.addLiquidity(SOL, 'Bid', '99.40', '1');
  assert.equal(depth.length, 1, 'no depth after unsubscribe');
  assert.equal(book.length, 1, 'no bookChanged after unsubscribe');
});

test('trade and tradeRaw: the public trade, and its units and market for in-process subscribers', () => {
  const { ex } = quiet();
  const trades: string[] = [];
  const raw: Array<[number, number, string]> = [];
  const off = ex.subscribe({
    trade: (t) => trades.push(`${t.price}x${t.quantity} buyerIsMaker=${t.buyerIsMaker}`),
    tradeRaw: (_t, pu, qu, m) => raw.push([pu, qu, m.symbol]),
  });
  userBuysOne(ex);
  assert.deepEqual(trades, ['100.00x1.00 buyerIsMaker=false']);
  const m = ex.market(SOL)!;
  assert.deepEqual(raw, [[m.ps.unit * 10000, m.qs.unit * 100, SOL]]);
  off();
  userBuysOne(ex);
  assert.equal(trades.length, 1);
  assert.equal(raw.length, 1);
});

test('order and orderRaw: accepted then fill, the fill carrying its fee (string and exact Decimal)', () => {
  const { ex } = quiet();
  const seen: string[] = [];
  const rawSeen: string[] = [];
  const off = ex.subscribe({
    order: (e) => seen.push(`${e.account} ${e.type} ${e.order.status}${e.fill ? ` fee=${e.fill.fee}` : ''}`),
    orderRaw: (acct, type, o, _m, fill) => rawSeen.push(`${acct} ${type} ${o.status}${fill ? ` fee=${fill.fee.toString()}` : ''}`),
  });
  userBuysOne(ex);
  // Taker fee 5 bps of 100 USDC.
  assert.deepEqual(seen, ['U orderAccepted New', 'U orderFill Filled fee=0.05']);
  assert.deepEqual(rawSeen, ['U orderAccepted New', 'U orderFill Filled fee=0.05']);
  off();
  userBuysOne(ex);
  assert.equal(seen.length, 2);
  assert.equal(rawSeen.length, 2);
});

test('position and positionRaw: opened, adjusted, closed, with the live position for in-process subscribers', () => {
  const { ex } = quiet();
  const seen: string[] = [];
  const rawSeen: string[] = [];
  const off = ex.subscribe({
    position: (e) => seen.push(`${e.type} ${e.position.netQuantity}`),
    positionRaw: (_a, type, p) => rawSeen.push(`${type} ${p.net.toString()}`),
  });
  userBuysOne(ex);
  userBuysOne(ex);
  ex.addLiquidity(SOL, 'Bid', '100.00', '2');
  assert.ok(ex.placeOrder('U', { symbol: SOL, side: 'Ask', orderType: 'Market', quantity: '2' }).ok);
  assert.deepEqual(seen, ['positionOpened 1', 'positionAdjusted 2', 'positionClosed 0']);
  assert.deepEqual(rawSeen, ['positionOpened 1', 'positionAdjusted 2', 'positionClosed 0']);
  off();
  userBuysOne(ex);
  assert.equal(seen.length, 3);
  assert.equal(rawSeen.length, 3);
});

test('balance: a spot order locking quote notifies its account and asset', () => {
  const { ex } = quiet();
  ex.account('U');
  const seen: string[] = [];
  const off = ex.subscribe({ balance: (e) => seen.push(`${e.account} ${e.asset}`) });
  assert.ok(ex.placeOrder('U', { symbol: 'SOL_USDC', side: 'Bid', orderType: 'Limit', price: '90.00', quantity: '1' }).ok);
  assert.deepEqual(seen, ['U USDC']);
  off();
  assert.ok(ex.placeOrder('U', { symbol: 'SOL_USDC', side: 'Bid', orderType: 'Limit', price: '90.00', quantity: '1' }).ok);
  assert.equal(seen.length, 1);
});

test('markPrice: every market once a second while started, none after unsubscribe', () => {
  const { clock, ex } = quiet();
  const seen: string[] = [];
  const off = ex.subscribe({ markPrice: (e) => seen.push(`${e.symbol} ${e.markPrice} ${e.fundingRate ?? 'spot'}`) });
  ex.start();
  clock.advance(1000);
  assert.deepEqual(seen, [`${SOL} 100.00 0.0000125`, 'SOL_USDC 100.00 spot']);
  off();
  clock.advance(1000);
  assert.equal(seen.length, 2);
  ex.stop();
});

test('the bus alone: on/has/listeners per channel, subscribe binds handlers to their object, unsubscribe twice is harmless', () => {
  const bus = new SimEventBus();
  const channels: SimEventType[] = ['depth', 'bookChanged', 'trade', 'markPrice', 'order', 'position', 'balance', 'tradeRaw', 'orderRaw', 'positionRaw'];
  for (const c of channels) assert.equal(bus.has(c), false, c);
  const calls: number[] = [];
  const listener = {
    n: 7,
    bookChanged(this: { n: number }, _s: string, id: number) {
      calls.push(this.n + id);
    },
  };
  const off = bus.subscribe(listener);
  assert.equal(bus.has('bookChanged'), true);
  for (const c of channels) if (c !== 'bookChanged') assert.equal(bus.has(c), false, c);
  const offTrade = bus.on('trade', () => calls.push(-1));
  for (const fn of bus.listeners('bookChanged')) fn('X', 1, 0);
  assert.deepEqual(calls, [8]);
  off();
  off();
  assert.equal(bus.has('bookChanged'), false);
  assert.equal(bus.has('trade'), true, 'unsubscribing one listener leaves the others');
  offTrade();
  assert.equal(bus.has('trade'), false);
});
