// Fault scenarios around the bot's environment (issue 8: 7, 9, 10): a skewed machine clock, the exchange
// going away for a minute, the disk holding the journal and log.txt becoming unwritable.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillResting, startHarness, stopAllHarnesses, tail } from './harness.js';
import { FileJournal } from '../../src/runtime/journal.js';
import { LogFile } from '../../src/runtime/logfile.js';

after(stopAllHarnesses);

test('7. clock skew of several seconds on the bot machine: requests keep succeeding (offset tracking)', { timeout: 90_000 }, async () => {
  // recvWindow is 5 s: an 8 s skew would fail every signed request without the offset.
  const SKEW = 8000;
  const h = await startHarness({ seed: 41, coreClockOffsetMs: SKEW });
  try {
    await h.run(30_000);
    const m = h.adapter.metrics();
    assert.ok(Math.abs(m.clockOffsetMs + SKEW) < 1000, `offset tracked: ${m.clockOffsetMs} ms vs a ${SKEW} ms skew`);
    assert.ok(Math.abs(h.coreClock.now() - h.clock.now() - SKEW) < 5, 'the core really runs on a skewed clock');
    // Post-only orders that would cross are refused by design; no order or cancel may be refused for its
    // timestamp. A signed GET sent before the first measurement (start-up) may be, and is retried at once.
    const rq = h.proxy.requests;
    const refused = rq.filter((r) => r.status !== null && r.status >= 400 && r.status !== 404 && !/immediately match/.test(r.error ?? ''));
    const unrecovered = refused.filter((r) => r.method !== 'GET' || !rq.some((x) => x.t >= r.t && x.method === r.method && x.path === r.path && x.status === 200));
    assert.deepEqual(unrecovered.map((r) => `${r.method} ${r.path} ${r.status} ${r.error}`), [], 'no request failed for its timestamp');
    assert.ok(refused.length <= 3, `at most the start-up GETs were refused: ${refused.map((r) => r.path).join(', ')}`);
    assert.ok(h.spy.placements.filter((p) => p.outcome === 'accepted').length > 5, 'orders accepted');
    assert.ok(h.fills() > 0, 'fills happened');
    const problems = await h.settleAndCheck();
    assert.deepEqual(problems, [], tail(h.logger));
  } finally {
    await h.stop();
  }
});

test('9. the exchange goes away for a minute: quoting stops (mode shows it), nothing crashes, trading resumes by itself', { timeout: 90_000 }, async () => {
  const h = await startHarness({ seed: 43 });
  try {
    await h.run(10_000);
    const placedBefore = h.spy.placements.length;
    assert.ok(placedBefore > 0, 'quoting before the outage');
    h.proxy.goDown();
    const downAt = h.clock.now();
    assert.ok(await h.until(() => h.engine.view.connDown, 5000), 'the core noticed');
    const noticedAt = h.clock.now();
    await h.run(15_000);
    const snap = h.snapshot();
    for (const s of snap.symbols) assert.equal(s.mode, 'HALTED', `${s.symbol} shows HALTED`);
    assert.ok(snap.symbols.every((s) => s.modeReason === 'exchange down'), JSON.stringify(snap.symbols.map((s) => s.modeReason)));
    await h.run(45_000);
    const placedDuring = h.spy.placements.filter((p) => p.t >= noticedAt);
    assert.deepEqual(placedDuring.map((p) => `${p.req.symbol} ${p.req.side}`), [], 'no order attempted while the exchange is away');
    assert.ok(h.proxy.refusedConnections > 0, 'the core kept trying to reconnect (and was refused)');
    h.proxy.comeBack();
    const backAt = h.clock.now();
    assert.ok(await h.until(() => !h.engine.view.connDown, 30_000), `the core came back by itself\n${tail(h.logger)}`);
    await h.run(15_000);
    assert.ok(h.spy.placements.some((p) => p.t > backAt && p.outcome === 'accepted'), 'quoting resumed');
    assert.ok(h.snapshot().symbols.some((s) => s.mode === 'ACTIVE'), 'mode back to ACTIVE');
    assert.ok(backAt - downAt >= 60_000, 'the outage lasted a simulated minute');
    const problems = await h.settleAndCheck();
    assert.deepEqual(problems, [], tail(h.logger));
  } finally {
    await h.stop();
  }
});

