// The private records of the paper exchange (orders, fills, positions, funding) rendered on Backpack's
// wire by server/wire.ts, REST objects and websocket payloads, compared byte for byte with a golden file
// recorded before the exchange moved from wire strings to domain Decimals (issue 13): decimal formatting
// is part of the wire (prices at the tick's scale "100.10", quantities at the step's "0.50", fees and PnL
// as exact minimal decimals), so the move must not change a character.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../src/util/clock.js';
import { SimExchange } from '../../src/sim/exchange.js';
import { DEFAULT_MARKETS } from '../../src/sim/model/markets.js';
import { SimStateStore } from '../../src/sim/server/state-file.js';
import { fillWire, fundingWire, orderHistoryWire, orderUpdateWs, orderWire, positionUpdateWs, positionWire } from '../../src/sim/server/wire.js';

const SOL = 'SOL_USDC_PERP';
const SPOT = 'SOL_USDC';
const GOLDEN = new URL('./fixtures/wire-records.golden.json', import.meta.url);

/** A quiet book worked by hand: a partial taker fill, a maker fill, a quote-sized spot market order, funding. */
async function scenario(): Promise<Record<string, unknown>> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1, 12, 0, 0, 123));
  const markets = [SOL, SPOT].map((s) => ({ ...DEFAULT_MARKETS.find((m) => m.symbol === s)!, initialPrice: '100.00' }));
  const ex = new SimExchange({ clock, seed: 1, model: false, markets });
  const ws: unknown[] = [];
  const m = (symbol: string) => ex.market(symbol);
  ex.subscribe({
    order: (e) => ws.push(orderUpdateWs(e, m(e.order.symbol))),
    position: (e) => ws.push(positionUpdateWs(e.position, e.type, e.ts, m(e.position.symbol))),
  });
  ex.setMark(SOL, '100.30');
  ex.addLiquidity(SOL, 'Ask', '100.10', '2');
  const taker = ex.placeOrder('U', { symbol: SOL, side: 'Bid', orderType: 'Limit', price: '100.10', quantity: '3', clientId: 7 });
  assert.ok(taker.ok);
  clock.advance(1500);
  const maker = ex.placeOrder('U', { symbol: SOL, side: 'Ask', orderType: 'Limit', price: '101.00', quantity: '1.50', postOnly: true, clientId: 8 });
  assert.ok(maker.ok);
  ex.takeLiquidity(SOL, 'Bid', '0.5');
  clock.advance(2000);
  ex.addLiquidity(SPOT, 'Ask', '99.99', '5');
  const quote = ex.placeOrder('U', { symbol: SPOT, side: 'Bid', orderType: 'Market', quoteQuantity: '50', clientId: 9 });
  assert.ok(quote.ok);
  const ioc = ex.placeOrder('U', { symbol: SPOT, side: 'Ask', orderType: 'Limit', price: '120.00', quantity: '0.2', timeInForce: 'IOC' });
  assert.ok(ioc.ok);
  ex.setMark(SOL, '100.25');
  clock.advance(700);
  ex.settleFunding(clock.now(), { [SOL]: '0.0001' });
  const userId = 1234;
  // The state file and its fill log on disk (their format is the saved states' and must not change either).
  const dir = mkdtempSync(join(tmpdir(), 'th-wire-'));
  let disk: { state: unknown; fillLog: string };
  try {
    const store = new SimStateStore(join(dir, 'state.json'), ex);
    await store.save();
    disk = { state: JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')), fillLog: readFileSync(join(dir, 'state.fills.jsonl'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    placed: [taker.value, maker.value, quote.value, ioc.value].map((o) => orderWire(o, m(o.symbol))),
    open: ex.openOrders('U').map((o) => orderWire(o, m(o.symbol))),
    history: ex.orderHistory('U', { sortDirection: 'Asc' }).map((o) => orderHistoryWire(o, m(o.symbol))),
    fills: ex.fills('U', { sortDirection: 'Asc' }).map((f) => fillWire(f, m(f.symbol))),
    positions: ex.positions('U').map((p) => positionWire(p, userId, m(p.symbol))),
    positionSnapshot: ex.positions('U').map((p) => positionUpdateWs(p, null, clock.now(), m(p.symbol))),
    funding: ex.fundingPayments('U', {}).map((f) => fundingWire(f, userId)),
    ws,
    disk,
  };
}

