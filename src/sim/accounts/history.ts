// An account's history as the history endpoints page it: fills (packed, see FillStore) and funding
// payments, filtered, sorted, offset-paged, with the number of matching rows (the X-TOTAL header).
import type { FillQuery } from '../../protocol/backpack/requests.js';
import type { PageHeaders } from '../../exchange/types.js';
import { D } from '../../util/decimal.js';
import type { Fill } from '../../domain/fill.js';
import type { Side } from '../../domain/side.js';
import type { FundingInfo } from '../../exchange/types.js';
import type { Account } from './account.js';

export interface HistoryPage<T> {
  rows: T[];
  /** Rows matching the query in all pages. */
  total: number;
}

/**
 * Backpack's paging headers for a page: X-TOTAL rows match, X-PAGE-SIZE is the limit, X-PAGE-COUNT pages
 * of it hold them all and X-CURRENT-PAGE (1-based) is the page `offset` starts in.
 */
export function pageHeadersFor(total: number, limit: number, offset: number): PageHeaders {
  const size = Math.max(1, limit);
  return { total, pageSize: limit, pageCount: Math.ceil(total / size), currentPage: Math.floor(offset / size) + 1 };
}

/** Default fill-history bound per account: a month of a busy tier hunter, far above any page cap. */
export const DEFAULT_FILL_LIMIT = 1_000_000;

/**
 * Append a fill, keeping about `limit` per account: the oldest are dropped in batches (at most 65,536
 * over the limit, so a million-fill history is not copied on every fill).
 */
export function appendFill(acct: Account, rec: Fill, limit: number): void {
  acct.fills.append(rec);
  if (acct.fills.length >= limit + Math.min(limit, 65_536)) acct.fills.keepNewest(limit);
}

const DEC = /^-?\d+(\.\d+)?$/;

/**
 * A fill as JSON, decimals as strings and the exchange's integer trade id: what the fill-seeding route
 * and SimExchange.seedFills take, and how older state files held their fills inline.
 */
export interface FillJson {
  tradeId: number;
  orderId: string;
  clientId: number | null;
  symbol: string;
  side: Side;
  price: string;
  quantity: string;
  fee: string;
  feeSymbol: string;
  isMaker: boolean;
  timestamp: number;
}

export function fillFromJson(f: FillJson): Fill {
  return {
    tradeId: String(f.tradeId),
    orderId: f.orderId,
    clientId: f.clientId,
    symbol: f.symbol,
    side: f.side,
    price: D(f.price),
    quantity: D(f.quantity),
    fee: D(f.fee),
    feeSymbol: f.feeSymbol,
    isMaker: f.isMaker,
    timestamp: f.timestamp,
  };
}

/** Why a seeded fill is unusable, or null (seeded fills come from tests and tools, over the admin route too). */
export function badSeedFill(f: unknown): string | null {
  if (typeof f !== 'object' || f === null) return 'not an object';
  const r = f as Record<string, unknown>;
  if (r['tradeId'] !== undefined && !(typeof r['tradeId'] === 'number' && Number.isSafeInteger(r['tradeId']) && r['tradeId'] > 0)) return 'tradeId must be a positive integer';
  if (typeof r['orderId'] !== 'string' || r['orderId'] === '') return 'orderId must be a string';
  if (r['clientId'] !== null && !(typeof r['clientId'] === 'number' && r['clientId'] >>> 0 === r['clientId'])) return 'clientId must be a uint32 or null';
  if (typeof r['symbol'] !== 'string') return 'symbol must be a string';
  if (r['side'] !== 'Bid' && r['side'] !== 'Ask') return 'side must be Bid or Ask';
  for (const k of ['price', 'quantity', 'fee']) if (typeof r[k] !== 'string' || !DEC.test(r[k] as string)) return `${k} must be a decimal string`;
  if (typeof r['feeSymbol'] !== 'string') return 'feeSymbol must be a string';
  if (typeof r['isMaker'] !== 'boolean') return 'isMaker must be a boolean';
  if (typeof r['timestamp'] !== 'number' || !Number.isFinite(r['timestamp'])) return 'timestamp must be ms since the epoch';
  return null;
}

/** One page of fills, newest first unless sortDirection is Asc (the endpoint's default order). */
export function fillPage(acct: Account, q: FillQuery): HistoryPage<Fill> {
  const m: { symbol?: string; orderId?: string; from?: number; to?: number } = {};
  if (q.symbol) m.symbol = q.symbol;
  if (q.orderId) m.orderId = q.orderId;
  if (q.from !== undefined) m.from = q.from;
  if (q.to !== undefined) m.to = q.to;
  const { idx, total } = acct.fills.query(m, q.sortDirection !== 'Asc', q.offset ?? 0, q.limit ?? 100);
  return { rows: idx.map((i) => acct.fills.at(i)), total };
}

/** One page of funding payments, newest first unless sortDirection is Asc. */
export function fundingPage(acct: Account, q: { symbol?: string; limit?: number; offset?: number; sortDirection?: 'Asc' | 'Desc' }): HistoryPage<FundingInfo> {
  const rows = acct.funding.filter((f) => !q.symbol || f.symbol === q.symbol);
  if (q.sortDirection !== 'Asc') rows.reverse();
  const off = q.offset ?? 0;
  return { rows: rows.slice(off, off + (q.limit ?? 100)), total: rows.length };
}
