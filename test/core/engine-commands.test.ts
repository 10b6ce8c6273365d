// Engine commands, persisted run-time state, stats JSON, log.txt header/blocks, journal replay and
// recovery without double counting, unwritable journal, shutdown, book/connection loss, alerts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS, envName } from '../../src/config/settings.js';
import { SYMBOL_LABELS } from '../../src/core/log-format.js';
import type { Fill } from '../../src/domain/fill.js';
import type { CommandName } from '../../src/domain/command.js';
import { D } from '../../src/util/decimal.js';
import { bookEvent, fillEvent, makeHarness, MemJournal, MemRunState, settle, startQuoting, T0 } from './helpers/harness.js';

const S = 'SOL_USDC_PERP';
const cmd = (name: CommandName, symbol?: string, value?: 'on' | 'off' | 'toggle') => ({
  name,
  ...(symbol ? { symbol } : {}),
  ...(value ? { value } : {}),
});

function fill(tradeId: string, side: 'Bid' | 'Ask', qty: string, price: string, ts: number, fee = '0.01'): Fill {
  return { tradeId, orderId: 'o-' + tradeId, clientId: null, symbol: S, side, price: D(price), quantity: D(qty), fee: D(fee), feeSymbol: 'USDC', isMaker: true, timestamp: ts };
}

test('pause cancels and stops placing; resume quotes again; both persist', async () => {
  const h = makeHarness();
  await startQuoting(h);
  assert.equal(h.port.placed().length, 1);
  const r = await h.engine.command(cmd('pause', S));
  assert.equal(r.ok, true);
  await settle();
  assert.ok(h.port.names().includes('cancelOrder'));
  assert.equal(h.engine.view.tracker.get(S), null);
  h.clock.advance(3000);
  h.port.emit(bookEvent(h.book.set('Bid', '100.01', 1)));
  await settle();
  assert.equal(h.port.placed().length, 1, 'nothing placed while paused');
  assert.deepEqual(h.runState.state.symbolModes, { [S]: 'PAUSED' });
  assert.equal(h.engine.snapshot().symbols[0]!.mode, 'PAUSED');
  await h.engine.command(cmd('resume'));
  await settle();
  assert.equal(h.port.placed().length, 2);
  assert.deepEqual(h.runState.state.symbolModes, {});
});

test('a crash-restart does not silently resume a paused symbol; force-inventory survives too', async () => {
  const runState = new MemRunState();
  const h1 = makeHarness({}, { runState });
  await h1.engine.start();
  await h1.engine.command(cmd('pause'));
  await h1.engine.command(cmd('forceInventory', undefined, 'off'));
  assert.equal(runState.state.globalMode, 'PAUSED');
  assert.equal(runState.state.forceInventory, false);
  const h2 = makeHarness({}, { runState });
  await startQuoting(h2);
  assert.equal(h2.port.placed().length, 0);
  assert.equal(h2.engine.view.forceReduceOnInventory, false);
  assert.match(h2.log.blocks[0]!, /forceInventory=off globalMode=PAUSED/);
  const t = await h2.engine.command(cmd('forceInventory', undefined, 'toggle'));
  assert.deepEqual(t.ok && t.data, { forceInventory: true });
});

test('flatten: reduce-only exits, IOC at the touch, then PAUSED when flat', async () => {
  const h = makeHarness();
  h.port.positions = [{ symbol: S, netQuantity: D('0.3'), entryPrice: D(100), markPrice: D(100), pnlRealized: D(0), pnlUnrealized: D(0), cumulativeFunding: D(0) }];
  await h.engine.command(cmd('forceInventory', undefined, 'off'));
  await startQuoting(h, 'Ask'); // flow says Bid, but we flatten
  const before = h.port.placed().length;
  await h.engine.command(cmd('flatten', S));
  await settle();
  let last = h.port.placed().at(-1)!;
  assert.equal(last.side, 'Ask');
  assert.equal(last.reduceOnly, true);
  assert.equal(last.postOnly, true);
  assert.equal(last.price?.toString(), '100.01'); // stage 1: post-only at the touch
  h.clock.advance(6000);
  await settle();
  last = h.port.placed().at(-1)!;
  assert.equal(last.timeInForce, 'IOC');
  assert.equal(last.reduceOnly, true);
  assert.equal(last.price?.toString(), '100');
  assert.equal(last.quantity.toString(), '0.3');
  // the IOC fills fully
  const t = h.engine.view.tracker.get(S)!;
  h.port.emit(fillEvent({ symbol: S, orderId: t.orderId!, clientId: t.clientId, side: 'Ask', price: D(100), quantity: D('0.3') }, { tradeId: 'z1', qty: '0.3', isMaker: false }, D('0.3'), h.clock.now()));
  await settle();
  h.clock.advance(1000);
  await settle();
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0');
  assert.equal(h.runState.state.symbolModes[S], 'PAUSED');
  assert.ok(h.port.placed().slice(before).every((r) => r.reduceOnly), 'only reduce-only orders while flattening');
  h.clock.advance(5000);
  await settle();
  assert.equal(h.engine.view.tracker.get(S), null, 'flat and paused: nothing works');
});

