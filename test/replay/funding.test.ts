// Funding where the tape has it: a perp position pays position x mark x rate when the venue's announced
// funding time passes (a positive rate: longs pay), and the payment is in the funding history the engine reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarkEvent, TapeEvent } from '../../src/tape/types.js';
import { D } from '../../src/util/decimal.js';
import { exchangeOver, ms, snap, tempDir, trade, writeTape } from './helpers.js';

const dir = tempDir('th-replay-funding-');
const mark = (t: number, price: string, rate: string, nextMs: number): MarkEvent => ({ type: 'mark', localUs: ms(t), exchUs: null, markPrice: price, indexPrice: null, fundingRate: rate, nextFundingMs: nextMs });

test('a long pays funding at the announced time, at the mark and rate before it; nothing before', async () => {
  const due = ms(5000) / 1000;
  const events: TapeEvent[] = [snap(ms(0), 10, [10000, 5000], [10010, 5000])];
  for (let t = 1000; t <= 8000; t += 1000) events.push(mark(t, t < 5000 ? '100.05' : '100.20', '0.0001', t < 5000 ? due : due + 3_600_000));
  events.push(trade(ms(9000), 10000, 'sell'));
  const tape = await writeTape(dir, 'funding.tape.gz', events);
  const { x, clock } = await exchangeOver([tape]);
  clock.setTimeout(() => void x.placeOrder({ symbol: 'TEST_USDC_PERP', side: 'Bid', orderType: 'Limit', price: D('100.10'), quantity: D('2'), timeInForce: 'IOC', clientId: 1 }), ms(1500) / 1000 - clock.now());
  let before: number | null = null;
  clock.setTimeout(() => void x.getFundingHistory({}).then((f) => (before = f.rows.length)), ms(4900) / 1000 - clock.now());
  await x.run();
  assert.equal(before, 0, 'nothing settled before the funding time');
  const rows = x.account.funding;
  assert.equal(rows.length, 1, 'one interval passed');
  // Long 2 at the last mark before the funding time (100.05): pays 2 x 100.05 x 0.0001.
  assert.equal(rows[0]!.quantity.toFixed(), '-0.02001');
  assert.equal(rows[0]!.intervalEndTimestamp, due);
  assert.equal(x.account.fundingTotal.toFixed(), '-0.02001');
});
