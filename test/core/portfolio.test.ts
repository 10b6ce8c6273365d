// The portfolio component on its own: fills into the ledger and the tier volume, duplicates ignored,
// replayed fills counted but not shown or logged, recent fills newest first and capped, spot base fees,
// and the loss limit it reports as hit (it never acts on it: the engine does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountHistory } from '../../src/core/account-history.js';
import type { LedgerFill } from '../../src/core/journal-codec.js';
import { Portfolio } from '../../src/core/portfolio.js';
import { SymbolState } from '../../src/core/symbol-state.js';
import { defaultSettings } from '../../src/config/settings.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D } from '../../src/util/decimal.js';
import { perpMarket } from './helpers/fake-port.js';
import { MemLogger, T0 } from './helpers/harness.js';

function setup(sessionLossLimit = '1000') {
  const clock = new VirtualClock(T0);
  const logger = new MemLogger();
  const history = new AccountHistory();
  const symbols = ['SOL_USDC_PERP', 'SOL_USDC'];
  const p = new Portfolio({ clock, logger, symbols, sessionLossLimit: D(sessionLossLimit), dailyLossLimit: D('100000'), history: () => history });
  p.limits.restore(null, p.stats.netPnl(), clock.now());
  const s = defaultSettings();
  const perp = new SymbolState('SOL_USDC_PERP', perpMarket('SOL_USDC_PERP'), s);
  const spot = new SymbolState('SOL_USDC', perpMarket('SOL_USDC'), s);
  return { clock, logger, history, p, perp, spot };
}

let seq = 0;
function fill(symbol: string, side: 'Bid' | 'Ask', qty: string, price: string, over: Partial<LedgerFill> = {}): LedgerFill {
  seq++;
  return { kind: 'fill', tradeId: `t${seq}`, orderId: `o${seq}`, clientId: null, symbol, side, price: D(price), quantity: D(qty), fee: D('0.01'), feeSymbol: 'USDC', isMaker: true, timestamp: T0 + seq, ...over };
}

test('portfolio: a live fill moves the ledger, the tier volume and the recent fills, and is logged once', () => {
  const { p, perp, history, logger, clock } = setup();
  const f = fill('SOL_USDC_PERP', 'Bid', '2', '100');
  const r = p.applyFill(perp, f, true, () => true);
  assert.equal(r.live, true);
  assert.deepEqual(r.limits, []);
  assert.equal(p.inventory(perp).toString(), '2');
  assert.equal(perp.fillSeq, 1);
  assert.equal(history.futures.total(clock.now()).toString(), '200');
  assert.equal(p.has(f), true);
  assert.equal(p.recentFills.length, 1);
  assert.deepEqual({ ...p.recentFills[0]! }, { ts: f.timestamp, symbol: 'SOL_USDC_PERP', side: 'Bid', price: '100', quantity: '2', isMaker: true, fee: '0.01', reduceOnly: true, realizedPnl: '0' });
  assert.equal(logger.lines.filter((l) => l.includes('FILL Bid')).length, 1);

  // The same trade again is not counted a second time.
  const again = p.applyFill(perp, f, true, () => false);
  assert.equal(again.live, false);
  assert.equal(p.inventory(perp).toString(), '2');
  assert.equal(perp.fillSeq, 1);
  assert.equal(p.recentFills.length, 1);
});

test('portfolio: a replayed fill counts in the ledger and the volume but is neither shown nor logged', () => {
  const { p, perp, history, logger, clock } = setup();
  const r = p.applyFill(perp, fill('SOL_USDC_PERP', 'Ask', '1', '50'), false, () => false);
  assert.equal(r.live, false);
  assert.equal(p.inventory(perp).toString(), '-1');
  assert.equal(perp.fillSeq, 1);
  assert.equal(history.futures.total(clock.now()).toString(), '50');
  assert.equal(p.recentFills.length, 0);
  assert.equal(logger.lines.length, 0);
});

test("portfolio: another market's fill (no symbol state) is tier volume only", () => {
  const { p, history, clock } = setup();
  const r = p.applyFill(undefined, fill('BTC_USDC_PERP', 'Bid', '1', '1000'), true, () => false);
  assert.equal(r.live, false);
  assert.equal(history.futures.total(clock.now()).toString(), '1000');
  assert.equal(p.recentFills.length, 0);
});

test('portfolio: recent fills are newest first and capped at 50', () => {
  const { p, perp } = setup();
  for (let i = 0; i < 60; i++) p.applyFill(perp, fill('SOL_USDC_PERP', i % 2 ? 'Ask' : 'Bid', '1', String(100 + i)), true, () => false);
  assert.equal(p.recentFills.length, 50);
  assert.equal(p.recentFills[0]!.price, '159');
  assert.equal(p.recentFills[49]!.price, '110');
});

test('portfolio: a spot fee in the base asset is valued in quote and leaves the position', () => {
  const { p, spot } = setup();
  p.applyFill(spot, fill('SOL_USDC', 'Bid', '1', '100', { fee: D('0.001'), feeSymbol: 'SOL' }), true, () => false);
  assert.equal(p.recentFills[0]!.fee, '0.1');
  assert.equal(p.inventory(spot).toString(), '0.999');
});

test('portfolio: a fill that takes the session loss past its limit reports the limit hit, once', () => {
  const { p, perp } = setup('5');
  assert.deepEqual(p.applyFill(perp, fill('SOL_USDC_PERP', 'Bid', '1', '100'), true, () => false).limits, []);
  // Sold 10 lower: realized -10 (plus fees) beyond the 5 limit.
  const r = p.applyFill(perp, fill('SOL_USDC_PERP', 'Ask', '1', '90'), true, () => false);
  assert.deepEqual(
    r.limits.map((c) => [c.name, c.hit]),
    [['session', true]],
  );
  assert.equal(p.limits.anyHit, true);
  // Still hit: not news again.
  assert.deepEqual(p.checkLossLimits(), []);
});
