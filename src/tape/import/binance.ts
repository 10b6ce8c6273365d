// src/tape/import/: `tierhunter tape import`: other venues' recorded data to tapes: hftbacktest's Binance
// recordings (this file, hftbacktest.ts), Tardis CSV (tardis.ts), the line reader, tape header and pipeline.
//
// Binance market-data messages (as hftbacktest records them) -> tape events. Pure.
//   REST depth snapshot {lastUpdateId, E?, T?, bids, asks}    -> snapshot (seq = lastUpdateId)
//   <sym>@depth...  depthUpdate {E, T?, U, u, pu?, b, a}        -> diff (first U, last u, prev pu)
//   <sym>@bookTicker {u, b, B, a, A, T?, E?}                    -> bbo
//   <sym>@trade {T, t, p, q, m}  (m: the buyer was the maker)  -> trade, aggressor 'sell' when m
//   <sym>@markPrice... markPriceUpdate {E, p, i, r, T}          -> mark (r funding rate, T next funding ms)
// Exchange time is the transaction time T where Binance gives one, else the event time E (ms -> µs).
import { bestFirst } from '../levels.js';
import type { TapeEvent } from '../types.js';
import { decimalsOf, units } from './pipeline.js';

export interface Scales {
  price: number;
  qty: number;
}

type Obj = Record<string, unknown>;

export type BinanceKind = 'snapshot' | 'depth' | 'bbo' | 'trade' | 'mark' | 'other';

/** What a message is, from its stream name (or its shape, for the REST snapshot line). */
export function binanceKind(msg: Obj): BinanceKind {
  const stream = msg.stream;
  if (typeof stream !== 'string') return Array.isArray(msg.bids) && Array.isArray(msg.asks) && msg.lastUpdateId !== undefined ? 'snapshot' : 'other';
  const kind = stream.slice(stream.indexOf('@') + 1);
  if (kind.startsWith('depth')) return 'depth';
  if (kind === 'bookTicker') return 'bbo';
  if (kind === 'trade') return 'trade';
  if (kind.startsWith('markPrice')) return 'mark';
  return 'other';
}

function exchUs(d: Obj): number | null {
  const t = typeof d.T === 'number' ? d.T : typeof d.E === 'number' ? d.E : null;
  return t === null ? null : t * 1000;
}

function int(d: Obj, k: string, where: string): number {
  const v = d[k];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new TypeError(`${where}: field ${k} is not an id (${JSON.stringify(v)})`);
}

function levels(x: unknown, s: Scales, what: string, where: string): number[] {
  if (!Array.isArray(x)) throw new TypeError(`${where}: ${what} is not a list of levels`);
  const out: number[] = [];
  for (const l of x as unknown[]) {
    if (!Array.isArray(l) || l.length < 2) throw new TypeError(`${where}: ${what} holds a level that is not [price, qty]`);
    out.push(units(l[0], s.price, `${what} price`, where), units(l[1], s.qty, `${what} qty`, where));
  }
  return out;
}

