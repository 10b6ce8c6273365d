// Operator modes against the engine: flatten overrides pause (global and per symbol), flatten on stop,
// loss limits that survive restarts (session and daily), a run state that cannot be read, fee rates that
// are re-read hourly and after midnight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandArgs } from '../../src/domain/command.js';
import type { Position } from '../../src/domain/position.js';
import { FileRunStateStore, runStatePath } from '../../src/runtime/run-state.js';
import { D, type Decimal } from '../../src/util/decimal.js';
import { VirtualClock } from '../../src/util/clock.js';
import { fillEvent, makeHarness, MemJournal, MemRunState, settle, startQuoting, T0, type Harness } from './helpers/harness.js';

const S = 'SOL_USDC_PERP';
const HOUR = 3_600_000;
const cmd = (name: CommandArgs['name'], extra: Partial<CommandArgs> = {}): CommandArgs => ({ name, ...extra });
const position = (qty: string): Position => ({ symbol: S, netQuantity: D(qty), entryPrice: D(100), markPrice: D(100), pnlRealized: D(0), pnlUnrealized: D(0), cumulativeFunding: D(0) });

/** Fill the working order (or a foreign one) completely at `price`. */
function fillWorking(h: Harness, tradeId: string, price: Decimal.Value = 100): void {
  const t = h.engine.view.tracker.get(S)!;
  h.port.emit(fillEvent({ symbol: S, orderId: t.orderId!, clientId: t.clientId, side: t.side, price: D(price), quantity: t.quantity }, { tradeId, qty: t.quantity.toString(), isMaker: !t.ioc }, t.quantity, h.clock.now()));
}

/** A foreign fill (no clientId of ours) that only moves the PnL by its fee: buy and sell at the same price. */
function payFee(h: Harness, id: string, fee: string): void {
  h.port.emit(fillEvent({ symbol: S, orderId: `x${id}b`, clientId: null, side: 'Bid', price: D(100), quantity: D('0.1') }, { tradeId: `${id}b`, qty: '0.1', fee }, D('0.1'), h.clock.now()));
  h.port.emit(fillEvent({ symbol: S, orderId: `x${id}a`, clientId: null, side: 'Ask', price: D(100), quantity: D('0.1') }, { tradeId: `${id}a`, qty: '0.1', fee: '0' }, D('0.1'), h.clock.now()));
}

async function run(h: Harness, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    h.clock.advance(step);
    await settle();
  }
}

// ---------------------------------------------------------------- flatten overrides pause

test('flatten ALL closes a symbol the operator had paused, then leaves everything PAUSED', async () => {
  const h = makeHarness({ forceReduceOnInventory: false });
  h.port.positions = [position('0.3')];
  await startQuoting(h);
  await h.engine.command(cmd('pause', { symbol: S }));
  await settle();
  const before = h.port.placed().length;
  await h.engine.command(cmd('flatten'));
  await settle();
  const exits = h.port.placed().slice(before);
  assert.equal(exits.length, 1, 'the paused symbol gets an exit');
  assert.equal(exits[0]!.side, 'Ask');
  assert.equal(exits[0]!.reduceOnly, true);
  assert.equal(h.engine.snapshot().symbols[0]!.mode, 'REDUCING');
  fillWorking(h, 'f1');
  await run(h, 1000);
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0');
  assert.equal(h.engine.view.globalMode, 'PAUSED', 'flatten done: PAUSED');
  assert.equal(h.runState.state.globalMode, 'PAUSED');
  assert.equal(h.runState.state.symbolModes[S], 'PAUSED');
  const n = h.port.placed().length;
  await run(h, 5000);
  assert.equal(h.port.placed().length, n, 'nothing more once flat');
});

