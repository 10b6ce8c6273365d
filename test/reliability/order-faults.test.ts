// Fault scenarios on order requests (issue 8: 2, 3, 8): lost replies and 5xx, a 429 storm, a storm of
// post-only and reduce-only rejections. Requests are counted server-side by the harness's proxy.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fillResting, startHarness, stopAllHarnesses, tail } from './harness.js';
import { D } from '../../src/util/decimal.js';

after(stopAllHarnesses);

test('2. order request times out or gets a 5xx (reached the book or not): resolved by query, one working order, no duplicate clientId', { timeout: 90_000 }, async () => {
  const h = await startHarness({ seed: 31, env: { TIERHUNTER_REQUEST_TIMEOUT_MS: '400' } });
  const key = h.keys.apiKey;
  try {
    await h.run(5000);
    const from = h.clock.now();
    h.sim.faults.set({ timeoutRate: 0.15, errorRate: 0.15 });
    await h.run(50_000);
    h.sim.faults.set({ timeoutRate: 0, errorRate: 0 });
    await h.run(10_000);
    const posts = h.proxy.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/order' && r.t >= from);
    const lost = posts.filter((r) => r.status === null);
    const failed = posts.filter((r) => r.status === 503);
    assert.ok(lost.length > 0, `some placements got no reply (the server executed them): ${lost.length}`);
    assert.ok(failed.length > 0, `some placements got a 503 (not executed): ${failed.length}`);
    assert.ok(h.spy.findOrderCalls > 0, 'unknown outcomes were resolved by query');
    // Lost replies that did reach the book were found and tracked (the watcher saw at most one order).
    const ids = h.proxy.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/order').map((r) => (r.body as { clientId: number }).clientId);
    assert.equal(new Set(ids).size, ids.length, 'no clientId was ever sent twice');
    const seen = h.sim.exchange.orderHistory(key, { limit: 10_000_000 }).map((o) => o.clientId);
    assert.equal(new Set(seen).size, seen.length, 'the exchange never saw a clientId twice');
    assert.ok(h.spy.placements.some((p) => p.t > h.clock.now() - 9000 && p.outcome === 'accepted'), 'placements succeed again after the faults');
    const problems = await h.settleAndCheck();
    assert.deepEqual(problems, [], tail(h.logger));
  } finally {
    await h.stop();
  }
});

test('3. 429 storm: the core backs off, keeps its per-minute budget, recovers by itself, never exceeds the configured limit', { timeout: 90_000 }, async () => {
  const LIMIT = 240;
  const h = await startHarness({ seed: 33, env: { TIERHUNTER_REST_RATE_LIMIT: String(LIMIT) } });
  try {
    // A short warm-up: a long one could spend the whole minute's budget, and a client waiting for its own
    // budget sends nothing for the server to refuse.
    await h.run(5000);
    const stormFrom = h.clock.now();
    // The server allows 1 request per (wall) minute: practically everything is answered 429. The storm
    // lasts at least 30 simulated seconds and until the server has refused 5 requests.
    h.sim.faults.set({ rateLimitPerMinute: 1 });
    const refused = () => h.proxy.requests.filter((r) => r.t >= stormFrom && r.status === 429).length;
    await h.run(30_000);
    assert.ok(await h.until(() => refused() >= 5, 30_000), `the server answered 429 (${refused()})`);
    h.sim.faults.set({ rateLimitPerMinute: 0 });
    const stormTo = h.clock.now();
    const fillsAfterStorm = h.fills();
    await h.run(40_000);
    const storm = h.proxy.requests.filter((r) => r.t >= stormFrom && r.t <= stormTo);
    assert.ok(h.adapter.metrics().http429 >= 5, 'the core saw the 429s');
    // Back-off: a shared, growing hold after each 429, so few requests reach a server that refuses them
    // (the same core sends hundreds a minute when answered).
    const perMinute = (storm.length * 60_000) / (stormTo - stormFrom);
    assert.ok(perMinute <= 50, `requests per simulated minute during the storm: ${perMinute.toFixed(1)} (${storm.length} in ${stormTo - stormFrom} ms; back-off expected)`);
    // The configured budget holds in every rolling minute, storm or not (counted at the server). The
    // window is 58 s of simulated time: 200 ms of wall-clock transit jitter at 10x must not count as a breach.
    const worst = h.proxy.maxInWindow(58_000);
    assert.ok(worst <= LIMIT, `at most ${LIMIT} requests in any minute at the server, saw ${worst}`);
    // Recovery by itself: placements accepted and fills again after the storm.
    assert.ok(h.spy.placements.some((p) => p.t > stormTo && p.outcome === 'accepted'), 'orders accepted after the storm');
    assert.ok(h.fills() > fillsAfterStorm, 'fills after the storm');
    const problems = await h.settleAndCheck();
    assert.deepEqual(problems, [], tail(h.logger));
  } finally {
    await h.stop();
  }
});

