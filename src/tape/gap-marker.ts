// GapMarker: the step between a source (an importer's parser, the recorder's websocket) and a tape writer
// that makes every loss of the book explicit. It runs the source's depth events through a TapeBook and
// writes a gap record wherever the book stops being trustworthy: before the first diff of a feed that
// starts without a snapshot ('start-partial'), before a diff that breaks the id chain ('sequence'), after a
// snapshot that cannot be joined to the diffs ('stale-snapshot') and after a diff that crosses the book
// ('crossed'). A reader's own TapeBook would find the same places; the records make them visible to
// anything that reads the tape (stats, `tape dump`, another tool). Pure.
import { TapeBook, type BookUpdate } from './book.js';
import type { BboEvent, GapEvent, SeqRule, TapeEvent } from './types.js';

export interface GapMarkerOptions {
  /** Emit a bbo record (derived: true) whenever the synced book's top changes: for sources without a bbo stream. */
  deriveBbo?: boolean;
}

export class GapMarker {
  readonly book: TapeBook;
  /** Gap records written, by reason. */
  readonly gaps: Record<string, number> = {};
  private depthSeen = false;
  private readonly deriveBbo: boolean;
  private top: [number, number, number, number] = [NaN, NaN, NaN, NaN];

  constructor(rule: SeqRule, opts: GapMarkerOptions = {}) {
    this.book = new TapeBook(rule);
    this.deriveBbo = opts.deriveBbo ?? false;
  }

  /** Pass one source event through; `out` receives it and any gap (or derived bbo) records, in tape order. */
  push(e: TapeEvent, out: (e: TapeEvent) => void): void {
    if (e.type === 'gap') {
      this.book.apply(e);
      this.count(e.reason);
      if (e.lost.includes('depth')) this.depthSeen = true;
      out(e);
      return;
    }
    if (e.type !== 'diff' && e.type !== 'snapshot') {
      out(e);
      return;
    }
    if (!this.depthSeen) {
      this.depthSeen = true;
      if (e.type === 'diff') {
        // Exactly what a reader's book will see: the gap record, then the diff.
        const g = this.gap(e.localUs, 'start-partial', null, null, 'the depth stream starts without a snapshot: the book is partial until one arrives');
        this.book.apply(g);
        out(g);
      }
    }
    const r: BookUpdate = this.book.apply(e);
    const p = this.book.problem;
    if (r === 'gap' && p) out(this.gap(e.localUs, p.reason, p.expected, p.got, p.detail));
    out(e);
    if ((r === 'stale' || r === 'crossed') && p) out(this.gap(e.localUs, p.reason, p.expected, p.got, p.detail));
    if (this.deriveBbo) this.derive(e.localUs, e.exchUs, out);
  }

  private derive(localUs: number, exchUs: number | null, out: (e: TapeEvent) => void): void {
    const b = this.book;
    if (!b.synced) return;
    const bp = b.bids.best();
    const bq = b.bids.bestQty();
    const ap = b.asks.best();
    const aq = b.asks.bestQty();
    const t = this.top;
    if (same(t[0], bp) && t[1] === bq && same(t[2], ap) && t[3] === aq) return;
    this.top = [bp, bq, ap, aq];
    const hasBid = !Number.isNaN(bp);
    const hasAsk = !Number.isNaN(ap);
    const bbo: BboEvent = {
      type: 'bbo', localUs, exchUs, hasBid, hasAsk,
      bidPx: hasBid ? bp : 0, bidQty: hasBid ? bq : 0, askPx: hasAsk ? ap : 0, askQty: hasAsk ? aq : 0,
      updateId: null, derived: true, carried: false,
    };
    out(bbo);
  }

  private gap(localUs: number, reason: GapEvent['reason'], expected: number | null, got: number | null, detail: string): GapEvent {
    this.count(reason);
    return gapRecord(localUs, reason, expected, got, detail);
  }

  private count(reason: string): void {
    this.gaps[reason] = (this.gaps[reason] ?? 0) + 1;
  }
}

const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** A gap record that invalidates the depth (and nothing else). */
export function gapRecord(localUs: number, reason: GapEvent['reason'], expected: number | null, got: number | null, detail: string): GapEvent {
  return { type: 'gap', localUs, exchUs: null, reason, lost: ['depth'], sinceUs: null, expected, got, detail };
}
