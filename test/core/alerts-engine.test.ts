// Every alert condition at engine level: raised once (message, severity), kept without re-logging while it
// holds, cleared once when it ends; shown in stdout, log.txt, the dashboard snapshot and `ctl stats`.
// Conditions: API usage, stream silence, drawdown, inventory age, inventory notional, consecutive failures,
// and the original bot's health rules: WS/API over 5 minutes, success rate, long/short over 10 minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertView } from '../../src/domain/alert.js';
import type { Settings } from '../../src/config/settings.js';
import { D } from '../../src/util/decimal.js';
import { orderInfo } from './helpers/fake-port.js';
import { fillEvent, makeHarness, settle, startQuoting, type Harness } from './helpers/harness.js';

const S = 'SOL_USDC_PERP';

function harness(over: Partial<Settings> = {}): Harness {
  // Every other alert far out of the way, so each test sees only its own.
  return makeHarness({
    alertConsecutiveFailures: 10_000,
    alertInventoryAgeSec: 86_400,
    alertInventoryNotional: D(1e9),
    alertDrawdown: D(1e9),
    alertStreamSilentSec: 3600,
    ...over,
  });
}

let trade = 0;
function emitFill(h: Harness, side: 'Bid' | 'Ask', qty: string, price = '100'): void {
  const id = `t${++trade}`;
  h.port.emit(fillEvent({ symbol: S, orderId: 'o-' + id, clientId: null, side, price: D(price), quantity: D(qty) }, { tradeId: id, qty }, D(qty), h.clock.now()));
}

function mark(h: Harness, price: string): void {
  h.port.emit({ type: 'markPrice', symbol: S, markPrice: D(price), indexPrice: null, fundingRate: null, ts: h.clock.now() });
}

/** Let housekeeping run for `sec` seconds (one tick a second), settling the fake port's answers. */
async function tick(h: Harness, sec = 1, each?: () => void): Promise<void> {
  for (let i = 0; i < sec; i++) {
    each?.();
    h.clock.advance(1000);
    await settle();
  }
}

const raises = (h: Harness, id: string) => h.logger.lines.filter((l) => l.startsWith('W ALERT ') && l.includes(`[${id}]`));
const clears = (h: Harness, id: string) => h.logger.lines.filter((l) => l.startsWith('I ALERT CLEARED') && l.includes(`[${id}]`));
const view = (h: Harness, id: string): AlertView | undefined => h.engine.snapshot().alerts.find((a) => a.id === id);

/** Raised once, with this level and message, and shown everywhere alerts are shown. */
async function assertRaised(h: Harness, id: string, level: 'warn' | 'critical', message: RegExp): Promise<void> {
  const r = raises(h, id);
  assert.equal(r.length, 1, `raised once: ${h.logger.lines.filter((l) => l.includes('ALERT')).join('\n')}`);
  assert.ok(r[0]!.startsWith(`W ALERT ${level.toUpperCase()} [${id}] `), r[0]);
  assert.match(r[0]!, message);
  const v = view(h, id);
  assert.ok(v && v.active && v.level === level, `snapshot: ${JSON.stringify(v)}`);
  assert.match(v.message, message);
  const stats = await h.engine.command({ name: 'stats' });
  assert.ok(stats.ok && (stats.data as { alerts: AlertView[] }).alerts.some((a) => a.id === id && a.level === level), 'in ctl stats');
  await h.engine.command({ name: 'flush' });
  const log = h.log.blocks.join('');
  assert.equal(log.split(`ALERT ${level.toUpperCase()} [${id}] `).length - 1, 1, 'the raise line is in log.txt, once');
  assert.ok(h.log.blocks.at(-1)!.split('\n').some((l) => l.startsWith('Active alerts: ') && l.includes(v.message)), 'listed as active in log.txt');
}

/** Cleared once, after having been raised once; no longer active anywhere. */
async function assertCleared(h: Harness, id: string): Promise<void> {
  assert.equal(raises(h, id).length, 1, 'still raised only once');
  assert.equal(clears(h, id).length, 1, 'cleared once');
  assert.equal(view(h, id)?.active, false);
  await h.engine.command({ name: 'flush' });
  assert.equal(h.log.blocks.join('').split(`ALERT CLEARED [${id}]`).length - 1, 1, 'the clear line is in log.txt, once');
  assert.ok(!h.log.blocks.at(-1)!.split('\n').find((l) => l.startsWith('Active alerts: '))!.includes(`[${id}]`), 'no longer listed as active');
  const stats = await h.engine.command({ name: 'stats' });
  assert.ok(stats.ok && !(stats.data as { alerts: AlertView[] }).alerts.some((a) => a.id === id));
}

/** The condition goes on holding / stays cleared: nothing more is logged. */
async function assertQuiet(h: Harness, id: string, sec: number, each?: () => void): Promise<void> {
  const before = [raises(h, id).length, clears(h, id).length];
  await tick(h, sec, each);
  assert.deepEqual([raises(h, id).length, clears(h, id).length], before, 'no re-logging');
}

