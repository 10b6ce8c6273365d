// Spot through the real Engine on a quiet paper exchange (matching engine, spot balances with locks, fees
// in the received asset) over the backtest's BacktestPort, liquidity placed by hand so every figure is
// exact: the side a flat symbol can fund, sizes inside the free balance, a base-asset fee booked so the
// round trip closes, and the core's ledger equal to the exchange's balances and fills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../src/core/engine.js';
import { BacktestPort } from '../../src/sim/backtest-port/port.js';
import { SimExchange } from '../../src/sim/exchange.js';
import { DEFAULT_MARKETS } from '../../src/sim/model/markets.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D, type Decimal, ZERO } from '../../src/util/decimal.js';
import type { Settings } from '../../src/config/settings.js';
import type { Side } from '../../src/domain/side.js';
import { MemJournal, MemLog, MemLogger, MemRunState, settingsWith, T0 } from './helpers/harness.js';

const S = 'SOL_USDC';
const KEY = 'spot-test';

interface Rig {
  clock: VirtualClock;
  ex: SimExchange;
  port: BacktestPort;
  engine: Engine;
  logger: MemLogger;
  journal: MemJournal;
  /** Let simulated time pass (timers, events, promise chains). */
  run(ms: number): Promise<void>;
  /** Our resting order at the exchange (at most one). */
  resting(): { side: Side; price: string; quantity: string } | null;
  /** A background taker that trades against our resting order (and the queue ahead of it). */
  fillOurs(qty?: string): Promise<void>;
  /** Takers buy: with the default side mode the flow wants an Ask. */
  takersBuy(): Promise<void>;
  balance(asset: string): Decimal;
}

async function rig(o: { quote?: string; base?: string; settings?: Partial<Settings>; restartOf?: Rig } = {}): Promise<Rig> {
  const clock = o.restartOf?.clock ?? new VirtualClock(T0);
  const market = { ...DEFAULT_MARKETS.find((m) => m.symbol === S)!, initialPrice: '100.00' };
  let ex = o.restartOf?.ex;
  if (!ex) {
    ex = new SimExchange({ clock, seed: 1, model: false, markets: [market], startingCollateral: o.quote ?? '1000', ...(o.base ? { startingBalances: { SOL: o.base } } : {}) });
    // House quotes 99.99 / 100.02: one tick of improvement puts ours alone at 100.00 / 100.01.
    ex.addLiquidity(S, 'Bid', '99.99', '50');
    ex.addLiquidity(S, 'Ask', '100.02', '50');
  }
  const port = new BacktestPort({ clock, exchange: ex, apiKey: KEY });
  const logger = new MemLogger();
  const journal = o.restartOf?.journal ?? new MemJournal();
  const engine = new Engine({
    port,
    clock,
    settings: settingsWith({ symbols: [S], improveTicks: 1, minRequoteMs: 0, ...o.settings }),
    runMode: 'paper',
    journal,
    stats: new MemLog(),
    logger,
    runState: new MemRunState(),
    coreVersion: 'test',
    logFile: '(memory)',
  });
  await engine.start();
  const run = (ms: number) => port.advance(ms);
  const exchange = ex;
  const r: Rig = {
    clock,
    ex: exchange,
    port,
    engine,
    logger,
    journal,
    run,
    resting() {
      const open = exchange.openOrders(KEY, S);
      assert.ok(open.length <= 1, `one working order at most, got ${open.length}`);
      const x = open[0];
      return x ? { side: x.side, price: x.price!.toFixed(2), quantity: D(x.quantity!).minus(D(x.executedQuantity)).toString() } : null;
    },
    async fillOurs(qty) {
      const mine = r.resting();
      assert.ok(mine, 'an order of ours rests');
      const id = exchange.openOrders(KEY, S)[0]!.id;
      const ahead = D(exchange.queueAhead(KEY, id) ?? '0');
      exchange.takeLiquidity(S, mine.side === 'Bid' ? 'Ask' : 'Bid', ahead.plus(qty ?? mine.quantity).toString(), mine.price);
      // The house refills the level it lost, so the book looks the same afterwards.
      if (ahead.gt(0)) exchange.addLiquidity(S, mine.side, mine.price, ahead.toString());
      await run(200);
    },
    async takersBuy() {
      exchange.takeLiquidity(S, 'Bid', '1');
      await run(100);
    },
    balance(asset) {
      const b = exchange.balances(KEY).get(asset);
      return b ? b.available.plus(b.locked) : ZERO;
    },
  };
  await run(100);
  return r;
}

