// Numbers a person reads: log.txt blocks, the stdout FILL / inventory-switch / summary lines and the
// dashboard's entry price show prices to the tick + 2 places, quantities to the step and money to 6 places
// (never a 40-digit quotient), while the journal keeps the exact values; and each periodic log.txt block
// shows the equity read for it, with the figure's age.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CollateralInfo } from '../../src/exchange/types.js';
import { fmtMoney, fmtPrice, fmtQty, marketFormat } from '../../src/core/number-format.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { summaryLine } from '../../src/core/stats-report.js';
import { perpMarket } from './helpers/fake-port.js';
import { fillEvent, makeHarness, settle, type Harness } from './helpers/harness.js';

const S = 'SOL_USDC_PERP';

/** A fill not of a working order (the engine counts it all the same). */
function emitFill(h: Harness, tradeId: string, side: 'Bid' | 'Ask', qty: string, price: string, fee: string): void {
  h.port.emit(fillEvent({ symbol: S, orderId: 'o-' + tradeId, clientId: null, side, price: D(price), quantity: D(qty) }, { tradeId, qty, fee }, D(qty), h.clock.now()));
}

/** Every field of one `Label value | Label value` line, by label. */
function fields(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of line.slice(line.indexOf(': ') + 2).split(' | ')) {
    const m = /^(.*?) (\S+)( \(.*\))?$/.exec(part);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

const MONEY_LABELS = ['Volume', 'Maker volume', 'Taker volume', 'Realized PnL', 'Unrealized PnL', 'Fees', 'Funding', 'Net PnL', 'Avg win', 'Avg loss', 'Largest win', 'Largest loss', 'Avg PnL', 'Cost per $1M'];

test('format helpers: tick + 2 places, the step, 6 places; half-up; no "-0"', () => {
  const btc = marketFormat(perpMarket('BTC_USDC_PERP', { tickSize: D('0.1'), stepSize: D('0.00001') }));
  assert.deepEqual(btc, { priceDp: 3, qtyDp: 5 });
  assert.equal(fmtPrice(D('89997.43333333333333333333333333333333333'), btc), '89997.433');
  assert.equal(fmtPrice(D('90000'), btc), '90000.000');
  assert.equal(fmtQty(D('0.0012'), btc), '0.00120');
  assert.equal(fmtMoney(D('0.0000005')), '0.000001');
  assert.equal(fmtMoney(D('-0.0000004')), '0.000000');
  assert.equal(fmtMoney(D('-1.23456789')), '-1.234568');
  assert.equal(fmtMoney(D('500000')), '500000.000000');
  assert.deepEqual(marketFormat(perpMarket(S, { tickSize: D('1'), stepSize: D('1') })), { priceDp: 2, qtyDp: 0 });
});

test('log.txt block: prices to the tick + 2, quantities to the step, money to 6 places; the journal stays exact', async () => {
  const h = makeHarness();
  await h.engine.start();
  // Average entry (1.00 + 2.0002) / 0.03 = 100.00666…: forty digits unformatted.
  emitFill(h, 'a', 'Bid', '0.01', '100.00', '0.0002');
  emitFill(h, 'b', 'Bid', '0.02', '100.01', '0.00040002');
  emitFill(h, 'c', 'Ask', '0.01', '100.03', '0.000200061');
  h.port.emit({ type: 'markPrice', symbol: S, markPrice: D('100.02'), indexPrice: null, fundingRate: null, ts: h.clock.now() });
  await settle();
  assert.equal(h.engine.view.stats.ledger(S).avgCost.toString().length > 30, true, 'the exact average runs to many digits');
  const r = await h.engine.command({ name: 'flush' });
  assert.equal(r.ok, true);
  const block = h.log.blocks.at(-1)!;
  assert.doesNotMatch(block, /\d\.\d{7,}/, 'no number in the block has more than 6 decimals');
  const lines = block.split('\n');
  const sym = fields(lines.find((l) => l.startsWith(S + ':'))!);
  assert.equal(sym.get('Entry'), '100.0067');
  assert.equal(sym.get('Mark'), '100.0200');
  assert.equal(sym.get('Position'), '0.02');
  assert.equal(sym.get('Filled qty'), '0.04');
  assert.equal(sym.get('Volume'), '4.000500');
  assert.equal(sym.get('Fees'), '0.000800'); // 0.000800081 exactly
  assert.equal(sym.get('Realized PnL'), '0.000233'); // (100.03 - 100.00666…) * 0.01
  for (const label of MONEY_LABELS) {
    const v = sym.get(label)!;
    assert.ok(v === 'n/a' || /^-?\d+\.\d{6}$/.test(v), `${label} ${v}`);
  }
  const total = fields(lines.find((l) => l.startsWith('TOTAL:'))!);
  assert.equal(total.get('Position'), '0.02');
  assert.equal(total.get('Net PnL'), sym.get('Net PnL'));
  assert.match(lines.find((l) => l.startsWith('Equity:'))!, /^Equity: n\/a \| Max drawdown: \d+\.\d{6} \| Drawdown now: \d+\.\d{6} \|/);
  // The journal keeps what the exchange sent, to the last digit.
  assert.deepEqual(h.journal.records.filter((j) => j.kind === 'fill').map((j) => [j.price, j.quantity, j.fee]), [
    ['100', '0.01', '0.0002'],
    ['100.01', '0.02', '0.00040002'],
    ['100.03', '0.01', '0.000200061'],
  ]);
  // The dashboard's entry price is the same figure, not a 40-digit string truncated by its column.
  assert.equal(h.engine.snapshot().symbols[0]!.entryPrice, '100.0067');
});

test('stdout lines: FILL, inventory switch and summary in the same formats', async () => {
  const h = makeHarness({}, {});
  h.port.markets = [perpMarket(S, { tickSize: D('0.001'), stepSize: D('0.1'), minQuantity: D('0.1') })];
  await h.engine.start();
  emitFill(h, 'a', 'Bid', '0.3', '100.001', '0.00600002');
  emitFill(h, 'b', 'Ask', '0.1', '100.004', '0.0020000800');
  await settle();
  const fills = h.logger.lines.filter((l) => l.includes('FILL'));
  assert.deepEqual(fills, [
    `I [${S}] FILL Bid 0.3 @ 100.00100 maker fee=0.006000 realized=0.000000 position=0.3`,
    `I [${S}] FILL Ask 0.1 @ 100.00400 maker fee=0.002000 realized=0.000300 position=0.2`,
  ]);
  const summary = summaryLine(h.engine.view);
  assert.match(summary, /summary: fills=2 \(maker 2\/taker 0\) volume=40\.000700 fees=0\.008000 realized=0\.000300 net=-0\.\d{6} cost\/\$1M=\d+\.\d{6} tier=Tier 1 30d=40\.000700 equity=n\/a/);
});

function collateral(v: string): CollateralInfo {
  return { netEquity: D(v), netEquityAvailable: D(v), pnlUnrealized: ZERO };
}

test('each periodic block shows the equity read for it (read first, then rendered), and its age', async () => {
  const h = makeHarness({ statsLogIntervalSec: 60, equityRefreshSec: 10, requestTimeoutMs: 5000 });
  let equity = '1111.5';
  let hang = false;
  h.port.getCollateral = () => (hang ? new Promise<CollateralInfo>(() => undefined) : Promise.resolve(collateral(equity)));
  await h.engine.start();
  const blocks = () => h.log.blocks.filter((b) => b.startsWith('---------- Stats'));
  const equityLine = (b: string) => b.split('\n').find((l) => l.startsWith('Equity:'))!;

  h.clock.advance(60_000);
  await settle();
  assert.equal(blocks().length, 1);
  assert.match(equityLine(blocks()[0]!), /^Equity: 1111\.500000 \(read 0\.0s ago\) \|/);

  equity = '2222.25';
  h.clock.advance(60_000);
  await settle();
  assert.equal(blocks().length, 2);
  assert.match(equityLine(blocks()[1]!), /^Equity: 2222\.250000 \(read 0\.0s ago\) \|/, 'this interval\'s figure, not the previous one');

  // A read that never answers: the block waits for it at most the request timeout, then shows the last
  // figure with its age (and is still written once).
  hang = true;
  h.clock.advance(60_000);
  await settle();
  assert.equal(blocks().length, 2, 'rendering waits for the read');
  h.clock.advance(5000);
  await settle();
  assert.equal(blocks().length, 3);
  assert.match(equityLine(blocks()[2]!), /^Equity: 2222\.250000 \(read 1m05s ago\) \|/);
});
