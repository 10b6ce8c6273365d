// The fills and settings the compaction kill -9 child and its test share (both must agree exactly).
import type { Fill } from '../../src/domain/fill.js';
import { D } from '../../src/util/decimal.js';
import { settingsWith, T0 } from '../core/helpers/harness.js';

export const CHILD_FILLS = 3000;
export const CHILD_SETTINGS = { journalCompactRecords: 150, backfillPagesPerMin: 8, symbols: ['SOL_USDC_PERP'] } satisfies Partial<ReturnType<typeof settingsWith>>;
const DAY = 86_400_000;

/** Live fill n: round trips of 0.27 SOL at a walking price, a rebate now and then. */
export function childFill(n: number): Fill {
  const price = D(180).plus(D(n % 97).div(100));
  return {
    tradeId: String(50_000 + n),
    orderId: `o${n}`,
    clientId: null,
    symbol: 'SOL_USDC_PERP',
    side: n % 2 === 0 ? 'Bid' : 'Ask',
    price,
    quantity: D('0.27'),
    fee: n % 11 === 0 ? D('-0.0004') : D('0.0097'),
    feeSymbol: 'USDC',
    isMaker: true,
    timestamp: T0 + n,
  };
}

/** Another market's fills in the 30 days before the home began (the backfill reads them). */
export function childHistory(): Fill[] {
  return Array.from({ length: 20_000 }, (_, i) => ({
    tradeId: String(900_000 + i),
    orderId: `h${i}`,
    clientId: null,
    symbol: 'BTC_USDC_PERP',
    side: i % 2 === 0 ? 'Bid' : 'Ask',
    price: D(90_000).plus(i),
    quantity: D('0.00055'),
    fee: D('0.0099'),
    feeSymbol: 'USDC',
    isMaker: true,
    timestamp: T0 - 29 * DAY + i * 120_000,
  }));
}
