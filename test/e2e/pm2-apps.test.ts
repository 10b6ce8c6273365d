// Issue 6, acceptance 2 and 3: `pm2-runtime start ecosystem.config.cjs` as a container entry point (runs in
// the foreground, stops cleanly on SIGTERM), and two apps from one TIERHUNTER_PM2_APPS file side by side,
// each with its own home, symbols, socket, journal and log.txt, never touching the other's files.
// pm2 always runs with a private PM2_HOME in a temp directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Cleanup, ECOSYSTEM, PM2_RUNTIME_BIN, PaperExchange, Pm2, attachInTmux, isAlive, journalFillCount, journalFills, listFiles, logOf, ordersLeftAtExchange,
  processesWithEnv, requireTmux, snapshot, socketPathOf, spawnTracked, statsBlocks, tempDir, waitUntil, withDeadline,
} from './helpers.js';

test('pm2-runtime runs the core in the foreground and stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
  const c = new Cleanup();
  try {
    const home = tempDir(c, 'th-e2e-rt-');
    const pm2 = new Pm2(c); // private PM2_HOME (and a `pm2 kill` in cleanup, in case)
    const rt = spawnTracked(c, PM2_RUNTIME_BIN, ['start', ECOSYSTEM], { env: pm2.env({ TIERHUNTER_HOME: home, TIERHUNTER_SIM_SEED: '5' }) });
    const snap = await waitUntil('the core under pm2-runtime to answer', async () => snapshot(home), 60_000);
    assert.equal(snap.runMode, 'paper');
    assert.ok(isAlive(rt.pid), 'pm2-runtime stays in the foreground');
    const ex = await PaperExchange.of(home);
    await waitUntil('orders resting at the exchange', async () => (await ex.openOrders()).length > 0, 20_000);
    const blocks = statsBlocks(logOf(home)).length;

    process.kill(rt.pid, 'SIGTERM');
    const exit = await withDeadline('pm2-runtime to exit after SIGTERM', rt.exited, 30_000);
    assert.deepEqual(exit, { code: 0, signal: null }, rt.output().slice(-3000));
    assert.ok(!isAlive(snap.pid), 'the core exited with it');
    assert.deepEqual(ordersLeftAtExchange(home), [], 'zero open orders at the exchange');
    assert.equal(statsBlocks(logOf(home)).length, blocks + 1, 'final stats block written');
    assert.equal(existsSync(socketPathOf(home)), false, 'socket removed');
    assert.deepEqual(processesWithEnv('TIERHUNTER_HOME', home), [], 'nothing left running');
  } finally {
    await c.run();
  }
});

test('two pm2 apps with separate homes run side by side without touching each other\'s files', { timeout: 120_000 }, async () => {
  const c = new Cleanup();
  try {
    const dir = tempDir(c, 'th-e2e-apps-');
    const apps = [
      { name: 'th-sol', home: join(dir, 'sol'), symbol: 'SOL_USDC_PERP', other: 'BTC_USDC_PERP' },
      { name: 'th-btc', home: join(dir, 'btc'), symbol: 'BTC_USDC_PERP', other: 'SOL_USDC_PERP' },
    ];
    const listFile = join(dir, 'accounts.json');
    writeFileSync(listFile, JSON.stringify(apps.map((a) => ({ name: a.name, home: a.home, env: { TIERHUNTER_SYMBOLS: a.symbol } }))));
    const pm2 = new Pm2(c);
    await pm2.must(['start', ECOSYSTEM], { TIERHUNTER_PM2_APPS: listFile });

    // Both online, each answering on its own socket with its own symbols, pid and paper exchange.
    const pids = new Map<string, number>();
    for (const a of apps) {
      const app = await waitUntil(`${a.name} online`, async () => {
        const x = await pm2.app(a.name);
        return x && x.status === 'online' ? x : null;
      }, 60_000);
      const snap = await waitUntil(`${a.name} answering`, async () => snapshot(a.home), 30_000);
      assert.equal(snap.pid, app.pid, `${a.name}: its socket belongs to its process`);
      assert.deepEqual(snap.symbols.map((s) => s.symbol), [a.symbol]);
      assert.equal(snap.logFile, logOf(a.home));
      pids.set(a.name, app.pid);
    }
    assert.notEqual(pids.get('th-sol'), pids.get('th-btc'));
    // Both trade before we stop them, so each journal has something in it.
    for (const a of apps) await waitUntil(`${a.name} fills journaled`, () => journalFillCount(a.home) > 0, 30_000);
    const exSol = await PaperExchange.of(apps[0]!.home);
    const exBtc = await PaperExchange.of(apps[1]!.home);
    assert.notEqual(exSol.restUrl, exBtc.restUrl, 'separate paper exchanges');

    // The README's way to pick one: attach --socket shows that app's core only.
    requireTmux();
    const btc = apps[1]!;
    const tui = attachInTmux(c, apps[0]!.home, ['--socket', socketPathOf(btc.home)]);
    const screen = await tui.waitFor(new RegExp(`pid ${pids.get(btc.name)}\\b[\\s\\S]*BTC_USDC_PERP\\s+ACTIVE`), 30_000);
    assert.ok(!screen.includes('SOL_USDC_PERP'), `only ${btc.name}'s symbols on its dashboard:\n${screen}`);
    tui.sendKeys('q');
    await tui.waitFor(/\[exited 0\]/, 10_000);

    await pm2.must(['stop', 'all']);
    for (const a of apps) {
      assert.equal((await pm2.app(a.name))?.status, 'stopped');
      assert.deepEqual(ordersLeftAtExchange(a.home), [], `${a.name}: zero open orders`);
      assert.ok(statsBlocks(logOf(a.home)).length >= 1, `${a.name}: final stats block`);
      assert.equal(existsSync(socketPathOf(a.home)), false, `${a.name}: socket removed`);
    }

    // Each home holds exactly its own files, about its own symbol, and never names the other home.
    for (const [i, a] of apps.entries()) {
      const other = apps[1 - i]!;
      const files = listFiles(a.home);
      for (const f of ['log.txt', 'paper-key.json', 'paper-exchange.json']) assert.ok(files.includes(f), `${a.name}: ${f} in ${files.join(',')}`);
      assert.ok(files.some((f) => f.startsWith('journal/')), `${a.name}: journal`);
      for (const f of files) {
        const text = readFileSync(join(a.home, f), 'utf8');
        assert.ok(!text.includes(other.home), `${a.name}: ${f} mentions the other app's home`);
      }
      assert.ok([...journalFills(a.home).keys()].every((s) => s === a.symbol), `${a.name}: journal holds only ${a.symbol}`);
      const log = readFileSync(logOf(a.home), 'utf8');
      assert.match(log, new RegExp(`^Symbols: ${a.symbol}$`, 'm'));
      assert.ok(!log.includes(a.other), `${a.name}: log.txt never mentions ${a.other}`);
      assert.match(log, new RegExp(`PID: ${pids.get(a.name)}\\b`));
    }
    const keySol = readFileSync(join(apps[0]!.home, 'paper-key.json'), 'utf8');
    const keyBtc = readFileSync(join(apps[1]!.home, 'paper-key.json'), 'utf8');
    assert.notEqual(keySol, keyBtc, 'separate paper accounts');

    await pm2.must(['delete', 'all']);
    await pm2.must(['kill']);
    for (const a of apps) {
      await waitUntil(`nothing running with ${a.name}'s home`, () => processesWithEnv('TIERHUNTER_HOME', a.home).length === 0, 10_000);
    }
  } finally {
    await c.run();
  }
});
