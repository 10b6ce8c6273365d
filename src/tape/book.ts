// src/tape/: market tapes (docs/TAPES.md): the event model (types.ts), the binary codec and file layout,
// reader and writer, the book rebuilder (this file), gap marking, statistics (markout, spread, depth,
// sketches), importers (import/) and the Backpack recorder (record/).
//
// TapeBook: rebuilds a market's book from a tape's snapshots, diffs and gap records, checking the venue's
// sequence ids (header.seqRule). Pure and incremental: feed it events in tape order; the replay exchange,
// the importers and the recorder all use this one implementation.
//
// States: 'empty' (nothing known), 'partial' (levels known only from diffs since the tape start or the
// last break — a level no diff touched is unknown, so the best prices may be wrong: take the top from bbo),
// 'synced' (a snapshot plus every diff since, chained by id). A sequence break, a snapshot that cannot be
// bridged into the diffs, or a crossed book drops to 'partial' and says why (`problem`); a gap record that
// lists depth empties the book. While not synced, diffs are kept (bounded) so that a REST snapshot that
// arrives after the diffs that bridge it — the usual case — can still be joined to them.
import { LevelSide } from './levels.js';
import type { DiffEvent, GapEvent, GapReason, SeqRule, SnapshotEvent } from './types.js';

export type BookUpdate =
  /** A diff applied to a synced book. */
  | 'applied'
  /** A diff applied to a partial book. */
  | 'partial'
  /** A diff already covered by the snapshot (or older than the chain): not applied. */
  | 'ignored'
  /** A snapshot loaded: synced (possibly still waiting for the diff that bridges it). */
  | 'synced'
  /** The diff chain broke at this diff (the book restarts partial from it), or a gap record emptied it. */
  | 'gap'
  /** The snapshot could not be joined to the diffs: the book is partial. */
  | 'stale'
  /** The book crossed (best bid >= best ask): it is partial from here. */
  | 'crossed';

export interface BookProblem {
  reason: GapReason;
  expected: number | null;
  got: number | null;
  detail: string;
}

/** Diffs kept while waiting for a snapshot; beyond this a late snapshot cannot be bridged (it is 'stale'). */
export const MAX_PENDING_DIFFS = 20_000;

/** What TapeBook needs of a book side (LevelSide; the replay's DenseSide). Prices and quantities in units. */
export interface BookSide {
  readonly size: number;
  clear(): void;
  /** Best price, NaN when empty. */
  best(): number;
  bestQty(): number;
  qtyAt(price: number): number;
  /** i-th best price (0 = best), NaN past the end. */
  priceAt(i: number): number;
  /** Absolute quantity at a price; 0 removes the level. */
  set(price: number, q: number): void;
  /** Replace the side with flat best-first [price, qty, ...] levels. */
  load(flat: readonly number[]): void;
  /** Flat best-first [price, qty, ...] of the first n levels. */
  levels(n?: number): number[];
}

export class TapeBook {
  readonly bids: BookSide;
  readonly asks: BookSide;
  state: 'empty' | 'partial' | 'synced' = 'empty';
  /** Why the book last left 'synced' (or could not reach it). */
  problem: BookProblem | null = null;
  /** The `last` id of the latest diff seen (the chain's position), null before any or after a gap. */
  chainLast: number | null = null;
  /** The snapshot id a synced book still has to be bridged from (null once bridged, or without ids). */
  private bridgeFrom: number | null = null;
  private pending: DiffEvent[] = [];

  /** `side` builds the two sides (sign 1: bids, -1: asks); the sorted-array LevelSide by default. */
  constructor(
    readonly rule: SeqRule,
    side: (sign: 1 | -1) => BookSide = (sign) => new LevelSide(sign),
  ) {
    this.bids = side(1);
    this.asks = side(-1);
  }

  get synced(): boolean {
    return this.state === 'synced';
  }
  /** The update id a synced book reflects (its snapshot's until the bridge arrives), null without ids. */
  get updateId(): number | null {
    return this.bridgeFrom ?? this.chainLast;
  }
  bestBid(): number {
    return this.bids.best();
  }
  bestAsk(): number {
    return this.asks.best();
  }

  apply(e: SnapshotEvent | DiffEvent | GapEvent): BookUpdate {
    if (e.type === 'diff') return this.diff(e);
    if (e.type === 'snapshot') return this.snapshot(e);
    if (!e.lost.includes('depth')) return 'ignored';
    if (e.reason === 'stale-snapshot' || e.reason === 'crossed') {
      // A verdict on the book that follows from the events before it, so this book reached it too (and kept
      // the diffs a later snapshot needs); it only has to hold if a different rebuilder wrote the record.
      if (this.state === 'synced') this.reset('partial');
      this.problem = { reason: e.reason, expected: e.expected, got: e.got, detail: e.detail };
      return 'gap';
    }
    this.reset('empty');
    this.chainLast = null;
    this.problem = { reason: e.reason, expected: e.expected, got: e.got, detail: e.detail };
    return 'gap';
  }

