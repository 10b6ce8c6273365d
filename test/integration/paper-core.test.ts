// The trading core against the real paper exchange server (signed REST + websocket on loopback) for a few
// simulated minutes (the shared clock runs 12x faster than the wall clock). Invariants are checked against
// the exchange's own records while it trades, and its fills, fees and positions must match them exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from '../../src/sim/index.js';
import { ScaledClock } from '../../src/util/clock.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { paperCore, tradeThenFlatten } from './helpers/paper-core.js';

const SYMBOLS = ['SOL_USDC_PERP', 'BTC_USDC_PERP', 'ETH_USDC_PERP'];
const LIMIT = D(200);

test('core vs paper exchange: one working order, position limit, flat at the end, records agree exactly', { timeout: 90_000 }, async () => {
  const clock = new ScaledClock(12);
  const sim = await startSim({ port: 0, seed: 11, clock });
  const { keys, adapter, journal, engine } = paperCore(sim, clock, {
    TIERHUNTER_SYMBOLS: SYMBOLS.join(','),
    TIERHUNTER_MAX_POSITION_NOTIONAL: LIMIT.toString(),
    TIERHUNTER_ORDER_NOTIONAL: '50',
  });
  const violations: string[] = [];
  let maxOpen = 0;
  let sawNonFlat = false;
  const watch = setInterval(() => {
    const open = sim.exchange.openOrders(keys.apiKey);
    const per = new Map<string, number>();
    for (const o of open) per.set(o.symbol, (per.get(o.symbol) ?? 0) + 1);
    for (const [s, n] of per) {
      maxOpen = Math.max(maxOpen, n);
      if (n > 1) violations.push(`${s}: ${n} working orders`);
    }
    for (const p of sim.exchange.positions(keys.apiKey)) {
      const notional = D(p.netQuantity).abs().mul(D(p.markPrice));
      if (!D(p.netQuantity).isZero()) sawNonFlat = true;
      // The gate denies any order whose fill could exceed the cap; allow only mark drift after the fill.
      if (notional.gt(LIMIT.mul(1.05))) violations.push(`${p.symbol}: position notional ${notional.toFixed(2)} > ${LIMIT}`);
    }
  }, 10);
  try {
    // ~3.2 simulated minutes, then flatten until no position is left.
    await tradeThenFlatten(engine, 16_000, () => sim.exchange.positions(keys.apiKey).every((p) => D(p.netQuantity).isZero()));
    await engine.stop();
  } finally {
    clearInterval(watch);
  }
  try {
    assert.deepEqual(violations, []);
    assert.equal(maxOpen, 1, 'the core quoted (one order at a time)');
    assert.ok(sawNonFlat, 'the core took inventory at some point');
    // Inventory returned to flat and nothing rests at the exchange.
    assert.deepEqual(sim.exchange.positions(keys.apiKey).filter((p) => !D(p.netQuantity).isZero()), []);
    assert.deepEqual(sim.exchange.openOrders(keys.apiKey), []);

    // The core's records equal the exchange's, exactly.
    const exFills = sim.exchange.fills(keys.apiKey, { limit: 100000 });
    assert.ok(exFills.length > 0, 'fills happened');
    const stats = await engine.command({ name: 'stats' });
    assert.equal(stats.ok, true);
    const data = (stats as { data: { total: Record<string, unknown>; symbols: Record<string, Record<string, unknown>> } }).data;
    assert.equal(data.total['fills'], exFills.length);
    assert.equal(data.total['makerFills'], exFills.filter((f) => f.isMaker).length);
    let fees = ZERO;
    let volume = ZERO;
    for (const f of exFills) {
      fees = fees.add(D(f.fee));
      volume = volume.add(D(f.price).mul(D(f.quantity)));
    }
    assert.equal(D(data.total['fees'] as string).toString(), fees.toString());
    assert.equal(D(data.total['volume'] as string).toString(), volume.toString());
    for (const s of SYMBOLS) {
      const mine = exFills.filter((f) => f.symbol === s);
      assert.equal(data.symbols[s]?.['fills'], mine.length, `${s} fill count`);
      assert.equal(D(data.symbols[s]?.['position'] as string).toString(), '0', `${s} flat in the core`);
    }
    // Every fill journaled exactly once (trade ids are per market).
    const journaled = journal.records.filter((r) => r.kind === 'fill').map((r) => `${r.symbol}:${r.tradeId}`);
    assert.equal(journaled.length, exFills.length);
    assert.deepEqual(new Set(journaled), new Set(exFills.map((f) => `${f.symbol}:${f.tradeId}`)));
  } finally {
    await adapter.close();
    await sim.stop();
  }
});