test('alert api-usage: REST calls in the last minute above the share of the limit', async () => {
  const h = harness({ alertApiUsagePct: 80 });
  await h.engine.start();
  h.port.metricsValue = { ...h.port.metricsValue, restLastMinute: 1600, restLimitPerMinute: 2000 };
  await tick(h, 2);
  assert.equal(raises(h, 'api-usage').length, 0, 'at the threshold: not above it');
  h.port.metricsValue = { ...h.port.metricsValue, restLastMinute: 1700 };
  await tick(h);
  await assertRaised(h, 'api-usage', 'warn', /REST calls in the last minute 1700 above 80% of 2000$/);
  await assertQuiet(h, 'api-usage', 3);
  h.port.metricsValue = { ...h.port.metricsValue, restLastMinute: 100 };
  await tick(h);
  await assertCleared(h, 'api-usage');
  await assertQuiet(h, 'api-usage', 3);
});

test('alert stream-silent: no websocket message for longer than the setting', async () => {
  const h = harness({ alertStreamSilentSec: 30 });
  await h.engine.start();
  h.port.metricsValue = { ...h.port.metricsValue, lastMessageAgoMs: 29_000 };
  await tick(h, 2);
  assert.equal(raises(h, 'stream-silent').length, 0);
  h.port.metricsValue = { ...h.port.metricsValue, lastMessageAgoMs: 31_000 };
  await tick(h);
  await assertRaised(h, 'stream-silent', 'critical', /no websocket message for 31 s$/);
  await assertQuiet(h, 'stream-silent', 3);
  h.port.metricsValue = { ...h.port.metricsValue, lastMessageAgoMs: 50 };
  await tick(h);
  await assertCleared(h, 'stream-silent');
});

test('alert drawdown: net PnL down from its peak beyond the setting', async () => {
  const h = harness({ alertDrawdown: D(1) });
  await h.engine.start();
  emitFill(h, 'Bid', '1', '100');
  mark(h, '99.5');
  await tick(h);
  assert.equal(raises(h, 'drawdown').length, 0, 'a 0.5 drawdown is within 1');
  mark(h, '98');
  await tick(h);
  await assertRaised(h, 'drawdown', 'critical', /net PnL drawdown 2\.000000 beyond 1$/);
  await assertQuiet(h, 'drawdown', 2);
  mark(h, '100');
  await tick(h);
  await assertCleared(h, 'drawdown');
});

test('alert inventory-age: a position held longer than the setting', async () => {
  const h = harness({ alertInventoryAgeSec: 10 });
  await h.engine.start();
  emitFill(h, 'Bid', '0.5');
  await tick(h, 10);
  assert.equal(raises(h, `inventory-age:${S}`).length, 0);
  await tick(h, 1);
  await assertRaised(h, `inventory-age:${S}`, 'warn', /\[SOL_USDC_PERP\] inventory 0\.50 held for 11 s$/);
  await assertQuiet(h, `inventory-age:${S}`, 3);
  emitFill(h, 'Ask', '0.5');
  await tick(h);
  await assertCleared(h, `inventory-age:${S}`);
});

test('alert inventory-notional: position notional at the mark above the setting', async () => {
  const h = harness({ alertInventoryNotional: D(40) });
  await h.engine.start();
  mark(h, '100');
  emitFill(h, 'Bid', '0.5');
  await tick(h);
  await assertRaised(h, `inventory-notional:${S}`, 'warn', /\[SOL_USDC_PERP\] inventory notional 50\.000000 above 40$/);
  await assertQuiet(h, `inventory-notional:${S}`, 2);
  mark(h, '70'); // 35 USDC now
  await tick(h);
  await assertCleared(h, `inventory-notional:${S}`);
});

test('alert failures: consecutive failed orders on a symbol', async () => {
  const h = harness({ alertConsecutiveFailures: 3, rejectBackoffMs: 10 });
  h.port.placeHandler = () => ({ kind: 'rejected', code: 'INSUFFICIENT_MARGIN', message: 'Insufficient margin', status: 400 });
  await startQuoting(h);
  await tick(h, 5);
  await assertRaised(h, `failures:${S}`, 'critical', /\[SOL_USDC_PERP\] \d+ consecutive failed orders$/);
  assert.match(raises(h, `failures:${S}`)[0]!, /\] 3 consecutive failed orders$/, 'raised at the threshold');
  h.port.placeHandler = (req) => ({ kind: 'accepted', value: orderInfo(req, 'ok') });
  await tick(h, 15);
  await assertCleared(h, `failures:${S}`);
  await assertQuiet(h, `failures:${S}`, 3);
});