test('max position: the engine never sends an order that could exceed it (denial counted)', async () => {
  const h = makeHarness({ maxPositionNotional: D(80), forceReduceOnInventory: false });
  h.port.positions = [{ symbol: S, netQuantity: D('-0.4'), entryPrice: D(100), markPrice: D(100), pnlRealized: D(0), pnlUnrealized: D(0), cumulativeFunding: D(0) }];
  await startQuoting(h, 'Bid'); // takers buy -> we Ask: short 0.4 + 0.49 would be ~89 > 80
  assert.equal(h.port.placed().length, 0);
  assert.ok((h.engine.view.denials.byReason['max-position'] ?? 0) >= 1);
});

test('stats command: JSON shape with total and symbols, decimal strings', async () => {
  const h = makeHarness();
  await startQuoting(h);
  const t = h.engine.view.tracker.get(S)!;
  h.port.emit(fillEvent({ symbol: S, orderId: t.orderId!, clientId: t.clientId, side: t.side, price: t.price!, quantity: t.quantity }, { tradeId: 's1', qty: '0.1', fee: '0.002' }, D('0.1'), h.clock.now()));
  const r = await h.engine.command(cmd('stats'));
  assert.equal(r.ok, true);
  const data = (r as { data: { total: Record<string, unknown>; symbols: Record<string, Record<string, unknown>> } }).data;
  for (const k of ['fills', 'makerFills', 'takerFills', 'volume', 'fees', 'realizedPnl', 'netPnl', 'costPerMillion', 'volume30d', 'tier']) assert.ok(k in data.total, k);
  assert.equal(data.total['fills'], 1);
  assert.equal(data.total['volume'], '10.005');
  assert.equal(data.total['fees'], '0.002');
  assert.equal(data.symbols[S]!['makerFills'], 1);
  // Plain JSON all the way down (decimal strings, no Decimal/Map/undefined/NaN that a JSON round trip would change).
  assert.deepEqual(JSON.parse(JSON.stringify(data)), data);
  const bad = await h.engine.command(cmd('pause', 'BTC_USDC_PERP'));
  assert.equal(bad.ok, false);
});

test('log.txt: header has every setting; flush writes a block at once with every field; reply has the path', async () => {
  const h = makeHarness();
  await startQuoting(h);
  const header = h.log.blocks[0]!;
  for (const spec of SETTINGS) assert.ok(header.includes(envName(spec.key) + '='), envName(spec.key));
  assert.match(header, /Mode: paper/);
  assert.match(header, /0\.0\.0-test/);
  assert.match(header, /Symbols: SOL_USDC_PERP/);
  const n = h.log.blocks.length;
  const r = await h.engine.command(cmd('flush'));
  assert.equal(h.log.blocks.length, n + 1);
  assert.ok(r.ok && r.message.includes('/tmp/test-log.txt'));
  const block = h.log.blocks.at(-1)!;
  const symLine = block.split('\n').find((l) => l.startsWith(S + ':'))!;
  const totLine = block.split('\n').find((l) => l.startsWith('TOTAL:'))!;
  for (const label of SYMBOL_LABELS) {
    assert.ok(symLine.includes(label), label);
    if (label !== 'Mode') assert.ok(totLine.includes(label), label);
  }
  for (const label of ['Equity', 'Max drawdown', 'Sharpe', 'Failed orders by reason', 'Risk denials', 'Replacements by reason', 'Tier:', '30d futures volume', 'Next tier', 'ETA', 'REST calls', 'REST last minute', 'REST per endpoint', 'WS messages', 'WS per stream', 'WS/API ratio', 'Reconnects', 'Active alerts']) {
    assert.ok(block.includes(label), label);
  }
  // the periodic block
  h.clock.advance(60_000);
  await settle();
  assert.ok(h.log.blocks.length >= n + 2);
});

