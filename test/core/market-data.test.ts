// Market data into a symbol's state on its own: the book's hot path (an unchanged top is no news), the
// first usable book, spot valued at the mid, the book's invalidation logged once, public trades into
// the flow signal, and the perp mark (spot and unknown symbols have none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyBook, applyBookInvalid, applyMark, applyTrade } from '../../src/core/market-data.js';
import { TradingStats } from '../../src/core/stats.js';
import { SymbolState } from '../../src/core/symbol-state.js';
import type { TradeTick } from '../../src/domain/market.js';
import type { Side } from '../../src/domain/side.js';
import { defaultSettings } from '../../src/config/settings.js';
import { D } from '../../src/util/decimal.js';
import { FakeBook } from './helpers/fake-book.js';
import { perpMarket } from './helpers/fake-port.js';
import { MemLogger, T0 } from './helpers/harness.js';

const PERP = 'SOL_USDC_PERP';
const SPOT = 'SOL_USDC';

function setup(symbol: string): { sym: SymbolState; stats: TradingStats } {
  return { sym: new SymbolState(symbol, perpMarket(symbol), defaultSettings()), stats: new TradingStats([symbol]) };
}

function book(symbol: string, bid: string, ask: string): FakeBook {
  return new FakeBook(symbol, [[bid, 5], ['99.00', 5]], [[ask, 5], ['101.00', 5]]);
}

test('market data: the first valid book is news; a book with the same top is not (size or depth changes do not count)', () => {
  const { sym, stats } = setup(PERP);
  const b = book(PERP, '100.00', '100.05');
  assert.equal(applyBook(sym, b, stats), true);
  assert.equal(sym.bookValid, true);
  assert.equal(sym.book, b);
  assert.equal(applyBook(sym, b, stats), false, 'same book, same top');
  b.set('Bid', '100.00', 9).set('Ask', '100.50', 1);
  const again = book(PERP, '100.00', '100.05'); // equal prices, other Decimal objects
  assert.equal(applyBook(sym, b, stats), false, 'sizes and deeper levels moved');
  assert.equal(applyBook(sym, again, stats), false, 'equal prices in new objects');
  assert.equal(sym.book, again, 'the newest book is kept even when its top is unchanged');
  assert.equal(applyBook(sym, book(PERP, '100.01', '100.05'), stats), true, 'the bid moved');
  assert.equal(sym.lastBid?.toString(), '100.01');
  assert.equal(applyBook(sym, book(PERP, '100.01', '100.04'), stats), true, 'the ask moved');
  assert.equal(sym.lastAsk?.toString(), '100.04');
  b.set('Ask', '100.05', 0).set('Ask', '100.50', 0).set('Ask', '101.00', 0);
  assert.equal(applyBook(sym, b, stats), true, 'one side emptied');
  assert.equal(sym.lastAsk, null);
});

test('market data: after an invalidation the same top is news again (the book became usable)', () => {
  const { sym, stats } = setup(PERP);
  const logger = new MemLogger();
  applyBook(sym, book(PERP, '100.00', '100.05'), stats);
  applyBookInvalid(sym, 'sequence gap', logger);
  assert.equal(applyBook(sym, book(PERP, '100.00', '100.05'), stats), true);
});

test('market data: a perp book leaves the mark alone; a spot book sets the mark at the mid', () => {
  const perp = setup(PERP);
  applyBook(perp.sym, book(PERP, '100.00', '100.05'), perp.stats);
  assert.equal(perp.sym.mark, null);
  assert.equal(perp.stats.ledger(PERP).mark, null);
  const spot = setup(SPOT);
  assert.equal(spot.sym.isSpot, true);
  applyBook(spot.sym, book(SPOT, '100.00', '100.05'), spot.stats);
  assert.equal(spot.sym.mark?.toString(), '100.025');
  assert.equal(spot.stats.ledger(SPOT).mark?.toString(), '100.025');
  applyBook(spot.sym, book(SPOT, '100.10', '100.20'), spot.stats);
  assert.equal(spot.sym.mark?.toString(), '100.15');
});

test('market data: the book invalid is logged once until the book is valid again, and is always a change', () => {
  const { sym, stats } = setup(PERP);
  const logger = new MemLogger();
  applyBook(sym, book(PERP, '100.00', '100.05'), stats);
  assert.equal(applyBookInvalid(sym, 'sequence gap', logger), true);
  assert.equal(applyBookInvalid(sym, 'sequence gap', logger), true);
  assert.equal(sym.bookValid, false);
  assert.deepEqual(logger.lines, [`W [${PERP}] book invalid (sequence gap): quoting stopped until resync`]);
  applyBook(sym, book(PERP, '100.00', '100.05'), stats);
  applyBookInvalid(sym, 'stale', logger);
  assert.equal(logger.lines.length, 2);
});

function trade(takerSide: Side, qty: string, ts: number): TradeTick {
  return { symbol: PERP, price: D(100), quantity: D(qty), takerSide, tradeId: ts, ts };
}

test('market data: a public trade feeds the flow signal; true only when its side changes', () => {
  const { sym } = setup(PERP);
  assert.equal(applyTrade(sym, trade('Bid', '1', T0)), true, 'takers buying: the flow picks a side');
  assert.equal(sym.flow.side, 'Ask'); // sideMode `with`: quote the side takers hit
  assert.equal(applyTrade(sym, trade('Bid', '1', T0 + 1)), false, 'same side');
  assert.equal(sym.flow.side, 'Ask');
  // The float quantity, when the feed parsed one, is what the signal takes.
  const { sym: st2 } = setup(PERP);
  assert.equal(applyTrade(st2, { ...trade('Ask', '1', T0), quantityNum: 0 }), false, 'a zero quantity is ignored');
  assert.equal(st2.flow.side, null);
});

test('market data: a mark applies to a perp (observed or not), never to spot or an unknown symbol', () => {
  const perp = setup(PERP);
  assert.equal(applyMark(perp.sym, D('101.5'), perp.stats), true);
  assert.equal(perp.sym.mark?.toString(), '101.5');
  assert.equal(perp.stats.ledger(PERP).mark?.toString(), '101.5');
  assert.equal(applyMark(perp.sym, D('102'), perp.stats, false), true);
  assert.equal(perp.stats.ledger(PERP).mark?.toString(), '102');
  const spot = setup(SPOT);
  assert.equal(applyMark(spot.sym, D('101.5'), spot.stats), false);
  assert.equal(spot.sym.mark, null);
  assert.equal(spot.stats.ledger(SPOT).mark, null);
  assert.equal(applyMark(undefined, D('101.5'), perp.stats), false);
});

test('market data: an observed mark updates the drawdown; a position update mark (observe false) does not', () => {
  const { sym, stats } = setup(PERP);
  stats.recordFill('Bid', D(1), D(100), true, { symbol: PERP, fee: D(0), ts: T0, tradeId: 'a' });
  applyMark(sym, D(90), stats, false);
  assert.equal(stats.maxDrawdown.toString(), '0');
  applyMark(sym, D(90), stats);
  assert.equal(stats.maxDrawdown.toString(), '10');
});
