// Which clock the REST transport uses for what: Retry-After dates are read against the injected Clock's
// now (src/util/clock.ts), while the request timeout is a wall-clock transport timer like the order lane's
// (a scaled or virtual clock must not shorten or freeze it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { BackpackRest } from '../../../src/exchange/backpack/rest.js';
import { parseErrorBody, parseRetryAfter, TransportError } from '../../../src/exchange/backpack/rest-errors.js';
import { VirtualClock } from '../../../src/util/clock.js';

test('a GET timeout is wall time: it fires while the injected clock stands still (the harness relies on it)', { timeout: 10_000 }, async () => {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => socks.add(s)); // accepts, never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const clock = new VirtualClock(); // never advanced
  const rest = new BackpackRest({
    restUrl: `http://127.0.0.1:${port}`,
    keys: null,
    settings: { restRateLimit: 2000, requestTimeoutMs: 300, recvWindowMs: 5000 },
    clock,
    getRetries: 0,
  });
  try {
    const t0 = Date.now();
    await assert.rejects(rest.markets(), (e: unknown) => e instanceof TransportError && e.reason === 'timeout');
    const waited = Date.now() - t0;
    assert.ok(waited >= 250 && waited < 5000, `timed out after ${waited} ms of wall time`);
  } finally {
    await rest.close();
    for (const s of socks) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('Retry-After: seconds, or an HTTP date counted from the given now; junk is null', () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);
  assert.equal(parseRetryAfter('2', now), 2000);
  assert.equal(parseRetryAfter(['1.5', '9'], now), 1500);
  assert.equal(parseRetryAfter(new Date(now + 7000).toUTCString(), now), 7000);
  assert.equal(parseRetryAfter(new Date(now - 7000).toUTCString(), now), 0);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter(undefined, now), null);
});

test('error bodies: JSON code/message, or HTTP_<status> with a tag-free excerpt', () => {
  assert.deepEqual(parseErrorBody(400, '{"code":"INVALID_ORDER","message":"bad"}'), { code: 'INVALID_ORDER', message: 'bad' });
  assert.deepEqual(parseErrorBody(502, '<html><body><h1>Bad   Gateway</h1></body></html>'), { code: 'HTTP_502', message: 'Bad Gateway' });
  assert.deepEqual(parseErrorBody(500, ''), { code: 'HTTP_500', message: 'HTTP 500' });
});
