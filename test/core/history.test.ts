// Reading the account's history: fills missed while down from the newest journalled one on, page after
// page with no cap (one call less when the paging headers say a full page was the last), funding newest
// first until a known payment, the one-time backfill of the 30 days before a new home (paced, inside the
// REST budget, resumable after a restart, done once), and spot inventory not moved by replayed fills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FundingInfo } from '../../src/exchange/types.js';
import type { Fill } from '../../src/domain/fill.js';
import { toJournal } from '../../src/core/journal-codec.js';
import { D } from '../../src/util/decimal.js';
import { makeHarness, MemJournal, settle, T0 } from './helpers/harness.js';
import { perpMarket } from './helpers/fake-port.js';

const S = 'SOL_USDC_PERP';
const DAY = 86_400_000;

function fill(i: number, ts: number, symbol = S): Fill {
  return { tradeId: String(1000 + i), orderId: `o${i}`, clientId: null, symbol, side: i % 2 ? 'Ask' : 'Bid', price: D('100.5'), quantity: D('0.1'), fee: D('0.001'), feeSymbol: 'USDC', isMaker: true, timestamp: ts };
}

const fillCalls = (h: ReturnType<typeof makeHarness>) => h.port.calls.filter((c) => c.m === 'getFills').map((c) => c.args[0] as { from?: number; to?: number; offset?: number });

for (const headers of [true, false]) {
  test(`missed fills: every page from just before the newest journalled fill, no cap (${headers ? 'headers end a full last page' : 'no headers: a short page ends it'})`, async () => {
    const journal = new MemJournal();
    const old = Array.from({ length: 50 }, (_, i) => fill(i, T0 - 2 * DAY + i * 60_000));
    journal.records = old.map((f) => toJournal(f));
    const h = makeHarness({}, { journal });
    h.port.pageHeaders = headers;
    const newest = old[old.length - 1]!.timestamp;
    // 2,999 made while down + the newest journalled one inside the overlap: exactly 3 full pages.
    const missed = Array.from({ length: 2999 }, (_, i) => fill(100 + i, newest + 1000 + i));
    h.port.fills = [...old, ...missed];
    await h.engine.start();
    assert.equal(h.engine.view.stats.figures().fills, 50 + 2999);
    assert.equal(journal.records.filter((r) => r.kind === 'fill').length, 50 + 2999);
    const calls = fillCalls(h);
    assert.equal(calls.length, headers ? 3 : 4, JSON.stringify(calls));
    assert.ok(calls.every((c) => c.from === newest - 30_000), 'from the newest journalled fill minus the overlap, never 30 days back');
    assert.deepEqual(calls.map((c) => c.offset), headers ? [0, 1000, 2000] : [0, 1000, 2000, 3000]);
  });
}

test('funding: newest first, page after page, until a payment already counted; each counted once', async () => {
  const journal = new MemJournal();
  const base = T0 - 200 * 3_600_000;
  const rows: FundingInfo[] = Array.from({ length: 2300 }, (_, i) => ({ symbol: S, quantity: D(i % 2 ? '0.01' : '-0.02'), fundingRate: D('0.0001'), intervalEndTimestamp: base + i * 60_000 }));
  // The journal knows the oldest 1,000 (and a fill, so the home's history began before all of them).
  journal.records = [toJournal(fill(0, base - 3_600_000)), ...rows.slice(0, 1000).map((r) => ({ kind: 'funding' as const, tradeId: `funding:${S}:${r.intervalEndTimestamp}`, symbol: S, ts: r.intervalEndTimestamp, amount: r.quantity.toString() }))];
  const h = makeHarness({}, { journal });
  h.port.funding = rows;
  await h.engine.start();
  const calls = h.port.calls.filter((c) => c.m === 'getFundingHistory');
  assert.equal(calls.length, 2, 'the second page reaches a known payment');
  let want = D(0);
  for (const r of rows) want = want.plus(r.quantity);
  assert.equal(h.engine.view.stats.figures().funding.toString(), want.toString());
  assert.equal(journal.records.filter((r) => r.kind === 'funding').length, 2300);
  // A reconciliation reads one page and counts nothing twice.
  await h.engine.reconcile(false);
  assert.equal(h.engine.view.stats.figures().funding.toString(), want.toString());
  assert.equal(h.port.calls.filter((c) => c.m === 'getFundingHistory').length, 3);
});

