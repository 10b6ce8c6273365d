// The order lane's pure HTTP/1.1 response parser (src/exchange/backpack/http-response-parser.ts), bytes in,
// replies out, no sockets: framing, heads, keep-alive and the errors that must never become a guessed body.
// (test/exchange/backpack/http-lane.test.ts covers the same parser through real connections.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser, type ResponseHead } from '../../../src/exchange/backpack/http-response-parser.js';
import { LaneError } from '../../../src/exchange/backpack/lane-error.js';

function parse(raw: string, method = 'POST') {
  const heads: ResponseHead[] = [];
  const p = new ResponseParser((h) => heads.push(h));
  p.begin(method);
  p.push(Buffer.from(raw, 'latin1'));
  return { p, heads, reply: p.next() };
}

test('content-length body; leftover bytes stay pending; the head is seen before the body completes', () => {
  const heads: ResponseHead[] = [];
  const p = new ResponseParser((h) => heads.push(h));
  p.begin('POST');
  p.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=4\r\n\r\nab'));
  assert.equal(p.next(), null);
  assert.equal(heads.length, 1);
  assert.equal(heads[0]!.keepAliveTimeoutSec, 4);
  p.push(Buffer.from('cdeXY'));
  const r = p.next()!;
  assert.equal(r.text, 'abcde');
  assert.equal(r.head.status, 200);
  assert.equal(r.head.keepAlive, true);
  assert.equal(p.pending, 2);
});

test('chunked with extensions and trailers, split at every byte, reads the same', () => {
  const raw = 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\n{"a\r\n4\r\n":1}\r\n0\r\nX-Trailer: t\r\n\r\n';
  for (let cut = 1; cut < raw.length; cut++) {
    const p = new ResponseParser();
    p.begin('POST');
    p.push(Buffer.from(raw.slice(0, cut), 'latin1'));
    const first = p.next();
    p.push(Buffer.from(raw.slice(cut), 'latin1'));
    const r = first ?? p.next();
    assert.ok(r, `cut ${cut}`);
    assert.equal(r.text, '{"a":1}', `cut ${cut}`);
    assert.equal(r.head.status, 201);
    assert.equal(p.pending, 0);
  }
});

test('1xx heads are skipped; HEAD, 204 and 304 have no body whatever they declare', () => {
  const { reply, heads } = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
  assert.equal(reply!.text, 'ok');
  assert.deepEqual(heads.map((h) => h.status), [200]);
  assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 'HEAD').reply!.text, '');
  assert.equal(parse('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n').reply!.text, '');
  assert.equal(parse('HTTP/1.1 304 Not Modified\r\n\r\n').reply!.text, '');
});

test('headers: lower-case names, duplicates joined, obs-fold unfolded; keep-alive by version and Connection', () => {
  const { reply } = parse('HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nX-Long: one\r\n  two\r\nContent-Length: 0\r\n\r\n');
  assert.deepEqual(reply!.head.headers, { 'x-a': '1, 2', 'x-long': 'one two', 'content-length': '0' });
  assert.equal(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').reply!.head.keepAlive, false);
  assert.equal(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').reply!.head.keepAlive, false);
  assert.equal(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').reply!.head.keepAlive, true);
  assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').reply!.head.keepAliveTimeoutSec, null);
});

test('no length and not chunked: the body runs to the close (end()), and the connection is not kept', () => {
  const { p, reply } = parse('HTTP/1.1 200 OK\r\n\r\npart one ');
  assert.equal(reply, null);
  p.push(Buffer.from('part two'));
  assert.equal(p.next(), null);
  const r = p.end()!;
  assert.equal(r.text, 'part one part two');
  assert.equal(r.head.keepAlive, false);
  // end() in any other state is no reply: a cut content-length body is not a reply.
  assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc').p.end(), null);
});

test('malformed framing throws LaneError, never a guessed body', () => {
  const bad = [
    'HTTP/2 200\r\n\r\n',
    'HTTP/1.1 20 OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXX',
  ];
  for (const raw of bad) assert.throws(() => parse(raw), LaneError, JSON.stringify(raw));
  const p = new ResponseParser();
  p.begin('GET');
  p.push(Buffer.alloc(64 * 1024 + 1, 0x61));
  assert.throws(() => p.next(), (e: unknown) => e instanceof LaneError && e.code === 'UND_ERR_HEADERS_OVERFLOW');
  const q = new ResponseParser();
  q.begin('GET');
  q.push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' + '1'.repeat(5000)));
  assert.throws(() => q.next(), LaneError);
});

test('two replies back to back parse one at a time', () => {
  const p = new ResponseParser();
  p.begin('POST');
  p.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 400 Bad\r\nContent-Length: 1\r\n\r\nb'));
  assert.equal(p.next()!.text, 'a');
  p.begin('POST');
  const r = p.next()!;
  assert.equal(r.head.status, 400);
  assert.equal(r.text, 'b');
  assert.equal(p.pending, 0);
});