test('spot, flat with quote only: the flow wants an Ask it cannot fund, so it bids; no INSUFFICIENT_FUNDS ever', { timeout: 20_000 }, async () => {
  const r = await rig();
  await r.takersBuy();
  await r.run(2000);
  const f = r.engine.view.stats.figures(S);
  assert.deepEqual(f.failures, {}, 'no rejected orders');
  assert.equal(r.engine.view.ordersPlaced, 1);
  assert.deepEqual(r.resting(), { side: 'Bid', price: '100.00', quantity: '0.5' });
  await r.engine.stop();
});

test('spot round trip with the fee taken in the base asset: the exit sells what is held and the trip closes', { timeout: 20_000 }, async () => {
  const r = await rig();
  await r.takersBuy();
  await r.fillOurs(); // bought 0.5 @ 100.00, fee 8 bps in SOL: 0.0004
  assert.equal(r.balance('SOL').toString(), '0.4996');
  assert.equal(r.engine.view.inventory(r.engine.view.syms.get(S)!).toString(), '0.4996', 'inventory is the base really held');
  // The exit (joining the best ask) closes what is held, floored to the step: 0.49 (0.5 would be
  // refused for funds).
  assert.deepEqual(r.resting(), { side: 'Ask', price: '100.02', quantity: '0.49' });
  await r.fillOurs(); // sold 0.49 @ 100.02, fee 8 bps in USDC
  const l = r.engine.view.stats.ledger(S);
  const f = r.engine.view.stats.figures(S);
  // The ledger equals the exchange's balances: base held 0.0096 (below the minimum: dust), trip closed.
  assert.equal(r.balance('SOL').toString(), '0.0096');
  assert.equal(l.position.toString(), '0.0096');
  assert.equal(f.trips, 1, 'the round trip closed with a residual below the market minimum');
  assert.equal(l.inventorySince, null);
  // Fees: 0.0004 SOL (valued at the fill price) + 0.49 * 100.02 * 0.0008 USDC.
  const exFills = r.ex.fills(KEY, { sortDirection: 'Asc' });
  assert.deepEqual(exFills.map((x) => [x.side, x.feeSymbol, x.fee.toString()]), [['Bid', 'SOL', '0.0004'], ['Ask', 'USDC', '0.03920784']]);
  assert.equal(l.baseAssetFees.toString(), '0.0004');
  assert.equal(l.quoteAssetFees.toString(), '0.03920784');
  assert.equal(f.fees.toString(), '0.07920784');
  assert.equal(f.volume.toString(), '99.0098');
  assert.equal(f.realizedPnl.toString(), '0.0098');
  // Independent of the ledger's arithmetic: what the account gained in quote plus the base it gained at
  // its cost equals realized PnL minus fees (the residual is carried at its cost, 100.00).
  const cash = r.balance('USDC').minus(1000).plus(r.balance('SOL').mul(l.avgCost));
  assert.equal(cash.toString(), f.realizedPnl.minus(f.fees).toString());
  assert.deepEqual(f.failures, {});
  // Flat again (the residual is dust): the next entry is a Bid again, never an unfunded Ask.
  await r.takersBuy();
  await r.run(1000);
  assert.equal(r.resting()?.side, 'Bid');
  assert.deepEqual(r.engine.view.stats.figures(S).failures, {});
  await r.engine.stop();
});

test('spot restart: the journal replay and the start-up balances agree (nothing adopted, nothing counted twice), and the held base is sold', { timeout: 20_000 }, async () => {
  const a = await rig();
  await a.takersBuy();
  await a.fillOurs(); // bought 0.5, holding 0.4996
  await a.fillOurs('0.2'); // the exit sells part: 0.2996 left
  assert.equal(a.balance('SOL').toString(), '0.2996');
  await a.engine.stop(); // cancels the rest of the exit
  const b = await rig({ restartOf: a });
  const l = b.engine.view.stats.ledger(S);
  assert.equal(l.position.toString(), '0.2996', 'inventory from the replayed journal');
  assert.equal(l.fills, 2);
  assert.ok(!b.logger.lines.some((x) => /adopting/.test(x)), b.logger.lines.join('\n'));
  await b.run(500);
  assert.deepEqual(b.resting(), { side: 'Ask', price: '100.02', quantity: '0.29' }, 'the exit resumes for what is held');
  await b.fillOurs();
  assert.equal(b.engine.view.stats.figures(S).trips, 1);
  assert.equal(b.engine.view.stats.ledger(S).position.toString(), b.balance('SOL').toString());
  assert.deepEqual(b.engine.view.stats.figures(S).failures, {});
  await b.engine.stop();
});