test('backfill: a new home reads the 30 days before it once, paced, inside the REST budget, resumable after a restart', async () => {
  const journal = new MemJournal();
  const history = [
    ...Array.from({ length: 1500 }, (_, i) => fill(i, T0 - 29 * DAY + i * 60_000)),
    ...Array.from({ length: 1200 }, (_, i) => ({ ...fill(5000 + i, T0 - 20 * DAY + i * 60_000, 'BTC_USDC_PERP'), price: D('90000'), quantity: D('0.001') })),
    fill(9000, T0 - 40 * DAY), // older than 30 days: not asked for
  ].sort((a, b) => a.timestamp - b.timestamp);
  let want = D(0);
  for (const f of history) if (f.timestamp > T0 - 30 * DAY) want = want.plus(f.quantity.mul(f.price));
  const h1 = makeHarness({ backfillPagesPerMin: 10 }, { journal });
  h1.port.fills = history;
  h1.port.pageHeaders = true;
  await h1.engine.start();
  assert.equal(h1.engine.view.stats.figures().fills, 0, 'history before the home is not ours');
  assert.equal(h1.engine.snapshot().tier.partial, true);
  assert.equal(fillCalls(h1).length, 1, 'start-up reads only fills since the home began');
  // Paced: one page per 6 s at 10 pages a minute, none while REST usage is above half the budget.
  h1.port.metricsValue = { ...h1.port.metricsValue, restLastMinute: 1500 };
  h1.clock.advance(6000);
  await settle();
  assert.equal(fillCalls(h1).length, 1, 'no page while REST usage is above half the budget');
  h1.port.metricsValue = { ...h1.port.metricsValue, restLastMinute: 10 };
  h1.clock.advance(6000);
  await settle();
  const first = fillCalls(h1).at(-1)!;
  assert.deepEqual([first.from, first.to, first.offset], [T0 - 30 * DAY, T0 - 1, 0]);
  assert.equal(h1.engine.view.history.backfill!.offset, 1000);
  await h1.engine.stop();

  // Restart: the backfill goes on where it stopped (from the journal), and finishes.
  const h2 = makeHarness({ backfillPagesPerMin: 10 }, { journal, clock: h1.clock });
  h2.port.fills = history;
  h2.port.pageHeaders = true;
  await h2.engine.start();
  assert.equal(h2.engine.snapshot().tier.partial, true);
  for (let i = 0; i < 3; i++) {
    h2.clock.advance(6000);
    await settle();
  }
  const offsets = fillCalls(h2).slice(1).map((c) => c.offset);
  assert.deepEqual(offsets, [1000, 2000], 'resumed at 1000; headers end the read at the last page');
  assert.equal(h2.engine.snapshot().tier.partial, false);
  assert.equal(h2.engine.view.tier().volume30d.toString(), want.toString());
  assert.equal(h2.engine.view.stats.figures().fills, 0);
  // Done once: a third start reads no history page.
  await h2.engine.stop();
  const h3 = makeHarness({ backfillPagesPerMin: 10 }, { journal, clock: h2.clock });
  h3.port.fills = history;
  await h3.engine.start();
  h3.clock.advance(60_000);
  await settle();
  assert.ok(fillCalls(h3).every((c) => c.to === undefined), `no backfill page: ${JSON.stringify(fillCalls(h3))}`);
  assert.equal(h3.engine.view.tier().volume30d.toString(), want.toString());
});

test('an existing journal (no checkpoint yet): the backfill covers what it lacks (other markets, older fills), never its own fills twice', async () => {
  const journal = new MemJournal();
  const ours = Array.from({ length: 300 }, (_, i) => fill(i, T0 - 10 * DAY + i * 60_000));
  const other = Array.from({ length: 40 }, (_, i) => ({ ...fill(7000 + i, T0 - 12 * DAY + i * 3_600_000, 'ETH_USDC_PERP'), price: D('3500') }));
  journal.records = ours.map((f) => toJournal(f));
  const h = makeHarness({ backfillPagesPerMin: 60 }, { journal });
  h.port.fills = [...ours, ...other].sort((a, b) => a.timestamp - b.timestamp);
  await h.engine.start();
  for (let i = 0; i < 5; i++) {
    h.clock.advance(1000);
    await settle();
  }
  assert.equal(h.engine.snapshot().tier.partial, false);
  let want = D(0);
  for (const f of [...ours, ...other]) want = want.plus(f.quantity.mul(f.price));
  assert.equal(h.engine.view.tier().volume30d.toString(), want.toString());
  assert.equal(h.engine.view.stats.figures().fills, 300);
});

test('spot: replayed and recovered fills do not move the inventory the start-up balance read already includes', async () => {
  const journal = new MemJournal();
  const buy: Fill = { ...fill(1, T0 - 60_000, 'SOL_USDC'), side: 'Bid', quantity: D('1'), fee: D('0') };
  journal.records = [toJournal(buy)];
  const h = makeHarness({ symbols: ['SOL_USDC'] }, { journal });
  h.port.markets = [perpMarket('SOL_USDC')];
  h.port.balances = [{ asset: 'SOL', available: D('1'), locked: D(0) }];
  await h.engine.start();
  assert.equal(h.engine.view.inventory(h.engine.view.syms.get('SOL_USDC')!).toString(), '1');
});

test('a new home writes its first journal record at start: a journal unwritable from the start is caught at once (REDUCING), not at the first fill', async () => {
  const h = makeHarness();
  h.journal.failing = true;
  await h.engine.start();
  assert.equal(h.engine.view.journalBroken, true);
  assert.ok(h.logger.lines.some((l) => l.startsWith('W ALERT CRITICAL [journal]')));
  h.journal.failing = false;
  h.clock.advance(1000);
  await settle();
  assert.equal(h.engine.view.journalBroken, false);
  assert.deepEqual(h.journal.records.map((r) => r.kind), ['backfill'], 'the held record written once the journal is back');
});
