// The monitoring component on its own: fee reads (a change is a notice, a failure retries later), equity
// reads (one at a time, not again while fresh), malformed input (logged once per kind, a reconciliation
// asked for once per new unreadable frame and never while one runs) and the per-symbol alert conditions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertBook } from '../../src/core/alerts.js';
import { Monitoring } from '../../src/core/monitoring.js';
import { marketFormat } from '../../src/core/number-format.js';
import { AccountHistory } from '../../src/core/account-history.js';
import { Portfolio } from '../../src/core/portfolio.js';
import { SymbolState } from '../../src/core/symbol-state.js';
import { defaultSettings } from '../../src/config/settings.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D } from '../../src/util/decimal.js';
import { FakePort, perpMarket } from './helpers/fake-port.js';
import { MemLogger, T0 } from './helpers/harness.js';

function setup() {
  const clock = new VirtualClock(T0);
  const logger = new MemLogger();
  const port = new FakePort();
  const settings = defaultSettings();
  const alerts = new AlertBook(logger, () => clock.now());
  const m = new Monitoring({ port, clock, logger, settings, alerts, inflight: (p) => p });
  return { clock, logger, port, settings, alerts, m };
}

test('monitoring: a fee change is a notice and publishes; an unchanged read does not; a failed read is retried later', async () => {
  const { m, port, alerts, clock, logger } = setup();
  assert.equal(await m.readFees(), false); // the first read is no change
  assert.equal(m.fees?.futuresMakerFeeBps.toString(), '2');
  assert.equal(await m.readFees(), false);
  port.fees = { ...port.fees, futuresMakerFeeBps: D(1) };
  assert.equal(await m.readFees(), true);
  assert.ok(alerts.list().some((a) => a.id === 'fees'));
  port.feesFail = true;
  assert.equal(await m.readFees(), false);
  assert.ok(logger.lines.some((l) => l.includes('could not read account fees: 503')));
  assert.equal(m.feesDue(clock.now()), false);
  clock.advance(10 * 60_000);
  assert.equal(m.feesDue(clock.now()), true);
});

test('monitoring: one equity read at a time, none while the figure is fresh', async () => {
  const { m, port, clock, settings } = setup();
  const a = m.refreshEquity();
  const b = m.refreshEquity();
  assert.equal(a, b);
  assert.equal(await a, true);
  assert.equal(m.equity?.toString(), '1000');
  assert.equal(m.equityAt, clock.now());
  assert.equal(await m.refreshEquity(), false);
  assert.equal(port.names().filter((n) => n === 'getCollateral').length, 1);
  // Wanted only while someone looks at snapshots.
  clock.advance(settings.equityRefreshSec * 1000);
  assert.equal(m.equityWanted(clock.now()), false);
  m.lastSnapshotAt = clock.now();
  assert.equal(m.equityWanted(clock.now()), true);
});

test('monitoring: unreadable frames ask for one reconciliation each time more arrive, never during one; logged once', () => {
  const { m, port, logger } = setup();
  const metrics = { ...port.metricsValue, wsParseErrors: 1 };
  assert.equal(m.noteMalformedInput(metrics, true), false); // a reconciliation runs: left unseen
  assert.equal(m.noteMalformedInput(metrics, false), true);
  assert.equal(m.noteMalformedInput(metrics, false), false);
  assert.equal(m.noteMalformedInput({ ...metrics, wsParseErrors: 3, restParseErrors: 2 }, false), true);
  assert.equal(logger.lines.filter((l) => l.includes('malformed websocket')).length, 1);
  assert.equal(logger.lines.filter((l) => l.includes('malformed REST')).length, 1);
});

test('monitoring: inventory held too long or too large and consecutive failures raise per-symbol alerts', () => {
  const { m, port, clock, alerts, settings, logger } = setup();
  const market = perpMarket();
  const sym = new SymbolState(market.symbol, market, settings);
  sym.mark = D(100);
  const history = new AccountHistory();
  const p = new Portfolio({ clock, logger, symbols: [sym.symbol], sessionLossLimit: D(1e9), dailyLossLimit: D(1e9), history: () => history });
  const big = settings.alertInventoryNotional.div(100).mul(2).toDecimalPlaces(0, 0).add(1);
  p.applyFill(sym, { kind: 'fill', tradeId: '1', orderId: 'o', clientId: null, symbol: sym.symbol, side: 'Bid', price: D(100), quantity: big, fee: D(0), feeSymbol: 'USDC', isMaker: true, timestamp: clock.now() }, true, () => false);
  const health = [{ symbol: sym.symbol, format: marketFormat(market) }];
  m.health.begin({ now: clock.now(), metrics: port.metrics(), stats: p.stats, symbols: health });
  m.evaluateAlerts(clock.now(), port.metrics(), [sym], p, true);
  const ids = () => alerts.active().map((a) => a.id);
  assert.ok(ids().includes(`inventory-notional:${sym.symbol}`), ids().join());
  assert.ok(!ids().includes(`inventory-age:${sym.symbol}`));
  assert.ok(!ids().includes(`failures:${sym.symbol}`));
  clock.advance(settings.alertInventoryAgeSec * 1000 + 1000);
  sym.consecutiveFailures = settings.alertConsecutiveFailures;
  m.evaluateAlerts(clock.now(), port.metrics(), [sym], p, true);
  assert.ok(ids().includes(`inventory-age:${sym.symbol}`));
  assert.ok(ids().includes(`failures:${sym.symbol}`));
  sym.consecutiveFailures = 0;
  m.evaluateAlerts(clock.now(), port.metrics(), [sym], p, true);
  assert.ok(!ids().includes(`failures:${sym.symbol}`));
});
