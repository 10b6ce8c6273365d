import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodecError, decodeRows } from '../../../src/exchange/backpack/codec/fields.js';
import {
  decodeAccountFees,
  decodeCapital,
  decodeCollateral,
  decodeDepthSnapshot,
  decodeFill,
  decodeFunding,
  decodeMarket,
  decodeMarkPriceRow,
  decodeOrder,
  decodePosition,
  decodeTime,
} from '../../../src/exchange/backpack/codec/rest-rows.js';
import {
  decodeDepthDelta,
  decodeMarkPriceEvent,
  decodeOrderUpdate,
  decodePositionUpdate,
  decodeTrade,
} from '../../../src/exchange/backpack/codec/stream-frames.js';
import { EXAMPLE_MARKET } from '../../helpers/fake-exchange.js';

const isCodec = (e: unknown) => e instanceof CodecError;

test('market: filters become Decimals; bad tick size or market type is a CodecError', () => {
  const m = decodeMarket(EXAMPLE_MARKET);
  assert.equal(m.tickSize.toString(), '0.01');
  assert.equal(m.stepSize.toString(), '0.01');
  assert.equal(m.minQuantity.toString(), '0.01');
  assert.equal(m.maxQuantity, null);
  assert.equal(m.marketType, 'PERP');
  assert.throws(() => decodeMarket({ ...EXAMPLE_MARKET, filters: { ...EXAMPLE_MARKET.filters, price: { tickSize: 'abc' } } }), isCodec);
  assert.throws(() => decodeMarket({ ...EXAMPLE_MARKET, filters: { ...EXAMPLE_MARKET.filters, price: { tickSize: '0' } } }), isCodec);
  assert.throws(() => decodeMarket({ ...EXAMPLE_MARKET, marketType: 'WEIRD' }), isCodec);
  assert.throws(() => decodeMarket(null), isCodec);
});

const ACCEPTED = {
  e: 'orderAccepted', E: 1754939110175843, s: 'SOL_USDC_PERP', c: 1001, S: 'Bid', o: 'LIMIT', f: 'GTC', q: '1.5', p: '180.50',
  X: 'New', i: '5406825793', t: null, z: '0', Z: '0', V: 'RejectTaker', T: 1754939110174703, O: 'USER', r: false, y: true,
};

test('order update: event names, upper-case order type, µs -> ms, missing c, fill details', () => {
  const a = decodeOrderUpdate(ACCEPTED);
  assert.equal(a.type, 'accepted');
  assert.equal(a.orderType, 'Limit');
  assert.equal(a.clientId, 1001);
  assert.equal(a.ts, 1754939110174);
  assert.equal(a.postOnly, true);
  assert.equal(a.price?.toString(), '180.5');
  const { c: _c, ...noClient } = ACCEPTED;
  assert.equal(decodeOrderUpdate(noClient).clientId, null);
  const fill = decodeOrderUpdate({ ...ACCEPTED, e: 'orderFill', X: 'PartiallyFilled', t: 2888471, l: '0.5', L: '180.50', m: true, n: '0.018050', N: 'USDC', z: '0.5', Z: '90.25' });
  assert.equal(fill.type, 'fill');
  assert.equal(fill.fill?.tradeId, '2888471');
  assert.equal(fill.fill?.quantity.toString(), '0.5');
  assert.equal(fill.fill?.isMaker, true);
  assert.equal(fill.fill?.fee.toString(), '0.01805');
  assert.equal(fill.executedQuantity.toString(), '0.5');
  const exp = decodeOrderUpdate({ ...ACCEPTED, e: 'orderExpired', X: 'Expired', R: 'PostOnlyTaker', o: 'MARKET' });
  assert.equal(exp.type, 'expired');
  assert.equal(exp.reason, 'PostOnlyTaker');
  assert.equal(exp.orderType, 'Market');
  assert.equal(decodeOrderUpdate({ ...ACCEPTED, e: 'orderCancelled', X: 'Cancelled' }).type, 'cancelled');
  assert.equal(decodeOrderUpdate({ ...ACCEPTED, e: 'orderModified' }).type, 'modified');
  assert.throws(() => decodeOrderUpdate({ ...ACCEPTED, e: 'orderExploded' }), isCodec);
  assert.throws(() => decodeOrderUpdate({ ...ACCEPTED, S: 'Buy' }), isCodec);
  assert.throws(() => decodeOrderUpdate({ ...ACCEPTED, q: 'NaN' }), isCodec);
  assert.throws(() => decodeOrderUpdate({ ...ACCEPTED, c: -1 }), isCodec);
  assert.throws(() => decodeOrderUpdate({ ...ACCEPTED, e: 'orderFill', t: 1, l: '1', L: '1', m: 'yes' }), isCodec);
});