test('flatten of one symbol works while everything is globally PAUSED, and the symbol stays PAUSED after', async () => {
  const h = makeHarness({ forceReduceOnInventory: false });
  h.port.positions = [position('-0.2')];
  await startQuoting(h);
  await h.engine.command(cmd('pause'));
  await settle();
  const before = h.port.placed().length;
  await h.engine.command(cmd('flatten', { symbol: S }));
  await settle();
  const exits = h.port.placed().slice(before);
  assert.equal(exits.length, 1);
  assert.equal(exits[0]!.side, 'Bid');
  assert.equal(exits[0]!.reduceOnly, true);
  fillWorking(h, 'f1');
  await run(h, 1000);
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0');
  assert.equal(h.runState.state.symbolModes[S], 'PAUSED');
  assert.equal(h.engine.snapshot().symbols[0]!.mode, 'PAUSED');
});

// ---------------------------------------------------------------- flatten on stop

test('TIERHUNTER_FLATTEN_ON_STOP: a stop closes the position (paused or not) with reduce-only orders, post-only then IOC, then cancels', async () => {
  const h = makeHarness({ forceReduceOnInventory: false, flattenOnStop: true });
  h.port.positions = [position('0.3')];
  await startQuoting(h);
  await h.engine.command(cmd('pause', { symbol: S }));
  await settle();
  const before = h.port.placed().length;
  const stopped = h.engine.stop();
  await settle();
  let exits = h.port.placed().slice(before);
  assert.equal(exits.length, 1);
  assert.deepEqual([exits[0]!.side, exits[0]!.reduceOnly, exits[0]!.postOnly, exits[0]!.timeInForce], ['Ask', true, true, 'GTC']);
  assert.equal(h.engine.snapshot().symbols[0]!.modeReason, 'stopping: flatten');
  await run(h, 2100);
  exits = h.port.placed().slice(before);
  const ioc = exits.at(-1)!;
  assert.deepEqual([ioc.timeInForce, ioc.reduceOnly, ioc.price?.toString()], ['IOC', true, '100'], 'IOC reduce-only at the touch after 2 s');
  fillWorking(h, 'f1', 100);
  await run(h, 500);
  await stopped;
  assert.equal(h.engine.view.stats.ledger(S).position.toString(), '0');
  assert.ok(h.port.names().includes('cancelAll'), 'then the rest is cancelled');
  assert.equal(h.runState.state.symbolModes[S], 'PAUSED', 'the operator modes are not changed by the stop');
  assert.ok(h.logger.lines.some((l) => l.includes('flatten on stop: flat')));
});

test('without the setting a stop places nothing, and a stop that cannot get flat in time still cancels and ends', async () => {
  const h = makeHarness({ forceReduceOnInventory: false });
  h.port.positions = [position('0.3')];
  await startQuoting(h);
  const before = h.port.placed().length;
  const stopped = h.engine.stop();
  await run(h, 8000);
  await stopped;
  assert.equal(h.port.placed().length, before);

  const h2 = makeHarness({ forceReduceOnInventory: false, flattenOnStop: true });
  h2.port.positions = [position('0.3')];
  await startQuoting(h2);
  const stopped2 = h2.engine.stop();
  await run(h2, 12_000);
  await stopped2;
  assert.ok(h2.port.placed().some((r) => r.timeInForce === 'IOC' && r.reduceOnly));
  assert.ok(h2.port.names().includes('cancelAll'));
  assert.ok(h2.logger.lines.some((l) => l.includes('flatten on stop: still holding SOL_USDC_PERP 0.3')));
});

// ---------------------------------------------------------------- loss limits

