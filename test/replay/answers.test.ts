// What the replay exchange answers about the account: fills paged oldest first with from/to inclusive and
// the X-TOTAL / X-PAGE-* headers the core's history pager trusts, funding newest first, order history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fill } from '../../src/domain/fill.js';
import type { OrderInfo } from '../../src/domain/order.js';
import { ReplayAccount } from '../../src/replay/account.js';
import { AccountAnswers } from '../../src/replay/answers.js';
import { isLastPage } from '../../src/core/history-pager.js';
import { D } from '../../src/util/decimal.js';

const FEES = { makerBps: D(2), takerBps: D(5) };
const SYM = 'TEST_USDC_PERP';

function fill(i: number, timestamp: number, symbol = SYM): Fill {
  return { tradeId: String(i), orderId: `o${i}`, clientId: i, symbol, side: i % 2 === 0 ? 'Bid' : 'Ask', price: D(100), quantity: D(1), fee: D('0.02'), feeSymbol: 'USDC', isMaker: true, timestamp };
}

test('fills: oldest first, from/to inclusive, symbol filter, pages with headers that end the read', () => {
  const a = new ReplayAccount(FEES, FEES);
  for (let i = 1; i <= 7; i++) a.applyFill(fill(i, 1000 * i, i === 4 ? 'OTHER_USDC_PERP' : SYM), D(100));
  const x = new AccountAnswers(a, new Map());
  const window = x.fills({ symbol: SYM, from: 2000, to: 6000 });
  assert.deepEqual(window.rows.map((f) => f.tradeId), ['2', '3', '5', '6'], 'inclusive bounds, the other market left out');
  assert.equal(window.page?.total, 4);
  const p1 = x.fills({ symbol: SYM, limit: 4, offset: 0 });
  const p2 = x.fills({ symbol: SYM, limit: 4, offset: 4 });
  assert.deepEqual([...p1.rows, ...p2.rows].map((f) => f.tradeId), ['1', '2', '3', '5', '6', '7']);
  assert.deepEqual(p1.page, { total: 6, pageSize: 4, pageCount: 2, currentPage: 1 });
  assert.equal(isLastPage(p1.rows.length, 4, 0, p1.page), false);
  assert.equal(isLastPage(p2.rows.length, 4, 4, p2.page), true);
});

test('funding newest first, paged; a finished order is found by clientId, the latest first', () => {
  const a = new ReplayAccount(FEES, FEES);
  a.applyFill(fill(2, 1000), D(100));
  for (const t of [10, 20, 30]) a.settleFunding(SYM, D(100), D('0.0001'), t);
  const x = new AccountAnswers(a, new Map());
  const f = x.funding({ limit: 2 });
  assert.deepEqual(f.rows.map((r) => r.intervalEndTimestamp), [30, 20]);
  assert.equal(f.page?.total, 3);
  assert.deepEqual(x.funding({ limit: 2, offset: 2 }).rows.map((r) => r.intervalEndTimestamp), [10]);
  assert.equal(a.funding[0]!.intervalEndTimestamp, 10, 'the account keeps its own order');
  const order = (id: string, status: OrderInfo['status']): OrderInfo => ({ id, clientId: 9, symbol: SYM, side: 'Bid', orderType: 'Limit', price: D(100), quantity: D(1), executedQuantity: D(0), executedQuoteQuantity: D(0), status, postOnly: true, reduceOnly: false, timeInForce: 'GTC', createdAt: 0 });
  a.archive(order('a', 'Cancelled'));
  a.archive(order('b', 'Filled'));
  assert.equal(x.finished(SYM, 9)?.id, 'b');
  assert.equal(x.finished(SYM, 8), null);
});
