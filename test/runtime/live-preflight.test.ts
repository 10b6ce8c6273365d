// Live mode refuses to start for the reasons `check` would fail: one line naming what to fix, exit 2, and
// nothing placed at the exchange (here the paper exchange stands in for Backpack, reached with live keys).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../src/sim/index.js';
import { generateKeyPair } from '../../src/exchange/backpack/signing.js';

const root = new URL('../..', import.meta.url).pathname;

function runCore(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/tierhunter.js'), 'run'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

for (const c of [
  { name: 'order size below a market minimum', env: { TIERHUNTER_ORDER_NOTIONAL: '0.0001' }, expect: /TIERHUNTER_ORDER_NOTIONAL/ },
  { name: 'a symbol the exchange does not list', env: { TIERHUNTER_SYMBOLS: 'SOL_USDC_PERP,DOGE_USDC_PERP' }, expect: /DOGE_USDC_PERP is not a market/ },
]) {
  test(`live run refuses to start: ${c.name}`, { timeout: 60_000 }, async () => {
    const sim = await startSim({ port: 0, seed: 3 });
    const kp = generateKeyPair();
    try {
      const r = await runCore({
        TIERHUNTER_HOME: mkdtempSync(join(tmpdir(), 'th-preflight-')),
        TIERHUNTER_LOG_FILE: join(mkdtempSync(join(tmpdir(), 'th-preflight-log-')), 'log.txt'),
        BPX_API_KEY: kp.apiKey,
        BPX_API_SECRET: kp.secret,
        BPX_REST_URL: sim.restUrl,
        BPX_WS_URL: sim.wsUrl,
        ...c.env,
      });
      assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${r.stderr}`);
      assert.match(lines[0]!, c.expect);
      assert.ok(!r.stdout.includes(kp.secret) && !r.stderr.includes(kp.secret), 'no secret in the output');
      assert.deepEqual(sim.exchange.orderHistory(kp.apiKey, {}), [], 'nothing was placed');
    } finally {
      await sim.stop();
    }
  });
}
