// Fill intake on its own: each fill counted once, journalled before it is booked, a journal that refuses
// the write raising its alert (and publishing) without losing the fill, a live fill's loss limits and spot
// balances, and a replay that books without telling the loop anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fill } from '../../src/domain/fill.js';
import { toJournal } from '../../src/core/journal-codec.js';
import { SpotAccount } from '../../src/core/spot-account.js';
import { D } from '../../src/util/decimal.js';
import { perpMarket } from './helpers/fake-port.js';
import { ledgerFill, makeParts, type PartsRig } from './helpers/parts.js';

const S = 'SOL_USDC_PERP';

function fill(over: Partial<Fill> = {}): Fill {
  const { kind: _kind, ...f } = ledgerFill(S, 'Bid', '1', '100', over);
  return f;
}

test('fill intake: a fill is counted once; the second count returns null and changes nothing', () => {
  const { parts, journal } = makeParts();
  const sym = parts.syms.get(S)!;
  const f = fill({ tradeId: 'once' });
  const c = parts.fills.count(sym, f);
  assert.ok(c);
  assert.equal(c.publish, true);
  assert.equal(parts.portfolio.inventory(sym).toString(), '1');
  assert.equal(parts.fills.count(sym, { ...f }), null);
  assert.equal(parts.portfolio.inventory(sym).toString(), '1');
  assert.equal(journal.records.length, 1);
});

test('fill intake: a new fill is journalled before it is booked', () => {
  const { parts, journal } = makeParts();
  const sym = parts.syms.get(S)!;
  const f = fill({ tradeId: 'first-journal' });
  const seenAtAppend: Array<{ known: boolean; inventory: string }> = [];
  const append = journal.append.bind(journal);
  journal.append = (rec) => {
    seenAtAppend.push({ known: parts.portfolio.has(f), inventory: parts.portfolio.inventory(sym).toString() });
    append(rec);
  };
  parts.fills.count(sym, f);
  assert.deepEqual(seenAtAppend, [{ known: false, inventory: '0' }], 'the journal write came first');
  assert.deepEqual(journal.records, [toJournal(f)]);
  assert.equal(parts.portfolio.has(f), true);
});

test('fill intake: a journal that refuses the write raises the journal alert and publishes; the fill is still booked and held', () => {
  const { parts, journal } = makeParts();
  // Another market's fill (tier volume only): booking it publishes nothing, so the publish is the journal's.
  const other = { ...fill({ tradeId: 'v1' }), symbol: 'ETH_USDC_PERP' };
  assert.deepEqual(parts.fills.count(undefined, other), {}, 'a healthy journal: nothing to publish');
  journal.failing = true;
  const c = parts.fills.count(undefined, { ...other, tradeId: 'v2' });
  assert.deepEqual(c, { publish: true });
  assert.equal(parts.alerts.isActive('journal'), true);
  assert.equal(parts.alerts.active().find((a) => a.id === 'journal')?.level, 'critical');
  assert.equal(parts.outputs.pendingRecords, 1);
  assert.equal(parts.portfolio.has({ symbol: 'ETH_USDC_PERP', tradeId: 'v2' }), true, 'counted although not yet written');
  assert.equal(journal.records.length, 1);
});

test('fill intake: a live fill that hits a loss limit returns the limit changes', () => {
  const { parts } = makeParts({ sessionLossLimit: D(100), dailyLossLimit: D(500) });
  const sym = parts.syms.get(S)!;
  const small = parts.fills.count(sym, fill({ tradeId: 'fee-50', fee: D(50) }));
  assert.deepEqual(small, { publish: true, limits: [] });
  const c = parts.fills.count(sym, fill({ tradeId: 'fee-60', fee: D(60) }));
  assert.deepEqual(c?.limits, [{ name: 'session', hit: true, why: 'loss' }]);
  assert.equal(c?.publish, true);
  assert.equal(parts.portfolio.limits.anyHit, true);
});

test('fill intake: a replay (book, live=false) books the fill but returns no publish and no limits, and journals nothing', () => {
  const { parts, journal } = makeParts({ sessionLossLimit: D(100) });
  const sym = parts.syms.get(S)!;
  const c = parts.fills.book(sym, ledgerFill(S, 'Bid', '2', '100', { fee: D(150) }), false);
  assert.deepEqual(c, {});
  assert.equal(parts.portfolio.inventory(sym).toString(), '2');
  assert.equal(journal.records.length, 0);
  // Live, the same kind of fill is news.
  const live = parts.fills.book(sym, ledgerFill(S, 'Bid', '1', '100'), true);
  assert.equal(live.publish, true);
});

function withSpot(): PartsRig & { spot: SpotAccount } {
  const symbol = 'SOL_USDC';
  const rig = makeParts({ symbols: [symbol] }, [perpMarket(symbol)]);
  const { parts, port, clock, logger, loop } = rig;
  const spot = new SpotAccount(
    {
      port,
      clock,
      logger,
      ledger: (s) => parts.portfolio.stats.ledger(s),
      workingOrders: () => parts.execution.tracker.all(),
      ordersPlaced: () => parts.execution.ordersPlaced,
      inflight: (p) => loop.keepInFlight(p),
      changed: () => undefined,
    },
    [parts.syms.get(symbol)!],
    port.markets,
    60_000,
  );
  parts.spot = spot;
  return { ...rig, spot };
}

test('fill intake: a live spot fill moves the wallet; a replayed one does not (it is in the start-up balance read)', () => {
  const { parts, spot } = withSpot();
  const sym = parts.syms.get('SOL_USDC')!;
  assert.equal(sym.isSpot, true);
  parts.fills.book(sym, ledgerFill('SOL_USDC', 'Bid', '1', '100'), false);
  assert.equal(spot.wallet.total('SOL').toString(), '0');
  parts.fills.count(sym, { ...fill({ tradeId: 'spot-live' }), symbol: 'SOL_USDC' });
  assert.equal(spot.wallet.total('SOL').toString(), '1');
  assert.equal(spot.wallet.total('USDC').toString(), '-100');
  spot.stop();
});