test('8. storm of post-only and reduce-only rejections: back-off, no tight loop, alert raised', { timeout: 90_000 }, async () => {
  const h = await startHarness({ seed: 35 });
  const key = h.keys.apiKey;
  try {
    await h.run(5000);
    // Every second reduce-only exit is refused here as "not reduced"; the others reach the exchange, which
    // refuses every placement (post-only ones as "would immediately match"): both kinds are guaranteed.
    let reduceOnlyRejected = 0;
    let reduceOnlySeen = 0;
    h.proxy.hooks.onRequest = (r) => {
      if (r.method !== 'POST' || r.path !== '/api/v1/order') return null;
      const b = r.body as { reduceOnly?: boolean };
      if (b.reduceOnly !== true || reduceOnlySeen++ % 2 === 1) return null;
      reduceOnlyRejected++;
      return { status: 400, json: { code: 'INVALID_ORDER', message: 'Reduce only order not reduced' } };
    };
    // Refuse every placement from now on, then fill a resting entry: the inventory it leaves can only be
    // closed by reduce-only exits, which are all refused (by the hook or the exchange), so it stays and
    // both kinds of rejection happen whatever the machine's speed.
    assert.ok(await h.until(() => h.sim.exchange.openOrders(key).some((o) => o.reduceOnly !== true), 10_000), 'an entry rested');
    h.sim.faults.set({ orderRejectRate: 1 });
    assert.ok(fillResting(h, 1, undefined, true) !== null, 'the resting entry was filled');
    assert.ok(await h.until(() => h.sim.exchange.positions(key).some((p) => !D(p.netQuantity).isZero()), 10_000), 'inventory held');
    const from = h.clock.now();
    const postOnlyRefused = () => h.proxy.requests.filter((r) => r.t >= from && r.method === 'POST' && r.path === '/api/v1/order' && !r.synthetic && /immediately match/.test(r.error ?? '')).length;
    await h.run(60_000);
    assert.ok(await h.until(() => reduceOnlyRejected >= 2 && postOnlyRefused() >= 2, 30_000), `both kinds injected: reduce-only ${reduceOnlyRejected}, post-only ${postOnlyRefused()}`);
    const to = h.clock.now();
    const alerts = h.snapshot().alerts.filter((a) => a.active && a.id.startsWith('failures:'));
    h.sim.faults.set({ orderRejectRate: 0 });
    delete h.proxy.hooks.onRequest;
    const posts = h.proxy.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/order' && r.t >= from && r.t <= to);
    const minutes = (to - from) / 60_000;
    // Doubling back-off (250 ms .. 10 s) per symbol: about 11 attempts in the first minute, 6 a minute after.
    assert.ok(posts.length <= (15 + 8 * Math.max(0, minutes - 1)) * h.symbols.length, `placements during the ${minutes.toFixed(1)} min storm: ${posts.length} (no tight loop)`);
    const all = h.proxy.requests.filter((r) => r.t >= from && r.t <= to).length;
    assert.ok(all <= 60 * minutes * h.symbols.length, `all requests during the storm: ${all}`);
    assert.ok(alerts.length > 0 && alerts.every((a) => a.level === 'critical'), `consecutive-failure alert raised: ${JSON.stringify(alerts)}`);
    await h.run(30_000);
    assert.ok(h.spy.placements.some((p) => p.t > to && p.outcome === 'accepted'), 'orders accepted after the storm');
    const problems = await h.settleAndCheck();
    assert.deepEqual(problems, [], tail(h.logger));
  } finally {
    await h.stop();
  }
});
