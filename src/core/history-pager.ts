// Paging the account's history endpoints. Backpack pages them with `limit` (at most 1000) and `offset`;
// its X-TOTAL / X-PAGE-* headers, when present, end a read one call early (no empty last page), but a
// short page always ends it, so a proxy that drops the headers costs at most one call. No page cap:
// fills missed while the core was down are read whatever their number.
import type { ExchangePort } from '../exchange/port.js';
import type { FundingInfo, PageHeaders } from '../exchange/types.js';
import type { Fill } from '../domain/fill.js';

/** Rows per history request (the endpoints' maximum). */
export const PAGE_LIMIT = 1000;

/** True when the page just read (`got` rows at `offset`) is the last one. */
export function isLastPage(got: number, limit: number, offset: number, page: PageHeaders | null): boolean {
  if (got < limit) return true;
  if (page === null) return false;
  // Only a header that describes pages of this size is trusted.
  if (page.pageSize !== null && page.pageSize !== limit) return false;
  if (page.total !== null) return offset + got >= page.total;
  return page.pageCount !== null && page.currentPage !== null && page.currentPage >= page.pageCount;
}

/**
 * Own fills from `from` (and up to `to`) on, oldest first, page after page until caught up; `onPage` gets
 * each page in order before the next is read (a long outage never holds all of them at once). Returns the
 * number of requests made.
 */
export async function readFillsForward(port: ExchangePort, q: { from: number; to?: number }, onPage: (rows: Fill[]) => void): Promise<number> {
  let calls = 0;
  let prevLast: string | null = null;
  for (let offset = 0; ; offset += PAGE_LIMIT) {
    const { rows, page } = await port.getFills({ from: q.from, ...(q.to !== undefined ? { to: q.to } : {}), limit: PAGE_LIMIT, offset });
    calls++;
    const last = rows.length > 0 ? `${rows[rows.length - 1]!.symbol}:${rows[rows.length - 1]!.tradeId}` : null;
    // A server that ignores offset would answer the same page forever.
    if (last !== null && last === prevLast) throw new Error(`fill history: offset ${offset} returned the previous page again`);
    prevLast = last;
    onPage(rows);
    if (isLastPage(rows.length, PAGE_LIMIT, offset, page)) return calls;
  }
}

/**
 * Funding payments newest first (the endpoint has no time filter), page after page until a page reaches a
 * payment that `old` says is known or older than needed. Returns the others, oldest first, with the newest
 * payment's interval end (null when there were none).
 */
export async function readFundingBack(port: ExchangePort, old: (r: FundingInfo) => boolean): Promise<{ rows: FundingInfo[]; newest: number | null }> {
  const out: FundingInfo[] = [];
  let newest: number | null = null;
  for (let offset = 0; ; offset += PAGE_LIMIT) {
    const { rows, page } = await port.getFundingHistory({ limit: PAGE_LIMIT, offset });
    let reached = false;
    for (const r of rows) {
      if (newest === null || r.intervalEndTimestamp > newest) newest = r.intervalEndTimestamp;
      if (old(r)) reached = true;
      else out.push(r);
    }
    if (reached || isLastPage(rows.length, PAGE_LIMIT, offset, page)) return { rows: out.reverse(), newest };
  }
}