test('REST order object and history row (naive UTC createdAt)', () => {
  const o = decodeOrder({ orderType: 'Limit', id: '4228978331', clientId: 1001, symbol: 'SOL_USDC_PERP', side: 'Bid', price: '180.50', quantity: '1.5', executedQuantity: '0', executedQuoteQuantity: '0', postOnly: true, reduceOnly: null, timeInForce: 'GTC', status: 'New', createdAt: 1753626206762 });
  assert.equal(o.id, '4228978331');
  assert.equal(o.reduceOnly, false);
  assert.equal(o.createdAt, 1753626206762);
  const h = decodeOrder({ orderType: 'Limit', id: '1', clientId: 7, symbol: 'SOL_USDC_PERP', side: 'Ask', price: '1', quantity: '1', executedQuantity: '1', executedQuoteQuantity: '1', status: 'Expired', expiryReason: 'PostOnlyTaker', createdAt: '2025-07-27T17:39:00.092' });
  assert.equal(h.createdAt, Date.UTC(2025, 6, 27, 17, 39, 0, 92));
  assert.equal(h.expiryReason, 'PostOnlyTaker');
  assert.throws(() => decodeOrder({ ...o, id: 12.5 }), isCodec);
  assert.throws(() => decodeOrder({ ...o, id: '1', status: 'Weird' }), isCodec);
});

test('position update: snapshot without e; strings or numbers', () => {
  const snap = decodePositionUpdate({ s: 'SOL_USDC_PERP', q: 1.5, B: 180.1, M: '181', p: '0', P: 1.35, i: 42 });
  assert.equal(snap.snapshot, true);
  assert.equal(snap.netQuantity.toString(), '1.5');
  assert.equal(snap.entryPrice.toString(), '180.1');
  const ev = decodePositionUpdate({ e: 'positionAdjusted', E: 1754939110175843, T: 1754939110175000, s: 'SOL_USDC_PERP', q: '-0.5', B: '180', M: '181', p: '1', P: '-0.5' });
  assert.equal(ev.snapshot, false);
  assert.equal(ev.netQuantity.toString(), '-0.5');
  assert.equal(ev.ts, 1754939110175);
  assert.throws(() => decodePositionUpdate({ s: 'SOL_USDC_PERP', q: 'x' }), isCodec);
});

test('trade: m=true means the buyer was maker, so the taker sold', () => {
  const base = { e: 'trade', E: 1754601477746429, s: 'SOL_USDC_PERP', p: '180.52', q: '1.25', b: '1', a: '2', t: 10782547, T: 1754601477744000 };
  assert.equal(decodeTrade({ ...base, m: true }).takerSide, 'Ask');
  const t = decodeTrade({ ...base, m: false });
  assert.equal(t.takerSide, 'Bid');
  assert.equal(t.ts, 1754601477744);
  assert.equal(t.tradeId, 10782547);
  assert.throws(() => decodeTrade({ ...base, m: 'false' }), isCodec);
  assert.throws(() => decodeTrade({ ...base, m: true, p: '-1' }), isCodec);
});

