// The durable outputs on their own: a journal or log.txt the disk refuses keeps what it could not write
// in memory, raises its critical alert once, retries on housekeeping and clears the alert when everything
// waiting is written (in order); log.txt keeps only the newest 20 blocks while broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertBook } from '../../src/core/alerts.js';
import { DurableOutputs } from '../../src/core/durable-outputs.js';
import type { JournalFill } from '../../src/core/ports.js';
import { MemJournal, MemLog, MemLogger, T0 } from './helpers/harness.js';

function setup() {
  const journal = new MemJournal();
  const log = new MemLog();
  const logger = new MemLogger();
  const alerts = new AlertBook(logger, () => T0);
  let written = 0;
  const outputs = new DurableOutputs({ journal, stats: log, logFile: '/var/th/log.txt', alerts, written: () => void written++ });
  return { journal, log, logger, alerts, outputs, written: () => written };
}

function rec(n: number): JournalFill {
  return { kind: 'fill', tradeId: `t${n}`, symbol: 'SOL_USDC_PERP', ts: T0 + n, side: 'Bid', price: '100', quantity: '1', fee: '0', feeSymbol: 'USDC', isMaker: true };
}

test('durable outputs: a healthy journal write changes nothing a dashboard shows and counts the record', () => {
  const { outputs, journal, written, alerts } = setup();
  assert.equal(outputs.appendJournal(rec(1)), false);
  assert.equal(journal.records.length, 1);
  assert.equal(written(), 1);
  assert.equal(outputs.journalBroken, false);
  assert.equal(outputs.pendingRecords, 0);
  assert.equal(outputs.retry(), false, 'nothing waits: nothing to retry');
  assert.deepEqual(alerts.list(), []);
});

test('durable outputs: a broken journal raises a critical journal alert once, holds its records, and a retry that succeeds writes them in order and clears it', () => {
  const { outputs, journal, written, alerts, logger } = setup();
  outputs.appendJournal(rec(1));
  journal.failing = true;
  assert.equal(outputs.appendJournal(rec(2)), true, 'breaking is news');
  assert.equal(outputs.journalBroken, true);
  assert.equal(outputs.pendingRecords, 1);
  const a = alerts.active().find((x) => x.id === 'journal');
  assert.equal(a?.level, 'critical');
  assert.match(a?.message ?? '', /fill journal unwritable \(EROFS\): 1 fill\(s\) held in memory; trading REDUCING/);
  assert.equal(outputs.appendJournal(rec(3)), false, 'still broken: no news');
  assert.equal(outputs.pendingRecords, 2);
  assert.equal(outputs.retry(), false, 'a retry that fails again is no news');
  assert.equal(outputs.pendingRecords, 2);
  assert.equal(logger.lines.filter((l) => l.includes('[journal]')).length, 1, 'raised once');
  journal.failing = false;
  assert.equal(outputs.retry(), true, 'recovering is news');
  assert.equal(outputs.journalBroken, false);
  assert.equal(outputs.pendingRecords, 0);
  assert.equal(alerts.isActive('journal'), false);
  assert.deepEqual(journal.records.map((r) => r.tradeId), ['t1', 't2', 't3']);
  assert.equal(written(), 3);
  assert.ok(logger.lines.some((l) => l.includes('ALERT CLEARED [journal]')));
});

test('durable outputs: a broken log keeps only the newest 20 blocks, alerts (naming the file) and recovers on retry', () => {
  const { outputs, log, alerts } = setup();
  assert.equal(outputs.writeBlock('block 0'), false);
  log.failing = true;
  assert.equal(outputs.writeBlock('block 1'), true);
  for (let i = 2; i <= 25; i++) assert.equal(outputs.writeBlock(`block ${i}`), false);
  assert.equal(outputs.logBroken, true);
  assert.equal(outputs.journalBroken, false, 'the journal is not affected');
  const a = alerts.active().find((x) => x.id === 'logfile');
  assert.equal(a?.level, 'critical');
  assert.match(a?.message ?? '', /log file \/var\/th\/log\.txt unwritable \(ENOSPC\); trading REDUCING/);
  log.failing = false;
  assert.equal(outputs.retry(), true);
  assert.equal(outputs.logBroken, false);
  assert.equal(alerts.isActive('logfile'), false);
  const expected = ['block 0', ...Array.from({ length: 20 }, (_, i) => `block ${i + 6}`)];
  assert.deepEqual(log.blocks, expected);
});

test('durable outputs: one retry serves both outputs (a journal recovering and a log still broken)', () => {
  const { outputs, journal, log, alerts } = setup();
  journal.failing = true;
  log.failing = true;
  outputs.appendJournal(rec(1));
  outputs.writeBlock('b');
  journal.failing = false;
  assert.equal(outputs.retry(), true);
  assert.equal(alerts.isActive('journal'), false);
  assert.equal(alerts.isActive('logfile'), true);
  log.failing = false;
  journal.failing = true; // nothing waits in the journal: it is not written, so not found broken
  assert.equal(outputs.retry(), true);
  assert.equal(alerts.isActive('logfile'), false);
  assert.equal(outputs.journalBroken, false);
  assert.deepEqual(log.blocks, ['b']);
});
