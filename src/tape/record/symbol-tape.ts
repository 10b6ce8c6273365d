// One symbol's recording: the open tape file, the GapMarker that keeps its book (and marks every loss),
// and the hand-over to the next file at a rotation. Each file stands alone: a new file starts with the
// book as the recorder holds it (a carried snapshot, when synced) and the last best bid/ask (carried), so
// a reader needs no earlier file. The swap to the new file is synchronous, so no event is lost or
// duplicated around it; the old file is closed (footer, fsync, .part renamed away) afterwards.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GapMarker } from '../gap-marker.js';
import type { BboEvent, GapEvent, StreamName, TapeEvent, TapeHeader } from '../types.js';
import { TapeWriter } from '../writer.js';

export interface OpenSpec {
  dir: string;
  header: TapeHeader;
  /** Local time of the file's start, µs (names the file). */
  startUs: number;
}

/** `SOL_USDC_PERP-20260101T120000Z.tape.gz` (a suffix -2, -3, ... if taken). */
export function tapeFileName(dir: string, symbol: string, startUs: number): string {
  const stamp = new Date(Math.floor(startUs / 1000)).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let name = join(dir, `${symbol}-${stamp}.tape.gz`);
  for (let i = 2; existsSync(name) || existsSync(`${name}.part`); i++) name = join(dir, `${symbol}-${stamp}-${i}.tape.gz`);
  return name;
}

export class SymbolTape {
  private writer: TapeWriter;
  private marker: GapMarker;
  private lastBbo: BboEvent | null = null;
  /** Files closed so far (complete). */
  readonly closed: string[] = [];
  /** Events and gap records written, across files, in all and by type. */
  events = 0;
  readonly counts: Record<TapeEvent['type'], number> = { snapshot: 0, diff: 0, trade: 0, bbo: 0, mark: 0, gap: 0 };
  readonly gaps: Record<string, number> = {};

  private constructor(
    writer: TapeWriter,
    private header: TapeHeader,
  ) {
    this.writer = writer;
    this.marker = new GapMarker(header.seqRule);
  }

  static async open(spec: OpenSpec): Promise<SymbolTape> {
    const w = await TapeWriter.open(tapeFileName(spec.dir, spec.header.symbol, spec.startUs), spec.header, { partial: true });
    return new SymbolTape(w, spec.header);
  }

  get symbol(): string {
    return this.header.symbol;
  }
  get path(): string {
    return this.writer.path;
  }
  get scales(): { price: number; qty: number } {
    return { price: this.header.priceScale, qty: this.header.qtyScale };
  }
  /** The book is a snapshot plus every diff since (no resync needed). */
  get synced(): boolean {
    return this.marker.book.synced;
  }

  push(e: TapeEvent): void {
    if (e.type === 'bbo') this.lastBbo = e;
    this.marker.push(e, this.out);
  }

  /** A loss the recorder saw itself (socket closed, unreadable message). */
  gap(localUs: number, reason: GapEvent['reason'], lost: StreamName[], detail: string): void {
    this.push({ type: 'gap', localUs, exchUs: null, reason, lost, sinceUs: null, expected: null, got: null, detail });
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }

  /**
   * Continue in a new file from `startUs`, with `header` (a new scale may only be finer: the carried state
   * is converted). Returns the file just closed.
   */
  async rotate(startUs: number, header: TapeHeader = this.header): Promise<string> {
    const px = 10 ** (header.priceScale - this.header.priceScale);
    const qty = 10 ** (header.qtyScale - this.header.qtyScale);
    if (!Number.isInteger(px) || !Number.isInteger(qty)) throw new Error(`${this.symbol}: a tape's scale can only become finer`);
    const next = await TapeWriter.open(tapeFileName(dirname(this.writer.path), header.symbol, startUs), header, { partial: true });
    // From here to the swap nothing awaits: the carried state is the book at the swap.
    const old = this.writer;
    const book = this.marker.book;
    const marker = new GapMarker(header.seqRule);
    this.writer = next;
    this.marker = marker;
    this.header = header;
    if (book.synced) {
      const scale = (flat: number[]): number[] => flat.map((v, i) => v * (i % 2 === 0 ? px : qty));
      marker.push({ type: 'snapshot', localUs: startUs, exchUs: null, seq: book.updateId, carried: true, bids: scale(book.bids.levels()), asks: scale(book.asks.levels()) }, this.out);
    }
    if (this.lastBbo) {
      const b = this.lastBbo;
      this.push({ ...b, localUs: startUs, bidPx: b.bidPx * px, bidQty: b.bidQty * qty, askPx: b.askPx * px, askQty: b.askQty * qty, carried: true });
    }
    await old.close('rotate');
    this.closed.push(old.path);
    return old.path;
  }

  /** Close the file completely (footer, fsync, rename). */
  async close(reason: string): Promise<string> {
    await this.writer.close(reason);
    this.closed.push(this.writer.path);
    return this.writer.path;
  }

  private readonly out = (e: TapeEvent): void => {
    this.writer.write(e);
    this.events++;
    this.counts[e.type]++;
    if (e.type === 'gap') this.gaps[e.reason] = (this.gaps[e.reason] ?? 0) + 1;
  };
}