test('depth delta and REST snapshot', () => {
  const d = decodeDepthDelta({ e: 'depth', E: 1790134357267289, s: 'SOL_USDC_PERP', a: [], b: [['180.51', '0.00']], U: 6730019258, u: 6730019258, T: 1790134357267074 });
  assert.equal(d.U, 6730019258);
  assert.deepEqual(d.bids, [['180.51', '0.00']]);
  assert.throws(() => decodeDepthDelta({ s: 'SOL_USDC_PERP', a: [], b: [['x', '1']], U: 1, u: 1 }), isCodec);
  assert.throws(() => decodeDepthDelta({ s: 'SOL_USDC_PERP', a: [], b: [], U: 5, u: 4 }), isCodec);
  assert.throws(() => decodeDepthDelta({ s: 'SOL_USDC_PERP', a: [['1', '-1']], b: [], U: 1, u: 1 }), isCodec);
  const s = decodeDepthSnapshot({ asks: [['86656.0', '2.01178']], bids: [['86640.1', '0.5'], ['86655.9', '1.9']], lastUpdateId: '6730019258', timestamp: 1790134357267074 });
  assert.equal(s.lastUpdateId, 6730019258);
  assert.equal(s.ts, 1790134357267);
  assert.throws(() => decodeDepthSnapshot({ asks: [], bids: [], lastUpdateId: 'abc' }), isCodec);
});

test('fills (naive UTC, string clientId), positions, capital, collateral, fees, funding, mark prices, time', () => {
  const f = decodeFill({ tradeId: 9748827, orderId: '4238907375', clientId: '1001', symbol: 'ETH_USDC_PERP', side: 'Bid', price: '3826.15', quantity: '0.0026', fee: '0.004974', feeSymbol: 'USDC', isMaker: false, systemOrderType: null, timestamp: '2025-07-27T17:39:00.092' });
  assert.equal(f.clientId, 1001);
  assert.equal(f.tradeId, '9748827');
  assert.equal(f.timestamp, Date.UTC(2025, 6, 27, 17, 39, 0, 92));
  const p = decodePosition({ symbol: 'ETH_USDC_PERP', netQuantity: '-0.0036', entryPrice: '3826.88', markPrice: '3787.46', pnlRealized: '0', pnlUnrealized: '-0.141914', cumulativeFundingPayment: '-0.009218' });
  assert.equal(p.netQuantity.toString(), '-0.0036');
  assert.equal(p.cumulativeFunding.toString(), '-0.009218');
  const c = decodeCapital({ USDC: { available: '120', locked: '1.5', staked: '0' } });
  assert.equal(c[0]?.asset, 'USDC');
  assert.equal(c[0]?.locked.toString(), '1.5');
  assert.equal(decodeCollateral({ netEquity: '10', netEquityAvailable: '9', pnlUnrealized: '0' }).netEquity.toString(), '10');
  const fees = decodeAccountFees({ futuresMakerFee: '-1', futuresTakerFee: '5', spotMakerFee: '8', spotTakerFee: '10' });
  assert.equal(fees.futuresMakerFeeBps.toString(), '-1');
  assert.throws(() => decodeAccountFees({ futuresMakerFee: 'two' }), isCodec);
  const fu = decodeFunding({ userId: 1, symbol: 'SOL_USDC_PERP', quantity: '0.01', intervalEndTimestamp: '2025-07-27T18:00:00', fundingRate: '0.0000125' });
  assert.equal(fu.intervalEndTimestamp, Date.UTC(2025, 6, 27, 18));
  const mp = decodeMarkPriceEvent({ e: 'markPrice', E: 1, s: 'SOL_USDC_PERP', p: '180.5', f: '0.0001', i: '180.4', n: 1750000000000, T: 2000 });
  assert.equal(mp.nextFundingTimestamp, 1750000000000);
  assert.equal(mp.ts, 2);
  assert.equal(decodeMarkPriceRow({ symbol: 'SOL_USDC', markPrice: '1' }).fundingRate, null);
  assert.equal(decodeTime('1750793021519\n'), 1750793021519);
  assert.throws(() => decodeTime('{"t":1}'), isCodec);
});

test('decodeRows skips and counts malformed rows', () => {
  let bad = 0;
  const rows = decodeRows([{ symbol: 'SOL_USDC_PERP', netQuantity: '1' }, { symbol: 'x', netQuantity: '1' }, 5], 'positions', decodePosition, () => bad++);
  assert.equal(rows.length, 1);
  assert.equal(bad, 2);
});
