// TapeDecoder: bytes of the version-1 layout (src/tape/layout.ts) -> events, pull-based and pure. Feed it
// decompressed chunks with push(); next() returns the next whole event, or null when it needs more bytes.
// A record cut at a chunk boundary waits for the next chunk; memory is one chunk plus one record, whatever
// the tape's length. Header and footer records are absorbed into `header` / `footer`; records of unknown
// kinds (a later version's) are skipped by their length and counted.
import {
  BBO_ASK, BBO_BID, BBO_CARRIED, BBO_DERIVED, BBO_ID, DIFF_FIRST, DIFF_LAST, DIFF_PREV, GAP_EXPECTED, GAP_GOT, GAP_SINCE,
  KIND, MAGIC, MARK_FUNDING, MARK_INDEX, MARK_NEXT, SNAP_CARRIED, SNAP_SEQ, TRADE_ID_INT, TRADE_ID_MASK, TRADE_ID_TEXT,
  TRADE_SIDE_BUY, TRADE_SIDE_SELL,
} from './layout.js';
import { GAP_REASONS, STREAMS, TAPE_FORMAT, TAPE_VERSION, type StreamName, type TapeEvent, type TapeFooter, type TapeHeader } from './types.js';

export class TapeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TapeFormatError';
  }
}

const EMPTY = new Uint8Array(0);
const text = new TextDecoder('utf-8', { fatal: true });

export class TapeDecoder {
  header: TapeHeader | null = null;
  footer: TapeFooter | null = null;
  /** Records of kinds this version does not know, skipped. */
  skipped = 0;
  /** Events returned so far. */
  events = 0;
  private buf: Uint8Array = EMPTY;
  private end = 0;
  /** Start of the first undecoded record. */
  private pos = 0;
  /** Read cursor and limit inside the record being decoded. */
  private p = 0;
  private lim = 0;
  private magicSeen = false;
  /** Stream offset of buf[0] (for error messages). */
  private base = 0;
  private prevLocal = 0;
  private prevTradeId = 0;
  private prevBboId = 0;