/** One message -> its event, or null for streams a tape does not hold. Throws on a malformed message. */
export function binanceEvent(localUs: number, msg: Obj, s: Scales, where: string): TapeEvent | null {
  const kind = binanceKind(msg);
  if (kind === 'snapshot') {
    return {
      type: 'snapshot', localUs, exchUs: exchUs(msg), seq: int(msg, 'lastUpdateId', where), carried: false,
      bids: bestFirst(levels(msg.bids, s, 'bids', where), 'bid'), asks: bestFirst(levels(msg.asks, s, 'asks', where), 'ask'),
    };
  }
  if (kind === 'other') return null;
  const d = msg.data;
  if (typeof d !== 'object' || d === null) throw new TypeError(`${where}: no data object`);
  const o = d as Obj;
  switch (kind) {
    case 'depth':
      return {
        type: 'diff', localUs, exchUs: exchUs(o), first: int(o, 'U', where), last: int(o, 'u', where), prev: o.pu === undefined ? null : int(o, 'pu', where),
        bids: levels(o.b, s, 'b', where), asks: levels(o.a, s, 'a', where),
      };
    case 'bbo': {
      const hasBid = o.b !== undefined && o.b !== null;
      const hasAsk = o.a !== undefined && o.a !== null;
      return {
        type: 'bbo', localUs, exchUs: exchUs(o), hasBid, hasAsk,
        bidPx: hasBid ? units(o.b, s.price, 'bid price', where) : 0, bidQty: hasBid ? units(o.B, s.qty, 'bid qty', where) : 0,
        askPx: hasAsk ? units(o.a, s.price, 'ask price', where) : 0, askQty: hasAsk ? units(o.A, s.qty, 'ask qty', where) : 0,
        updateId: o.u === undefined ? null : int(o, 'u', where), derived: false, carried: false,
      };
    }
    case 'trade': {
      if (typeof o.m !== 'boolean') throw new TypeError(`${where}: trade without a boolean m`);
      return {
        type: 'trade', localUs, exchUs: exchUs(o), price: units(o.p, s.price, 'price', where), qty: units(o.q, s.qty, 'qty', where),
        side: o.m ? 'sell' : 'buy', tradeId: int(o, 't', where),
      };
    }
    case 'mark': {
      if (typeof o.p !== 'string') throw new TypeError(`${where}: mark price without p`);
      const E = typeof o.E === 'number' ? o.E * 1000 : null;
      return {
        type: 'mark', localUs, exchUs: E, markPrice: o.p, indexPrice: typeof o.i === 'string' ? o.i : null,
        fundingRate: typeof o.r === 'string' && o.r !== '' ? o.r : null, nextFundingMs: typeof o.T === 'number' && o.T > 0 ? o.T : null,
      };
    }
  }
}

/** What a scan of the whole input learns before the header can be written. */
export interface BinanceScan {
  symbols: Set<string>;
  futures: boolean;
  coinMargined: boolean;
  priceDecimals: number;
  qtyDecimals: number;
}

export function newScan(): BinanceScan {
  return { symbols: new Set(), futures: false, coinMargined: false, priceDecimals: 0, qtyDecimals: 0 };
}

/** Fold one message into the scan (decimals of every price and quantity, the symbol, the market kind). */
export function scanMessage(scan: BinanceScan, msg: Obj): void {
  const kind = binanceKind(msg);
  if (kind === 'other') return;
  const o = (kind === 'snapshot' ? msg : msg.data) as Obj | undefined;
  if (!o || typeof o !== 'object') return;
  const px = (v: unknown): void => {
    if (typeof v === 'string') scan.priceDecimals = Math.max(scan.priceDecimals, decimalsOf(v));
  };
  const qty = (v: unknown): void => {
    if (typeof v === 'string') scan.qtyDecimals = Math.max(scan.qtyDecimals, decimalsOf(v));
  };
  const side = (x: unknown): void => {
    if (!Array.isArray(x)) return;
    for (const l of x as unknown[]) {
      if (Array.isArray(l)) {
        px(l[0]);
        qty(l[1]);
      }
    }
  };
  if (typeof o.s === 'string') scan.symbols.add(o.s.toUpperCase());
  if (typeof o.symbol === 'string') scan.symbols.add(o.symbol.toUpperCase());
  if (typeof o.ps === 'string' || typeof o.pair === 'string') scan.coinMargined = true;
  switch (kind) {
    case 'snapshot':
      side(o.bids);
      side(o.asks);
      return;
    case 'depth':
      if (o.pu !== undefined) scan.futures = true;
      side(o.b);
      side(o.a);
      return;
    case 'bbo':
      px(o.b);
      px(o.a);
      qty(o.B);
      qty(o.A);
      return;
    case 'trade':
      px(o.p);
      qty(o.q);
      return;
    case 'mark':
      return;
  }
}
