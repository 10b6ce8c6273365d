// Scenario 6 (kill -9 of the core while orders rest and fills arrive) and the secret scan, on the REAL
// core process (`node bin/tierhunter.js run`) trading live-style against a paper exchange this test runs
// (BPX_REST_URL/BPX_WS_URL + a generated key pair). After a restart, orphans are cancelled before anything
// new is placed and cumulative stats equal the exchange's records; nothing the core wrote anywhere
// contains its secret; the core listens on no TCP port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { generateKeyPair } from '../../src/exchange/backpack/signing.js';
import { ControlClient } from '../../src/control/client.js';
import { defaultSocketPath } from '../../src/control/socket-file.js';
import { FileJournal, defaultJournalPath } from '../../src/runtime/journal.js';
import { secretVariants } from '../../src/runtime/logger.js';
import { D } from '../../src/util/decimal.js';
import { CLIENT_ID_NAMESPACE } from '../../src/core/client-ids.js';
import { recordMismatches, reduceOnlyFlips, liveViolations, type CoreStatsData } from './invariants.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SYMBOLS = ['SOL_USDC_PERP', 'ETH_USDC_PERP'];
const LIMIT = D(200);

interface Core {
  child: ChildProcess;
  out: string[];
  exited: Promise<number | null>;
}

function startCore(env: NodeJS.ProcessEnv): Core {
  const child = spawn(process.execPath, [join(ROOT, 'bin/tierhunter.js'), 'run'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => out.push(b.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out, exited };
}

async function until(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(20);
  }
  return pred();
}

/** Fill `share` of one resting order of ours (the queue ahead of it first). */
function fill(sim: RunningSim, key: string, share: number, symbol?: string): boolean {
  const ex = sim.exchange;
  const o = ex.openOrders(key).find((x) => symbol === undefined || x.symbol === symbol);
  if (!o || o.price === null || o.quantity === null) return false;
  const m = ex.market(o.symbol)!;
  const ahead = D(ex.queueAhead(key, o.id) ?? '0');
  const rem = D(o.quantity).minus(D(o.executedQuantity));
  let take = rem.mul(share).toDecimalPlaces(m.qs.scale, 1);
  if (take.lte(0)) take = rem;
  ex.takeLiquidity(o.symbol, o.side === 'Bid' ? 'Ask' : 'Bid', ahead.plus(take).toFixed(), o.price!.toFixed());
  return true;
}

/** Listening TCP sockets owned by a process (its fds' socket inodes vs /proc/net/tcp{,6} LISTEN rows). */
function tcpListeners(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // fd closed meanwhile
    }
  }
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length > 9 && c[3] === '0A' && inodes.has(c[9]!)) out.push(`${f} ${c[1]}`);
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

