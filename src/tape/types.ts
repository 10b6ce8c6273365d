// The tape's data model: what a recording of one market holds, independent of how it is encoded on disk
// (docs/TAPES.md describes both). Prices and quantities are integers in units of 10^-priceScale and
// 10^-qtyScale declared by the header, so they are exact and compare and add as plain numbers; times are
// microseconds since the Unix epoch (integers, exact in a double until the year 2255).

/** How a venue's depth diffs chain and how a REST snapshot bridges into them (header.seqRule). */
export type SeqRule =
  /** Each diff's `prev` equals the previous diff's `last` (Binance futures `pu`); a snapshot L is bridged by the
   *  first diff with first <= L <= last (or prev == L). */
  | 'prev-id'
  /** Each diff's `first` is the previous diff's `last` + 1 (Binance spot, Backpack); a snapshot L is bridged by
   *  the first diff with first <= L + 1 <= last. */
  | 'next-id'
  /** No sequence ids (Tardis CSV): diffs are applied in order, only gap records and re-snapshots mark breaks. */
  | 'none';

export type MarketType = 'perp' | 'spot';

export interface TapeHeader {
  format: 'tierhunter-tape';
  version: number;
  /** e.g. "backpack", "binance-usdm", "binance-coinm", "binance-spot", or a Tardis exchange id. */
  venue: string;
  symbol: string;
  market: MarketType;
  priceScale: number;
  qtyScale: number;
  /** Decimal strings when the source states them (Backpack's market filters), else null. */
  tickSize: string | null;
  stepSize: string | null;
  /** 'base': quantities are in the base asset; 'contracts': in contracts of `contractSize` `contractCurrency`. */
  qtyUnit: 'base' | 'contracts';
  contractSize: string | null;
  contractCurrency: string | null;
  seqRule: SeqRule;
  source: TapeSource;
  writer: { name: string; version: string; command: string };
  /** ISO time the file was created (not a market time). */
  createdAt: string;
}

export interface TapeSource {
  /** 'hftbacktest' | 'tardis' | 'record' | a tool's name */
  kind: string;
  /** Input file names (imports) or the endpoint host (recordings). */
  inputs: string[];
  licence: string | null;
  note: string | null;
}

/** Fields every event carries. */
interface Stamp {
  /** Local receive time, µs since the epoch (the recorder's clock). */
  localUs: number;
  /** The venue's time of the event (engine/transaction time where the venue gives one), µs; null if unknown. */
  exchUs: number | null;
}

/**
 * A full book. Levels are flat [price0, qty0, price1, qty1, ...] best first: bids descending, asks ascending.
 * `carried`: not a venue snapshot but the recorder's own synced book written at the start of a rotated
 * file (so each file stands alone); its seq is the last diff id applied.
 */
export interface SnapshotEvent extends Stamp {
  type: 'snapshot';
  seq: number | null;
  carried: boolean;
  bids: number[];
  asks: number[];
}

/** Changed levels with absolute quantities (0 removes the level), in the venue's order; flat [p, q, ...]. */
export interface DiffEvent extends Stamp {
  type: 'diff';
  /** The venue's first / last update id of this diff and the previous diff's last id (Binance futures `pu`). */
  first: number | null;
  last: number | null;
  prev: number | null;
  bids: number[];
  asks: number[];
}

export type AggressorSide = 'buy' | 'sell';

export interface TradeEvent extends Stamp {
  type: 'trade';
  price: number;
  qty: number;
  /** The taker's side; null when the venue does not say. */
  side: AggressorSide | null;
  /** The venue's trade id: an integer where the venue numbers trades, else its string; null if none. */
  tradeId: number | string | null;
}

/**
 * Best bid and ask. A missing side has price and qty 0 (`hasBid`/`hasAsk` false).
 * `derived`: computed from the rebuilt book (sources without a best-bid/ask stream) rather than sent by the venue.
 * `carried`: the last known best bid/ask repeated at the start of a rotated file.
 */
export interface BboEvent extends Stamp {
  type: 'bbo';
  hasBid: boolean;
  hasAsk: boolean;
  bidPx: number;
  bidQty: number;
  askPx: number;
  askQty: number;
  updateId: number | null;
  derived: boolean;
  carried: boolean;
}

/** Mark price (perps). Decimal strings exactly as the venue sent them: they need not fit the price scale. */
export interface MarkEvent extends Stamp {
  type: 'mark';
  markPrice: string;
  indexPrice: string | null;
  fundingRate: string | null;
  nextFundingMs: number | null;
}

export const GAP_REASONS = ['sequence', 'reconnect', 'start-partial', 'stale-snapshot', 'crossed', 'malformed'] as const;
/**
 * sequence: a depth diff did not chain to the previous one; reconnect: the connection dropped (any stream
 * may have lost messages); start-partial: the depth stream starts without a snapshot; stale-snapshot: a
 * snapshot could not be bridged into the diffs; crossed: the rebuilt book crossed; malformed: a message
 * could not be read and was dropped.
 */
export type GapReason = (typeof GAP_REASONS)[number];

export const STREAMS = ['depth', 'trade', 'bbo', 'mark'] as const;
export type StreamName = (typeof STREAMS)[number];

/**
 * Something was lost or is unknown. After a gap that lists 'depth' the book is invalid until the next
 * snapshot (a reader may keep applying diffs to a book marked partial). Other streams listed may have lost
 * messages between `sinceUs` and this record.
 */
export interface GapEvent extends Stamp {
  type: 'gap';
  reason: GapReason;
  lost: StreamName[];
  /** When the loss began (e.g. the socket closed), µs; null if it is this record's time. */
  sinceUs: number | null;
  /** Sequence ids around a sequence gap: the id expected and the one received. */
  expected: number | null;
  got: number | null;
  detail: string;
}

export type TapeEvent = SnapshotEvent | DiffEvent | TradeEvent | BboEvent | MarkEvent | GapEvent;
export type TapeEventType = TapeEvent['type'];

/** The closing record: present only when the writer closed the file completely. */
export interface TapeFooter {
  events: number;
  /** Counts per event type. */
  counts: Record<TapeEventType, number>;
  firstLocalUs: number | null;
  lastLocalUs: number | null;
  /** 'import' | 'rotate' | 'shutdown' | 'end' */
  reason: string;
  closedAt: string;
}

export const TAPE_FORMAT = 'tierhunter-tape';
export const TAPE_VERSION = 1;
