import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { ControlServer } from '../../src/control/server.js';
import {
  CoreAlreadyRunningError,
  ControlSocketError,
  defaultSocketPath,
} from '../../src/control/socket-file.js';
import { ControlClient } from '../../src/control/client.js';
import { MAX_LINE_BYTES, type Command, type CommandReply, type ServerMessage, type Snapshot } from '../../src/control/protocol.js';
import { makeSnapshot, tempDir } from './fixtures.js';

type Handler = (cmd: Command) => Promise<CommandReply>;

async function startServer(dir: string, opts: { handler?: Handler; snap?: () => Snapshot; limits?: Record<string, number> } = {}) {
  const state = { snap: makeSnapshot(), received: [] as Command[] };
  const server = await ControlServer.listen({
    socketPath: defaultSocketPath(dir),
    getSnapshot: opts.snap ?? (() => state.snap),
    handleCommand:
      opts.handler ??
      (async (cmd) => {
        state.received.push(cmd);
        return { ok: true, message: `did ${cmd.name}` };
      }),
    coreVersion: '9.9.9',
    limits: opts.limits ?? {},
  });
  return { server, state };
}

/** Wait until the socket is closed by the server; resolves with everything it sent. */
function rawSession(path: string): Promise<{ send: (s: string) => void; lines: string[]; closed: Promise<void>; destroy: () => void; waitLine: (pred: (l: string) => boolean) => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ path });
    const lines: string[] = [];
    let buf = '';
    const waiters: Array<{ pred: (l: string) => boolean; res: (l: string) => void }> = [];
    s.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const l = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(l);
        for (const w of [...waiters]) if (w.pred(l)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.res(l);
        }
      }
    });
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    s.on('error', () => undefined);
    s.once('connect', () =>
      resolve({
        send: (x) => void s.write(x),
        lines,
        closed,
        destroy: () => s.destroy(),
        waitLine: (pred) => {
          const hit = lines.find(pred);
          if (hit) return Promise.resolve(hit);
          return new Promise((res) => waiters.push({ pred, res }));
        },
      }),
    );
    s.once('error', reject);
  });
}

test('socket directory is 0700 (tightened if looser) and the socket is 0600; no TCP address', async () => {
  const t = tempDir();
  try {
    mkdirSync(join(t.dir, 'run'), { mode: 0o755 });
    chmodSync(join(t.dir, 'run'), 0o755);
    const { server } = await startServer(t.dir);
    const path = defaultSocketPath(t.dir);
    assert.equal(statSync(join(t.dir, 'run')).mode & 0o777, 0o700);
    const st = statSync(path);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
    await server.close();
    assert.equal(existsSync(path), false, 'socket file removed on close');
  } finally {
    t.cleanup();
  }
});

test('a stale socket is replaced; a live one is CoreAlreadyRunningError (exit 2); a regular file is refused', async () => {
  const t = tempDir();
  try {
    const path = defaultSocketPath(t.dir);
    mkdirSync(join(t.dir, 'run'), { mode: 0o700 });
    // Make a stale socket: bind elsewhere, move the file into place, close (nobody listens on it now).
    const other = join(t.dir, 'other.sock');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(other, () => r()));
    renameSync(other, path);
    await new Promise<void>((r) => srv.close(() => r()));
    assert.ok(statSync(path).isSocket(), 'stale socket file present');

    const { server } = await startServer(t.dir);
    const c = await ControlClient.connect(path);
    assert.equal(c.hello?.coreVersion, '9.9.9');

    await assert.rejects(startServer(t.dir), (err: unknown) => {
      assert.ok(err instanceof CoreAlreadyRunningError);
      assert.equal(err.exitCode, 2);
      assert.ok(err.message.includes(path), 'message names the path');
      return true;
    });
    // The first server is unaffected by the failed second start.
    const r = await c.request('flush');
    assert.equal(r.ok, true);
    c.close();
    await server.close();

    writeFileSync(path, 'not a socket');
    await assert.rejects(startServer(t.dir), (err: unknown) => err instanceof ControlSocketError && err.exitCode === 2);
    assert.equal(existsSync(path), true, 'a non-socket file is never deleted');
  } finally {
    t.cleanup();
  }
});

