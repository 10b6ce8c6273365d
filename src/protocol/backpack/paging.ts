// The paging headers of Backpack's history endpoints: the paper exchange writes them
// (src/sim/server/rest.ts), the client reads them (parsePageHeaders).
import type { PageHeaders } from '../../exchange/types.js';

/** Header names as the exchange sends them (Node lower-cases them on the reading side). */
export const PAGE_HEADERS = {
  total: 'X-TOTAL',
  pageCount: 'X-PAGE-COUNT',
  currentPage: 'X-CURRENT-PAGE',
  pageSize: 'X-PAGE-SIZE',
} as const;

type HeaderValue = string | string[] | undefined;

/** X-TOTAL / X-PAGE-COUNT / X-CURRENT-PAGE / X-PAGE-SIZE of a reply; null when none is present and readable. */
export function parsePageHeaders(h: Record<string, HeaderValue>): PageHeaders | null {
  const num = (name: string): number | null => {
    const v = h[name.toLowerCase()];
    const x = (Array.isArray(v) ? v[0] : v)?.trim();
    return x !== undefined && /^\d{1,15}$/.test(x) ? Number(x) : null;
  };
  const p = { total: num(PAGE_HEADERS.total), pageCount: num(PAGE_HEADERS.pageCount), currentPage: num(PAGE_HEADERS.currentPage), pageSize: num(PAGE_HEADERS.pageSize) };
  return p.total === null && p.pageCount === null && p.currentPage === null && p.pageSize === null ? null : p;
}
