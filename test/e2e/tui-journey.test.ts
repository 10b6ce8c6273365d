// Issue 5, acceptance 3: the operator's journey through `tierhunter attach` against a real headless paper
// core. Keys go in with tmux send-keys; each step checks the screen AND what the core and the paper
// exchange really did: p cancels the symbol's order at the exchange, i turns inventory forcing off in the
// core, l appends a stats block to log.txt, f+y brings the position to 0, q detaches and leaves the core
// running; SIGTERM then stops the core with exit 0 and nothing left resting at the exchange.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { D } from '../../src/util/decimal.js';
import {
  BIN, Cleanup, PaperExchange, attachInTmux, cleanEnv, escapeRe, fileSize, isAlive, logOf, ordersLeftAtExchange, processesWithEnv,
  requireTmux, rowRe, run, snapshot, socketPathOf, startHeadlessCore, statsBlocks, symbolView, tempDir, waitUntil, withDeadline,
} from './helpers.js';

const SOL = 'SOL_USDC_PERP';
const BTC = 'BTC_USDC_PERP';

test('tui journey: attach to a headless paper core; p, i, l, f+y, q do what the screen says; SIGTERM leaves nothing resting', { timeout: 120_000 }, async () => {
  requireTmux();
  const c = new Cleanup();
  try {
    const home = tempDir(c, 'th-e2e-tui-');
    const logFile = logOf(home);
    const core = startHeadlessCore(c, home);

    // The core is up and quoting the first symbol at the exchange.
    await waitUntil('the core to answer on its socket', async () => (await snapshot(home)).symbols.length === 3, 30_000);
    const ex = await PaperExchange.of(home);
    await waitUntil(`an open ${SOL} order at the paper exchange`, async () => (await ex.openOrders(SOL)).length === 1, 20_000);

    const tui = attachInTmux(c, home);
    const first = await tui.waitFor(/PAPER[\s\S]*SOL_USDC_PERP[\s\S]*BTC_USDC_PERP[\s\S]*ETH_USDC_PERP/, 30_000);
    assert.match(first, rowRe(SOL, 'ACTIVE'), 'SOL is listed ACTIVE');
    assert.match(first, new RegExp(`pid ${core.pid}\\b`), 'the header names the core it attached to');

    // p: the selected (first) symbol pauses; the core cancels its order at the exchange; others keep quoting.
    tui.sendKeys('p');
    await tui.waitFor(rowRe(SOL, 'PAUSED'), 10_000);
    await tui.waitFor(/paused SOL_USDC_PERP/, 5_000);
    await waitUntil(`${SOL} PAUSED with no working order in the core`, async () => {
      const v = symbolView(await snapshot(home), SOL);
      return v.mode === 'PAUSED' && v.order === null;
    }, 10_000);
    await waitUntil(`no open ${SOL} order at the exchange`, async () => (await ex.openOrders(SOL)).length === 0, 10_000);
    await waitUntil(`${BTC} still quoting at the exchange`, async () => (await ex.openOrders(BTC)).length === 1, 10_000);
    assert.equal((await ex.openOrders(SOL)).length, 0, 'a paused symbol stays without orders');

    // i: inventory forcing off, on screen and in the core.
    assert.equal((await snapshot(home)).forceInventory, true, 'forcing starts on (default)');
    tui.sendKeys('i');
    await tui.waitFor(/inventory forcing OFF/, 10_000);
    await waitUntil('forceInventory false in the core', async () => (await snapshot(home)).forceInventory === false, 10_000);

    // l: a stats block appended to log.txt, and the screen says where.
    const blocksBefore = statsBlocks(logFile).length;
    const sizeBefore = fileSize(logFile);
    tui.sendKeys('l');
    await tui.waitFor(escapeRe(`stats written to ${logFile}`), 10_000);
    await waitUntil('a new stats block in log.txt', () => statsBlocks(logFile).length === blocksBefore + 1, 5_000);
    assert.ok(fileSize(logFile) > sizeBefore, 'log.txt grew');

    // f then y on the second symbol, once it holds a position: flat at the exchange, then PAUSED.
    tui.sendKeys('j');
    await waitUntil(`a ${BTC} position to flatten`, async () => !D(await ex.position(BTC)).isZero(), 30_000, 50);
    tui.sendKeys('f');
    await tui.waitFor(/flatten BTC_USDC_PERP\? y to confirm/, 5_000);
    tui.sendKeys('y');
    await tui.waitFor(/flattening BTC_USDC_PERP/, 10_000);
    await waitUntil(`${BTC} flat and PAUSED in the core`, async () => {
      const v = symbolView(await snapshot(home), BTC);
      return v.mode === 'PAUSED' && D(v.position).isZero() && v.order === null;
    }, 30_000);
    await waitUntil(`${BTC} flat with no open order at the exchange`, async () => D(await ex.position(BTC)).isZero() && (await ex.openOrders(BTC)).length === 0, 10_000);
    await tui.waitFor(rowRe(BTC, 'PAUSED'), 5_000);

    // q: attach exits 0; the core keeps running and answers `tierhunter ctl stats` (the real binary).
    tui.sendKeys('q');
    await tui.waitFor(/\[exited 0\]/, 10_000);
    assert.ok(isAlive(core.pid), 'detaching does not stop the core');
    const ctlRun = await run(process.execPath, [BIN, 'ctl', 'stats'], { env: cleanEnv({ TIERHUNTER_HOME: home }) });
    assert.equal(ctlRun.code, 0, ctlRun.stderr);
    const total = (JSON.parse(ctlRun.stdout) as { total: { fills: number } }).total;
    assert.ok(total.fills > 0, 'the core traded');
    const stillQuoting = await waitUntil('the core still quoting after detach', async () => (await ex.openOrders()).length > 0, 10_000);
    assert.ok(stillQuoting);

    // SIGTERM: orderly stop, exit 0, nothing resting at the exchange, a final block, socket removed.
    assert.ok(processesWithEnv('TIERHUNTER_HOME', home).some((p) => p.startsWith(`${core.pid}:`)), 'control: the process scan sees the running core');
    const blocksAtStop = statsBlocks(logFile).length;
    process.kill(core.pid, 'SIGTERM');
    const exit = await withDeadline('the core to exit after SIGTERM', core.exited, 15_000);
    assert.deepEqual(exit, { code: 0, signal: null }, core.output().slice(-2000));
    assert.deepEqual(ordersLeftAtExchange(home), [], 'no order left at the paper exchange');
    assert.equal(statsBlocks(logFile).length, blocksAtStop + 1, 'final stats block written');
    assert.equal(existsSync(socketPathOf(home)), false, 'control socket removed');
    assert.deepEqual(processesWithEnv('TIERHUNTER_HOME', home), [], 'nothing left running');
  } finally {
    await c.run();
  }
});
