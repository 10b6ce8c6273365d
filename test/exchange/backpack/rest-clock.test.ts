// The REST transport's time comes from the injected Clock (src/util/clock.ts): a GET's timeout fires when
// the clock says so (not on a real timer), and Retry-After dates are read against the clock's now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { BackpackRest } from '../../../src/exchange/backpack/rest.js';
import { parseErrorBody, parseRetryAfter, TransportError } from '../../../src/exchange/backpack/rest-errors.js';
import { VirtualClock } from '../../../src/util/clock.js';

test('a GET that gets no answer times out when the injected clock passes requestTimeoutMs, not before', async () => {
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => socks.add(s)); // accepts, never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const clock = new VirtualClock();
  const rest = new BackpackRest({
    restUrl: `http://127.0.0.1:${port}`,
    keys: null,
    settings: { restRateLimit: 2000, requestTimeoutMs: 1000, recvWindowMs: 5000 },
    clock,
    getRetries: 0,
  });
  try {
    const state: { settled: unknown } = { settled: 'pending' };
    const p = rest.markets().then(
      () => (state.settled = 'resolved'),
      (e: unknown) => (state.settled = e),
    );
    await new Promise((r) => setTimeout(r, 1300)); // more real time than the timeout: still waiting (the clock has not moved)
    assert.equal(state.settled, 'pending');
    clock.advance(999);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(state.settled, 'pending');
    clock.advance(1);
    await p;
    const e = state.settled as unknown; // widened: assert.equal narrowed it to "pending" above
    assert.ok(e instanceof TransportError && e.reason === 'timeout', String(e));
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
