// State file: a restarted paper exchange keeps accounts; CLI argument parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../src/sim/index.js';
import { parseSimArgs } from '../../src/cli/sim.js';
import { fillLogPath } from '../../src/sim/server/fill-log.js';
import { call, newKey } from './helpers.js';

test('positions, collateral, fills and order history survive a restart via the state file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'th-sim-'));
  const file = join(dir, 'sim-state.json');
  const key = newKey();
  try {
    const a = await startSim({ port: 0, seed: 2, stateFile: file });
    const r = await call(a.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Market', quantity: '2', clientId: 9 } });
    assert.equal(r.status, 200, r.text);
    await call(a.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: '150.00', quantity: '1', clientId: 10 } });
    const before = (await call(a.restUrl, 'GET', '/api/v1/capital', { key, instruction: 'balanceQuery' })).body as any;
    await a.stop();
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    // The file records what was still resting when it was written (read-only evidence, not restored).
    const saved = JSON.parse(await readFile(file, 'utf8')) as { accounts: Array<{ key: string; openAtSave?: Array<{ clientId?: number }> }> };
    assert.deepEqual(saved.accounts.find((acc) => acc.key === key.apiKey)?.openAtSave?.map((o) => o.clientId), [10]);
    const b = await startSim({ port: 0, seed: 2, stateFile: file });
    const pos = (await call(b.restUrl, 'GET', '/api/v1/position', { key, instruction: 'positionQuery' })).body as any[];
    assert.equal(pos[0].netQuantity, '2.00');
    const fills = (await call(b.restUrl, 'GET', '/wapi/v1/history/fills', { key, instruction: 'fillHistoryQueryAll' })).body as any[];
    assert.ok(fills.length >= 1 && fills.every((f) => f.clientId === '9'));
    const hist = (await call(b.restUrl, 'GET', '/wapi/v1/history/orders', { key, instruction: 'orderHistoryQueryAll' })).body as any[];
    assert.equal(hist.find((o) => o.clientId === 10).status, 'Cancelled', 'open orders do not survive a restart');
    const after = (await call(b.restUrl, 'GET', '/api/v1/capital', { key, instruction: 'balanceQuery' })).body as any;
    assert.equal(after.USDC.available, before.USDC.available);
    await b.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('CLI flags parse, including faults; bad values are explained', () => {
  const a = parseSimArgs(['--port', '0', '--seed', '7', '--latency', '50', '--error-rate=0.1', '--collateral', '5000']);
  assert.ok(typeof a !== 'string');
  assert.equal(a.seed, 7);
  assert.deepEqual(a.faults, { latencyMs: 50, errorRate: 0.1 });
  assert.equal(a.collateral, '5000');
  assert.match(parseSimArgs(['--error-rate', '3']) as string, /between 0 and 1/);
  assert.match(parseSimArgs(['--bogus', '1']) as string, /unknown option --bogus/);
  assert.match(parseSimArgs(['--port']) as string, /needs a value/);
});

test('retention: a long-running paper exchange keeps the newest fills and finished orders only, in memory and in its state file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'th-sim-'));
  const file = join(dir, 'sim-state.json');
  const key = newKey();
  const running: Array<{ stop(): Promise<void> }> = [];
  try {
    const a = await startSim({ port: 0, seed: 3, stateFile: file, exchange: { fillLimit: 4, historyLimit: 3 } });
    running.push(a);
    for (let i = 0; i < 12; i++) {
      const r = await call(a.restUrl, 'POST', '/api/v1/order', { key, instruction: 'orderExecute', params: { symbol: 'SOL_USDC_PERP', side: i % 2 ? 'Ask' : 'Bid', orderType: 'Market', quantity: '0.1', clientId: 100 + i } });
      assert.equal(r.status, 200, r.text);
    }
    const fills = a.exchange.fills(key.apiKey, { limit: 1000, sortDirection: 'Asc' });
    assert.ok(fills.length >= 4 && fills.length < 8, `fills kept: ${fills.length} (limit 4, trimmed in batches)`);
    assert.equal(String(fills[fills.length - 1]!.clientId), '111', 'the newest fill is kept');
    const hist = a.exchange.orderHistory(key.apiKey, { limit: 1000 });
    assert.ok(hist.length >= 3 && hist.length < 6, `finished orders kept: ${hist.length} (limit 3)`);
    // Positions are not history: 6 buys and 6 sells of 0.1 leave the account flat whatever was trimmed.
    assert.ok(a.exchange.positions(key.apiKey).every((p) => Number(p.netQuantity) === 0));
    await a.stop();
    const saved = JSON.parse(await readFile(file, 'utf8')) as { accounts: Array<{ key: string; fills?: unknown[]; fillEnd: number; history: unknown[] }> };
    const acc = saved.accounts.find((x) => x.key === key.apiKey)!;
    assert.equal(acc.fills, undefined, 'fills are not in the state file (it is rewritten every 10 s)');
    assert.ok(acc.fillEnd >= 12, `the state names the fills it covers: ${acc.fillEnd}`);
    const logged = (await readFile(fillLogPath(file), 'utf8')).trim().split('\n').flatMap((l) => (JSON.parse(l) as { r: unknown[] }).r);
    assert.ok(logged.length < 8 && acc.history.length < 6, `the state holds the trimmed history (${logged.length} fills logged)`);
    // A state saved with more than the limits is cut on load.
    const b = await startSim({ port: 0, seed: 3, stateFile: file, exchange: { fillLimit: 2, historyLimit: 2 } });
    running.push(b);
    assert.equal(b.exchange.fills(key.apiKey, { limit: 1000 }).length, 2);
    assert.equal(b.exchange.orderHistory(key.apiKey, { limit: 1000 }).length, 2);
  } finally {
    for (const r of running) await r.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
