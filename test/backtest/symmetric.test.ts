// The symmetric baseline runs on the engine's execution path: a placement whose outcome is unknown is
// resolved by query and adopted, never resent (so a side never has two orders resting), and on spot its
// fills go through the engine's fill path (a Bid's maker fee is charged in the base asset: it is a cost
// valued in quote, and it leaves the base held, so the ledger's position is the base the exchange holds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktestDetailed } from '../../src/backtest/run.js';
import { backtestSettings } from '../../src/backtest/settings.js';
import { CountingLogger } from '../../src/backtest/sinks.js';
import { SymmetricQuoter } from '../../src/backtest/symmetric.js';
import type { ExchangeEvent, Outcome } from '../../src/exchange/types.js';
import type { OrderInfo, OrderRequest } from '../../src/domain/order.js';
import type { Side } from '../../src/domain/side.js';
import { BacktestPort } from '../../src/sim/backtest-port/port.js';
import { LatencyModel, VPS_LATENCY } from '../../src/sim/latency.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D, ZERO } from '../../src/util/decimal.js';

const PERP = 'SOL_USDC_PERP';

/**
 * A BacktestPort whose first Bid placement answers "unknown" (a timeout). `reaches`: the exchange took it
 * anyway, and its acknowledgement on the stream was lost too (so only a query can tell); otherwise the
 * request never arrived.
 */
class UnknownFirstBidPort extends BacktestPort {
  unknownClientId: number | null = null;
  /** When the "unknown" answer was given. */
  unknownAt: number | null = null;
  /** findOrder calls: the client id and the time of the answer. */
  readonly found: Array<{ clientId: number; answeredAt: number; found: boolean }> = [];
  /** Bid placements after the unknown one, and when. */
  readonly laterBids: number[] = [];
  reaches = true;
  override async placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    if (this.unknownClientId === null && req.side === 'Bid') {
      this.unknownClientId = req.clientId;
      if (this.reaches) await super.placeOrder(req);
      this.unknownAt = this.clock.now();
      return { kind: 'unknown', reason: 'request timed out (injected)' };
    }
    if (req.side === 'Bid') this.laterBids.push(this.clock.now());
    return super.placeOrder(req);
  }
  override async findOrder(symbol: string, clientId: number): Promise<OrderInfo | null> {
    const info = await super.findOrder(symbol, clientId);
    this.found.push({ clientId, answeredAt: this.clock.now(), found: info !== null });
    return info;
  }
  override start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    return super.start(symbols, (e) => {
      if (e.type === 'order' && e.event.clientId === this.unknownClientId && e.event.type === 'accepted') return; // the lost ack
      onEvent(e);
    });
  }
}

async function pump(x: BacktestPort): Promise<void> {
  x.drain();
  await new Promise<void>((r) => setImmediate(r));
  x.drain();
}

function setup(reaches: boolean) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const port = new UnknownFirstBidPort({ clock, seed: 5, markets: [PERP], latency: new LatencyModel(VPS_LATENCY, 5) });
  port.reaches = reaches;
  const q = new SymmetricQuoter(port, clock, backtestSettings({}, [PERP]), new CountingLogger());
  // Seed 5: the top of book moves while the first Bid rests, so a quoter that forgot it would send a second one.
  return { clock, port, q };
}

/** Start the quoter and run until its first Bid placement has been answered "unknown". */
async function startUntilUnknown({ clock, port, q }: ReturnType<typeof setup>): Promise<{ lost: number; at: number }> {
  const started = q.start();
  while (port.unknownAt === null) {
    clock.runUntil(clock.now() + 1);
    await pump(port);
  }
  await started;
  return { lost: port.unknownClientId!, at: port.unknownAt };
}

