// Configuration loading and `tierhunter check`, including the acceptance rule: bad keys, a key/secret
// mismatch and an invalid setting give ONE stderr line naming the variable, exit code 2, and send nothing.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { KeyError } from '../../src/exchange/backpack/signing.js';
import { FakeExchange } from '../helpers/fake-exchange.js';

const PUBLIC = 'zDIJj9qneWIY0IYZ5aXoHcNMCm+XDhVcTssiT0HyY0A=';
const SECRET = '4odxgSUxFrC/zsKWZF4OQwYAgnNu9hnWH3NxWfLAPz4=';
const ROOT = new URL('../..', import.meta.url).pathname;

const tmp = () => mkdtempSync(join(tmpdir(), 'th-config-'));

let fx: FakeExchange;
before(async () => {
  fx = await FakeExchange.start();
});
after(async () => {
  await fx.close();
});

test('defaults: paper mode, home created 0700, default endpoints; the conf store and env override settings', () => {
  const home = join(tmp(), 'home');
  const c = loadConfig({ TIERHUNTER_HOME: home });
  assert.equal(c.runMode, 'paper');
  assert.equal(c.keys, null);
  assert.equal(c.home, home);
  assert.equal(statSync(home).mode & 0o777, 0o700);
  assert.equal(c.restUrl, 'https://api.backpack.exchange');
  assert.equal(c.wsUrl, 'wss://ws.backpack.exchange');
  assert.ok(Object.isFrozen(c));
  writeFileSync(join(home, 'settings.json'), JSON.stringify({ orderNotional: '75', symbols: ['SOL_USDC'] }));
  const c2 = loadConfig({ TIERHUNTER_HOME: home, TIERHUNTER_ORDER_NOTIONAL: '80', BPX_API_KEY: PUBLIC, BPX_API_SECRET: SECRET, BPX_REST_URL: 'http://127.0.0.1:1/' });
  assert.equal(c2.settings.orderNotional.toString(), '80');
  assert.deepEqual(c2.settings.symbols, ['SOL_USDC']);
  assert.equal(c2.runMode, 'live');
  assert.equal(c2.keys?.apiKey, PUBLIC);
  assert.equal(c2.restUrl, 'http://127.0.0.1:1');
});