test('restart: journal replay + recovery of fills missed while down, nothing counted twice', async () => {
  const journal = new MemJournal();
  const f1 = fill('1', 'Bid', '1', '100', T0 - 60_000);
  const f2 = fill('2', 'Ask', '1', '101', T0 - 50_000);
  const f3 = fill('3', 'Bid', '0.5', '100', T0 - 10_000); // happened while down
  const h1 = makeHarness({}, { journal });
  h1.port.fills = [f1, f2];
  await h1.engine.start();
  // first run with an empty journal: history only feeds the tier volume (read in the background, paced),
  // never the session stats
  assert.equal(h1.engine.view.stats.figures().fills, 0);
  assert.equal(h1.engine.snapshot().tier.partial, true);
  h1.clock.advance(6000);
  await settle();
  assert.equal(h1.engine.view.tier().volume30d.toString(), '201');
  assert.equal(h1.engine.snapshot().tier.partial, false);
  assert.equal(h1.engine.view.stats.figures().fills, 0);
  // simulate the previous run's journal
  journal.records = [
    { kind: 'fill', tradeId: '1', symbol: S, ts: f1.timestamp, side: 'Bid', price: '100', quantity: '1', fee: '0.01', feeSymbol: 'USDC', isMaker: true, orderId: 'o-1', clientId: null },
    { kind: 'fill', tradeId: '2', symbol: S, ts: f2.timestamp, side: 'Ask', price: '101', quantity: '1', fee: '0.01', feeSymbol: 'USDC', isMaker: true, orderId: 'o-2', clientId: null },
  ];
  const h2 = makeHarness({}, { journal });
  h2.port.fills = [f1, f2, f3];
  h2.port.positions = [{ symbol: S, netQuantity: D('0.5'), entryPrice: D(100), markPrice: D(100), pnlRealized: D(0), pnlUnrealized: D(0), cumulativeFunding: D(0) }];
  await h2.engine.start();
  const f = h2.engine.view.stats.figures();
  assert.equal(f.fills, 3);
  assert.equal(f.realizedPnl.toString(), '1');
  assert.equal(f.fees.toString(), '0.03');
  assert.equal(f.volume.toString(), '251');
  assert.equal(h2.engine.view.stats.ledger(S).position.toString(), '0.5');
  assert.deepEqual(journal.records.filter((r) => r.kind === 'fill').map((r) => r.tradeId), ['1', '2', '3'], 'the recovered fill is journalled');
  assert.equal(h2.engine.view.tier().volume30d.toString(), '251');
  // the same fill arriving live afterwards is not counted again
  await settle();
  h2.port.emit(fillEvent({ symbol: S, orderId: 'o-3', clientId: null, side: 'Bid', price: D(100), quantity: D('0.5') }, { tradeId: '3', qty: '0.5' }, D('0.5'), T0));
  assert.equal(h2.engine.view.stats.figures().fills, 3);
  // a third start from the same journal gives the same figures
  const h3 = makeHarness({}, { journal });
  h3.port.fills = [f1, f2, f3];
  h3.port.positions = h2.port.positions;
  await h3.engine.start();
  assert.equal(h3.engine.view.stats.figures().fills, 3);
  assert.equal(h3.engine.view.stats.figures().volume.toString(), '251');
});

test('journal unwritable: loud alert, REDUCING, fill kept in memory and written when the disk recovers', async () => {
  const h = makeHarness();
  await startQuoting(h);
  h.journal.failing = true;
  const t = h.engine.view.tracker.get(S)!;
  h.port.emit(fillEvent({ symbol: S, orderId: t.orderId!, clientId: t.clientId, side: t.side, price: t.price!, quantity: t.quantity }, { tradeId: 'j1', qty: '0.1' }, D('0.1'), h.clock.now()));
  await settle();
  assert.equal(h.engine.view.stats.figures().fills, 1, 'the fill still counts');
  assert.ok(h.logger.lines.some((l) => l.startsWith('W ALERT CRITICAL [journal]')));
  assert.equal(h.engine.snapshot().symbols[0]!.mode, 'REDUCING');
  assert.ok(h.port.placed().slice(1).every((r) => r.reduceOnly));
  h.journal.failing = false;
  h.clock.advance(1000);
  await settle();
  assert.deepEqual(h.journal.records.filter((r) => r.kind === 'fill').map((r) => r.tradeId), ['j1']);
  assert.equal(h.engine.snapshot().symbols[0]!.mode, 'ACTIVE');
  assert.equal(h.logger.lines.filter((l) => l.includes('[journal]')).length, 2, 'raised once, cleared once');
});