  /** Bytes received but not yet decoded (a partial record at the end of the input means a truncated tape). */
  get buffered(): number {
    return this.end - this.pos;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.pos >= this.end) {
      this.base += this.end;
      this.buf = chunk;
      this.end = chunk.length;
      this.pos = 0;
      return;
    }
    // Keep the undecoded tail (usually a few bytes of one record) in front of the new chunk.
    const tail = this.end - this.pos;
    const next = new Uint8Array(tail + chunk.length);
    next.set(this.buf.subarray(this.pos, this.end));
    next.set(chunk, tail);
    this.base += this.pos;
    this.buf = next;
    this.end = next.length;
    this.pos = 0;
  }

  /** The next event, or null when the bytes received so far hold no further whole record. */
  next(): TapeEvent | null {
    for (;;) {
      if (!this.magicSeen) {
        if (this.end - this.pos < MAGIC.length) return null;
        for (let i = 0; i < MAGIC.length; i++) {
          if (this.buf[this.pos + i] !== MAGIC[i]) {
            throw new TapeFormatError(i < 6 ? 'not a tierhunter tape (bad magic bytes)' : `tape layout ${this.buf[this.pos + 7]} is newer than this reader (1)`);
          }
        }
        this.pos += MAGIC.length;
        this.magicSeen = true;
      }
      if (this.pos >= this.end) return null;
      // kind + length varint
      const kind = this.buf[this.pos]!;
      let q = this.pos + 1;
      let len = 0;
      let mul = 1;
      for (;;) {
        if (q >= this.end) return null;
        const c = this.buf[q++]!;
        len += (c & 0x7f) * mul;
        if (c < 0x80) break;
        mul *= 0x80;
        if (mul > 2 ** 35) throw this.corrupt('record length');
      }
      if (q + len > this.end) return null;
      this.p = q;
      this.lim = q + len;
      const recordStart = this.pos;
      this.pos = this.lim;
      const ev = this.record(kind, recordStart);
      if (this.p !== this.lim) throw new TapeFormatError(`corrupt tape: record at byte ${this.base + recordStart} (kind ${kind}) has ${this.lim - this.p} bytes more or less than its length`);
      if (ev !== null) {
        this.events++;
        return ev;
      }
    }
  }

  private record(kind: number, at: number): TapeEvent | null {
    switch (kind) {
      case KIND.header: {
        const h = this.json('header') as TapeHeader;
        if (h.format !== TAPE_FORMAT) throw new TapeFormatError(`not a tierhunter tape header (format ${JSON.stringify(h.format)})`);
        if (typeof h.version !== 'number' || h.version > TAPE_VERSION) throw new TapeFormatError(`tape version ${h.version} is newer than this reader (${TAPE_VERSION})`);
        this.header = h;
        return null;
      }
      case KIND.end:
        this.footer = this.json('footer') as TapeFooter;
        return null;
      case KIND.snapshot:
      case KIND.diff:
      case KIND.trade:
      case KIND.bbo:
      case KIND.mark:
      case KIND.gap:
        if (this.header === null) throw new TapeFormatError(`corrupt tape: an event at byte ${this.base + at} comes before the header`);
        return this.event(kind);
      default:
        this.skipped++;
        this.p = this.lim;
        return null;
    }
  }

  private event(kind: number): TapeEvent {
    const localUs = this.prevLocal + this.sv();
    this.prevLocal = localUs;
    const x = this.uv();
    const exchUs = x === 0 ? null : localUs + (x % 2 === 1 ? (x - 1) / 2 : -x / 2);
    switch (kind) {
      case KIND.trade: {
        const f = this.byte();
        const price = this.uv();
        const qty = this.uv();
        const sideBits = f & 3;
        const side = sideBits === TRADE_SIDE_BUY ? 'buy' : sideBits === TRADE_SIDE_SELL ? 'sell' : null;
        const idMode = f & TRADE_ID_MASK;
        let tradeId: number | string | null = null;
        if (idMode === TRADE_ID_INT) {
          tradeId = this.prevTradeId + this.sv();
          this.prevTradeId = tradeId;
        } else if (idMode === TRADE_ID_TEXT) tradeId = this.str();
        return { type: 'trade', localUs, exchUs, price, qty, side, tradeId };
      }
      case KIND.bbo: {
        const f = this.byte();
        const hasBid = (f & BBO_BID) !== 0;
        const hasAsk = (f & BBO_ASK) !== 0;
        let bidPx = 0;
        let bidQty = 0;
        let askPx = 0;
        let askQty = 0;
        if (hasBid) {
          bidPx = this.uv();
          bidQty = this.uv();
        }
        if (hasAsk) {
          askPx = hasBid ? bidPx + this.sv() : this.uv();
          askQty = this.uv();
        }
        let updateId: number | null = null;
        if ((f & BBO_ID) !== 0) {
          updateId = this.prevBboId + this.sv();
          this.prevBboId = updateId;
        }
        return { type: 'bbo', localUs, exchUs, hasBid, hasAsk, bidPx, bidQty, askPx, askQty, updateId, derived: (f & BBO_DERIVED) !== 0, carried: (f & BBO_CARRIED) !== 0 };
      }
      case KIND.diff: {
        const f = this.byte();
        const first = (f & DIFF_FIRST) !== 0 ? this.uv() : null;
        let last: number | null = null;
        if ((f & DIFF_LAST) !== 0) last = first !== null ? first + this.uv() : this.uv();
        let prev: number | null = null;
        if ((f & DIFF_PREV) !== 0) prev = first !== null ? first - this.sv() : this.uv();
        const nb = this.uv();
        const na = this.uv();
        const bids: number[] = [];
        const asks: number[] = [];
        let ref = 0;
        for (let i = 0; i < nb; i++) {
          ref += this.sv();
          bids.push(ref, this.uv());
        }
        for (let i = 0; i < na; i++) {
          ref += this.sv();
          asks.push(ref, this.uv());
        }
        return { type: 'diff', localUs, exchUs, first, last, prev, bids, asks };
      }
      case KIND.snapshot: {
        const f = this.byte();
        const seq = (f & SNAP_SEQ) !== 0 ? this.uv() : null;
        const nb = this.uv();
        const na = this.uv();
        const bids: number[] = [];
        const asks: number[] = [];
        let p = 0;
        for (let i = 0; i < nb; i++) {
          p = i === 0 ? this.uv() : p - this.uv();
          bids.push(p, this.uv());
        }
        for (let i = 0; i < na; i++) {
          if (i === 0) p = nb > 0 ? bids[0]! + this.sv() : this.uv();
          else p += this.uv();
          asks.push(p, this.uv());
        }
        return { type: 'snapshot', localUs, exchUs, seq, carried: (f & SNAP_CARRIED) !== 0, bids, asks };
      }
      case KIND.mark: {
        const f = this.byte();
        const markPrice = this.str();
        const indexPrice = (f & MARK_INDEX) !== 0 ? this.str() : null;
        const fundingRate = (f & MARK_FUNDING) !== 0 ? this.str() : null;
        const nextFundingMs = (f & MARK_NEXT) !== 0 ? this.uv() : null;
        return { type: 'mark', localUs, exchUs, markPrice, indexPrice, fundingRate, nextFundingMs };
      }
      default: {
        // KIND.gap
        const r = this.byte();
        const reason = GAP_REASONS[r];
        if (reason === undefined) throw this.corrupt(`gap reason ${r}`);
        const lostBits = this.byte();
        const lost: StreamName[] = [];
        for (let i = 0; i < STREAMS.length; i++) if ((lostBits & (1 << i)) !== 0) lost.push(STREAMS[i]!);
        const f = this.byte();
        const sinceUs = (f & GAP_SINCE) !== 0 ? localUs - this.sv() : null;
        const expected = (f & GAP_EXPECTED) !== 0 ? this.uv() : null;
        const got = (f & GAP_GOT) !== 0 ? this.uv() : null;
        const detail = this.str();
        return { type: 'gap', localUs, exchUs, reason, lost, sinceUs, expected, got, detail };
      }
    }
  }

  private byte(): number {
    if (this.p >= this.lim) throw this.corrupt('a field');
    return this.buf[this.p++]!;
  }

  private uv(): number {
    const b = this.buf;
    let p = this.p;
    if (p >= this.lim) throw this.corrupt('a varint');
    let c = b[p++]!;
    if (c < 0x80) {
      this.p = p;
      return c;
    }
    let r = c & 0x7f;
    let m = 0x80;
    for (;;) {
      if (p >= this.lim) throw this.corrupt('a varint');
      c = b[p++]!;
      r += (c & 0x7f) * m;
      if (c < 0x80) break;
      m *= 0x80;
      if (m > 2 ** 49) throw this.corrupt('a varint');
    }
    this.p = p;
    return r;
  }

  private sv(): number {
    const u = this.uv();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  private str(): string {
    const n = this.uv();
    if (this.p + n > this.lim) throw this.corrupt('a string');
    const s = text.decode(this.buf.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }

  private json(what: string): unknown {
    const s = text.decode(this.buf.subarray(this.p, this.lim));
    this.p = this.lim;
    try {
      return JSON.parse(s) as unknown;
    } catch {
      throw new TapeFormatError(`corrupt tape: the ${what} record is not JSON`);
    }
  }

  private corrupt(what: string): TapeFormatError {
    return new TapeFormatError(`corrupt tape: ${what} runs past its record at byte ${this.base + this.p}`);
  }
}