test('bad endpoints, keys and settings raise errors naming the variable (never the secret)', () => {
  const home = tmp();
  const cases: Array<[NodeJS.ProcessEnv, string]> = [
    [{ BPX_REST_URL: 'not a url' }, 'BPX_REST_URL'],
    [{ BPX_WS_URL: 'http://x' }, 'BPX_WS_URL'],
    [{ BPX_API_KEY: PUBLIC }, 'BPX_API_SECRET'],
    [{ BPX_API_SECRET: SECRET }, 'BPX_API_KEY'],
    [{ BPX_API_KEY: '###', BPX_API_SECRET: SECRET }, 'BPX_API_KEY'],
    [{ BPX_API_KEY: PUBLIC, BPX_API_SECRET: 'AAAA' }, 'BPX_API_SECRET'],
    [{ TIERHUNTER_IMBALANCE_THRESHOLD: 'abc' }, 'TIERHUNTER_IMBALANCE_THRESHOLD'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(
      () => loadConfig({ TIERHUNTER_HOME: home, ...env }),
      (e: unknown) =>
        (e instanceof ConfigError ? e.setting === variable : e instanceof KeyError && e.variable === variable) &&
        (e as Error).message.includes(variable) &&
        !(e as Error).message.includes(SECRET),
      variable,
    );
  }
});

test('secret file: must be private; two-line and KEY=VALUE forms', () => {
  const dir = tmp();
  const f = join(dir, 'keys');
  writeFileSync(f, `${PUBLIC}\n${SECRET}\n`, { mode: 0o644 });
  chmodSync(f, 0o644);
  assert.throws(() => loadConfig({ TIERHUNTER_HOME: dir, TIERHUNTER_SECRET_FILE: f }), (e: unknown) => e instanceof ConfigError && e.setting === 'TIERHUNTER_SECRET_FILE' && /chmod 600/.test(e.message));
  chmodSync(f, 0o600);
  assert.equal(loadConfig({ TIERHUNTER_HOME: dir, TIERHUNTER_SECRET_FILE: f }).keys?.apiKey, PUBLIC);
  writeFileSync(f, `# keys\nBPX_API_SECRET="${SECRET}"\nexport BPX_API_KEY=${PUBLIC}\n`);
  assert.equal(loadConfig({ TIERHUNTER_HOME: dir, TIERHUNTER_SECRET_FILE: f }).runMode, 'live');
  writeFileSync(f, 'just one line\n');
  assert.throws(() => loadConfig({ TIERHUNTER_HOME: dir, TIERHUNTER_SECRET_FILE: f }), (e: unknown) => e instanceof ConfigError && e.setting === 'TIERHUNTER_SECRET_FILE');
});

function runCheck(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/tierhunter.js'), 'check', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: tmp(), TIERHUNTER_HOME: tmp(), BPX_REST_URL: fx.restUrl, BPX_WS_URL: fx.wsUrl, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('check: bad base64 key, wrong length, mismatch, invalid setting -> one line naming the variable, exit 2, zero requests', async () => {
  const other = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
  const cases: Array<[Record<string, string>, string]> = [
    [{ BPX_API_KEY: 'not*base64', BPX_API_SECRET: SECRET }, 'BPX_API_KEY'],
    [{ BPX_API_KEY: PUBLIC, BPX_API_SECRET: Buffer.alloc(20, 1).toString('base64') }, 'BPX_API_SECRET'],
    [{ BPX_API_KEY: other, BPX_API_SECRET: SECRET }, 'BPX_API_KEY'],
    [{ TIERHUNTER_IMBALANCE_THRESHOLD: 'abc' }, 'TIERHUNTER_IMBALANCE_THRESHOLD'],
  ];
  const before = fx.requests.length;
  const conns = fx.connections;
  const results = await Promise.all(cases.map(([env]) => runCheck(env)));
  results.forEach((r, i) => {
    const variable = cases[i]![1];
    const lines = r.stderr.trim().split('\n');
    assert.equal(r.code, 2, `${variable}: ${r.stderr}`);
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0]!, new RegExp(variable));
    assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET));
  });
  assert.equal(fx.requests.length - before, 0, 'no request reached the server');
  assert.equal(fx.connections - conns, 0, 'no websocket connection');
});

test('check: usable exchange -> table and exit 0; unknown symbol or too-small order size -> exit 1 with the reason', async () => {
  fx.onSubscribe = (rec, ws) => {
    if (rec.signature === null) ws.send(JSON.stringify({ stream: 'markPrice.SOL_USDC_PERP', data: { e: 'markPrice', E: 1, s: 'SOL_USDC_PERP', p: '180.5', T: 1 } }));
  };
  try {
    const ok = await runCheck({ BPX_API_KEY: PUBLIC, BPX_API_SECRET: SECRET, TIERHUNTER_SYMBOLS: 'SOL_USDC_PERP' });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /SOL_USDC_PERP\s+ok\s+tick 0\.01 step 0\.01 min 0\.01/);
    assert.match(ok.stdout, /order size 0\.27/); // 50 USDC / 180.5, floored to the step
    assert.match(ok.stdout, /futures maker 2 \/ taker 5 bps/);
    assert.match(ok.stdout, /net equity 1000\.5/);
    assert.match(ok.stdout, /websocket\s+ok/);
    assert.ok(!ok.stdout.includes(SECRET));

    const bad = await runCheck({ TIERHUNTER_SYMBOLS: 'SOL_USDC_PERP,FOO_USDC_PERP', TIERHUNTER_ORDER_NOTIONAL: '1' });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /no BPX_API_KEY/);
    assert.match(bad.stderr, /FOO_USDC_PERP: unknown symbol/);
    assert.match(bad.stderr, /order size 0 < min 0\.01/);

    const down = await runCheck({ TIERHUNTER_SYMBOLS: 'SOL_USDC_PERP' }, ['--rest', 'http://127.0.0.1:1', '--ws', 'ws://127.0.0.1:1']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /REST: unreachable/);
  } finally {
    fx.onSubscribe = null;
  }
});
