// Recovery on its own, against the fake port and a scripted history (the fill recoveries are stand-ins
// that record when they ran and can land a fill): start-up order (orphans cancelled before any read,
// replay before the fill recovery, positions adopted after it), a reconciliation reads positions only
// between two fill recoveries and does not adopt a figure a racing fill explains, ends streams' outage only
// when they are really back, never runs twice at once, and a lasting drift (not a passing one) asks for one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Execution } from '../../src/core/execution.js';
import type { HistorySync } from '../../src/core/history-sync.js';
import { CLIENT_ID_NAMESPACE } from '../../src/core/client-ids.js';
import { DRIFT_ADOPT_MS, Recovery } from '../../src/core/recovery.js';
import { TradingStats } from '../../src/core/stats.js';
import { SymbolState } from '../../src/core/symbol-state.js';
import { defaultSettings } from '../../src/config/settings.js';
import type { Position } from '../../src/domain/position.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { FakePort, orderInfo, perpMarket } from './helpers/fake-port.js';
import { MemLogger, settle, T0 } from './helpers/harness.js';

const S = 'SOL_USDC_PERP';

function position(qty: string, entry = '100'): Position {
  return { symbol: S, netQuantity: D(qty), entryPrice: D(entry), markPrice: D('100.5'), pnlRealized: ZERO, pnlUnrealized: ZERO, cumulativeFunding: ZERO };
}

function setup() {
  const clock = new VirtualClock(T0);
  const logger = new MemLogger();
  const port = new FakePort();
  const settings = { ...defaultSettings(), positionRefreshSec: 3 };
  const stats = new TradingStats([S]);
  const sym = new SymbolState(S, perpMarket(S), settings);
  const syms = new Map([[S, sym]]);
  const order: string[] = [];
  /** Runs inside the next recoverRecent (e.g. a fill that lands during the position read's window). */
  const onRecover: Array<() => void> = [];
  const sync = {
    replay: () => (order.push('replay'), 'journal: 0 fills'),
    recoverAtStart: async () => void order.push('recoverAtStart'),
    recoverRecent: async () => {
      order.push('recoverRecent');
      onRecover.shift()?.();
    },
    recoverFunding: async () => void order.push('recoverFunding'),
  } as unknown as HistorySync;
  const execution = new Execution({ port, clock, logger, settings, stats, inflight: (p) => p, settled: () => undefined });
  const reconciled: boolean[] = [];
  const reads: boolean[] = [];
  const rec = new Recovery({
    port,
    clock,
    logger,
    settings,
    stats,
    sync,
    execution,
    syms,
    spot: () => null,
    inflight: (p) => p,
    reconciled: (back) => void reconciled.push(back),
    positionRead: (_st, changed) => void reads.push(changed),
  });
  // Interleave the port's calls with the history's in one timeline.
  const origGet = port.getPositions.bind(port);
  port.getPositions = async () => (order.push('getPositions'), origGet());
  const origOpen = port.getOpenOrders.bind(port);
  port.getOpenOrders = async (s?: string) => (order.push('getOpenOrders'), origOpen(s));
  const origCancel = port.cancelOrder.bind(port);
  port.cancelOrder = async (s, id) => (order.push('cancelOrder'), origCancel(s, id));
  return { clock, logger, port, stats, sym, rec, order, onRecover, reconciled, reads };
}

test('recovery at start: orphans cancelled before any read, journal replayed before fills are recovered, then the position adopted', async () => {
  const r = setup();
  const ours = ((CLIENT_ID_NAMESPACE << 24) >>> 0) + 3;
  r.port.openOrders = [orderInfo({ symbol: S, side: 'Bid', orderType: 'Limit', price: D(99), quantity: D(1), clientId: ours }, 'old-1')];
  r.port.positions = [position('2')];
  assert.equal(await r.rec.atStart(), 'journal: 0 fills');
  assert.deepEqual(r.order, ['getOpenOrders', 'cancelOrder', 'getPositions', 'replay', 'recoverAtStart']);
  assert.equal(r.stats.ledger(S).position.toString(), '2');
  assert.equal(r.sym.mark?.toString(), '100.5');
});

test('recovery: a reconciliation reads positions between two fill recoveries and adopts a disagreement', async () => {
  const r = setup();
  r.port.positions = [position('1.5')];
  r.sym.driftQty = D('1.5');
  await r.rec.reconcile(false, () => false);
  assert.deepEqual(r.order, ['getOpenOrders', 'recoverRecent', 'getPositions', 'recoverRecent', 'recoverFunding']);
  assert.equal(r.stats.ledger(S).position.toString(), '1.5');
  assert.equal(r.sym.driftQty, null);
  assert.deepEqual(r.reconciled, [false]);
});

