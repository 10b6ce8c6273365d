// Spot end to end: the real core and BackpackAdapter against the paper exchange server (signed REST +
// websocket on loopback) on SOL_USDC for a few simulated minutes (the shared clock runs 12x faster than
// the wall clock), the account starting with USDC only. The paper exchange behaves like Backpack spot:
// fees in the received asset, locked balances, INSUFFICIENT_FUNDS when an order is not covered. At the
// end the core's ledger must equal the exchange's own records exactly: fills, volume, fees in quote and in
// base, realized PnL, the base balance (inventory), with round trips closing and no order refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSim } from '../../src/sim/index.js';
import { TradingStats } from '../../src/core/stats.js';
import { ScaledClock } from '../../src/util/clock.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { paperCore, tradeThenFlatten } from './helpers/paper-core.js';

const S = 'SOL_USDC';
const SPEED = 12;

test('spot core vs paper exchange: funded quotes only, round trips close, ledger = exchange records exactly', { timeout: 90_000 }, async () => {
  const clock = new ScaledClock(SPEED);
  const sim = await startSim({ port: 0, seed: 5, clock, markets: [S] });
  const { keys, settings, adapter, journal, logger, engine } = paperCore(sim, clock, { TIERHUNTER_SYMBOLS: S, TIERHUNTER_ORDER_NOTIONAL: '50', TIERHUNTER_SESSION_LOSS_LIMIT: '0' });
  const ex = sim.exchange;
  const held = (asset: string) => {
    const b = ex.balances(keys.apiKey).get(asset);
    return b ? b.available.plus(b.locked) : ZERO;
  };
  const violations: string[] = [];
  let maxOpen = 0;
  const watch = setInterval(() => {
    const open = ex.openOrders(keys.apiKey, S);
    maxOpen = Math.max(maxOpen, open.length);
    if (open.length > 1) violations.push(`${open.length} working orders`);
    if (held('SOL').isNegative() || held('USDC').isNegative()) violations.push('negative balance');
  }, 10);
  const startedAt = clock.now();
  try {
    // ~3.2 simulated minutes, then flatten: done (PAUSED) once only dust is left.
    const flat = await tradeThenFlatten(engine, 16_000, () => engine.view.globalMode === 'PAUSED' && engine.view.tracker.get(S) === null);
    assert.ok(flat, 'flatten done: only dust left');
    await sleep(3000 / SPEED + 200); // the last balance read lands
    await engine.stop();
  } finally {
    clearInterval(watch);
  }
  const simMinutes = (clock.now() - startedAt) / 60_000;
  try {
    assert.deepEqual(violations, []);
    assert.equal(maxOpen, 1, 'the core quoted, one order at a time');
    assert.deepEqual(ex.openOrders(keys.apiKey), [], 'nothing left resting');
    const f = engine.view.stats.figures(S);
    // Never refused for funds; the only refusals allowed are post-only ones of a moving market.
    assert.equal(f.failures['INSUFFICIENT_FUNDS'], undefined, JSON.stringify(f.failures));
    assert.deepEqual(Object.keys(f.failures).filter((k) => k !== 'post-only'), [], JSON.stringify(f.failures));
    assert.ok(!logger.lines.some((l) => /adopting/.test(l)), 'the ledger never had to adopt the exchange figure');

    const exFills = ex.fills(keys.apiKey, { limit: 1_000_000, sortDirection: 'Asc' });
    assert.ok(exFills.length >= 20, `fills ${exFills.length}`);
    let volume = ZERO;
    let quoteFees = ZERO;
    let baseFees = ZERO;
    let feeValue = ZERO;
    for (const x of exFills) {
      volume = volume.plus(D(x.price).mul(x.quantity));
      if (x.feeSymbol === 'SOL') {
        baseFees = baseFees.plus(x.fee);
        feeValue = feeValue.plus(D(x.fee).mul(x.price));
      } else {
        assert.equal(x.feeSymbol, 'USDC');
        quoteFees = quoteFees.plus(x.fee);
        feeValue = feeValue.plus(x.fee);
      }
      // Backpack spot: the fee comes out of the asset received.
      assert.equal(x.feeSymbol, x.side === 'Bid' ? 'SOL' : 'USDC');
    }
    assert.equal(f.fills, exFills.length);
    assert.equal(f.makerFills, exFills.filter((x) => x.isMaker).length);
    assert.equal(f.volume.toString(), volume.toString());
    assert.equal(f.quoteAssetFees.toString(), quoteFees.toString(), 'fees charged in USDC');
    assert.equal(f.baseAssetFees.toString(), baseFees.toString(), 'fees charged in SOL');
    assert.equal(f.fees.toString(), feeValue.toString(), 'fees valued in USDC at their fill prices');
    // Inventory is the base the exchange holds (target 0), exactly; flat at the end means dust.
    const sol = held('SOL');
    const l = engine.view.stats.ledger(S);
    assert.equal(l.position.toString(), sol.toString());
    assert.ok(sol.lt('0.01'), `flattened to dust, holding ${sol}`);
    // Round trips closed: each entry (a bid, filled in one or more parts) was sold back to dust before the
    // next one, so there are as many closed trips as bid orders that filled.
    const entries = new Set(exFills.filter((x) => x.side === 'Bid').map((x) => x.orderId)).size;
    assert.ok(entries > 10, `entries ${entries}`);
    assert.equal(f.trips, entries, `round trips ${f.trips} of ${entries} entries (${exFills.length} fills)`);
    assert.equal(l.inventorySince, null);
    // Realized PnL: the exchange's fills through the same accounting, and independently the account's
    // cash: USDC gained plus SOL held at its cost = realized - fees (to the digits the average keeps).
    const replay = new TradingStats([S]);
    replay.ledger(S).dust = { step: D('0.01'), min: D('0.01') };
    for (const x of exFills) {
      const baseFee = x.feeSymbol === 'SOL' ? D(x.fee) : null;
      replay.recordFill(x.side, D(x.quantity), D(x.price), x.isMaker, { symbol: S, fee: baseFee ? baseFee.mul(x.price) : D(x.fee), ts: x.timestamp, tradeId: String(x.tradeId), ...(baseFee ? { baseFee } : {}) });
    }
    assert.equal(f.realizedPnl.toDecimalPlaces(12).toString(), replay.figures(S).realizedPnl.toDecimalPlaces(12).toString());
    assert.equal(f.trips, replay.figures(S).trips);
    const cash = held('USDC').minus(10_000).plus(sol.mul(l.avgCost));
    assert.equal(cash.toDecimalPlaces(12).toString(), f.realizedPnl.minus(f.fees).toDecimalPlaces(12).toString());
    // The stats command (what the TUI and `ctl stats` show) carries the same figures.
    const stats = await engine.command({ name: 'stats' });
    const sym = (stats as { data: { symbols: Record<string, Record<string, unknown>> } }).data.symbols[S]!;
    assert.equal(sym['feesInBaseAsset'], baseFees.toString());
    assert.equal(sym['feesInQuoteAsset'], quoteFees.toString());
    // Every fill journaled exactly once.
    const journaled = journal.records.filter((r) => r.kind === 'fill').map((r) => r.tradeId);
    assert.equal(journaled.length, exFills.length);
    assert.deepEqual(new Set(journaled), new Set(exFills.map((x) => String(x.tradeId))));
    // Balances were re-read after fills, within the REST budget: at most one read per refresh interval
    // (2 s) plus start-up and reconciliations.
    const capital = adapter.metrics().byEndpoint['GET /api/v1/capital']?.calls ?? 0;
    assert.ok(capital >= 5, `balance reads ${capital}`);
    assert.ok(capital <= (simMinutes * 60) / settings.balanceRefreshSec + 15, `balance reads ${capital} in ${simMinutes.toFixed(1)} simulated minutes`);
  } finally {
    await adapter.close();
    await sim.stop();
  }
});