test('two clients at once: each gets hello then a full snapshot, then patches with only the changed keys', async () => {
  const t = tempDir();
  try {
    const { server, state } = await startServer(t.dir);
    const path = defaultSocketPath(t.dir);
    const a = await ControlClient.connect(path);
    const b = await ControlClient.connect(path);
    for (const c of [a, b]) {
      await c.waitFor((m) => m.type === 'snapshot');
      assert.equal(c.messages[0]?.type, 'hello');
      assert.equal(c.messages[1]?.type, 'snapshot');
      const first = c.messages[1];
      assert.ok(first?.type === 'snapshot');
      assert.deepEqual(first.snapshot, state.snap);
    }
    state.snap = { ...state.snap, globalMode: 'PAUSED' };
    server.notifyChanged();
    for (const c of [a, b]) {
      const p = await c.waitFor((m) => m.type === 'patch');
      assert.ok(p.type === 'patch');
      assert.deepEqual(Object.keys(p.changes), ['globalMode']);
      assert.equal(p.changes.globalMode, 'PAUSED');
      assert.deepEqual(c.latestSnapshot(), state.snap);
    }
    assert.equal(server.clientCount, 2);
    a.close();
    b.close();
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('rapid notifyChanged calls are coalesced into at most two pushes, ending at the final state', async () => {
  const t = tempDir();
  try {
    // A long interval makes the bound independent of machine speed: 50 changes spread over the loop
    // cannot span more than one interval.
    const { server, state } = await startServer(t.dir, { limits: { minPushIntervalMs: 1000 } });
    const c = await ControlClient.connect(defaultSocketPath(t.dir));
    await c.waitFor((m) => m.type === 'snapshot');
    for (let i = 1; i <= 50; i++) {
      state.snap = { ...state.snap, totals: { ...state.snap.totals, fills: i } };
      server.notifyChanged();
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await c.waitFor((m) => m.type === 'patch' && m.changes.totals?.fills === 50, 5000);
    const patches = c.messages.filter((m) => m.type === 'patch');
    assert.ok(patches.length >= 1 && patches.length <= 2, `expected 1-2 pushes, got ${patches.length}`);
    // Nothing changed since: the next push cycle runs but sends no patch.
    const cycles = server.counters.pushes;
    server.notifyChanged();
    for (let i = 0; i < 300 && server.counters.pushes === cycles; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.counters.pushes, cycles + 1, 'a push cycle ran');
    await c.request('flush');
    assert.equal(c.messages.filter((m) => m.type === 'patch').length, patches.length);
    c.close();
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('every command reaches handleCommand with its name/symbol/value and gets exactly one reply', async () => {
  const t = tempDir();
  try {
    const { server, state } = await startServer(t.dir);
    const c = await ControlClient.connect(defaultSocketPath(t.dir));
    const calls: Array<[Parameters<ControlClient['request']>[0], Parameters<ControlClient['request']>[1]]> = [
      ['pause', { symbol: 'SOL_USDC_PERP' }],
      ['pause', {}],
      ['resume', { symbol: 'BTC_USDC_PERP' }],
      ['flatten', { symbol: 'ETH_USDC_PERP' }],
      ['forceInventory', { value: 'on' }],
      ['forceInventory', { value: 'off', symbol: 'SOL_USDC_PERP' }],
      ['forceInventory', { value: 'toggle' }],
      ['flush', {}],
      ['stats', {}],
    ];
    const replies = await Promise.all(calls.map(([n, a]) => c.request(n, a)));
    for (const r of replies) assert.equal(r.ok, true);
    assert.deepEqual(
      state.received.map((cmd) => [cmd.name, cmd.symbol ?? null, cmd.value ?? null]),
      calls.map(([n, a]) => [n, a?.symbol ?? null, a?.value ?? null]),
    );
    // snapshot is answered by the server from getSnapshot.
    const snap = await c.request('snapshot');
    assert.ok(snap.ok);
    assert.deepEqual((snap as { data?: unknown }).data, state.snap);
    assert.equal(state.received.length, calls.length, 'snapshot does not bother the core');
    // Exactly one reply per id.
    const ids = c.messages.filter((m) => m.type === 'reply').map((m) => (m as { id: string | null }).id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, calls.length + 1);
    c.close();
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('handler errors and rejections become error replies; the server keeps serving', async () => {
  const t = tempDir();
  try {
    const { server } = await startServer(t.dir, {
      handler: async (cmd) => {
        if (cmd.name === 'pause') throw new Error('boom');
        if (cmd.name === 'flatten') return { ok: false, error: 'unknown symbol XYZ_USDC' };
        return { ok: true, message: 'fine', data: { total: { fills: 3 }, symbols: {} } };
      },
    });
    const c = await ControlClient.connect(defaultSocketPath(t.dir));
    const r1 = await c.request('pause');
    assert.equal(r1.ok, false);
    assert.match((r1 as { error: string }).error, /internal error: boom/);
    const r2 = await c.request('flatten', { symbol: 'XYZ_USDC' });
    assert.deepEqual([r2.ok, (r2 as { error: string }).error], [false, 'unknown symbol XYZ_USDC']);
    const r3 = await c.request('stats');
    assert.ok(r3.ok);
    assert.deepEqual(r3.data, { total: { fills: 3 }, symbols: {} });
    c.close();
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('malformed JSON, unknown command and oversized lines get error replies without disturbing other clients', async () => {
  const t = tempDir();
  try {
    const { server, state } = await startServer(t.dir);
    const path = defaultSocketPath(t.dir);
    const good = await ControlClient.connect(path);
    const bad = await rawSession(path);
    bad.send('{not json\n');
    bad.send('{"type":"cmd","id":"u1","name":"selfDestruct"}\n');
    bad.send('{"type":"cmd","id":"s1","name":"pause","symbol":"bad symbol!"}\n');
    bad.send('[1,2,3]\n');
    // Oversized: more than the cap in several chunks with no newline, then the newline.
    const big = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 6; i++) bad.send(big);
    bad.send('\n');
    bad.send('{"type":"cmd","id":"ok1","name":"flush"}\n');
    await bad.waitLine((l) => l.includes('"ok1"'));
    const replies = bad.lines.map((l) => JSON.parse(l) as ServerMessage).filter((m) => m.type === 'reply');
    assert.equal(replies.length, 6);
    const errs = replies.slice(0, 5).map((r) => (r.ok ? 'ok' : r.error));
    assert.match(errs[0]!, /malformed JSON/);
    assert.match(errs[1]!, /unknown command "selfDestruct"/);
    assert.equal((replies[1] as { id: string }).id, 'u1');
    assert.match(errs[2]!, /invalid symbol/);
    assert.match(errs[3]!, /expected a JSON object/);
    assert.match(errs[4]!, new RegExp(`exceeds ${MAX_LINE_BYTES} bytes`));
    assert.equal(replies[5]?.ok, true);
    // Only the valid commands reached the core.
    assert.deepEqual(state.received.map((x) => x.name), ['flush']);
    const r = await good.request('resume', { symbol: 'SOL_USDC_PERP' });
    assert.equal(r.ok, true);
    bad.destroy();
    good.close();
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('a client sending garbage forever is disconnected; an endless line is never buffered', async () => {
  const t = tempDir();
  try {
    const { server } = await startServer(t.dir, { limits: { maxConsecutiveErrors: 5 } });
    const path = defaultSocketPath(t.dir);
    const s = await rawSession(path);
    for (let i = 0; i < 20; i++) s.send('garbage\n');
    await s.closed;
    const msgs = s.lines.map((l) => JSON.parse(l) as ServerMessage);
    assert.equal(msgs.filter((m) => m.type === 'reply').length, 5);
    assert.equal(msgs.at(-1)?.type, 'bye');
    assert.equal(server.counters.droppedGarbage, 1);

    // A line that never ends: one error reply, the connection stays usable once a newline arrives.
    const e = await rawSession(path);
    const chunk = 'y'.repeat(32 * 1024);
    for (let i = 0; i < 64; i++) e.send(chunk); // 2 MiB with no newline
    e.send('\n{"type":"cmd","id":"after","name":"flush"}\n');
    await e.waitLine((l) => l.includes('"after"'));
    const errs = e.lines.map((l) => JSON.parse(l) as ServerMessage).filter((m) => m.type === 'reply' && !m.ok);
    assert.equal(errs.length, 1);
    e.destroy();
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('a slow client that stops reading is dropped instead of growing memory', async () => {
  const t = tempDir();
  try {
    let n = 0;
    const filler = 'z'.repeat(64 * 1024);
    const { server } = await startServer(t.dir, {
      snap: () => makeSnapshot({ logFile: `${n}${filler}`, pnlHistory: [n] }),
      limits: { minPushIntervalMs: 1, maxClientBufferBytes: 256 * 1024 },
    });
    const path = defaultSocketPath(t.dir);
    const slow = createConnection({ path });
    slow.on('error', () => undefined);
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.pause(); // never read: the kernel buffer fills, then the server's user-space buffer grows
    const closed = new Promise<void>((r) => slow.on('close', () => r()));
    const fast = await ControlClient.connect(path);
    for (let i = 0; i < 200 && server.counters.droppedSlow === 0; i++) {
      n++;
      server.notifyChanged();
      await new Promise((r) => setTimeout(r, 3));
    }
    assert.equal(server.counters.droppedSlow, 1);
    slow.resume();
    await closed;
    // The reading client is still served.
    const r = await fast.request('flush');
    assert.equal(r.ok, true);
    assert.equal(server.clientCount, 1);
    fast.close();
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('close() says bye to every client and removes the socket', async () => {
  const t = tempDir();
  try {
    const { server } = await startServer(t.dir);
    const path = defaultSocketPath(t.dir);
    const a = await ControlClient.connect(path);
    const bye = a.waitFor((m) => m.type === 'bye');
    await server.close();
    const m = await bye;
    assert.ok(m.type === 'bye');
    assert.match(m.reason, /shutting down/);
    assert.equal(existsSync(path), false);
    await assert.rejects(a.request('flush'), /closed/);
  } finally {
    t.cleanup();
  }
});

test('clients beyond the limit are turned away with a reason; the others keep working', async () => {
  const t = tempDir();
  try {
    const { server } = await startServer(t.dir, { limits: { maxClients: 2 } });
    const path = defaultSocketPath(t.dir);
    const a = await ControlClient.connect(path);
    const b = await ControlClient.connect(path);
    await assert.rejects(ControlClient.connect(path), /turned the connection away: too many control clients \(max 2\)/);
    assert.equal((await b.request('flush')).ok, true);
    a.close();
    b.close();
    await server.close();
  } finally {
    t.cleanup();
  }
});

test('a client that connected while no snapshot was available gets a full snapshot on the next push', async () => {
  const t = tempDir();
  try {
    let ready = false;
    const logs: string[] = [];
    const server = await ControlServer.listen({
      socketPath: defaultSocketPath(t.dir),
      getSnapshot: () => {
        if (!ready) throw new Error('core starting');
        return makeSnapshot({ globalMode: 'PAUSED' });
      },
      handleCommand: async () => ({ ok: true, message: 'x' }),
      coreVersion: 't',
      log: (l) => logs.push(l),
    });
    const c = await ControlClient.connect(defaultSocketPath(t.dir));
    await c.request('flush'); // round trip: the hello-time snapshot attempt has happened
    assert.equal(c.messages.filter((m) => m.type === 'snapshot').length, 0);
    assert.ok(logs.some((l) => l.includes('core starting')));
    ready = true;
    server.notifyChanged();
    const snap = await c.waitFor((m) => m.type === 'snapshot');
    assert.ok(snap.type === 'snapshot' && snap.snapshot.globalMode === 'PAUSED');
    assert.equal(c.messages.filter((m) => m.type === 'patch').length, 0);
    c.close();
    await server.close();
  } finally {
    t.cleanup();
  }
});