test('book invalid cancels and stops quoting; a valid book resumes', async () => {
  const h = makeHarness();
  await startQuoting(h);
  h.port.emit({ type: 'bookInvalid', symbol: S, reason: 'gap', ts: 0 });
  await settle();
  assert.equal(h.engine.view.tracker.get(S), null);
  assert.equal(h.engine.snapshot().symbols[0]!.modeReason, 'book resync');
  h.clock.advance(2000);
  await settle();
  assert.equal(h.port.placed().length, 1);
  h.port.emit(bookEvent(h.book));
  await settle();
  assert.equal(h.port.placed().length, 2);
});

test('connection down halts; resynced reconciles orders, fills and positions before quoting', async () => {
  const h = makeHarness();
  await startQuoting(h);
  h.port.emit({ type: 'connection', state: 'down', ts: 0 });
  await settle();
  assert.equal(h.engine.snapshot().globalMode, 'HALTED');
  const n = h.port.calls.length;
  h.port.fills = [fill('r1', 'Bid', '0.2', '100', h.clock.now())];
  h.port.positions = [{ symbol: S, netQuantity: D('0.2'), entryPrice: D(100), markPrice: D(100), pnlRealized: D(0), pnlUnrealized: D(0), cumulativeFunding: D(0) }];
  h.port.emit({ type: 'connection', state: 'resynced', ts: 0 });
  await settle();
  const after = h.port.names().slice(n);
  const placeIdx = after.indexOf('placeOrder');
  assert.ok(placeIdx >= 0, `quoting resumes after the resync: ${after.join(',')}`);
  for (const m of ['getOpenOrders', 'getFills', 'getPositions']) {
    const i = after.indexOf(m);
    assert.ok(i >= 0 && i < placeIdx, `${m} before placing: ${after.join(',')}`);
  }
  assert.equal(h.engine.view.stats.figures().fills, 1);
  assert.equal(h.port.placed().at(-1)!.reduceOnly, true);
});

test('stop cancels every symbol in parallel and writes a final block', async () => {
  const h = makeHarness({ symbols: ['SOL_USDC_PERP', 'BTC_USDC_PERP'] });
  h.port.markets.push({ ...h.port.markets[0]!, symbol: 'BTC_USDC_PERP', baseSymbol: 'BTC' });
  await startQuoting(h);
  const n = h.log.blocks.length;
  await h.engine.stop();
  const cancels = h.port.calls.filter((c) => c.m === 'cancelAll').map((c) => c.args[0]);
  assert.deepEqual(cancels.sort(), ['BTC_USDC_PERP', 'SOL_USDC_PERP']);
  assert.equal(h.log.blocks.length, n + 1);
  assert.ok(h.port.names().includes('stop'));
  assert.equal(h.port.resting.size, 0);
});

test('alerts: consecutive failures raised once and cleared once; in the snapshot', async () => {
  const h = makeHarness({ alertConsecutiveFailures: 2, rejectBackoffMs: 10 });
  h.port.placeHandler = () => ({ kind: 'rejected', code: 'INSUFFICIENT_MARGIN', message: 'Insufficient margin', status: 400 });
  await startQuoting(h);
  for (let i = 0; i < 10; i++) {
    h.clock.advance(500);
    await settle();
  }
  const raised = h.logger.lines.filter((l) => l.includes('[failures:SOL_USDC_PERP]'));
  assert.equal(raised.length, 1);
  assert.ok(h.engine.snapshot().alerts.some((a) => a.id === 'failures:SOL_USDC_PERP' && a.active));
  h.port.placeHandler = (req) => ({ kind: 'accepted', value: { id: 'ok', clientId: req.clientId, symbol: S, side: req.side, orderType: 'Limit', price: req.price ?? null, quantity: req.quantity, executedQuantity: D(0), executedQuoteQuantity: D(0), status: 'New', postOnly: true, reduceOnly: false, timeInForce: 'GTC', createdAt: 0 } });
  for (let i = 0; i < 30; i++) {
    h.clock.advance(500);
    await settle();
  }
  assert.equal(h.logger.lines.filter((l) => l.includes('[failures:SOL_USDC_PERP]')).length, 2);
  assert.match(h.engine.view.statsBlock(), /ALERT CLEARED \[failures:SOL_USDC_PERP\]/);
});