test('symmetric baseline: an unknown placement the exchange took is found by query and adopted, never resent; a side never rests twice', async () => {
  const r = setup(true);
  const { clock, port, q } = r;
  const { lost } = await startUntilUnknown(r);
  const ex = port.exchange;
  const restingOf = (id: number) => ex.openOrders(port.apiKey, PERP).some((o) => o.clientId === id);
  assert.ok(restingOf(lost), 'the exchange took the order whose answer was lost');
  let adopted = false;
  let maxPerSide = 0;
  let bothRest = false;
  const end = clock.now() + 120_000;
  while (clock.now() < end) {
    const next = clock.peek();
    clock.runUntil(next === null ? end : Math.min(end, next));
    await pump(port);
    const open = ex.openOrders(port.apiKey, PERP);
    for (const side of ['Bid', 'Ask'] as Side[]) maxPerSide = Math.max(maxPerSide, open.filter((o) => o.side === side).length);
    if (open.some((o) => o.side === 'Bid') && open.some((o) => o.side === 'Ask')) bothRest = true;
    // Every order of ours that rests is one the baseline tracks (a lost one would rest unmanaged).
    const tracked = new Set([...q.execution.tracker.all()].map((t) => t.clientId));
    for (const o of open) assert.ok(o.clientId !== null && tracked.has(o.clientId), `untracked resting order ${o.clientId} at ${clock.now()}`);
    if (q.execution.tracker.get(PERP, 'Bid')?.clientId === lost && q.execution.tracker.get(PERP, 'Bid')?.state === 'open') adopted = true;
  }
  assert.ok(port.found.some((f) => f.clientId === lost && f.found), 'the unknown outcome was resolved by findOrder');
  assert.ok(adopted, 'the order found by query was adopted: open in the Bid slot');
  assert.equal(maxPerSide, 1, 'never two orders of one side resting at once (no blind resend)');
  assert.ok(bothRest, 'a bid and an ask rest at the same time (one slot per side)');
  assert.ok(q.stats.figures().fills > 0, 'the run traded');
  // Managed after adoption: by now the book has moved on and the adopted order was cancelled or filled.
  assert.equal(restingOf(lost), false);
  const stopping = q.stop();
  for (let i = 0; i < 100; i++) {
    clock.runUntil(clock.now() + 100);
    await pump(port);
  }
  await stopping;
  assert.equal(ex.openOrders(port.apiKey, PERP).length, 0, 'stop cancels what rests');
});

test('symmetric baseline: an unknown placement that never arrived is concluded lost by two queries, and only then does the side quote again', async () => {
  const r = setup(false);
  const { clock, port, q } = r;
  const { lost, at } = await startUntilUnknown(r);
  const end = clock.now() + 30_000;
  while (clock.now() < end) {
    const next = clock.peek();
    clock.runUntil(next === null ? end : Math.min(end, next));
    await pump(port);
  }
  const asked = port.found.filter((f) => f.clientId === lost);
  assert.equal(asked.length, 2, 'asked twice, apart, then concluded it never existed');
  assert.ok(asked.every((f) => !f.found));
  const concluded = asked[1]!.answeredAt;
  assert.ok(concluded - at >= 750, `resolution took ${concluded - at} ms (the 250 and 500 ms query delays)`);
  assert.ok(port.laterBids.length > 0, 'the Bid side quotes again');
  assert.ok(port.laterBids[0]! >= concluded, `a Bid was sent ${concluded - port.laterBids[0]!} ms before the lost one was concluded lost`);
  assert.equal(q.stats.figures().failures['lost'], 1, 'counted as a lost order');
});

test('symmetric baseline on spot: a Bid fee in the base asset is a cost in quote and leaves the base held', async () => {
  const run = await runBacktestDetailed({ hours: 0.1, seed: 1, symbols: ['SOL_USDC'], overrides: {}, strategy: 'symmetric' });
  const r = run.report;
  const ex = run.exchange.exchange;
  const fills = ex.fills(run.exchange.apiKey, { limit: 1e9, sortDirection: 'Asc' });
  assert.ok(fills.some((f) => f.side === 'Bid') && fills.some((f) => f.side === 'Ask'), 'both sides traded');
  let baseFees = ZERO;
  let feesInQuote = ZERO;
  for (const f of fills) {
    if (f.feeSymbol === 'SOL') {
      baseFees = baseFees.plus(f.fee);
      feesInQuote = feesInQuote.plus(D(f.fee).mul(f.price));
    } else feesInQuote = feesInQuote.plus(f.fee);
  }
  assert.ok(baseFees.gt(0), 'Bid maker fees were charged in SOL');
  assert.equal(r.fills, fills.length);
  // Fees: every fee, the base ones valued at their fill's price (as the engine books them).
  assert.ok(D(r.fees).eq(feesInQuote), `fees ${r.fees}, exchange ${feesInQuote.toFixed()}`);
  // The ledger's inventory is the base the exchange holds (the start and the target are 0 SOL).
  const sp = r.perSymbol['SOL_USDC']!;
  assert.ok(D(sp.endPosition).eq(sp.spot!.endBaseBalance), `ledger ${sp.endPosition} SOL, exchange ${sp.spot!.endBaseBalance} SOL`);
  // No ask for base it does not hold: nothing was refused for funds.
  assert.deepEqual(Object.keys(r.failures).filter((k) => k !== 'post-only'), [], JSON.stringify(r.failures));
});
