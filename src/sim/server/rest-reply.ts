// The REST handlers' common vocabulary: the context they run in, the reply they build (JSON, text or
// a history page with Backpack's paging headers, or an error body) and the parameter checks with the
// real exchange's error texts. Shared by the public, private and admin routes.
import type { ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { PAGE_HEADERS } from '../../protocol/backpack/paging.js';
import type { SimExchange } from '../exchange.js';
import { pageHeadersFor } from '../accounts/history.js';
import { hashString } from '../model/prng.js';
import type { FaultController } from './faults.js';

export interface RestContext {
  ex: SimExchange;
  faults: FaultController;
  keyCache: Map<string, KeyObject>;
  /** Request timestamps per rate-limit key, for the 429 fault. */
  rate: Map<string, number[]>;
  /** Responses deliberately left unanswered (timeout fault), destroyed on stop. */
  hanging: Set<ServerResponse>;
}

export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export const ok = (json: unknown): Reply => ({ status: 200, json });

/** A history page with Backpack's paging headers (see pageHeadersFor). */
export function paged(json: unknown, total: number, limit: number, offset: number): Reply {
  const p = pageHeadersFor(total, limit, offset);
  return {
    status: 200,
    json,
    headers: {
      [PAGE_HEADERS.total]: String(p.total),
      [PAGE_HEADERS.pageSize]: String(p.pageSize),
      [PAGE_HEADERS.pageCount]: String(p.pageCount),
      [PAGE_HEADERS.currentPage]: String(p.currentPage),
      'Access-Control-Expose-Headers': [PAGE_HEADERS.pageCount, PAGE_HEADERS.currentPage, PAGE_HEADERS.pageSize, PAGE_HEADERS.total].join(', '),
    },
  };
}
export const apiErr = (status: number, code: string, message: string): Reply => ({ status, json: { code, message } });
export const text = (status: number, t: string): Reply => ({ status, text: t });

export function userId(key: string): number {
  return 1_000_000 + (hashString(key) % 9_000_000);
}

export function intParam(q: URLSearchParams, name: string, def: number, max?: number): number | Reply {
  const v = q.get(name);
  if (v === null || v === '') return def;
  if (!/^\d+$/.test(v)) return text(400, `failed to parse parameter \`${name}\`: Invalid integer`);
  const n = Number(v);
  return max !== undefined ? Math.min(n, max) : n;
}
export const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 'status' in x;

export function symbolOr400(ex: SimExchange, q: URLSearchParams): string | Reply {
  const s = q.get('symbol');
  if (!s || !ex.market(s)) return apiErr(400, 'INVALID_CLIENT_REQUEST', 'Invalid market symbol');
  return s;
}

export type Handler = (ctx: RestContext, q: URLSearchParams, body: unknown, apiKey: string) => Reply | Promise<Reply>;

/** A JSON body as an object ({} for anything else). */
export const obj = (b: unknown): Record<string, unknown> => (typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {});
