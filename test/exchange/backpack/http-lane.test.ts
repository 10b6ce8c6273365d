// The order lane (src/exchange/backpack/http-lane.ts) against raw loopback servers: bytes on the socket
// before request() returns, response framing (content-length, chunked, close), connection reuse and
// warm replacement, timeouts, and the desync guard (bytes on an idle connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { HttpLane } from '../../../src/exchange/backpack/http-lane.js';
import { LANE_SENT_CHANNEL } from '../../../src/exchange/backpack/lane-connection.js';
import { LaneError } from '../../../src/exchange/backpack/lane-error.js';

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

// ------------------------------------------------------------------ review: crafted replies

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `parts` with a pause between them, so each usually arrives as its own TCP read. */
async function writeParts(s: Socket, parts: Array<string | Buffer>, gapMs = 2): Promise<void> {
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) await sleep(gapMs);
    if (!s.destroyed) s.write(parts[i]!);
  }
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Mbx-Used: 3\r\n\r\n' +
  '5;name="a;b"\r\nhello\r\n7\r\n, world\r\nA;x=1\r\n é€ ok!\r\n0\r\nx-trailer: 1\r\nx-other: 2\r\n\r\n';
const CHUNKED_TEXT = 'hello, world é€ ok!';

test('framing survives a TCP split at every byte boundary (chunked with extensions and trailers, content-length, 100-continue)', async () => {
  const clBody = '{"id":"11","status":"New"}';
  const withContinue = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: ${clBody.length}\r\n\r\n${clBody}`;
  const replies = [CHUNKED, withContinue];
  let split = 0;
  let which = 0;
  const srv = await rawServer((_req, s) => {
    s.setNoDelay(true);
    const r = Buffer.from(replies[which]!, 'utf8');
    void writeParts(s, [r.subarray(0, split), r.subarray(split)], 2);
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    for (which = 0; which < replies.length; which++) {
      const len = Buffer.byteLength(replies[which]!);
      for (split = 1; split < len; split++) {
        const r = await lane.request('POST', '/api/v1/order', {}, '{}', 1000);
        if (which === 0) {
          assert.equal(r.text, CHUNKED_TEXT, `split at ${split}`);
          assert.equal(r.headers['x-mbx-used'], '3');
        } else {
          assert.equal(r.status, 201, `split at ${split}`);
          assert.equal(r.text, clBody, `split at ${split}`);
        }
      }
    }
    assert.equal(srv.sockets.length, 1, 'one connection carried every reply: nothing left out of step');
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('framing: a reply written one byte at a time', async () => {
  const srv = await rawServer((_req, s) => {
    s.setNoDelay(true);
    const r = Buffer.from(CHUNKED, 'utf8');
    void writeParts(s, [...r].map((b) => Buffer.from([b])), 0);
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await lane.request('POST', '/x', {}, '{}', 3000)).text, CHUNKED_TEXT);
    assert.equal(srv.sockets.length, 1);
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('headers: case-insensitive names, duplicates joined, obs-fold unfolded, HTTP/1.0 closes', async () => {
  const srv = await rawServer((req, s) => {
    if (req.startsWith('POST /dup'))
      s.write('HTTP/1.1 429 Too Many Requests\r\nRETRY-AFTER: 2\r\nX-Dup: a\r\nx-dup: b\r\nX-Fold: one\r\n  two\r\n\tthree\r\nContent-LENGTH: 2\r\n\r\n{}');
    else if (req.startsWith('POST /http10')) s.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    else ok(s, '{}');
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    const r = await lane.request('POST', '/dup', {}, '{}', 1000);
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '2');
    assert.equal(r.headers['x-dup'], 'a, b');
    assert.equal(r.headers['x-fold'], 'one two three');
    assert.equal(r.headers['content-length'], '2');
    assert.equal(r.text, '{}');
    assert.equal((await lane.request('POST', '/http10', {}, '{}', 1000)).text, '{}');
    assert.equal((await lane.request('POST', '/x', {}, '{}', 1000)).status, 200);
    assert.equal(srv.sockets.length, 2, 'an HTTP/1.0 reply without keep-alive closes its connection');
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('malformed framing is an error, never a guessed body', async () => {
  const bad = [
    'HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\n{}',
    'HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n{}',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n',
    'HTP/1.1 200 OK\r\n\r\n',
    'HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n',
  ];
  let i = 0;
  const srv = await rawServer((_req, s) => s.write(bad[i]!));
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    for (i = 0; i < bad.length; i++) await assert.rejects(lane.request('POST', '/x', {}, '{}', 1000), (e: unknown) => e instanceof LaneError && e.code !== 'UND_ERR_TIMEOUT', bad[i]);
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('stray bytes after a complete reply: the next request is not answered by them', async () => {
  const srv = await rawServer((req, s) => {
    // The answer to /a is followed, in the same write, by a second full reply nobody asked for.
    if (req.startsWith('POST /a')) s.write('HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\n{"n":"a"}HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\n{"stray":true}'.replace('8', '9'));
    else ok(s, '{"n":"b"}');
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    const [a, b] = await Promise.all([lane.request('POST', '/a', {}, '{}', 1000), lane.request('POST', '/b', {}, '{}', 1000)]);
    assert.equal(a.text, '{"n":"a"}');
    assert.equal(b.text, '{"n":"b"}', 'the queued request got its own answer');
    assert.equal(srv.sockets.length, 2, 'the out-of-step connection was dropped');
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('the server drops the connection mid-reply: the request fails at once and is never resent', async () => {
  const srv = await rawServer((req, s) => {
    if (req.startsWith('POST /cut-body')) s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial":');
    else if (req.startsWith('POST /cut-head')) s.end('HTTP/1.1 200 OK\r\ncontent-le');
    else if (req.startsWith('POST /cut-chunk')) s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel');
    else if (req.startsWith('POST /reset')) s.resetAndDestroy();
    else if (req.startsWith('POST /silent-close')) s.end();
    else ok(s, '{}');
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    for (const path of ['/cut-body', '/cut-head', '/cut-chunk', '/reset', '/silent-close']) {
      const t0 = Date.now();
      await assert.rejects(lane.request('POST', path, {}, '{}', 5000), (e: unknown) => (e as { code?: string }).code !== 'UND_ERR_TIMEOUT', path);
      assert.ok(Date.now() - t0 < 1000, `${path}: failed fast`);
      assert.equal(srv.requests.filter((r) => r.startsWith(`POST ${path} `)).length, 1, `${path}: sent once`);
    }
    assert.equal((await lane.request('POST', '/after', {}, '{}', 1000)).status, 200);
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('the server closes an idle connection as we write: the request fails (unknown), it is not resent', async () => {
  // The server answers and closes at once; the next request is written before the FIN has been read.
  const srv = await rawServer((_req, s, n) => {
    ok(s, `{"n":${n}}`);
    s.end();
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  try {
    await lane.request('POST', '/a', {}, '{}', 1000);
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => lane.request('POST', '/b', {}, '{}', 1000)));
    for (const r of results) if (r.status === 'rejected') assert.notEqual((r.reason as { code?: string }).code, 'UND_ERR_TIMEOUT');
    const answered = results.filter((r) => r.status === 'fulfilled').length;
    assert.ok(srv.requests.length - 1 <= 5, 'no request written twice');
    assert.ok(answered >= 1);
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('TLS: a TLS handshake that never completes hits the connect timeout; a non-TLS peer is a TLS error', async () => {
  const silent = createServer((s) => s.on('error', () => undefined));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const held: Socket[] = [];
  silent.on('connection', (s) => held.push(s));
  // A plain HTTP server answers the ClientHello with an HTTP error and closes, as real ones do.
  const plain = await rawServer((_req, s) => ok(s, '{}'));
  plain.server.prependListener('connection', (s: Socket) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n')));
  const lane1 = new HttpLane(`https://127.0.0.1:${(silent.address() as { port: number }).port}`, { connections: 2, connectTimeoutMs: 200 });
  const lane2 = new HttpLane(plain.url.replace('http:', 'https:'), { connections: 1 });
  try {
    const t0 = Date.now();
    await assert.rejects(lane1.request('POST', '/a', { 'X-API-Key': 'SECRETKEY', 'X-Signature': 'SECRETSIG' }, '{}', 5000), (e: unknown) => {
      assert.equal((e as LaneError).code, 'UND_ERR_CONNECT_TIMEOUT');
      assert.doesNotMatch(String((e as Error).message) + String((e as Error).stack), /SECRET/);
      return true;
    });
    assert.ok(Date.now() - t0 < 1500);
    const t1 = Date.now();
    await assert.rejects(lane2.request('POST', '/a', { 'X-API-Key': 'SECRETKEY' }, '{}', 5000), (e: unknown) => {
      assert.match(String((e as { code?: string }).code), /^ERR_SSL_|^ECONNRESET$/, 'a TLS error');
      assert.ok(Date.now() - t1 < 1500, 'at once, not at the request timeout');
      assert.doesNotMatch(String((e as Error).message), /SECRET/);
      return true;
    });
    assert.equal(plain.requests.length, 0);
  } finally {
    await lane1.close();
    await lane2.close();
    for (const s of held) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    await plain.close();
  }
});

