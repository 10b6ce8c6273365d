// The order lane (src/exchange/backpack/http-lane.ts) against raw loopback servers: bytes on the socket
// before request() returns, response framing (content-length, chunked, close), connection reuse and
// warm replacement, timeouts, and the desync guard (bytes on an idle connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { HttpLane, LANE_SENT_CHANNEL, LaneError } from '../../src/exchange/backpack/http-lane.js';

interface RawServer {
  url: string;
  server: Server;
  sockets: Socket[];
  /** Requests seen (head + body text), in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A server that answers each complete request (head + content-length body) with `answer(request, socket)`. */
async function rawServer(answer: (req: string, s: Socket, n: number) => void): Promise<RawServer> {
  const sockets: Socket[] = [];
  const requests: string[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    let buf = '';
    s.on('data', (b) => {
      buf += b.toString('utf8');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const req = buf.slice(0, end + 4 + len);
        buf = buf.slice(end + 4 + len);
        requests.push(req);
        answer(req, s, requests.length);
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    sockets,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const ok = (s: Socket, body: string, extra = '') => s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`);
const waitFor = async (cond: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('a warm lane writes the request before request() returns; connections are reused', async () => {
  const srv = await rawServer((_req, s) => ok(s, '{"id":"1"}'));
  const lane = new HttpLane(srv.url, { connections: 2 });
  lane.warm();
  await waitFor(() => srv.sockets.length === 2);
  await new Promise((r) => setTimeout(r, 20)); // both connections report connected
  const sent: unknown[] = [];
  const onSent = (m: unknown) => sent.push(m);
  subscribe(LANE_SENT_CHANNEL, onSent);
  try {
    const body = '{"symbol":"SOL_USDC_PERP","clientId":7}';
    const p = lane.request('POST', '/api/v1/order', { 'content-type': 'application/json; charset=utf-8', 'X-API-Key': 'k' }, body, 1000);
    assert.deepEqual(sent, [{ method: 'POST', path: '/api/v1/order', body }], 'published synchronously, right after the write');
    const r = await p;
    assert.equal(r.status, 200);
    assert.equal(r.text, '{"id":"1"}');
    assert.equal(r.headers['content-type'], 'application/json');
    const req = srv.requests[0]!;
    assert.match(req, /^POST \/api\/v1\/order HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\n/);
    assert.match(req, /content-length: 39\r\n\r\n\{"symbol"/);
    // Sequential requests (including a DELETE with a body) stay on the warm connections: no new connects.
    for (let i = 0; i < 5; i++) assert.equal((await lane.request('DELETE', '/api/v1/order', {}, '{"orderId":"1"}', 1000)).status, 200);
    assert.equal(srv.sockets.length, 2);
    assert.equal(lane.counts.connections, 2);
  } finally {
    unsubscribe(LANE_SENT_CHANNEL, onSent);
    await lane.close();
    await srv.close();
  }
});

test('response framing: chunked (split across packets, with trailers), 204, 1xx, connection: close', async () => {
  const srv = await rawServer((req, s, n) => {
    if (req.startsWith('POST /chunked')) {
      s.write('HTTP/1.1 100 Continue\r\n\r\n');
      s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel');
      setTimeout(() => s.write('lo\r\n7;ext=1\r\n, world\r\n0\r\nx-trailer: 1\r\n\r\n'), 10);
    } else if (req.startsWith('DELETE /empty')) s.write('HTTP/1.1 204 No Content\r\n\r\n');
    else if (req.startsWith('POST /close')) ok(s, `{"n":${n}}`, 'connection: close\r\n');
    else if (req.startsWith('POST /eof')) s.end('HTTP/1.1 200 OK\r\n\r\n{"until":"close"}');
    else ok(s, '{}');
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    const c = await lane.request('POST', '/chunked', {}, '{}', 1000);
    assert.equal(c.text, 'hello, world');
    const e = await lane.request('DELETE', '/empty', {}, '{}', 1000);
    assert.equal(e.status, 204);
    assert.equal(e.text, '');
    assert.equal(srv.sockets.length, 1, 'chunked and 204 replies keep the connection');
    assert.equal((await lane.request('POST', '/close', {}, '{}', 1000)).text, '{"n":3}');
    assert.equal((await lane.request('POST', '/x', {}, '{}', 1000)).status, 200);
    assert.equal(srv.sockets.length, 2, 'connection: close is honoured');
    assert.equal((await lane.request('POST', '/eof', {}, '{}', 1000)).text, '{"until":"close"}');
    assert.equal((await lane.request('POST', '/x', {}, '{}', 1000)).status, 200);
    assert.equal(srv.sockets.length, 3);
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('busy connections: requests wait in order; a timeout destroys only its connection', async () => {
  const srv = await rawServer((req, s) => {
    if (req.startsWith('POST /hang')) return;
    setTimeout(() => ok(s, JSON.stringify({ path: req.split(' ')[1] })), 5);
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    const all = await Promise.all([1, 2, 3].map((i) => lane.request('POST', `/q${i}`, {}, '{}', 1000)));
    assert.deepEqual(all.map((r) => JSON.parse(r.text).path), ['/q1', '/q2', '/q3']);
    const t0 = Date.now();
    await assert.rejects(lane.request('POST', '/hang', {}, '{}', 100), (e: unknown) => e instanceof LaneError && e.code === 'UND_ERR_TIMEOUT');
    assert.ok(Date.now() - t0 >= 90);
    assert.equal((await lane.request('POST', '/after', {}, '{}', 1000)).status, 200, 'a fresh connection after the timeout');
    assert.equal(srv.requests.filter((r) => r.startsWith('POST /hang')).length, 1, 'never resent');
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('bytes on an idle connection: it is dropped, never read as the next answer', async () => {
  const srv = await rawServer((_req, s, n) => {
    ok(s, `{"n":${n}}`);
    if (n === 1) setTimeout(() => ok(s, '{"stray":true}'), 20);
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    assert.equal((await lane.request('POST', '/a', {}, '{}', 1000)).text, '{"n":1}');
    await new Promise((r) => setTimeout(r, 60));
    assert.equal((await lane.request('POST', '/b', {}, '{}', 1000)).text, '{"n":2}');
    assert.equal(srv.sockets.length, 2);
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('the Keep-Alive hint: an idle connection is closed before the server would, and replaced', async () => {
  const srv = await rawServer((_req, s) => ok(s, '{}', 'keep-alive: timeout=2\r\n'));
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    await lane.request('POST', '/a', {}, '{}', 1000);
    const first = srv.sockets[0]!;
    let closedAt = 0;
    const t0 = Date.now();
    first.once('close', () => (closedAt = Date.now()));
    await waitFor(() => closedAt > 0, 3000);
    assert.ok(closedAt - t0 < 1800, `closed by us after ~1 s idle (${closedAt - t0} ms)`);
    await waitFor(() => srv.sockets.length === 2, 1000); // reopened: the lane stays warm
    assert.equal((await lane.request('POST', '/b', {}, '{}', 1000)).status, 200);
    assert.equal(srv.sockets.length, 2);
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('nothing listening: requests fail instead of waiting forever; close() fails queued ones', async () => {
  const srv = await rawServer(() => undefined);
  const url = srv.url;
  await srv.close();
  const lane = new HttpLane(url, { connections: 2 });
  await assert.rejects(lane.request('POST', '/a', {}, '{}', 5000), (e: unknown) => (e as { code?: string }).code === 'ECONNREFUSED');
  const p = lane.request('POST', '/b', {}, '{}', 5000);
  await lane.close();
  await assert.rejects(p);
  await assert.rejects(lane.request('POST', '/c', {}, '{}', 5000), (e: unknown) => e instanceof LaneError && e.code === 'UND_ERR_CLOSED');
});

test('outage: requests fail while nothing listens; the first connection after it re-warms the lane', async () => {
  let srv = await rawServer((_req, s) => ok(s, '{}'));
  const port = Number(new URL(srv.url).port);
  const lane = new HttpLane(srv.url, { connections: 3 });
  try {
    lane.warm();
    await waitFor(() => srv.sockets.length === 3);
    assert.equal((await lane.request('POST', '/a', {}, '{}', 1000)).status, 200);
    await srv.close(); // every connection dropped, new ones refused
    await waitFor(() => lane.counts.connections === 0);
    await assert.rejects(lane.request('POST', '/b', {}, '{}', 1000), (e: unknown) => (e as { code?: string }).code === 'ECONNREFUSED');
    // The exchange comes back on the same port.
    const server = createServer((s) => {
      srv.sockets.push(s);
      s.on('data', () => ok(s, '{"back":true}'));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const sockets: Socket[] = [];
    srv = {
      ...srv,
      server,
      sockets,
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    };
    assert.equal((await lane.request('POST', '/c', {}, '{}', 1000)).text, '{"back":true}');
    await waitFor(() => lane.counts.connections === 3 && srv.sockets.length === 3);
  } finally {
    await lane.close();
    await srv.close();
  }
});
