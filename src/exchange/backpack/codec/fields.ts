// Field primitives of the Backpack codec: each reads one field of a wire object and validates it, throwing
// CodecError with the field and an excerpt of the bad value. The stream-frame and REST-row decoders
// (stream-frames.ts, rest-rows.ts) are built from these, so every field is checked the same way wherever
// it arrives. Malformed input throws CodecError; callers count it and skip the message.
import { Decimal, parseDecimal } from '../../../util/decimal.js';
import type { OrderStatus, OrderType, TimeInForce } from '../../../domain/order.js';
import type { Side } from '../../../domain/side.js';
import type { WireLevel } from '../../../protocol/backpack/wire-types.js';

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

export type Obj = Record<string, unknown>;

export function fail(what: string, field: string, value: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 60) shown = shown.slice(0, 57) + '...';
  throw new CodecError(`${what}: bad ${field} ${shown}`);
}

export function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(what, 'object', x);
  return x as Obj;
}

export function arr(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) fail(what, 'array', x);
  return x;
}

export function dec(o: Obj, k: string, what: string): Decimal {
  const d = parseDecimal(o[k]);
  if (d === null) fail(what, k, o[k]);
  return d;
}

export function decOrNull(o: Obj, k: string, what: string): Decimal | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  const d = parseDecimal(v);
  if (d === null) fail(what, k, v);
  return d;
}

export function str(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0) fail(what, k, v);
  return v;
}

/** Ids: strings on the wire, sometimes numbers; kept as strings (old ids exceed 2^53). */
export function idStr(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  fail(what, k, v);
}

/** Integer that may arrive as a JSON number or a numeric string. */
export function int(o: Obj, k: string, what: string): number {
  const v = o[k];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) fail(what, k, v);
  return n;
}

export function bool(o: Obj, k: string, what: string, dflt: boolean): boolean {
  const v = o[k];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') fail(what, k, v);
  return v;
}

const SYMBOL_RE = /^[A-Z0-9]+(_[A-Z0-9]+)+$/;
export function symbol(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string' || !SYMBOL_RE.test(v)) fail(what, k, v);
  return v;
}

export function side(o: Obj, k: string, what: string): Side {
  const v = o[k];
  if (v !== 'Bid' && v !== 'Ask') fail(what, k, v);
  return v;
}

/** REST uses `Limit`/`Market`, the websocket `LIMIT`/`MARKET`. */
export function orderType(o: Obj, k: string, what: string): OrderType {
  const v = o[k];
  if (v === 'Limit' || v === 'LIMIT') return 'Limit';
  if (v === 'Market' || v === 'MARKET') return 'Market';
  fail(what, k, v);
}

const STATUSES = new Set<OrderStatus>(['New', 'PartiallyFilled', 'Filled', 'Cancelled', 'Expired', 'TriggerPending', 'TriggerFailed']);
export function status(o: Obj, k: string, what: string): OrderStatus {
  const v = o[k];
  if (typeof v !== 'string' || !STATUSES.has(v as OrderStatus)) fail(what, k, v);
  return v as OrderStatus;
}

export function tif(o: Obj, k: string, what: string): TimeInForce {
  const v = o[k];
  if (v === undefined || v === null) return 'GTC';
  if (v !== 'GTC' && v !== 'IOC' && v !== 'FOK') fail(what, k, v);
  return v;
}

/** uint32 client id; number on orders and WS, string on fill history. */
export function clientId(o: Obj, k: string, what: string): number | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) fail(what, k, v);
  return n;
}

/** Naive UTC datetime ("2025-07-27T17:39:00.092", no Z) or epoch ms -> epoch ms. */
export function utcMs(o: Obj, k: string, what: string): number {
  const v = o[k];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v);
    if (m) {
      const frac = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '.000';
      const t = Date.parse(`${m[1]}T${m[2]}${frac}${m[4] ?? 'Z'}`);
      if (Number.isFinite(t)) return t;
    }
  }
  fail(what, k, v);
}

/** Websocket E/T are microseconds. */
export function usToMs(o: Obj, k: string, what: string): number {
  return Math.floor(int(o, k, what) / 1000);
}

const NUM_RE = /^\d+(\.\d*)?$/;

/**
 * Validate levels in place without allocating (hot path: validated, not converted): positive finite price,
 * non-negative quantity.
 */
export function levels(x: unknown, what: string, field: string): WireLevel[] {
  if (!Array.isArray(x)) fail(what, field, x);
  for (let i = 0; i < x.length; i++) {
    const l = x[i] as unknown;
    if (!Array.isArray(l) || l.length < 2) fail(what, field, l);
    const p = l[0] as unknown;
    const q = l[1] as unknown;
    if (typeof p !== 'string' || typeof q !== 'string' || !NUM_RE.test(p) || !NUM_RE.test(q)) fail(what, field, l);
    if (!(+p > 0)) fail(what, field, l);
  }
  return x as WireLevel[];
}

/** Decode every row of an array, skipping malformed ones; `onBad` counts them. */
export function decodeRows<T>(x: unknown, what: string, one: (r: unknown) => T, onBad: (e: CodecError) => void): T[] {
  const rows = arr(x, what);
  const out: T[] = [];
  for (const r of rows) {
    try {
      out.push(one(r));
    } catch (e) {
      if (e instanceof CodecError) onBad(e);
      else throw e;
    }
  }
  return out;
}