test('alert ws-api: WS messages per REST call over the last 5 minutes below the setting (not since start)', async () => {
  const h = harness({ alertWsApiRatio: 10 });
  await h.engine.start();
  const grow = (ws: number, rest: number) => () => {
    const m = h.port.metricsValue;
    h.port.metricsValue = { ...m, wsMessages: m.wsMessages + ws, restTotal: m.restTotal + rest };
  };
  // 5 WS messages per REST call from the start: judged only once 5 minutes of counters exist.
  await tick(h, 299, grow(5, 1));
  assert.equal(raises(h, 'ws-api').length, 0, 'a young run is not judged');
  await tick(h, 8, grow(5, 1));
  await assertRaised(h, 'ws-api', 'warn', /WS\/API ratio 5\.0 over the last 5 min \(\d+ WS messages \/ \d+ REST calls\) below 10$/);
  await assertQuiet(h, 'ws-api', 30, grow(5, 1));
  // 40 per call from now on: the last 5 minutes pass 10:1 after about 43 s, while the ratio since start
  // would stay below 10 for minutes more. The window's figure decides.
  await tick(h, 35, grow(40, 1));
  assert.equal(clears(h, 'ws-api').length, 0, '35 s of 40:1 and 265 s of 5:1 is still below 10');
  await tick(h, 15, grow(40, 1));
  await assertCleared(h, 'ws-api');
  const m = h.port.metricsValue;
  assert.ok(m.wsMessages / m.restTotal < 10, `since start the ratio is still ${(m.wsMessages / m.restTotal).toFixed(2)}`);
  await assertQuiet(h, 'ws-api', 30, grow(40, 1));
});

test('alert success-rate: fills / (fills + failed orders) over the last 5 minutes, judged from 20 attempts', async () => {
  const h = harness({ alertSuccessRatePct: 80, rejectBackoffMs: 10 });
  h.port.placeHandler = () => ({ kind: 'rejected', code: 'INVALID_ORDER', message: 'Order would immediately match and take', status: 400 });
  await startQuoting(h);
  const failed = () => h.engine.view.stats.figures().failedOrders;
  while (failed() < 20) {
    assert.equal(raises(h, 'success-rate').length, 0, `${failed()} attempts: too few to judge`);
    h.clock.advance(100);
    await settle();
  }
  h.port.placeHandler = (req) => ({ kind: 'accepted', value: orderInfo(req, 'ok') });
  await tick(h, 2);
  await assertRaised(h, 'success-rate', 'warn', /success rate 0\.0% over the last 5 min \(0 fills, 2\d failed orders\) below 80%$/);
  await assertQuiet(h, 'success-rate', 3);
  // Fills bring the window's rate back above 80 % (buys and sells alike: no inventory to speak of).
  const f = failed();
  for (let i = 0; i < f * 4 + 4; i++) emitFill(h, i % 2 === 0 ? 'Bid' : 'Ask', '0.01');
  await tick(h);
  await assertCleared(h, 'success-rate');
  await assertQuiet(h, 'success-rate', 3);
});

test('alert long-short: a symbol bought and sold far from 1:1 over the last 10 minutes', async () => {
  const h = harness({ alertLongShortRatio: 2 });
  await h.engine.start();
  await tick(h, 300);
  for (let i = 0; i < 10; i++) emitFill(h, 'Bid', '0.1');
  for (let i = 0; i < 2; i++) emitFill(h, 'Ask', '0.1');
  await tick(h, 290);
  assert.equal(raises(h, `long-short:${S}`).length, 0, 'a run younger than 10 minutes is not judged');
  await tick(h, 15);
  await assertRaised(h, `long-short:${S}`, 'warn', /\[SOL_USDC_PERP\] long\/short 5\.00 over the last 10 min \(bought 1\.00, sold 0\.20 in 12 fills\) beyond 2:1 either way$/);
  await assertQuiet(h, `long-short:${S}`, 3);
  for (let i = 0; i < 6; i++) emitFill(h, 'Ask', '0.1'); // 1.0 bought, 0.8 sold: 1.25
  await tick(h);
  await assertCleared(h, `long-short:${S}`);
  await assertQuiet(h, `long-short:${S}`, 3);
});

test('alert long-short: fills older than the window no longer count (sold-only is beyond too)', async () => {
  const h = harness({ alertLongShortRatio: 2 });
  await h.engine.start();
  for (let i = 0; i < 12; i++) emitFill(h, 'Ask', '0.1');
  await tick(h, 600);
  await assertRaised(h, `long-short:${S}`, 'warn', /long\/short 0\.00 over the last 10 min \(bought 0\.00, sold 1\.20 in 12 fills\)/);
  // Nothing traded since: once those fills are more than 10 minutes old the window holds too few to judge.
  await tick(h, 10);
  await assertCleared(h, `long-short:${S}`);
  assert.equal(h.engine.view.stats.figures(S).longShortRatio, 0, 'since start it is still all sells');
});
