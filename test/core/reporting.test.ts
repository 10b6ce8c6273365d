// Reporting on its own: a flush or the shutdown block is written at once; a timer's block waits for the
// equity read so it shows the figure read for it, or for the timeout (the request timeout, capped at half
// the interval) when the read hangs; nothing is written by the timer once the core is stopping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreView } from '../../src/core/core-view.js';
import { Reporting } from '../../src/core/reporting.js';
import type { CollateralInfo } from '../../src/exchange/types.js';
import type { Settings } from '../../src/config/settings.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { settle } from './helpers/harness.js';
import { makeParts } from './helpers/parts.js';

function setup(over: Partial<Settings> = {}) {
  const rig = makeParts({ requestTimeoutMs: 5000, statsLogIntervalSec: 60, ...over });
  const { parts, loop, port, clock, settings, logger } = rig;
  const view = new CoreView({ coreVersion: '0.0.0-test', runMode: 'paper', pid: 42, logFile: '/tmp/test-log.txt', port, clock, settings }, parts, loop);
  let changed = 0;
  const reporting = new Reporting({ clock, logger, settings, monitoring: parts.monitoring, outputs: parts.outputs, view, loop, changed: () => void changed++ });
  // The equity read answers only when the test says so (or never).
  let answer: ((c: CollateralInfo) => void) | null = null;
  port.getCollateral = () => {
    port.calls.push({ m: 'getCollateral', args: [] });
    return new Promise((resolve) => (answer = resolve));
  };
  const reads = () => port.names().filter((n) => n === 'getCollateral').length;
  const answerEquity = (equity: string) => answer!({ netEquity: D(equity), netEquityAvailable: D(equity), pnlUnrealized: ZERO });
  return { ...rig, reporting, reads, answerEquity, changed: () => changed };
}

test('reporting: statsTick(true) (a flush, the stop) writes the block at once without reading the equity', () => {
  const { reporting, log, reads, changed, loop } = setup();
  reporting.statsTick(true);
  assert.equal(log.blocks.length, 1);
  assert.match(log.blocks[0]!, /Equity: n\/a/);
  assert.equal(reads(), 0);
  assert.equal(changed(), 1);
  loop.stopping = true; // the shutdown block is written while stopping
  reporting.statsTick(true);
  assert.equal(log.blocks.length, 2);
});

test('reporting: a timer tick waits for the equity read and writes the block after it, with the figure read', async () => {
  const { reporting, log, reads, answerEquity, clock, changed } = setup();
  reporting.statsTick();
  assert.equal(reads(), 1);
  await settle();
  clock.advance(1000);
  await settle();
  assert.equal(log.blocks.length, 0, 'waits for the read');
  answerEquity('1234.5');
  await settle();
  assert.equal(log.blocks.length, 1);
  assert.match(log.blocks[0]!, /Equity: \S*1,?234\.5/);
  assert.ok(changed() >= 1);
  clock.advance(60_000);
  await settle();
  assert.equal(log.blocks.length, 1, 'one block per tick');
});

test('reporting: a timer tick whose equity read hangs writes after the request timeout', async () => {
  const { reporting, log, clock } = setup();
  reporting.statsTick();
  await settle();
  clock.advance(4999);
  await settle();
  assert.equal(log.blocks.length, 0);
  clock.advance(1);
  await settle();
  assert.equal(log.blocks.length, 1);
  assert.match(log.blocks[0]!, /Equity: n\/a/);
});

test('reporting: the wait is capped at half the interval when the interval is short', async () => {
  const { reporting, log, clock } = setup({ statsLogIntervalSec: 4 });
  reporting.statsTick();
  await settle();
  clock.advance(1999);
  await settle();
  assert.equal(log.blocks.length, 0);
  clock.advance(1);
  await settle();
  assert.equal(log.blocks.length, 1);
});

test('reporting: a timer tick while stopping reads nothing and writes nothing', async () => {
  const { reporting, log, clock, loop, reads } = setup();
  loop.stopping = true;
  reporting.statsTick();
  assert.equal(reads(), 0, 'no equity read for a tick while stopping');
  clock.advance(10_000);
  await settle();
  assert.equal(log.blocks.length, 0);
});

test('reporting: a timer block whose equity read lands after the stop began is not written', async () => {
  const { reporting, log, loop, reads, answerEquity } = setup();
  reporting.statsTick();
  assert.equal(reads(), 1);
  loop.stopping = true;
  answerEquity('1000');
  await settle();
  assert.equal(log.blocks.length, 0);
});