test('recovery: a fill recovered after the position read keeps the read from being adopted (it would count that fill twice)', async () => {
  const r = setup();
  r.port.positions = [position('1')];
  r.onRecover.push(
    () => undefined,
    () => void r.sym.fillSeq++, // the second recovery found a fill that landed around the read
  );
  await r.rec.reconcile(false, () => false);
  assert.ok(r.stats.ledger(S).position.isZero(), 'not adopted');
  await r.rec.reconcile(false, () => false);
  assert.equal(r.stats.ledger(S).position.toString(), '1', 'adopted once no fill raced the read');
});

test('recovery: streams are back only when down and (resynced or reported connected); one reconciliation at a time; a failure still ends it', async () => {
  const r = setup();
  await r.rec.reconcile(false, () => false);
  r.port.metricsValue = { ...r.port.metricsValue, wsConnected: false };
  await r.rec.reconcile(false, () => true);
  await r.rec.reconcile(true, () => true);
  r.port.metricsValue = { ...r.port.metricsValue, wsConnected: true };
  await r.rec.reconcile(false, () => true);
  assert.deepEqual(r.reconciled, [false, false, true, true]);

  let release: () => void = () => undefined;
  r.port.getOpenOrders = () => new Promise((res) => (release = () => res([])));
  const first = r.rec.reconcile(true, () => true);
  assert.equal(r.rec.reconciling, true);
  await r.rec.reconcile(true, () => true); // returns at once: one is running
  assert.equal(r.reconciled.length, 4);
  release();
  await first;
  assert.equal(r.reconciled.length, 5);
  assert.equal(r.rec.reconciling, false);

  r.port.getOpenOrders = async () => {
    throw new Error('503');
  };
  await r.rec.reconcile(true, () => true);
  assert.equal(r.reconciled.at(-1), false, 'a failed reconciliation does not end the outage');
  assert.equal(r.rec.reconciling, false);
  assert.ok(r.logger.lines.some((l) => l.includes('reconcile failed: 503')));
});

test('recovery: a position disagreement is reconciled only when it lasts, not while a reconciliation runs, and clears when our fills catch up', async () => {
  const r = setup();
  r.rec.notePosition(r.sym, D(1), D(100));
  assert.equal(r.rec.driftDue(r.sym, r.clock.now() + DRIFT_ADOPT_MS - 1), false);
  assert.equal(r.rec.driftDue(r.sym, r.clock.now() + DRIFT_ADOPT_MS), true);
  assert.equal(r.rec.driftDue(r.sym, r.clock.now() + DRIFT_ADOPT_MS + 1), false, 'asked again only DRIFT_ADOPT_MS later');
  assert.equal(r.rec.driftDue(r.sym, r.clock.now() + 2 * DRIFT_ADOPT_MS), true);

  let release: () => void = () => undefined;
  r.port.getOpenOrders = () => new Promise((res) => (release = () => res([])));
  const running = r.rec.reconcile(false, () => false);
  assert.equal(r.rec.driftDue(r.sym, r.clock.now() + 10 * DRIFT_ADOPT_MS), false, 'not while one runs');
  release();
  await running;

  r.rec.notePosition(r.sym, D(2), D(100));
  r.stats.ledger(S).adopt(D(2), D(100), r.clock.now()); // our fills explain it
  assert.equal(r.rec.driftDue(r.sym, r.clock.now() + 100 * DRIFT_ADOPT_MS), false);
  assert.equal(r.sym.driftQty, null);
});

test('recovery: a requested position read blocks placing until it answers and is rate-limited by TIERHUNTER_POSITION_REFRESH_SEC', async () => {
  const r = setup();
  r.port.positions = [position('0.5')];
  r.rec.requestPositionRead(r.sym);
  assert.equal(r.sym.positionReadPending, true);
  r.clock.advance(0);
  await settle();
  assert.deepEqual(r.reads, [true]);
  assert.equal(r.sym.positionReadPending, false);
  assert.equal(r.stats.ledger(S).position.toString(), '0.5');

  r.rec.requestPositionRead(r.sym);
  r.clock.advance(2999);
  await settle();
  assert.equal(r.reads.length, 1, 'the second read waits out the refresh interval');
  assert.equal(r.sym.positionReadPending, true);
  r.clock.advance(1);
  await settle();
  assert.deepEqual(r.reads, [true, false], 'nothing new to adopt');
  assert.deepEqual(r.order.filter((x) => x === 'getPositions').length, 2);
});