test('a hit loss limit survives a kill -9 and a restart; a plain resume keeps it, resume --reset-limits releases it', async () => {
  const journal = new MemJournal();
  const runState = new MemRunState();
  const h1 = makeHarness({ sessionLossLimit: D(100), dailyLossLimit: D(500) }, { journal, runState });
  await startQuoting(h1);
  payFee(h1, 'a', '120');
  await settle();
  assert.equal(h1.engine.view.lossLimitHit, true);
  assert.ok(h1.engine.view.alerts.isActive('loss-limit:session'));
  assert.equal(h1.engine.snapshot().symbols[0]!.mode, 'REDUCING');
  assert.match(h1.engine.snapshot().symbols[0]!.modeReason ?? '', /session loss limit/);
  assert.equal(runState.state.limits?.sessionHit, true);
  // kill -9: no stop(), the next process starts from the same journal and run state
  const h2 = makeHarness({ sessionLossLimit: D(100), dailyLossLimit: D(500) }, { journal, runState, clock: new VirtualClock(T0 + HOUR) });
  await startQuoting(h2);
  assert.equal(h2.engine.view.lossLimitHit, true, 'still hit after the restart');
  assert.ok(h2.engine.view.alerts.isActive('loss-limit:session'));
  assert.equal(h2.port.placed().filter((r) => !r.reduceOnly).length, 0, 'no opening quote after the restart');
  const snap = h2.engine.snapshot();
  assert.equal(snap.limits.session.hit, true);
  assert.equal(snap.limits.session.pnl, '0', 'the new session counts from this start');
  assert.equal(snap.limits.daily.pnl, '-120', 'the day counts across the restart');
  const stats = await h2.engine.command(cmd('stats'));
  assert.equal(((stats as { data: { total: { lossLimits: { session: { hit: boolean } } } } }).data.total.lossLimits.session.hit), true);
  await h2.engine.command(cmd('flush'));
  assert.match(h2.log.blocks.at(-1)!, /Loss limits: session 0\.000000 of -100 \(HIT at 2026-01-01T00:00:00\.000Z\) \| daily \(UTC 2026-01-01\) -120\.000000 of -500 \(ok\)/);
  const plain = await h2.engine.command(cmd('resume'));
  assert.ok(plain.ok && /session loss limit still hit/.test(plain.message));
  assert.equal(h2.engine.view.lossLimitHit, true);
  const reset = await h2.engine.command(cmd('resume', { resetLimits: true }));
  assert.ok(reset.ok && /loss limits reset/.test(reset.message));
  await settle();
  assert.equal(h2.engine.view.lossLimitHit, false);
  assert.equal(h2.engine.view.alerts.isActive('loss-limit:session'), false);
  assert.equal(runState.state.limits?.sessionHit, false);
  assert.ok(h2.port.placed().some((r) => !r.reduceOnly), 'opening quotes again');
});

test('the daily limit counts across restarts (a crash loop gets no fresh budget) and the UTC day rolling over releases it', async () => {
  const journal = new MemJournal();
  const runState = new MemRunState();
  const limits = { sessionLossLimit: D(100), dailyLossLimit: D(150) };
  const h1 = makeHarness(limits, { journal, runState, clock: new VirtualClock(T0 + 20 * HOUR) });
  await startQuoting(h1);
  payFee(h1, 'a', '90');
  await settle();
  assert.equal(h1.engine.view.lossLimitHit, false);
  const h2 = makeHarness(limits, { journal, runState, clock: new VirtualClock(T0 + 21 * HOUR) });
  await startQuoting(h2);
  payFee(h2, 'b', '70');
  await settle();
  assert.ok(h2.engine.view.alerts.isActive('loss-limit:daily'), 'daily: 160 lost today');
  assert.equal(h2.engine.view.alerts.isActive('loss-limit:session'), false, 'session: only 70 since this start');
  assert.equal(runState.state.limits?.dailyHit, true);
  // the day rolls over while running
  h2.clock.advance(3 * HOUR);
  await settle();
  assert.equal(h2.engine.view.lossLimitHit, false);
  assert.equal(h2.engine.view.alerts.isActive('loss-limit:daily'), false);
  assert.equal(runState.state.limits?.day, '2026-01-02');
  assert.equal(h2.engine.snapshot().limits.daily.pnl, '0');
  // a limit of 0 is off
  const h3 = makeHarness({ sessionLossLimit: D(0), dailyLossLimit: D(0) });
  await startQuoting(h3);
  payFee(h3, 'c', '10000');
  await settle();
  assert.equal(h3.engine.view.lossLimitHit, false);
});

// ---------------------------------------------------------------- run state

