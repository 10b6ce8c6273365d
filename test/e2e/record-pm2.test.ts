// Issue 12, section 1: the tape recorder runs as its own pm2 app. The ecosystem file defines it only when
// TIERHUNTER_RECORD_SYMBOLS asks for it; under pm2 (private PM2_HOME) it records the paper exchange's public
// streams, and `pm2 stop` leaves every tape complete. The paper exchange runs in this test process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { forEachEvent } from '../../src/tape/reader.js';
import type { TapeFooter } from '../../src/tape/types.js';
import { startSimTarget } from '../helpers/sim-target.js';
import { Cleanup, ECOSYSTEM, Pm2, cleanEnv, run, tempDir, waitUntil } from './helpers.js';

const APP = 'tierhunter-record';
const SOL = 'SOL_USDC_PERP';

/** Read a tape to its end: how many events, and the reader (complete, footer). */
async function readWhole(path: string): Promise<{ events: number; complete: boolean; footer: TapeFooter | null }> {
  let events = 0;
  const r = await forEachEvent(path, () => events++);
  return { events, complete: r.complete, footer: r.footer };
}

async function appsOf(env: Record<string, string>): Promise<Array<{ name: string; args: unknown; env: Record<string, string> }>> {
  const r = await run(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(ECOSYSTEM)}).apps))`], { env: cleanEnv(env) });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<{ name: string; args: unknown; env: Record<string, string> }>;
}

test('the recorder app exists only when TIERHUNTER_RECORD_SYMBOLS is set, with its directory and rotation', async () => {
  assert.deepEqual((await appsOf({ TIERHUNTER_HOME: '/srv/a' })).map((a) => a.name), ['tierhunter']);
  const apps = await appsOf({ TIERHUNTER_HOME: '/srv/a', TIERHUNTER_RECORD_SYMBOLS: 'SOL_USDC_PERP,BTC_USDC', TIERHUNTER_RECORD_ROTATE_MINUTES: '15' });
  const rec = apps.find((a) => a.name === APP)!;
  assert.deepEqual(rec.args, ['record', '--symbols', 'SOL_USDC_PERP,BTC_USDC', '--out', '/srv/a/tapes', '--rotate-minutes', '15']);
  // The recorder's own variables choose the app; they reach neither app (the core would reject unknown TIERHUNTER_* names).
  for (const a of apps) assert.ok(!Object.keys(a.env).some((k) => k.startsWith('TIERHUNTER_RECORD_')), `${a.name} env`);
  const custom = (await appsOf({ TIERHUNTER_RECORD_SYMBOLS: 'SOL_USDC', TIERHUNTER_RECORD_DIR: '/data/tapes' })).find((a) => a.name === APP)!;
  assert.deepEqual(custom.args, ['record', '--symbols', 'SOL_USDC', '--out', '/data/tapes', '--rotate-minutes', '60']);
});

test('pm2 runs the recorder as its own app; pm2 stop closes every tape complete', { timeout: 120_000 }, async () => {
  const c = new Cleanup();
  const sim = await startSimTarget({ model: true, markets: [SOL] });
  c.add(() => sim.stop());
  try {
    const home = tempDir(c, 'th-e2e-rec-');
    const dir = join(home, 'tapes');
    const pm2 = new Pm2(c);
    const env = { TIERHUNTER_HOME: home, TIERHUNTER_RECORD_SYMBOLS: SOL, BPX_REST_URL: sim.restUrl, BPX_WS_URL: sim.wsUrl };
    await pm2.must(['start', ECOSYSTEM, '--only', APP], env);
    await waitUntil('pm2 to report the recorder online', async () => (await pm2.app(APP))?.status === 'online', 60_000);
    assert.equal(await pm2.app('tierhunter'), undefined, '--only started the recorder alone');
    // The file is flushed every 2 s while open: it is readable before it is closed.
    const part = await waitUntil('a tape being written', () => readdirSync(dir).find((f) => f.endsWith('.tape.gz.part')) ?? null, 30_000);
    await waitUntil('records in the open tape', async () => ((await readWhole(join(dir, part)).catch(() => null))?.events ?? 0) > 10, 30_000);
    await pm2.must(['stop', APP]);
    const files = readdirSync(dir);
    assert.equal(files.filter((f) => f.endsWith('.part')).length, 0, `closed and renamed: ${files.join(', ')}`);
    assert.equal(files.length, 1);
    const r = await readWhole(join(dir, files[0]!));
    assert.equal(r.complete, true);
    assert.equal(r.footer?.reason, 'shutdown');
    const logs = await pm2.must(['logs', APP, '--nostream', '--lines', '100']);
    assert.match(logs, /\[record\] SOL_USDC_PERP: snapshot \d+ loaded/);
  } finally {
    await c.run();
  }
});