test('orders, fills, positions and funding render on the wire (and the state files) exactly as recorded (golden file)', async () => {
  const got = JSON.stringify(await scenario(), null, 1);
  if (process.env['WRITE_GOLDEN'] === '1') {
    // Only to record a deliberate change of the format; review the diff of the golden file.
    writeFileSync(GOLDEN, got + '\n');
    return;
  }
  assert.equal(got + '\n', readFileSync(GOLDEN, 'utf8'));
});

test('a saved state and fill log in the recorded format load, render and save again unchanged', async () => {
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as { disk: { state: { savedAt: number }; fillLog: string }; fills: unknown; history: unknown; funding: unknown; positions: unknown };
  const clock = new VirtualClock(golden.disk.state.savedAt);
  const markets = [SOL, SPOT].map((s) => ({ ...DEFAULT_MARKETS.find((m) => m.symbol === s)!, initialPrice: '100.00' }));
  const ex = new SimExchange({ clock, seed: 1, model: false, markets });
  ex.setMark(SOL, '100.25');
  const dir = mkdtempSync(join(tmpdir(), 'th-wire-'));
  try {
    const stateText = JSON.stringify(golden.disk.state);
    writeFileSync(join(dir, 'state.json'), stateText);
    writeFileSync(join(dir, 'state.fills.jsonl'), golden.disk.fillLog);
    const store = new SimStateStore(join(dir, 'state.json'), ex);
    assert.equal(await store.load(), true);
    const userId = 1234;
    const m = (symbol: string) => ex.market(symbol);
    assert.deepEqual(ex.fills('U', { sortDirection: 'Asc' }).map((f) => fillWire(f, m(f.symbol))), golden.fills);
    assert.deepEqual(ex.fundingPayments('U', {}).map((f) => fundingWire(f, userId)), golden.funding);
    assert.deepEqual(ex.positions('U').map((p) => positionWire(p, userId, m(p.symbol))), golden.positions);
    // Open orders were saved as cancelled (the book is not restored): the history reads them so.
    const history = golden.history as Array<Record<string, unknown>>;
    assert.deepEqual(
      ex.orderHistory('U', { sortDirection: 'Asc' }).map((o) => orderHistoryWire(o, m(o.symbol))),
      history.map((o) => (o['status'] === 'New' || o['status'] === 'PartiallyFilled' ? { ...o, status: 'Cancelled' } : o)),
    );
    await store.save();
    assert.equal(readFileSync(join(dir, 'state.fills.jsonl'), 'utf8'), golden.disk.fillLog);
    const again = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { accounts: Array<Record<string, unknown>> };
    const before = JSON.parse(stateText) as { accounts: Array<Record<string, unknown>> };
    // openAtSave is evidence of the previous run only (ignored on load), so it is empty now.
    assert.equal(JSON.stringify({ ...again, accounts: again.accounts.map((a) => ({ ...a, openAtSave: [] })) }), JSON.stringify({ ...before, accounts: before.accounts.map((a) => ({ ...a, openAtSave: [] })) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged decimal in a saved order history is refused with the order and field named', async () => {
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as { disk: { state: { savedAt: number; accounts: Array<{ history: Array<Record<string, unknown>> }> } } };
  const state = golden.disk.state;
  state.accounts[0]!.history[0]!['executedQuantity'] = '0.5O';
  const ex = new SimExchange({ clock: new VirtualClock(state.savedAt), seed: 1, model: false, markets: [SOL, SPOT] });
  const dir = mkdtempSync(join(tmpdir(), 'th-wire-'));
  try {
    writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    await assert.rejects(new SimStateStore(join(dir, 'state.json'), ex).load(), /order 1000000005 executedQuantity "0\.5O" is not a decimal/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
