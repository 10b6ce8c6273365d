// Tier progress, rolling volume, client-id namespace, alert book transitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RollingVolume, tierProgress, volumeClass, WINDOW_MS, pacePerMs } from '../../src/core/tiers.js';
import { ClientIdAllocator, isOurClientId } from '../../src/core/client-ids.js';
import { AlertBook } from '../../src/core/alerts.js';
import { D } from '../../src/util/decimal.js';
import { MemLogger } from './helpers/harness.js';

test('tiers: current, next, progress and ETA at the current pace', () => {
  const p = tierProgress(D(750_000), D(250_000).div(3_600_000)); // 250k per hour
  assert.equal(p.current.name, 'Tier 2');
  assert.equal(p.next?.name, 'Tier 3');
  assert.equal(p.progress, 0.5); // halfway from 500k to 1M
  assert.equal(p.etaMs, 3_600_000); // 250k missing at 250k/h
  const top = tierProgress(D(400_000_000), null);
  assert.equal(top.current.name, 'VIP5');
  assert.equal(top.next, null);
  assert.equal(tierProgress(D(0), null).current.makerBps.toString(), '2');
});

test('tiers: rolling 30-day window, dedupe, futures vs spot vs stablecoin pairs', () => {
  assert.equal(volumeClass('SOL_USDC_PERP'), 'futures');
  assert.equal(volumeClass('SOL_USDC'), 'spot');
  assert.equal(volumeClass('USDT_USDC'), null);
  const now = 100 * 86_400_000;
  const w = new RollingVolume();
  w.add(now - WINDOW_MS + 120_000, D(10), now); // two minutes inside the window
  w.add(now - 1000, D(5), now);
  w.add(now - WINDOW_MS - 60_001, D(99), now); // too old
  assert.equal(w.total(now).toString(), '15');
  assert.equal(w.total(now + 240_000).toString(), '5'); // the old minute rolled off
  assert.equal(pacePerMs(w, now, now - 10_000)?.mul(10_000).toString(), '5');
  // Memory is bounded by minutes, not fills: 10,000 fills in one minute are one bucket.
  const busy = new RollingVolume();
  for (let i = 0; i < 10_000; i++) busy.add(now + (i % 50), D(1), now);
  assert.equal(busy.buckets(), 1);
  assert.equal(busy.total(now).toString(), '10000');
});

test('trade dedupe: exact for recent ids, watermark for evicted ones, bounded memory', async () => {
  const { TradeDedupe } = await import('../../src/core/trade-dedupe.js');
  const d = new TradeDedupe(100);
  assert.equal(d.add('SOL', '1000'), true);
  assert.equal(d.add('SOL', '1000'), false);
  assert.equal(d.add('BTC', '1000'), true, 'trade ids are per market');
  for (let i = 1001; i < 1500; i++) d.add('SOL', String(i));
  assert.ok(d.size() <= 201, `bounded: ${d.size()}`);
  assert.equal(d.has('SOL', '1003'), true, 'evicted but below the watermark');
  assert.equal(d.add('SOL', '1003'), false);
  assert.equal(d.has('SOL', '999'), false, 'older than anything recorded: not seen');
  assert.equal(d.has('SOL', '1500'), false);
  assert.equal(d.add('SOL', 'funding:SOL:123'), true);
  assert.equal(d.add('SOL', 'funding:SOL:123'), false);
});

test('client ids: uint32 in our namespace, distinct across restarts', () => {
  const a = new ClientIdAllocator(Date.UTC(2026, 0, 1));
  const b = new ClientIdAllocator(Date.UTC(2026, 0, 1) + 60_000);
  const ids = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const x = a.next();
    assert.ok(isOurClientId(x) && x <= 0xffffffff);
    ids.add(x);
  }
  assert.equal(ids.size, 1000);
  assert.ok(!ids.has(b.next()));
  assert.equal(isOurClientId(12345), false);
  assert.equal(isOurClientId(null), false);
});

test('alerts: logged once when raised and once when cleared; lines queued for log.txt', () => {
  const logger = new MemLogger();
  const a = new AlertBook(logger, () => 0);
  a.set(true, 'x', 'api', 'warn', 'high');
  a.set(true, 'x', 'api', 'warn', 'higher');
  a.set(false, 'x', 'api', 'warn', '');
  a.set(false, 'x', 'api', 'warn', '');
  assert.equal(logger.lines.length, 2);
  assert.equal(a.drainLines().length, 2);
  assert.equal(a.list()[0]!.active, false);
});

test('log format: sub-10-second durations keep tenths (mean time in inventory is often < 1 s)', async () => {
  const { dur } = await import('../../src/core/log-format.js');
  assert.equal(dur(456), '0.5s');
  assert.equal(dur(9_949), '9.9s');
  assert.equal(dur(75_000), '1m15s');
});
