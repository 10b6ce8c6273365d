import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlServer } from '../../src/control/server.js';
import { defaultSocketPath } from '../../src/control/socket-file.js';
import { main } from '../../src/cli/ctl.js';
import { connectErrorMessage } from '../../src/control/client.js';
import type { Command } from '../../src/control/protocol.js';
import { makeSnapshot, tempDir } from '../control/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STATS = { total: { fills: 4, makerFills: 3, takerFills: 1, volume: '1234.5', fees: '0.12', realizedPnl: '-0.4' }, symbols: { SOL_USDC_PERP: { fills: 4 } } };

async function fakeCore(dir: string) {
  const received: Command[] = [];
  const server = await ControlServer.listen({
    socketPath: defaultSocketPath(dir),
    getSnapshot: () => makeSnapshot(),
    coreVersion: 'test',
    handleCommand: async (cmd) => {
      received.push(cmd);
      if (cmd.symbol === 'NOPE_USDC') return { ok: false, error: 'unknown symbol NOPE_USDC' };
      if (cmd.name === 'stats') return { ok: true, message: 'stats', data: STATS };
      return { ok: true, message: `${cmd.name} ${cmd.symbol ?? 'all'}${cmd.value ? ' ' + cmd.value : ''}: done` };
    },
  });
  return { server, received };
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/tierhunter.js', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

test('ctl end to end (spawned CLI): stats prints JSON and exits 0, an error reply exits 1, no core exits 3', async () => {
  const t = tempDir();
  try {
    const { server, received } = await fakeCore(t.dir);
    const sock = defaultSocketPath(t.dir);
    const [ok, bad, missing] = await Promise.all([
      run(['ctl', 'stats', '--socket', sock]),
      run(['ctl', 'pause', 'NOPE_USDC', '--socket', sock]),
      run(['ctl', 'stats', '--socket', join(t.dir, 'nothing.sock')]),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), STATS);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown symbol NOPE_USDC/);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /core not running: no socket at .*nothing\.sock/);
    assert.deepEqual(received.map((c) => c.name).sort(), ['pause', 'stats']);

    // TIERHUNTER_HOME decides the socket when --socket is absent.
    const viaHome = await run(['ctl', 'flush'], { TIERHUNTER_HOME: t.dir });
    assert.equal(viaHome.code, 0, viaHome.stderr);
    assert.match(viaHome.stdout, /flush all: done/);
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('ctl sends every command with the right symbol and value', async () => {
  const t = tempDir();
  try {
    const { server, received } = await fakeCore(t.dir);
    const sock = defaultSocketPath(t.dir);
    const cases: Array<[string[], string, string | null, string | null, RegExp]> = [
      [['pause', 'sol_usdc_perp'], 'pause', 'SOL_USDC_PERP', null, /pause SOL_USDC_PERP: done/],
      [['resume'], 'resume', null, null, /resume all: done/],
      [['flatten', 'BTC_USDC_PERP'], 'flatten', 'BTC_USDC_PERP', null, /flatten BTC_USDC_PERP/],
      [['force-inventory', 'off'], 'forceInventory', null, 'off', /forceInventory all off/],
      [['force-inventory', 'toggle', 'ETH_USDC_PERP'], 'forceInventory', 'ETH_USDC_PERP', 'toggle', /toggle/],
      [['flush'], 'flush', null, null, /flush all/],
    ];
    for (const [args, name, symbol, value, printed] of cases) {
      const c = capture();
      const code = await main([...args, `--socket=${sock}`], c.io);
      assert.equal(code, 0, c.err.join('\n'));
      assert.match(c.out.join('\n'), printed);
      const last = received.at(-1)!;
      assert.deepEqual([last.name, last.symbol ?? null, last.value ?? null], [name, symbol, value]);
    }
    const reset = capture();
    assert.equal(await main(['resume', '--reset-limits', '--socket', sock], reset.io), 0, reset.err.join('\n'));
    assert.deepEqual([received.at(-1)!.name, received.at(-1)!.resetLimits], ['resume', true]);
    const plain = capture();
    assert.equal(await main(['resume', '--socket', sock], plain.io), 0);
    assert.equal(received.at(-1)!.resetLimits, undefined, 'a plain resume never resets the limits');
    const snap = capture();
    assert.equal(await main(['snapshot', '--socket', sock], snap.io), 0);
    assert.equal(JSON.parse(snap.out.join('\n')).coreVersion, '0.0.0-test');
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('ctl usage errors exit 2 without connecting', async () => {
  for (const args of [[], ['explode'], ['force-inventory'], ['force-inventory', 'maybe'], ['pause', 'A', 'B'], ['pause', 'bad sym!'], ['stats', '--socket'], ['stats', '--bogus'], ['pause', '--reset-limits']]) {
    const c = capture();
    assert.equal(await main(args, { ...c.io, env: { TIERHUNTER_HOME: '/nonexistent-th' } }), 2, `args ${args.join(' ')}`);
    assert.match(c.err.join('\n'), /usage: tierhunter ctl/);
  }
  const h = capture();
  assert.equal(await main(['--help'], h.io), 0);
});

test('ctl explains a stale socket and a permission problem (exit 3)', async () => {
  const t = tempDir();
  try {
    const runDir = join(t.dir, 'run');
    mkdirSync(runDir, { mode: 0o700 });
    const stale = join(runDir, 'core.sock');
    const other = join(t.dir, 'x.sock');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(other, () => r()));
    renameSync(other, stale);
    await new Promise<void>((r) => srv.close(() => r()));
    const c = capture();
    assert.equal(await main(['stats'], { ...c.io, env: { TIERHUNTER_HOME: t.dir } }), 3);
    assert.match(c.err.join('\n'), /stale socket/);

    if (process.getuid?.() !== 0) {
      // root ignores permission bits, so only check EACCES as a normal user.
      chmodSync(runDir, 0o000);
      const p = capture();
      try {
        assert.equal(await main(['stats', '--socket', stale], p.io), 3);
      } finally {
        chmodSync(runDir, 0o700);
      }
      assert.match(p.err.join('\n'), /permission denied on .*core\.sock: run as the user that owns the core/);
    } else {
      assert.equal(connectErrorMessage('EACCES', stale), `permission denied on ${stale}: run as the user that owns the core`);
    }
  } finally {
    t.cleanup();
  }
});
