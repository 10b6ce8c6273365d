import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../../src/util/clock.js';
import { LatencyRing, MinuteCounter, RateLimiter, RestStats } from '../../../src/exchange/backpack/ratelimit.js';
import { ClockSync, isTimestampError } from '../../../src/exchange/backpack/clock-sync.js';

const flush = () => new Promise((r) => setImmediate(r));

test('the budget delays rather than exceeds: never more than the limit in any rolling minute', async () => {
  const clock = new VirtualClock(0);
  const lim = new RateLimiter(clock, 10, () => 0.5);
  const granted: number[] = [];
  const all: Array<Promise<void>> = [];
  for (let i = 0; i < 35; i++) all.push(lim.acquire().then(() => void granted.push(clock.now())));
  await flush();
  assert.equal(granted.length, 10);
  assert.equal(lim.queued, 25);
  // Drive virtual time until everyone is through.
  for (let t = 0; t < 200_000 && granted.length < 35; t += 1000) {
    clock.advance(1000);
    await flush();
  }
  await Promise.all(all);
  assert.equal(granted.length, 35);
  for (let i = 0; i < granted.length; i++) {
    const inWindow = granted.filter((g) => g > granted[i]! - 60_000 && g <= granted[i]!).length;
    assert.ok(inWindow <= 10, `window ending at ${granted[i]} has ${inWindow}`);
  }
  assert.equal(granted[10], 60_000); // the 11th waits exactly for the first to age out
});

test('429: server hint holds every request; without a hint the back-off is exponential and shared', async () => {
  const clock = new VirtualClock(0);
  const lim = new RateLimiter(clock, 1000, () => 1);
  assert.equal(lim.on429(1500), 1500);
  let done = false;
  void lim.acquire().then(() => (done = true));
  clock.advance(1499);
  await flush();
  assert.equal(done, false);
  clock.advance(1);
  await flush();
  assert.equal(done, true);
  lim.onAnswer(); // that request got a normal answer: the 429 streak ends
  const d1 = lim.on429(null);
  const d2 = lim.on429(null);
  assert.ok(d2 > d1, `${d2} > ${d1}`);
  lim.onAnswer();
  assert.equal(lim.on429(null), d1);
});

test('latency percentiles are bounded and per-endpoint counters count calls, errors, 429s and the last minute', () => {
  const ring = new LatencyRing(100);
  for (let i = 1; i <= 1000; i++) ring.add(i);
  assert.equal(ring.percentile(50), 950); // only the last 100 samples (901..1000)
  assert.equal(ring.percentile(99), 999);
  // The sorted copy is cached between reads and rebuilt after new samples.
  for (let i = 0; i < 60; i++) ring.add(5000);
  assert.equal(ring.percentile(50), 5000);
  assert.equal(ring.percentile(1), 961); // 961..1000 and sixty 5000s
  const clock = new VirtualClock(0);
  const s = new RestStats(clock);
  s.record('GET /api/v1/depth', 5, 'ok');
  s.record('GET /api/v1/depth', 7, 'error');
  s.record('GET /api/v1/depth', 9, '429');
  clock.advance(61_000);
  s.record('GET /api/v1/depth', 1, 'ok');
  const snap = s.snapshot()['GET /api/v1/depth']!;
  assert.deepEqual([snap.calls, snap.errors, snap.http429, snap.lastMinute], [4, 2, 1, 1]);
  assert.equal(s.total, 4);
  const mc = new MinuteCounter();
  mc.add(0);
  mc.add(30_000, 2);
  assert.equal(mc.total(59_999), 3);
  assert.equal(mc.total(60_500), 2);
});

test('clock sync uses the midpoint of the round trip and resyncs on timestamp errors', async () => {
  const clock = new VirtualClock(1_000_000);
  let calls = 0;
  const sync = new ClockSync(clock, async () => {
    calls++;
    clock.advance(100); // 200 ms round trip: server answers at the midpoint
    const server = clock.now() + 5000;
    clock.advance(100);
    return server;
  });
  await sync.sync();
  assert.equal(sync.offsetMs, 5000);
  assert.equal(sync.now(), clock.now() + 5000);
  assert.equal(sync.lastRttMs, 200);
  assert.equal(sync.noteError('Invalid signature'), false);
  assert.equal(sync.noteError('Request has expired'), true);
  await flush();
  assert.equal(calls, 2);
  assert.ok(isTimestampError('Invalid timestamp'));
  sync.start(60_000);
  clock.advance(60_000);
  await flush();
  assert.equal(calls, 3);
  sync.stop();
});

test('tryAcquire takes a free slot synchronously, and never jumps the queue or the 429 hold', async () => {
  const clock = new VirtualClock(0);
  const lim = new RateLimiter(clock, 2, () => 0.5);
  assert.equal(lim.tryAcquire(), true);
  assert.equal(lim.tryAcquire(), true);
  assert.equal(lim.tryAcquire(), false, 'budget used up: the caller must wait');
  assert.equal(lim.lastMinute(), 2);
  let waited = false;
  void lim.acquire().then(() => (waited = true));
  assert.equal(lim.queued, 1);
  clock.advance(59_999);
  assert.equal(lim.tryAcquire(), false, 'still no slot, and a waiter is first in line');
  clock.advance(1);
  await flush();
  assert.equal(waited, true, 'the waiter got the freed slot');
  assert.equal(lim.tryAcquire(), true, 'the second slot freed at the same moment');
  lim.on429(1000);
  clock.advance(60_000);
  lim.on429(1000);
  assert.equal(lim.tryAcquire(), false, 'held after a 429');
  clock.advance(1000);
  assert.equal(lim.tryAcquire(), true);
});
