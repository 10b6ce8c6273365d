// Issue 6, acceptance 1: the operator's VPS journey under pm2 (a private PM2_HOME, never ~/.pm2).
// pm2 start ecosystem.config.cjs (paper) -> online and ready -> attach in tmux -> p: zero open orders for
// the symbol at the exchange -> l: a new block in log.txt -> pm2 restart: the TUI shows the outage and
// reconnects to the new core, and the cumulative fill count survives exactly (core = journal = exchange)
// -> pm2 stop: zero open orders, a final block -> pm2 delete + kill: nothing left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  Cleanup, ECOSYSTEM, PaperExchange, Pm2, attachInTmux, escapeRe, journalFillCount, logOf, ordersLeftAtExchange, processesWithEnv,
  requireTmux, rowRe, snapshot, socketPathOf, stats, statsBlocks, tempDir, waitUntil, withDeadline, ctl,
} from './helpers.js';

const SOL = 'SOL_USDC_PERP';
const APP = 'tierhunter';

test('pm2 journey: start, attach, p, l, restart keeps the stats, stop leaves nothing resting, delete leaves nothing running', { timeout: 150_000 }, async () => {
  requireTmux();
  const c = new Cleanup();
  try {
    const home = tempDir(c, 'th-e2e-pm2-');
    const logFile = logOf(home); // the ecosystem's default under pm2: $TIERHUNTER_HOME/log.txt
    const pm2 = new Pm2(c);
    // As the README says: TIERHUNTER_HOME set in the shell that runs `pm2 start` reaches the app.
    await pm2.must(['start', ECOSYSTEM], { TIERHUNTER_HOME: home, TIERHUNTER_SIM_SEED: '5' });
    const first = await waitUntil('pm2 to report the app online', async () => {
      const a = await pm2.app(APP);
      return a && a.status === 'online' && a.pid > 0 ? a : null;
    }, 60_000);
    await waitUntil('the core to answer on its socket', async () => (await snapshot(home)).pid === first.pid, 30_000);
    let ex = await PaperExchange.of(home);
    await waitUntil(`an open ${SOL} order at the exchange`, async () => (await ex.openOrders(SOL)).length === 1, 20_000);

    // `pm2 logs` shows the core's timestamped log lines.
    const logs = await pm2.must(['logs', APP, '--nostream', '--lines', '200']);
    assert.match(logs, /Tier Hunter \S+ started \(paper/);

    // The calibrated paper market fills a quote every few seconds, not several times a second: let the
    // core trade before the journey pauses it, so the restart below has fills to keep.
    await waitUntil('the core has fills', async () => (await stats(home)).total.fills > 0, 60_000);

    // Attach and see the dashboard of this core.
    const tui = attachInTmux(c, home);
    await tui.waitFor(new RegExp(`PAPER[\\s\\S]*pid ${first.pid}\\b[\\s\\S]*SOL_USDC_PERP`), 30_000);

    // p: the selected symbol pauses and its order leaves the exchange.
    tui.sendKeys('p');
    await tui.waitFor(rowRe(SOL, 'PAUSED'), 10_000);
    await waitUntil(`zero open ${SOL} orders at the exchange`, async () => (await ex.openOrders(SOL)).length === 0, 10_000);

    // l: a new stats block in log.txt.
    const blocksBeforeFlush = statsBlocks(logFile).length;
    tui.sendKeys('l');
    await tui.waitFor(escapeRe(`stats written to ${logFile}`), 10_000);
    await waitUntil('a new stats block', () => statsBlocks(logFile).length === blocksBeforeFlush + 1, 5_000);

    // Pause everything so the fill count is still while we compare it across the restart.
    tui.sendKeys('P');
    await waitUntil('global mode PAUSED', async () => (await snapshot(home)).globalMode === 'PAUSED', 10_000);
    await waitUntil('zero open orders at the exchange', async () => (await ex.openOrders()).length === 0, 10_000);
    const fillsBefore = await waitUntil('core, journal and exchange to agree on the fill count', async () => {
      const n = (await stats(home)).total.fills;
      return n > 0 && n === journalFillCount(home) && n === (await ex.fillCount()) ? n : null;
    }, 15_000);

    // pm2 restart: the TUI shows the outage, then the new core's dashboard; nothing was counted twice or lost.
    const restart = pm2.must(['restart', APP]);
    await tui.waitFor(/reconnecting|core not running/, 30_000);
    await withDeadline('pm2 restart', restart, 60_000);
    const second = await waitUntil('the restarted app online with a new pid', async () => {
      const a = await pm2.app(APP);
      return a && a.status === 'online' && a.pid !== first.pid ? a : null;
    }, 60_000);
    await tui.waitFor(new RegExp(`pid ${second.pid}\\b`), 30_000);
    const reconnected = tui.capture();
    assert.doesNotMatch(reconnected, /reconnecting|core not running/, 'the banner is gone once reconnected');
    assert.match(reconnected, rowRe(SOL, 'PAUSED'), 'the operator pause survives the restart');
    ex = await PaperExchange.of(home); // the in-process exchange restarted on a new port
    const after = await stats(home);
    assert.equal(after.total.fills, fillsBefore, 'cumulative fills survive the restart');
    assert.equal(journalFillCount(home), fillsBefore, 'journal unchanged');
    assert.equal(await ex.fillCount(), fillsBefore, 'the exchange agrees');

    // Resume so orders rest at the exchange again; pm2 stop must cancel them and write a final block.
    tui.sendKeys('P');
    await waitUntil('global mode ACTIVE', async () => (await snapshot(home)).globalMode === 'ACTIVE', 10_000);
    await waitUntil('open orders again after resume', async () => (await ex.openOrders()).length > 0, 20_000);
    const blocksBeforeStop = statsBlocks(logFile).length;
    await pm2.must(['stop', APP]);
    assert.equal((await pm2.app(APP))?.status, 'stopped');
    assert.deepEqual(ordersLeftAtExchange(home), [], 'zero open orders at the exchange after pm2 stop');
    assert.equal(statsBlocks(logFile).length, blocksBeforeStop + 1, 'a final stats block');
    assert.equal(existsSync(socketPathOf(home)), false, 'socket removed');
    await tui.waitFor(/core not running|reconnecting/, 10_000);
    assert.equal((await ctl(home, 'stats')).code, 3, 'ctl: core not reachable');
    tui.sendKeys('q');
    await tui.waitFor(/\[exited 0\]/, 10_000);
    tui.kill();

    // pm2 delete + kill: nothing left running with this home, no socket.
    await pm2.must(['delete', APP]);
    await pm2.must(['kill']);
    await waitUntil('no process left with this TIERHUNTER_HOME', () => processesWithEnv('TIERHUNTER_HOME', home).length === 0, 10_000)
      .catch((e: Error) => assert.fail(`${e.message}: ${processesWithEnv('TIERHUNTER_HOME', home).join('; ')}`));
    assert.equal(existsSync(socketPathOf(home)), false);
  } finally {
    await c.run();
  }
});
