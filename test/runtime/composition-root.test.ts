import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startCore } from '../../src/runtime/composition-root.js';
import { ControlClient } from '../../src/control/client.js';
import { CoreAlreadyRunningError } from '../../src/control/socket-file.js';
import { loadOrCreatePaperKeys } from '../../src/runtime/paper-keys.js';
import type { ServerMessage, Snapshot } from '../../src/control/protocol.js';
import { tempDir } from '../control/fixtures.js';

test('paper core end to end: socket, commands, one core per home, clean stop, state survives a restart', async () => {
  const t = tempDir();
  const lines: string[] = [];
  const env = { TIERHUNTER_HOME: t.dir, TIERHUNTER_LOG_FILE: join(t.dir, 'log.txt'), TIERHUNTER_SIM_SEED: '7' };
  try {
    const core = await startCore({ env, out: (l) => lines.push(l) });
    assert.equal(core.config.runMode, 'paper');
    assert.ok(core.sim);
    assert.equal(statSync(core.socketPath).mode & 0o777, 0o600);

    // A second core on the same home stops at the socket, before touching the exchange.
    await assert.rejects(startCore({ env, out: () => undefined }), (e: unknown) => e instanceof CoreAlreadyRunningError && e.exitCode === 2);

    const c = await ControlClient.connect(core.socketPath);
    // Wait (bounded) until the paper market produced fills.
    const filled = await c.waitFor((m: ServerMessage) => {
      const snap = c.latestSnapshot();
      return (m.type === 'patch' || m.type === 'snapshot') && !!snap && snap.totals.fills > 0;
    }, 20_000);
    assert.ok(filled);
    const stats = await c.request('stats');
    assert.ok(stats.ok);
    const total = (stats.data as { total: Record<string, unknown> }).total;
    for (const k of ['fills', 'makerFills', 'takerFills', 'volume', 'fees', 'realizedPnl']) assert.ok(k in total, `stats.total.${k}`);
    const paused = await c.request('pause', { symbol: 'SOL_USDC_PERP' });
    assert.equal(paused.ok, true);
    c.close();

    await core.stop();
    const keys = loadOrCreatePaperKeys(t.dir);
    assert.deepEqual(core.sim.exchange.openOrders(keys.apiKey), [], 'no order left resting after stop');
    assert.equal(existsSync(core.socketPath), false, 'socket removed');
    const journalled = core.engine.snapshot().totals.fills;
    assert.ok(journalled > 0);
    const log = readFileSync(join(t.dir, 'log.txt'), 'utf8');
    assert.match(log, /Tier Hunter .* start/);
    assert.match(log, /Mode: paper/);

    // Restart on the same home: the pause and the journalled fills come back, nothing counted twice.
    const again = await startCore({ env, out: (l) => lines.push(l) });
    const snap: Snapshot = again.engine.snapshot();
    // The operator's mode (the snapshot shows the effective one, which may be stricter while books sync).
    assert.equal(again.engine.view.syms.get('SOL_USDC_PERP')?.opMode, 'PAUSED');
    assert.equal(again.engine.view.syms.get('BTC_USDC_PERP')?.opMode, 'ACTIVE');
    assert.ok(snap.totals.fills >= journalled, 'journal replayed');
    await again.stop();

    const all = lines.join('\n') + log;
    const secret = loadOrCreatePaperKeys(t.dir).secret;
    assert.ok(!all.includes(secret), 'the paper secret never appears in logs');
  } finally {
    t.cleanup();
  }
});

test('TIERHUNTER_FLATTEN_ON_STOP against the paper exchange: a stop closes every position (paused symbols too) and leaves no order', async () => {
  const t = tempDir();
  const env = {
    TIERHUNTER_HOME: t.dir,
    TIERHUNTER_LOG_FILE: join(t.dir, 'log.txt'),
    TIERHUNTER_SIM_SEED: '11',
    TIERHUNTER_FLATTEN_ON_STOP: 'true',
    // Let inventory build up (no inventory-first exits) so the stop has something to close.
    TIERHUNTER_FORCE_REDUCE_ON_INVENTORY: 'false',
  };
  const lines: string[] = [];
  try {
    const core = await startCore({ env, out: (l) => lines.push(l) });
    const key = loadOrCreatePaperKeys(t.dir).apiKey;
    const deadline = Date.now() + 30_000;
    while (core.sim!.exchange.positions(key).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const held = core.sim!.exchange.positions(key);
    assert.ok(held.length > 0, 'the paper market gave the core a position');
    // The operator pauses everything first: a stop flatten still closes the positions.
    await core.engine.command({ name: 'pause' });
    const t0 = Date.now();
    await core.stop();
    const took = Date.now() - t0;
    assert.deepEqual(core.sim!.exchange.positions(key).map((p) => [p.symbol, p.netQuantity]), [], `flat after the stop (held ${held.map((p) => `${p.symbol} ${p.netQuantity}`).join(', ')})`);
    assert.deepEqual(core.sim!.exchange.openOrders(key), []);
    assert.ok(took < 11_000, `the stop took ${took} ms, inside the 11 s shutdown deadline`);
    assert.ok(lines.some((l) => l.includes('flatten on stop: flat')), lines.filter((l) => l.includes('flatten')).join('\n'));
  } finally {
    t.cleanup();
  }
});