test('a run state that cannot be read starts PAUSED with a critical alert naming the file and the fix; the bad file is kept', async () => {
  const home = mkdtempSync(join(tmpdir(), 'th-rs-eng-'));
  writeFileSync(runStatePath(home), '{"globalMode":"ACTIV');
  const store = new FileRunStateStore(home);
  const h = makeHarness({}, { runState: store as unknown as MemRunState });
  await startQuoting(h);
  assert.equal(h.engine.view.globalMode, 'PAUSED');
  assert.equal(h.port.placed().length, 0, 'nothing placed');
  const a = h.engine.view.alerts.list().find((x) => x.id === 'runstate-invalid')!;
  assert.equal(a.level, 'critical');
  assert.ok(a.active);
  assert.ok(a.message.includes(runStatePath(home)), a.message);
  assert.match(a.message, /kept as .*run-state\.json\.bad-/);
  assert.match(a.message, /resume/);
  const kept = readdirSync(home).filter((f) => f.includes('.bad-'));
  assert.equal(readFileSync(join(home, kept[0]!), 'utf8'), '{"globalMode":"ACTIV');
  assert.equal(JSON.parse(readFileSync(runStatePath(home), 'utf8')).globalMode, 'PAUSED', 'a valid state is written beside it');
  // the operator resumes: trading starts and the next start is normal
  await h.engine.command(cmd('resume'));
  await settle();
  assert.equal(h.port.placed().length, 1);
  assert.equal(new FileRunStateStore(home).load().globalMode, 'ACTIVE');
});

// ---------------------------------------------------------------- fee rates

test('fee rates are re-read hourly and after UTC midnight; a change is a notice in the alerts and log.txt, and the tier shown follows the rates', async () => {
  const h = makeHarness({}, { clock: new VirtualClock(T0 + 22 * HOUR + 30 * 60_000) });
  await startQuoting(h);
  const reads = () => h.port.names().filter((n) => n === 'getAccountFees').length;
  assert.equal(reads(), 1);
  assert.equal(h.engine.snapshot().tier.current, 'Tier 1', 'the account pays the table rates of Tier 1');
  await run(h, HOUR - 1000, 1000);
  assert.equal(reads(), 1);
  h.port.fees = { ...h.port.fees, futuresMakerFeeBps: D('1.9'), futuresTakerFeeBps: D('4.5') };
  await run(h, 2000, 1000);
  assert.equal(reads(), 2, 'hourly');
  const notice = h.engine.view.alerts.list().find((a) => a.id === 'fees')!;
  assert.equal(notice.level, 'info');
  assert.equal(notice.message, 'account fee rates changed: futures maker 2 -> 1.9 bps, futures taker 5 -> 4.5 bps');
  assert.equal(h.engine.snapshot().tier.current, 'Tier 2');
  assert.equal(h.engine.snapshot().tier.makerFeeBps, '1.9');
  await h.engine.command(cmd('flush'));
  const block = h.log.blocks.at(-1)!;
  // In whichever block followed it (the periodic one waits for its equity read, so it may take the line).
  assert.match(h.log.blocks.join(''), /ALERT INFO \[fees\] account fee rates changed/);
  assert.match(block, /Tier: Tier 2 \(maker 1\.9 bps, taker 4\.5 bps\)/);
  // 23:30 -> the next read is at 00:02 (after midnight), not at 00:30
  h.port.fees = { ...h.port.fees, futuresMakerFeeBps: D('1.5'), futuresTakerFeeBps: D('3.8') };
  await run(h, 30 * 60_000, 1000);
  assert.equal(reads(), 2);
  await run(h, 3 * 60_000, 1000);
  assert.equal(reads(), 3, 'after midnight');
  assert.equal(h.engine.snapshot().tier.current, 'maker 1.5/taker 3.8 bps', 'rates of no table tier: shown as they are');
  await h.engine.command(cmd('flush'));
  assert.match(h.log.blocks.at(-1)!, /Tier: maker 1\.5\/taker 3\.8 bps \(maker 1\.5 bps, taker 3\.8 bps: the account's rates, not a tier of the table\)/);
  // a failed read is retried a minute later, and keeps the rates it had
  h.port.feesFail = true;
  await run(h, HOUR, 1000);
  const failedAt = reads();
  await run(h, 61_000, 1000);
  assert.equal(reads(), failedAt + 1);
  assert.equal(h.engine.snapshot().tier.makerFeeBps, '1.5');
});
