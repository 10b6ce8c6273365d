// src/tape/record/: `tierhunter record`: Backpack's public streams to tapes: wire payloads to tape events
// (this file, pure), one tape file per symbol with rotation (symbol-tape.ts), and the recorder's I/O loop.
//
// Backpack public market data (reference §2.1, §3.3) -> tape events at a tape's integer scales. Pure.
// The wire's own strings are converted exactly (parseUnits); times are Backpack's µs as they come (the
// client's codec rounds them to ms, so it is not used here). A payload that does not read is a
// WireError naming the field; a value with more decimals than the tape's scale is a ScaleError (the
// recorder reopens the file at a finer scale).
import type { DepthSnapshot } from '../../exchange/backpack/codec/rest-rows.js';
import { parseUnits } from '../../sim/matching/units.js';
import { bestFirst } from '../levels.js';
import type { BboEvent, DiffEvent, MarkEvent, SnapshotEvent, TradeEvent } from '../types.js';

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export class ScaleError extends Error {
  constructor(
    readonly value: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScaleError';
  }
}

export interface WireScales {
  price: number;
  qty: number;
}

type Obj = Record<string, unknown>;

function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new WireError(`${what}: not an object`);
  return x as Obj;
}

/** An integer that may arrive as a number or a numeric string (ids, µs times). */
function int(o: Obj, k: string, what: string): number {
  const v = o[k];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new WireError(`${what}: field ${k} is not a non-negative integer (${JSON.stringify(v)})`);
  return n;
}

function intOrNull(o: Obj, k: string, what: string): number | null {
  return o[k] === undefined || o[k] === null ? null : int(o, k, what);
}

function u(v: unknown, scale: number, what: string): number {
  const n = parseUnits(v, scale);
  if (typeof n === 'number') return n;
  if (n === 'too_long') throw new ScaleError(String(v), `${what} ${JSON.stringify(v)} has more decimals than the tape's scale (${scale})`);
  throw new WireError(`${what} ${JSON.stringify(v)} is not a non-negative decimal`);
}

function levels(x: unknown, s: WireScales, what: string): number[] {
  if (!Array.isArray(x)) throw new WireError(`${what}: not a list of levels`);
  const out: number[] = [];
  for (const l of x as unknown[]) {
    if (!Array.isArray(l) || l.length < 2) throw new WireError(`${what}: a level is not [price, qty]`);
    out.push(u(l[0], s.price, `${what} price`), u(l[1], s.qty, `${what} qty`));
  }
  return out;
}

/** The engine time: T where given, else E (µs). */
function exch(o: Obj, what: string): number | null {
  return intOrNull(o, o.T !== undefined && o.T !== null ? 'T' : 'E', what);
}

export function depthEvent(localUs: number, x: unknown, s: WireScales): DiffEvent {
  const o = obj(x, 'depth');
  return { type: 'diff', localUs, exchUs: exch(o, 'depth'), first: int(o, 'U', 'depth'), last: int(o, 'u', 'depth'), prev: null, bids: levels(o.b, s, 'depth b'), asks: levels(o.a, s, 'depth a') };
}

export function tradeEvent(localUs: number, x: unknown, s: WireScales): TradeEvent {
  const o = obj(x, 'trade');
  if (typeof o.m !== 'boolean') throw new WireError(`trade: field m is not a boolean (${JSON.stringify(o.m)})`);
  // m: the buyer was the maker, so the taker sold.
  return { type: 'trade', localUs, exchUs: exch(o, 'trade'), price: u(o.p, s.price, 'trade p'), qty: u(o.q, s.qty, 'trade q'), side: o.m ? 'sell' : 'buy', tradeId: int(o, 't', 'trade') };
}

export function bookTickerEvent(localUs: number, x: unknown, s: WireScales): BboEvent {
  const o = obj(x, 'bookTicker');
  const hasBid = typeof o.b === 'string' && o.b !== '';
  const hasAsk = typeof o.a === 'string' && o.a !== '';
  return {
    type: 'bbo', localUs, exchUs: exch(o, 'bookTicker'), hasBid, hasAsk,
    bidPx: hasBid ? u(o.b, s.price, 'bookTicker b') : 0, bidQty: hasBid ? u(o.B, s.qty, 'bookTicker B') : 0,
    askPx: hasAsk ? u(o.a, s.price, 'bookTicker a') : 0, askQty: hasAsk ? u(o.A, s.qty, 'bookTicker A') : 0,
    updateId: intOrNull(o, 'u', 'bookTicker'), derived: false, carried: false,
  };
}

export function markPriceEvent(localUs: number, x: unknown): MarkEvent {
  const o = obj(x, 'markPrice');
  const str = (k: string): string | null => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : null);
  const mark = str('p');
  if (mark === null) throw new WireError(`markPrice: field p is not a decimal string (${JSON.stringify(o.p)})`);
  return { type: 'mark', localUs, exchUs: exch(o, 'markPrice'), markPrice: mark, indexPrice: str('i'), fundingRate: str('f'), nextFundingMs: intOrNull(o, 'n', 'markPrice') };
}

/**
 * GET /api/v1/depth, as the client's REST layer decodes it (levels validated, still wire strings; time in
 * ms). Both sides come ascending (best bid last); the tape wants best first.
 */
export function snapshotEvent(localUs: number, snap: DepthSnapshot, s: WireScales): SnapshotEvent {
  return {
    type: 'snapshot', localUs, exchUs: snap.ts > 0 ? snap.ts * 1000 : null, seq: snap.lastUpdateId, carried: false,
    bids: bestFirst(levels(snap.bids, s, 'snapshot bids'), 'bid'), asks: bestFirst(levels(snap.asks, s, 'snapshot asks'), 'ask'),
  };
}