test('6. kill -9 while orders rest and fills arrive: orphans cancelled before anything new, stats equal the exchange; no secret anywhere; no TCP listener', { timeout: 120_000 }, async () => {
  const sim = await startSim({ port: 0, seed: 61 });
  const kp = generateKeyPair();
  const key = kp.apiKey;
  const home = mkdtempSync(join(tmpdir(), 'th-kill9-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    TIERHUNTER_HOME: home,
    BPX_API_KEY: kp.apiKey,
    BPX_API_SECRET: kp.secret,
    BPX_REST_URL: sim.restUrl,
    BPX_WS_URL: sim.wsUrl,
    TIERHUNTER_SYMBOLS: SYMBOLS.join(','),
    TIERHUNTER_LOG_FILE: join(home, 'log.txt'),
    TIERHUNTER_MAX_POSITION_NOTIONAL: LIMIT.toString(),
    TIERHUNTER_SESSION_LOSS_LIMIT: '0',
    TIERHUNTER_STATS_LOG_INTERVAL_SEC: '1',
    TIERHUNTER_SUMMARY_INTERVAL_SEC: '1',
  };
  const violations: string[] = [];
  const watch = setInterval(() => violations.push(...liveViolations(sim.exchange, key, LIMIT)), 10);
  const seen: Array<{ type: string; id: string; status: string }> = [];
  const unsub = sim.exchange.subscribe({ order: (e) => e.account === key && seen.push({ type: e.type, id: e.order.id, status: e.order.status }) });
  const socketText: string[] = [];
  let first: Core | null = null;
  let second: Core | null = null;
  try {
    // ---- first run: quote, take fills, then kill -9 while orders rest.
    first = startCore(env);
    assert.ok(await until(() => sim.exchange.openOrders(key).length >= 2, 40_000), `the core quotes\n${first.out.join('')}`);
    for (let i = 0; i < 10; i++) {
      fill(sim, key, i % 2 === 0 ? 0.5 : 1);
      await sleep(150);
    }
    assert.ok(await until(() => SYMBOLS.every((s) => sim.exchange.openOrders(key).some((o) => o.symbol === s)), 10_000), 'orders rest on both symbols');
    const fillsBeforeKill = sim.exchange.fills(key, { limit: 1e9 }).length;
    assert.ok(fillsBeforeKill > 0, 'fills before the kill');
    first.child.kill('SIGKILL');
    await first.exited;
    // A fill arrives while the core is dead; one orphan stays resting.
    assert.ok(fill(sim, key, 0.5), 'fill while down');
    // The killed core's orders rest at the touch, where the live paper market may fill every one of them
    // before a slow restart gets to them. One of them is moved far from the market (one working order per
    // symbol still), where it cannot be filled, so the restarted core always has an orphan to cancel.
    for (const o of sim.exchange.openOrders(key, 'SOL_USDC_PERP')) assert.ok(sim.exchange.cancelOrder(key, o.symbol, { orderId: o.id }).ok);
    const bestBid = D(sim.exchange.depth('SOL_USDC_PERP')!.bids.at(-1)![0]);
    const deepPrice = bestBid.mul('0.95').toDecimalPlaces(2, 1).toFixed(2);
    const deep = sim.exchange.placeOrder(key, { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: deepPrice, quantity: '0.1', postOnly: true, clientId: ((CLIENT_ID_NAMESPACE << 24) >>> 0) + 77 });
    assert.ok(deep.ok, `a deep orphan rests: ${JSON.stringify(deep)}`);
    const orphans = new Set(sim.exchange.openOrders(key).map((o) => o.id));
    assert.ok(orphans.size >= 1, 'orders were left resting by the killed core');
    const mark = seen.length;

    // ---- restart: orphans first, then quoting; stats equal the exchange.
    second = startCore(env);
    assert.ok(await until(() => seen.slice(mark).some((e) => e.type === 'orderAccepted' && !orphans.has(e.id)), 40_000), `the restarted core quotes\n${second.out.join('')}`);
    const after = seen.slice(mark);
    const firstNew = after.findIndex((e) => e.type === 'orderAccepted' && !orphans.has(e.id));
    for (const id of orphans) {
      // Cancelled by the restarted core, or filled by the market before it got to it.
      const gone = after.findIndex((e) => e.id === id && (e.type === 'orderCancelled' || e.status === 'Filled'));
      assert.ok(gone >= 0 && gone < firstNew, `orphan ${id} gone (at ${gone}) before the first new order (at ${firstNew}): ${JSON.stringify(after.slice(0, 10))}`);
    }
    assert.ok(after.some((e) => orphans.has(e.id) && e.type === 'orderCancelled'), 'the restarted core cancelled orphans');
    assert.ok(tcpListeners(second.child.pid!).length === 0, `the core listens on no TCP port: ${tcpListeners(second.child.pid!).join(', ')}`);
    for (let i = 0; i < 6; i++) {
      fill(sim, key, 1);
      await sleep(150);
    }
    // Garbage on the control socket (malformed JSON, an unknown command, a 2 MB line) does not disturb trading.
    const accepted = () => seen.filter((e) => e.type === 'orderAccepted').length;
    const acceptedBefore = accepted();
    await new Promise<void>((resolve) => {
      const raw = createConnection({ path: defaultSocketPath(home) });
      raw.on('error', () => resolve());
      raw.on('close', () => resolve());
      raw.on('connect', () => {
        raw.write('{"type":"cmd","id":"1","name":"rm -rf"}\nnot json at all\n');
        raw.write('x'.repeat(2_000_000) + '\n', () => setTimeout(() => raw.destroy(), 200));
      });
    });
    assert.equal(second.child.exitCode, null, 'the core is still running');
    for (let i = 0; i < 4; i++) {
      fill(sim, key, 1);
      await sleep(150);
    }
    assert.ok(await until(() => accepted() > acceptedBefore, 10_000), 'the core keeps quoting after the garbage');
    const client = await ControlClient.connect(defaultSocketPath(home));
    client.onMessage((m) => socketText.push(JSON.stringify(m)));
    const paused = await client.request('pause');
    assert.equal(paused.ok, true);
    assert.ok(await until(() => sim.exchange.openOrders(key).length === 0, 15_000), 'paused: nothing rests');
    await sleep(1500);
    const stats = await client.request('stats');
    const snap = await client.request('snapshot');
    socketText.push(JSON.stringify(stats), JSON.stringify(snap));
    assert.ok(stats.ok && snap.ok);
    const snapshot = (snap as unknown as { data: { symbols: Array<{ symbol: string; position: string }> } }).data;
    const positions = Object.fromEntries(snapshot.symbols.map((s) => [s.symbol, s.position]));
    const journal = new FileJournal(defaultJournalPath(home)).load();
    const problems = recordMismatches({ ex: sim.exchange, key, symbols: SYMBOLS, stats: (stats as unknown as { data: CoreStatsData }).data, positions, journal });
    assert.deepEqual(problems, [], second.out.join('').slice(-3000));
    assert.ok(sim.exchange.fills(key, { limit: 1e9 }).length > fillsBeforeKill, 'fills across the restart');
    client.close();

    // ---- graceful stop: exit 0, everything cancelled.
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
    assert.deepEqual(sim.exchange.openOrders(key), []);
    assert.deepEqual(violations.slice(0, 5), []);
    assert.deepEqual(reduceOnlyFlips(sim.exchange, key), []);

    // ---- secrets: nowhere in stdout/stderr (pm2 logs), log.txt, the journal, run state, the socket.
    const variants = secretVariants(kp.secret);
    assert.ok(variants.length >= 3, 'the secret has several spellings to look for');
    const corpus: Array<[string, string]> = [
      ['first run stdout/stderr', first.out.join('')],
      ['second run stdout/stderr', second.out.join('')],
      ['control socket', socketText.join('\n')],
    ];
    for (const f of filesUnder(home)) corpus.push([f, readFileSync(f, 'latin1')]);
    // The graceful stop compacted the journal: its checkpoint (and any segment) are scanned too.
    assert.ok(corpus.some(([n]) => n.endsWith('log.txt')) && corpus.some(([n]) => n.endsWith('journal/checkpoint.json')), 'log.txt and the journal were scanned');
    const leaks = corpus.filter(([, text]) => variants.some((v) => text.includes(v))).map(([n]) => n);
    assert.deepEqual(leaks, [], 'the secret leaked');
  } finally {
    clearInterval(watch);
    unsub();
    for (const c of [first, second]) if (c && c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await sim.stop();
    rmSync(home, { recursive: true, force: true });
  }
});