  private diff(d: DiffEvent): BookUpdate {
    if (this.rule !== 'none' && d.last !== null && this.chainLast !== null) {
      if (d.last <= this.chainLast) return 'ignored';
      const expected = this.rule === 'prev-id' && d.prev !== null ? this.chainLast : this.chainLast + 1;
      const got = this.rule === 'prev-id' && d.prev !== null ? d.prev : d.first;
      if (got !== expected) {
        this.reset('partial');
        this.problem = { reason: 'sequence', expected, got, detail: `diff ${d.first}..${d.last} does not follow ${this.chainLast}` };
        this.chainLast = d.last;
        this.keep(d);
        this.levels(d);
        return 'gap';
      }
    }
    if (d.last !== null) this.chainLast = d.last;
    if (this.state !== 'synced') {
      this.state = 'partial';
      this.keep(d);
      this.levels(d);
      return 'partial';
    }
    const r = this.bridge(d);
    if (r === 'ignored') return r;
    if (r === 'stale') {
      this.reset('partial');
      this.keep(d);
      this.levels(d);
      return r;
    }
    this.levels(d);
    return this.checkCrossed(d) ? 'crossed' : 'applied';
  }

  private snapshot(s: SnapshotEvent): BookUpdate {
    const ids = this.rule !== 'none' && s.seq !== null;
    // A synced book already past this snapshot is newer than it: loading it would step back in time.
    if (ids && this.state === 'synced' && this.bridgeFrom === null && this.chainLast !== null && s.seq! <= this.chainLast) return 'ignored';
    const pending = this.pending;
    this.pending = [];
    this.bids.load(s.bids);
    this.asks.load(s.asks);
    this.state = 'synced';
    this.bridgeFrom = ids ? s.seq : null;
    for (const d of pending) {
      const r = this.bridge(d);
      if (r === 'ignored') continue;
      if (r === 'stale') {
        // The snapshot is of no use: the partial book is what the diffs we have show.
        this.reset('partial');
        for (const p of pending) {
          this.keep(p);
          this.levels(p);
        }
        return r;
      }
      this.levels(d);
    }
    if (this.checkCrossed(null)) return 'crossed';
    return 'synced';
  }

  /**
   * For a synced book still waiting for its bridge: 'ignored' for a diff the snapshot covers, 'applied' for
   * the bridge (or any diff once bridged), 'stale' (with `problem` set) when updates between are missing.
   */
  private bridge(d: DiffEvent): 'applied' | 'ignored' | 'stale' {
    const L = this.bridgeFrom;
    if (L === null || d.last === null || d.first === null) return 'applied';
    if (this.rule === 'next-id') {
      if (d.last <= L) return 'ignored';
      if (d.first <= L + 1) {
        this.bridgeFrom = null;
        return 'applied';
      }
    } else {
      if (d.last < L) return 'ignored';
      if (d.first <= L || d.prev === L) {
        this.bridgeFrom = null;
        return 'applied';
      }
    }
    this.problem = { reason: 'stale-snapshot', expected: this.rule === 'next-id' ? L + 1 : L, got: d.first, detail: `snapshot ${L} is older than diff ${d.first}..${d.last}: updates in between are missing` };
    return 'stale';
  }

  private checkCrossed(d: DiffEvent | null): boolean {
    if (this.bids.size === 0 || this.asks.size === 0 || this.bids.best() < this.asks.best()) return false;
    const at = d ? ` after diff ${d.first}..${d.last}` : ' after the snapshot';
    this.problem = { reason: 'crossed', expected: null, got: null, detail: `book crossed${at}: bid ${this.bids.best()} >= ask ${this.asks.best()}` };
    this.reset('partial');
    return true;
  }

  private levels(d: DiffEvent): void {
    const b = d.bids;
    for (let i = 0; i < b.length; i += 2) this.bids.set(b[i]!, b[i + 1]!);
    const a = d.asks;
    for (let i = 0; i < a.length; i += 2) this.asks.set(a[i]!, a[i + 1]!);
  }

  private keep(d: DiffEvent): void {
    if (this.pending.length >= MAX_PENDING_DIFFS) this.pending.shift();
    this.pending.push(d);
  }

  private reset(state: 'empty' | 'partial'): void {
    this.bids.clear();
    this.asks.clear();
    this.pending = [];
    this.bridgeFrom = null;
    this.state = state;
  }
}
