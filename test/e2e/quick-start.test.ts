// Issue 5 acceptance 4 and issue 6 acceptance 4: the README's quick start from the repository. `npm start`
// (the newcomer's path: core + dashboard in one foreground process, paper mode, no keys) shows live paper
// quoting within 10 seconds, and `q` stops it with no process and no open order left behind. The other
// first commands an operator meets (--help, check, sim) work without keys. (CI runs `npm ci && npm test`
// itself on a fresh clone.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BIN, Cleanup, PaperExchange, cleanEnv, homeVars, inTmux, isAlive, logOf, ordersLeftAtExchange, processesWithEnv,
  requireTmux, run, snapshot, socketPathOf, spawnTracked, statsBlocks, tempDir, waitUntil, withDeadline,
} from './helpers.js';

test('npm start: live paper quoting on the dashboard within 10 s; q leaves no process and no open order', { timeout: 90_000 }, async (t) => {
  requireTmux();
  const c = new Cleanup();
  try {
    const home = tempDir(c, 'th-e2e-npmstart-');
    const launchedAt = Date.now();
    const tui = inTmux(c, 'npm start', homeVars(home));
    // A row with a working order ("Bid 179.98×0.27") means the bot is quoting at the paper exchange.
    const screen = await tui.waitFor(/PAPER[\s\S]*_PERP\s+ACTIVE\s+\S+\s+\S+\s+\S+\s+(Bid|Ask) [\d.,]+.[\d.]+/, 10_000);
    const elapsed = Date.now() - launchedAt;
    assert.match(screen, /SOL_USDC_PERP[\s\S]*BTC_USDC_PERP[\s\S]*ETH_USDC_PERP/);
    t.diagnostic(`npm start: live paper quoting on screen ${elapsed} ms after launch`);

    // What the screen says is real: the core answers on its socket and its orders rest at the exchange.
    const snap = await snapshot(home);
    assert.equal(snap.runMode, 'paper');
    const ex = await PaperExchange.of(home);
    await waitUntil('open orders at the paper exchange', async () => (await ex.openOrders()).length > 0, 10_000);
    const corePid = snap.pid;
    assert.ok(isAlive(corePid));

    // q: the embedded core stops gracefully (cancel all, final block) and the program exits 0.
    const blocks = statsBlocks(logOf(home)).length;
    tui.sendKeys('q');
    const after = await tui.waitFor(/\[exited \d+\]/, 20_000);
    assert.match(after, /\[exited 0\]/, after);
    await waitUntil(`the core (pid ${corePid}) to be gone`, () => !isAlive(corePid), 5_000);
    assert.deepEqual(processesWithEnv('TIERHUNTER_HOME', home), [], 'nothing left running with this home');
    assert.equal(existsSync(socketPathOf(home)), false, 'control socket removed');
    assert.deepEqual(ordersLeftAtExchange(home), [], 'no open order left at the paper exchange');
    assert.equal(statsBlocks(logOf(home)).length, blocks + 1, 'final stats block written to log.txt');
  } finally {
    await c.run();
  }
});

test('quick-start commands without keys: --help, check (paper), sim --port 0', { timeout: 60_000 }, async () => {
  const c = new Cleanup();
  try {
    const home = tempDir(c, 'th-e2e-cmds-');
    const env = cleanEnv(homeVars(home));

    const help = await run(process.execPath, [BIN, '--help'], { env });
    assert.equal(help.code, 0, help.stderr);
    for (const cmd of ['check', 'sim', 'run', 'attach', 'ctl', 'backtest']) assert.match(help.stdout, new RegExp(`^\\s+${cmd}\\s`, 'm'), `--help lists ${cmd}`);

    // check in paper mode: everything usable against the in-process paper exchange, exit 0, nothing traded.
    const check = await run(process.execPath, [BIN, 'check'], { env });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /paper mode/);
    assert.match(check.stdout, /everything usable/);
    assert.equal(existsSync(socketPathOf(home)), false, 'check starts no core');

    // sim --port 0: prints its ready line with the chosen port; answers; stops on SIGTERM.
    const sim = spawnTracked(c, process.execPath, [BIN, 'sim', '--port', '0'], { env });
    const ready = await waitUntil('the sim ready line', () => /paper exchange ready: REST (http:\/\/127\.0\.0\.1:(\d+))/.exec(sim.output()), 20_000);
    const port = Number(ready[2]);
    assert.ok(port > 0, 'a real port, not 0');
    const res = await fetch(`${ready[1]}/api/v1/markets`);
    assert.equal(res.status, 200);
    const markets = (await res.json()) as Array<{ symbol: string }>;
    assert.ok(markets.some((m) => m.symbol === 'SOL_USDC_PERP'));
    await sleep(50);
    process.kill(sim.pid, 'SIGTERM');
    const exit = await withDeadline('sim to exit on SIGTERM', sim.exited, 10_000);
    assert.deepEqual(exit, { code: 0, signal: null }, sim.output());
  } finally {
    await c.run();
  }
});
