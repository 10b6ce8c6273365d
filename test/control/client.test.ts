// `tierhunter ctl`'s control client (src/control/client.ts) on the shared NDJSON reader, against a raw
// socket server that misbehaves: a hello split across chunks, several frames in one chunk, malformed lines
// counted and skipped, and a runaway line that ends the connection (pending requests fail, no crash).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rawUnixServer } from '../helpers/raw-unix-server.js';
import { ControlClient, ControlConnectError } from '../../src/control/client.js';
import { encode, PROTOCOL_VERSION } from '../../src/control/protocol.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'th-ctlc-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rawServer(name: string, onConn: (s: net.Socket) => void): Promise<{ path: string; close: () => Promise<void> }> {
  return rawUnixServer(dir, name, onConn);
}

const hello = encode({ type: 'hello', protocol: PROTOCOL_VERSION, coreVersion: 't', pid: 1 });

test('split hello, several frames per chunk, malformed lines counted and skipped, replies matched', async () => {
  const srv = await rawServer('a.sock', (s) => {
    s.write(hello.slice(0, 7));
    setTimeout(() => s.write(hello.slice(7) + 'not json\n"a string"\n' + encode({ type: 'bye', reason: 'x' }).slice(0, 5)), 20);
    s.on('data', (d) => {
      const cmd = JSON.parse(d.toString().trim()) as { id: string };
      const reply = encode({ type: 'reply', id: cmd.id, ok: true, message: 'done' });
      s.write('{broken\n' + reply.slice(0, 10));
      setTimeout(() => s.write(reply.slice(10)), 10);
    });
  });
  try {
    const c = await ControlClient.connect(srv.path);
    assert.equal(c.hello?.coreVersion, 't');
    const r = await c.request('stats');
    assert.equal(r.ok, true);
    // "not json", "a string" (not an object) and "{broken"; the half bye line is still pending, unread.
    assert.equal(c.malformed, 3);
    assert.deepEqual(c.messages.map((m) => m.type), ['hello', 'reply']);
    c.close();
  } finally {
    await srv.close();
  }
});

test('a runaway line from the server ends the connection: the pending request fails, nothing throws', async () => {
  const srv = await rawServer('b.sock', (s) => {
    s.write(hello);
    s.on('data', () => {
      // 33 MB without a newline: past the client's 32 MB line limit.
      const block = Buffer.alloc(1024 * 1024, 0x78);
      for (let i = 0; i < 33; i++) s.write(block);
    });
  });
  try {
    const c = await ControlClient.connect(srv.path);
    await assert.rejects(c.request('stats', {}, 10_000), (e: unknown) => e instanceof ControlConnectError && e.code === 'CLOSED' && /server line too long/.test(e.message));
    await assert.rejects(c.request('stats'), ControlConnectError);
  } finally {
    await srv.close();
  }
});