test('no reconnect spin against a server that accepts and drops every connection', async () => {
  let accepted = 0;
  const server = createServer((s) => {
    accepted++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const lane = new HttpLane(`http://127.0.0.1:${(server.address() as { port: number }).port}`, { connections: 4 });
  try {
    lane.warm();
    await sleep(500);
    assert.ok(accepted <= 8, `${accepted} connections in 500 ms`);
    await assert.rejects(lane.request('POST', '/a', {}, '{}', 1000));
    await sleep(300);
    assert.ok(accepted <= 16, `${accepted} connections after one request`);
  } finally {
    await lane.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('destroy() fails queued requests at once; header values with CR/LF are refused, never written', async () => {
  const silent = createServer((s) => s.on('error', () => undefined));
  const held: Socket[] = [];
  silent.on('connection', (s) => held.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  const lane = new HttpLane(url, { connections: 1 });
  try {
    const hung = lane.request('POST', '/a', {}, '{}', 5000);
    const queued = lane.request('POST', '/b', {}, '{}', 5000);
    await sleep(50);
    const t0 = Date.now();
    lane.destroy();
    await assert.rejects(hung);
    await assert.rejects(queued);
    assert.ok(Date.now() - t0 < 500, 'not left to the request timeout');
    const lane2 = new HttpLane(url, { connections: 1 });
    await assert.rejects(lane2.request('POST', '/a', { 'x-api-key': 'k\r\nx-injected: 1' }, '{}', 1000), (e: unknown) => e instanceof LaneError && !/x-injected|k\r/.test(e.message));
    await assert.rejects(lane2.request('POST', '/a b HTTP/1.1\r\nx: y', {}, '{}', 1000), (e: unknown) => e instanceof LaneError);
    assert.equal(lane2.counts.connections, 0, 'refused before anything was queued or written');
    await lane2.close();
  } finally {
    for (const s of held) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});

test('same reply, same reading as undici (status, body text, single-valued headers)', async () => {
  const { Client } = await import('undici');
  const replies = [
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{"id":"123"}',
    CHUNKED,
    // (An unasked-for 100 Continue before it: undici 7 fails the request ("bad response"); the lane skips it,
    // as RFC 9110 15.2 asks of a client. Tested above, left out here.)
    'HTTP/1.1 400 Bad Request\r\ncontent-length: 46\r\n\r\n{"code":"INVALID_ORDER","message":"too small"}',
    'HTTP/1.1 204 No Content\r\nX-Request-Id: r1\r\n\r\n',
    'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\ncontent-length: 0\r\n\r\n',
    'HTTP/1.1 202 Accepted\r\nConnection: close\r\n\r\n{"status":"pending"}',
    'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 11\r\nconnection: close\r\n\r\nunavailable',
  ];
  let i = 0;
  const srv = await rawServer((_req, s) => {
    const r = replies[i]!;
    if (/connection: close/i.test(r)) s.end(r);
    else s.write(r);
  });
  const lane = new HttpLane(srv.url, { connections: 1 });
  const client = new Client(srv.url);
  try {
    for (i = 0; i < replies.length; i++) {
      const a = await lane.request('POST', '/api/v1/order', { 'content-type': 'application/json' }, '{"a":1}', 1000);
      const res = await client.request({ method: 'POST', path: '/api/v1/order', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      const text = await res.body.text();
      assert.equal(a.status, res.statusCode, replies[i]);
      assert.equal(a.text, text, replies[i]);
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') assert.equal(a.headers[k], v, `${k} in ${replies[i]}`);
    }
  } finally {
    await client.close();
    await lane.close();
    await srv.close();
  }
});

test('nothing holds the process open: after replies, a timeout and a failed connect, a lane left open lets node exit', async () => {
  const { spawn } = await import('node:child_process');
  const srv = await rawServer((req, s) => {
    if (!req.startsWith('POST /hang')) ok(s, '{}');
  });
  const script = `
    import { HttpLane } from ${JSON.stringify(new URL('../../../src/exchange/backpack/http-lane.ts', import.meta.url).href)};
    const lane = new HttpLane(${JSON.stringify(srv.url)}, { connections: 3 });
    lane.warm();
    await lane.request('POST', '/a', {}, '{}', 2000);
    await lane.request('POST', '/hang', {}, '{}', 100).catch(() => undefined);
    await lane.request('POST', '/b', {}, '{}', 2000);
    await new HttpLane('http://127.0.0.1:1', {}).request('POST', '/c', {}, '{}', 2000).catch(() => undefined);
    console.log('done');
  `;
  try {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 8000);
      child.on('exit', (c) => {
        clearTimeout(kill);
        resolve(c);
      });
    });
    assert.equal(code, 0, out);
    assert.match(out, /done/);
    assert.ok(Date.now() - t0 < 8000);
  } finally {
    await srv.close();
  }
});

test('https: replies over TLS with keep-alive (hostname and IP), and an untrusted certificate fails at once', async (t) => {
  const { execFileSync, spawn } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { createServer: createTlsServer } = await import('node:tls');
  const dir = mkdtempSync(join(tmpdir(), 'lane-tls-'));
  try {
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    } catch {
      t.skip('openssl not available');
      return;
    }
    let connections = 0;
    const sockets: Socket[] = [];
    const server = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (s) => {
      connections++;
      sockets.push(s);
      s.on('error', () => undefined);
      let buf = '';
      s.on('data', (b) => {
        buf += b.toString();
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        s.write(CHUNKED);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      // Untrusted here (no CA given to this process): a certificate error, not a hang.
      const lane = new HttpLane(`https://localhost:${port}`, { connections: 1 });
      const t0 = Date.now();
      await assert.rejects(lane.request('POST', '/a', {}, '{}', 5000), (e: unknown) => /CERT|SELF_SIGNED/.test(String((e as { code?: string }).code)));
      assert.ok(Date.now() - t0 < 1500);
      await lane.close();
      // Trusted in a child process (NODE_EXTRA_CA_CERTS is read at start-up).
      const script = `
        import { HttpLane } from ${JSON.stringify(new URL('../../../src/exchange/backpack/http-lane.ts', import.meta.url).href)};
        const out = [];
        for (const origin of ['https://localhost:${port}', 'https://127.0.0.1:${port}']) {
          const lane = new HttpLane(origin, { connections: 1 });
          for (let i = 0; i < 3; i++) out.push((await lane.request('POST', '/api/v1/order', {}, '{"a":1}', 3000)).text);
          await lane.close();
        }
        console.log(JSON.stringify(out));
      `;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') } });
      let out = '';
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (out += b));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 0, out);
      assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), Array(6).fill(CHUNKED_TEXT));
      assert.equal(connections, 2, 'one connection per lane (the untrusted handshake never completed): TLS keep-alive reuse');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server that closes idle connections without a hint: new connections learn to close first', async () => {
  const SERVER_IDLE_MS = 2100;
  const closedBy: Array<'server' | 'client'> = [];
  const srv = await rawServer((_req, s) => {
    ok(s, '{}');
    const sock = s as Socket & { idleTimer?: NodeJS.Timeout; closing?: boolean };
    if (sock.idleTimer) clearTimeout(sock.idleTimer);
    else s.once('end', () => !sock.closing && (clearTimeout(sock.idleTimer), closedBy.push('client')));
    sock.idleTimer = setTimeout(() => {
      sock.closing = true;
      closedBy.push('server');
      s.end();
    }, SERVER_IDLE_MS);
  });
  const lane = new HttpLane(srv.url, { connections: 1, learnedIdleFloorMs: 1000 });
  try {
    await lane.request('POST', '/a', {}, '{}', 1000);
    await waitFor(() => closedBy.length === 1 && srv.sockets.length === 2, 4000); // the server closed it; replaced
    assert.deepEqual(closedBy, ['server']);
    await lane.request('POST', '/b', {}, '{}', 1000);
    const t0 = Date.now();
    await waitFor(() => closedBy.length === 2, 4000);
    assert.deepEqual(closedBy, ['server', 'client'], 'the replacement closed itself before the server would');
    assert.ok(Date.now() - t0 < SERVER_IDLE_MS - 500, `${Date.now() - t0} ms`);
  } finally {
    await lane.close();
    await srv.close();
  }
});

test('one early server close does not teach an idle limit below the floor', async () => {
  const srv = await rawServer((_req, s) => {
    ok(s, '{}');
    setTimeout(() => s.end(), 1500); // a balancer drops the connection once, early
  });
  // Observed idle 1.5 s, less the 1 s margin: 0.5 s, under the 1 s floor, so not learnt.
  const lane = new HttpLane(srv.url, { connections: 1, learnedIdleFloorMs: 1000 });
  try {
    await lane.request('POST', '/a', {}, '{}', 1000);
    await waitFor(() => srv.sockets.length === 2, 3000);
    await lane.request('POST', '/b', {}, '{}', 1000);
    const second = srv.sockets[1]!;
    let closed = false;
    second.once('end', () => (closed = true));
    await sleep(800);
    assert.equal(closed, false, 'the replacement keeps the configured idle limit');
  } finally {
    await lane.close();
    await srv.close();
  }
});