test('10. the disk holding the journal and log.txt is unwritable: loud alert, REDUCING, nothing dropped (written once it is back)', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-disk-'));
  const jdir = join(dir, 'journal');
  const journal = new FileJournal(join(jdir, 'fills.jsonl'));
  const ldir = join(dir, 'logs');
  const log = new LogFile(join(ldir, 'log.txt'));
  const h = await startHarness({ seed: 45, journal, stats: log, env: { TIERHUNTER_STATS_LOG_INTERVAL_SEC: '5' } });
  try {
    assert.ok(existsSync(join(ldir, 'log.txt')), 'log.txt written at start');
    // Wait for a resting quote first: once a disk is found broken the core only reduces, and a flat
    // account then has nothing resting to fill (the stats flush every 5 s can find log.txt gone first).
    assert.ok(await h.until(() => h.sim.exchange.openOrders(h.keys.apiKey).length > 0, 10_000), 'a quote rests');
    // The journal's disk goes (a new home wrote its first record at start): a regular FILE where its
    // directory was, so reopening fails even for root (ENOTDIR/EEXIST); its descriptor is dropped, as a
    // failing disk's would be.
    rmSync(jdir, { recursive: true });
    writeFileSync(jdir, 'not a directory');
    journal.close();
    // log.txt's directory goes too, mid-run.
    rmSync(ldir, { recursive: true });
    writeFileSync(ldir, 'not a directory');
    // A fill arrives at once (same tick as the breakage, so the quote is still there): it cannot be journaled.
    assert.ok(fillResting(h, 1) !== null, 'an order rested and was filled');
    assert.ok(await h.until(() => h.engine.view.journalBroken && h.engine.view.logBroken, 10_000), 'both failures detected');
    const brokenAt = h.clock.now();
    const snap = h.snapshot();
    const alerts = snap.alerts.filter((a) => a.active && a.level === 'critical').map((a) => a.id);
    assert.ok(alerts.includes('journal') && alerts.includes('logfile'), `loud alerts: ${alerts.join(', ')}`);
    assert.ok(snap.symbols.every((s) => s.mode === 'REDUCING' && s.modeReason === 'journal/log unwritable'), JSON.stringify(snap.symbols.map((s) => [s.mode, s.modeReason])));
    // Keep trading (exits only) while broken; fill whatever rests so fills keep arriving.
    for (let i = 0; i < 4; i++) {
      await h.run(5000);
      fillResting(h, 1);
    }
    const fixedAt = h.clock.now();
    const opening = h.spy.placements.filter((p) => p.t > brokenAt && p.t < fixedAt && p.req.reduceOnly !== true);
    assert.deepEqual(opening.map((p) => `${p.req.symbol} ${p.req.side}`), [], 'only reduce-only exits while the disk is broken');
    const heldFills = h.sim.exchange.fills(h.keys.apiKey, { limit: 10_000_000 }).length;
    assert.ok(heldFills > 0, 'fills arrived while the disk was broken');
    // The disk comes back: the held fills are written, alerts clear, quoting resumes.
    rmSync(jdir);
    rmSync(ldir);
    assert.ok(await h.until(() => !h.engine.view.journalBroken && !h.engine.view.logBroken, 10_000), `recovered\n${tail(h.logger)}`);
    await h.run(15_000);
    assert.ok(h.spy.placements.some((p) => p.t > fixedAt && p.req.reduceOnly !== true), 'opening quotes again');
    const problems = await h.settleAndCheck();
    assert.deepEqual(problems, [], tail(h.logger));
    // The journal on disk holds every fill exactly once (checked by settleAndCheck through journal.load()).
    assert.ok(journal.load().length >= heldFills, 'held fills written');
    assert.ok(readFileSync(join(ldir, 'log.txt'), 'utf8').length > 0, 'stats blocks written again');
  } finally {
    await h.stop();
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
