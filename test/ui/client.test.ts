import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rawUnixServer } from '../helpers/raw-unix-server.js';
import { CoreClient, parseServerMessage } from '../../ui/client.js';
import type { ConnInfo } from '../../ui/client.js';
import { encode, PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { fixtureSnapshot } from './fixtures.js';
import { waitFor } from './render.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'th-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rawServer(name: string, onConn: (s: net.Socket) => void): Promise<{ path: string; close: () => Promise<void> }> {
  return rawUnixServer(dir, name, onConn);
}
const hello = encode({ type: 'hello', protocol: PROTOCOL_VERSION, coreVersion: 't', pid: 1 });

test('parseServerMessage accepts protocol messages and rejects junk', () => {
  assert.equal(parseServerMessage('{"type":"hello","protocol":1,"coreVersion":"x","pid":1}')?.type, 'hello');
  assert.equal(parseServerMessage('not json'), null);
  assert.equal(parseServerMessage('[]'), null);
  assert.equal(parseServerMessage('{"type":"patch"}'), null);
  assert.equal(parseServerMessage('{"type":"reply","id":"1","ok":true}'), null);
  assert.equal(parseServerMessage('{"type":"reply","id":"1","ok":false,"error":"x"}')?.type, 'reply');
  assert.equal(parseServerMessage('{"type":"unknown"}'), null);
});

test('frames lines split across chunks, skips malformed lines, matches replies by id', async () => {
  const srv = await rawServer('a.sock', (s) => {
    // hello split mid-line, a junk line, then a snapshot in two writes.
    s.write(hello.slice(0, 10));
    setImmediate(() => {
      s.write(hello.slice(10) + 'garbage\n');
      const snap = encode({ type: 'snapshot', seq: 1, snapshot: fixtureSnapshot() });
      s.write(snap.slice(0, 50));
      setImmediate(() => s.write(snap.slice(50)));
    });
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const cmd = JSON.parse(buf.slice(0, nl)) as { id: string; name: string };
        buf = buf.slice(nl + 1);
        // Reply to a different (unknown) id first: it must not resolve the pending command.
        s.write(encode({ type: 'reply', id: 'nope', ok: true, message: 'wrong' }));
        s.write(encode({ type: 'reply', id: cmd.id, ok: true, message: `did ${cmd.name}` }));
      }
    });
  });
  const c = new CoreClient({ socketPath: srv.path, minBackoffMs: 10 });
  const kinds: string[] = [];
  c.on('message', (m) => kinds.push(m.type));
  c.start();
  try {
    await waitFor(() => kinds.includes('snapshot'), 'snapshot');
    assert.deepEqual(kinds, ['hello', 'snapshot']);
    assert.equal(c.malformed, 1);
    assert.equal(c.conn.state, 'connected');
    assert.deepEqual(await c.send({ name: 'flush' }), { ok: true, message: 'did flush' });
  } finally {
    c.stop();
    await srv.close();
  }
});

test('a command without a reply resolves with a timeout error; pending commands fail on disconnect', async () => {
  let server: net.Socket | null = null;
  const srv = await rawServer('b.sock', (s) => {
    server = s;
    s.write(hello);
  });
  const c = new CoreClient({ socketPath: srv.path, replyTimeoutMs: 50, minBackoffMs: 10 });
  c.start();
  try {
    await waitFor(() => c.conn.state === 'connected', 'connected');
    const r = await c.send({ name: 'pause' });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /no reply from the core/);

    const c2 = new CoreClient({ socketPath: srv.path, replyTimeoutMs: 10_000, minBackoffMs: 10_000 });
    c2.start();
    await waitFor(() => c2.conn.state === 'connected', 'c2 connected');
    const pending = c2.send({ name: 'pause' });
    (server as net.Socket | null)?.destroy();
    const r2 = await pending;
    assert.equal(r2.ok, false);
    assert.match(!r2.ok ? r2.error : '', /closed/);
    c2.stop();
  } finally {
    c.stop();
    await srv.close();
  }
});

test('offline send resolves with an error; missing socket -> missing; reconnects after a drop', async () => {
  const p = path.join(dir, 'late.sock');
  const states: ConnInfo['state'][] = [];
  const c = new CoreClient({ socketPath: p, minBackoffMs: 10, maxBackoffMs: 40 });
  c.on('conn', (i) => states.push(i.state));
  c.start();
  try {
    await waitFor(() => c.conn.state === 'missing', 'missing');
    assert.match(c.conn.detail ?? '', /no socket at/);
    const r = await c.send({ name: 'flush' });
    assert.deepEqual(r, { ok: false, error: 'not connected to the core (missing)' });

    let srv = await rawServer('late.sock', (s) => s.write(hello));
    await waitFor(() => c.conn.state === 'connected', 'connected once the core exists');
    await srv.close();
    await waitFor(() => c.conn.state === 'reconnecting', 'reconnecting after the drop');
    srv = await rawServer('late.sock', (s) => s.write(hello));
    await waitFor(() => c.conn.state === 'connected', 'connected again');
    assert.equal(c.conn.attempts, 0);
    await srv.close();
  } finally {
    c.stop();
  }
  assert.ok(states.includes('reconnecting'));
});

test('a core with another protocol version is refused as incompatible', async () => {
  const srv = await rawServer('v.sock', (s) => s.write(encode({ type: 'hello', protocol: PROTOCOL_VERSION + 1, coreVersion: 'x', pid: 1 })));
  const c = new CoreClient({ socketPath: srv.path, minBackoffMs: 10, maxBackoffMs: 1000 });
  c.start();
  try {
    await waitFor(() => c.conn.state === 'incompatible', 'incompatible');
    assert.match(c.conn.detail ?? '', new RegExp(`protocol ${PROTOCOL_VERSION + 1}`));
    assert.equal((await c.send({ name: 'flush' })).ok, false);
  } finally {
    c.stop();
    await srv.close();
  }
});
