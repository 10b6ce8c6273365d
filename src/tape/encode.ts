// TapeEncoder: events -> bytes of the version-1 layout (src/tape/layout.ts). Pure (no I/O): the file
// writer gzips what take() returns. Every value is checked on the way in — a tape that cannot be read back
// exactly must fail when written, not when replayed.
import {
  BBO_ASK, BBO_BID, BBO_CARRIED, BBO_DERIVED, BBO_ID, DIFF_FIRST, DIFF_LAST, DIFF_PREV, GAP_EXPECTED, GAP_GOT, GAP_SINCE,
  KIND, MAGIC, MARK_FUNDING, MARK_INDEX, MARK_NEXT, MAX_SIGNED, SNAP_CARRIED, SNAP_SEQ, TRADE_ID_INT, TRADE_ID_TEXT,
  TRADE_SIDE_BUY, TRADE_SIDE_SELL,
} from './layout.js';
import { GAP_REASONS, STREAMS, type TapeEvent, type TapeFooter, type TapeHeader } from './types.js';

export class TapeEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TapeEncodeError';
  }
}

const utf8 = new TextEncoder();

/** A growable byte buffer with varint writers. */
class Bytes {
  buf = new Uint8Array(1 << 16);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }
  uv(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new TapeEncodeError(`${what} must be a non-negative safe integer, got ${n}`);
    this.room(8);
    const b = this.buf;
    while (n >= 0x80) {
      b[this.len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[this.len++] = n;
  }
  sv(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n > MAX_SIGNED || n < -MAX_SIGNED) throw new TapeEncodeError(`${what} must be an integer within ±2^52, got ${n}`);
    this.uv(n >= 0 ? n * 2 : -n * 2 - 1, what);
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  str(s: string): void {
    const b = utf8.encode(s);
    this.uv(b.length, 'string length');
    this.bytes(b);
  }
}

export class TapeEncoder {
  private readonly out = new Bytes();
  private readonly rec = new Bytes();
  private prevLocal = 0;
  private prevTradeId = 0;
  private prevBboId = 0;
  private started = false;

  /** Bytes waiting to be taken. */
  get pending(): number {
    return this.out.len;
  }

  /** The magic and the header record; must come first. */
  header(h: TapeHeader): void {
    if (this.started) throw new TapeEncodeError('the header must be the first record');
    this.started = true;
    this.out.bytes(MAGIC);
    this.rec.len = 0;
    this.rec.bytes(utf8.encode(JSON.stringify(h)));
    this.flushRecord(KIND.header);
  }

  /** The closing record (the tape is complete). */
  footer(f: TapeFooter): void {
    this.rec.len = 0;
    this.rec.bytes(utf8.encode(JSON.stringify(f)));
    this.flushRecord(KIND.end);
  }

  event(e: TapeEvent): void {
    if (!this.started) throw new TapeEncodeError('write the header before any event');
    const r = this.rec;
    r.len = 0;
    r.sv(e.localUs - this.prevLocal, 'localUs');
    this.prevLocal = e.localUs;
    if (e.exchUs === null) r.byte(0);
    else {
      const d = e.exchUs - e.localUs;
      r.uv((d >= 0 ? d * 2 : -d * 2 - 1) + 1, 'exchUs');
    }
    switch (e.type) {
      case 'snapshot': {
        r.byte((e.seq !== null ? SNAP_SEQ : 0) | (e.carried ? SNAP_CARRIED : 0));
        if (e.seq !== null) r.uv(e.seq, 'snapshot seq');
        const nb = levelCount(e.bids, 'snapshot bids');
        const na = levelCount(e.asks, 'snapshot asks');
        r.uv(nb, 'bid count');
        r.uv(na, 'ask count');
        for (let i = 0; i < e.bids.length; i += 2) {
          const p = e.bids[i]!;
          if (i === 0) r.uv(p, 'bid price');
          else {
            const step = e.bids[i - 2]! - p;
            if (!(step > 0)) throw new TapeEncodeError(`snapshot bids must be strictly descending (best first): ${e.bids[i - 2]} then ${p}`);
            r.uv(step, 'bid price');
          }
          r.uv(e.bids[i + 1]!, 'bid qty');
        }
        for (let i = 0; i < e.asks.length; i += 2) {
          const p = e.asks[i]!;
          if (i === 0) {
            if (nb > 0) r.sv(p - e.bids[0]!, 'ask price');
            else r.uv(p, 'ask price');
          } else {
            const step = p - e.asks[i - 2]!;
            if (!(step > 0)) throw new TapeEncodeError(`snapshot asks must be strictly ascending (best first): ${e.asks[i - 2]} then ${p}`);
            r.uv(step, 'ask price');
          }
          r.uv(e.asks[i + 1]!, 'ask qty');
        }
        this.flushRecord(KIND.snapshot);
        return;
      }
      case 'diff': {
        r.byte((e.first !== null ? DIFF_FIRST : 0) | (e.last !== null ? DIFF_LAST : 0) | (e.prev !== null ? DIFF_PREV : 0));
        if (e.first !== null) r.uv(e.first, 'diff first id');
        if (e.last !== null) {
          if (e.first !== null) {
            if (e.last < e.first) throw new TapeEncodeError(`diff last id ${e.last} is below its first id ${e.first}`);
            r.uv(e.last - e.first, 'diff last id');
          } else r.uv(e.last, 'diff last id');
        }
        if (e.prev !== null) {
          if (e.first !== null) r.sv(e.first - e.prev, 'diff prev id');
          else r.uv(e.prev, 'diff prev id');
        }
        r.uv(levelCount(e.bids, 'diff bids'), 'bid count');
        r.uv(levelCount(e.asks, 'diff asks'), 'ask count');
        let ref = 0;
        for (let i = 0; i < e.bids.length; i += 2) {
          r.sv(e.bids[i]! - ref, 'bid price');
          ref = e.bids[i]!;
          r.uv(e.bids[i + 1]!, 'bid qty');
        }
        for (let i = 0; i < e.asks.length; i += 2) {
          r.sv(e.asks[i]! - ref, 'ask price');
          ref = e.asks[i]!;
          r.uv(e.asks[i + 1]!, 'ask qty');
        }
        this.flushRecord(KIND.diff);
        return;
      }
      case 'trade': {
        const side = e.side === 'buy' ? TRADE_SIDE_BUY : e.side === 'sell' ? TRADE_SIDE_SELL : 0;
        const id = e.tradeId;
        if (typeof id === 'number') {
          r.byte(side | TRADE_ID_INT);
          r.uv(e.price, 'trade price');
          r.uv(e.qty, 'trade qty');
          r.sv(id - this.prevTradeId, 'trade id');
          this.prevTradeId = id;
        } else {
          r.byte(side | (id === null ? 0 : TRADE_ID_TEXT));
          r.uv(e.price, 'trade price');
          r.uv(e.qty, 'trade qty');
          if (id !== null) r.str(id);
        }
        this.flushRecord(KIND.trade);
        return;
      }
      case 'bbo': {
        r.byte((e.hasBid ? BBO_BID : 0) | (e.hasAsk ? BBO_ASK : 0) | (e.derived ? BBO_DERIVED : 0) | (e.carried ? BBO_CARRIED : 0) | (e.updateId !== null ? BBO_ID : 0));
        if (e.hasBid) {
          r.uv(e.bidPx, 'bid price');
          r.uv(e.bidQty, 'bid qty');
        }
        if (e.hasAsk) {
          if (e.hasBid) r.sv(e.askPx - e.bidPx, 'ask price');
          else r.uv(e.askPx, 'ask price');
          r.uv(e.askQty, 'ask qty');
        }
        if (e.updateId !== null) {
          r.sv(e.updateId - this.prevBboId, 'bbo update id');
          this.prevBboId = e.updateId;
        }
        this.flushRecord(KIND.bbo);
        return;
      }
      case 'mark': {
        r.byte((e.indexPrice !== null ? MARK_INDEX : 0) | (e.fundingRate !== null ? MARK_FUNDING : 0) | (e.nextFundingMs !== null ? MARK_NEXT : 0));
        r.str(e.markPrice);
        if (e.indexPrice !== null) r.str(e.indexPrice);
        if (e.fundingRate !== null) r.str(e.fundingRate);
        if (e.nextFundingMs !== null) r.uv(e.nextFundingMs, 'next funding time');
        this.flushRecord(KIND.mark);
        return;
      }
      case 'gap': {
        const reason = GAP_REASONS.indexOf(e.reason);
        if (reason < 0) throw new TapeEncodeError(`unknown gap reason "${String(e.reason)}"`);
        let lost = 0;
        for (const s of e.lost) {
          const i = STREAMS.indexOf(s);
          if (i < 0) throw new TapeEncodeError(`unknown stream "${String(s)}" in a gap`);
          lost |= 1 << i;
        }
        r.byte(reason);
        r.byte(lost);
        r.byte((e.sinceUs !== null ? GAP_SINCE : 0) | (e.expected !== null ? GAP_EXPECTED : 0) | (e.got !== null ? GAP_GOT : 0));
        if (e.sinceUs !== null) r.sv(e.localUs - e.sinceUs, 'gap since');
        if (e.expected !== null) r.uv(e.expected, 'gap expected id');
        if (e.got !== null) r.uv(e.got, 'gap received id');
        r.str(e.detail);
        this.flushRecord(KIND.gap);
        return;
      }
    }
  }

  /** Hand over the encoded bytes (a copy; the encoder keeps its buffer). */
  take(): Uint8Array {
    const b = this.out.buf.slice(0, this.out.len);
    this.out.len = 0;
    return b;
  }

  private flushRecord(kind: number): void {
    this.out.byte(kind);
    this.out.uv(this.rec.len, 'record length');
    this.out.bytes(this.rec.buf.subarray(0, this.rec.len));
  }
}

function levelCount(flat: number[], what: string): number {
  if (flat.length % 2 !== 0) throw new TapeEncodeError(`${what}: levels are flat [price, qty, ...] pairs, got an odd length ${flat.length}`);
  return flat.length / 2;
}
