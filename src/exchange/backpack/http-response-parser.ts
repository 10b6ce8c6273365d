// A pure HTTP/1.1 response parser for the order lane (http-lane.ts), apart from its sockets and pool:
// bytes in, one reply out. Framing by content-length, chunked encoding (extensions and trailers skipped)
// or connection close; 1xx responses skipped; header names lower-cased, repeated headers joined with ", ",
// obs-fold continuations unfolded. Malformed framing throws LaneError rather than guessing a body. No I/O,
// no timers: the connection decides what a reply means for keep-alive and idle limits.
import { LaneError } from './lane-error.js';

const MAX_HEAD = 64 * 1024;

/** The final (non-1xx) head of a reply. */
export interface ResponseHead {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The connection may carry another request after this reply (HTTP/1.1 without close, a framed body). */
  keepAlive: boolean;
  /** The server's Keep-Alive `timeout=` hint in seconds, null without one. */
  keepAliveTimeoutSec: number | null;
}

export interface ParsedReply {
  head: ResponseHead;
  text: string;
}

type BodyMode = { kind: 'length'; remaining: number } | { kind: 'chunked'; step: 'size' | 'data' | 'crlf' | 'trailers'; remaining: number } | { kind: 'close' };

export class ResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private head: ResponseHead | null = null;
  private mode: BodyMode | null = null;
  private chunks: Buffer[] = [];
  private noBody = false;

  /** `onHead` sees each final head as soon as it is read, before the body. */
  constructor(private readonly onHead: (head: ResponseHead) => void = () => undefined) {}

  /** Bytes received and not yet part of a reply. */
  get pending(): number {
    return this.buf.length;
  }

  /** The next reply answers a request of this method (a HEAD reply has no body whatever it says). */
  begin(method: string): void {
    this.noBody = method === 'HEAD';
  }

  push(b: Buffer): void {
    this.buf = this.buf.length === 0 ? b : Buffer.concat([this.buf, b]);
  }

  /** Parse what is buffered: the complete reply, or null while more bytes are needed. Throws LaneError. */
  next(): ParsedReply | null {
    for (;;) {
      if (this.head === null) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.buf.length > MAX_HEAD) throw new LaneError('UND_ERR_HEADERS_OVERFLOW', 'response head too large');
          return null;
        }
        const head = this.buf.subarray(0, end).toString('latin1');
        this.buf = this.buf.subarray(end + 4);
        if (!this.readHead(head)) continue; // 1xx: wait for the final response
      }
      if (!this.readBody()) return null;
      return this.take();
    }
  }

  /** The peer closed the connection: a close-delimited body is complete now; null for any other state. */
  end(): ParsedReply | null {
    return this.head !== null && this.mode?.kind === 'close' ? this.take() : null;
  }

  private take(): ParsedReply {
    const reply: ParsedReply = { head: this.head!, text: Buffer.concat(this.chunks).toString('utf8') };
    this.head = null;
    this.mode = null;
    this.chunks = [];
    return reply;
  }

  /** False for an informational (1xx) response, which is skipped. */
  private readHead(head: string): boolean {
    const lines = head.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!m) throw new LaneError('UND_ERR_SOCKET', 'malformed status line');
    const status = Number(m[2]);
    if (status >= 100 && status < 200) return false;
    const h: Record<string, string> = {};
    let last = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (last && (line[0] === ' ' || line[0] === '\t')) {
        // obs-fold (RFC 9112 5.2): a continuation of the previous header's value, joined with a space.
        const v = line.trim();
        if (v) h[last] = h[last] ? `${h[last]} ${v}` : v;
        continue;
      }
      const c = line.indexOf(':');
      if (c <= 0) continue;
      const k = line.slice(0, c).trim().toLowerCase();
      const v = line.slice(c + 1).trim();
      h[k] = h[k] === undefined ? v : `${h[k]}, ${v}`;
      last = k;
    }
    const conn = (h['connection'] ?? '').toLowerCase();
    let keepAlive = m[1] === '1' ? !conn.includes('close') : conn.includes('keep-alive');
    const hint = /timeout=(\d+)/i.exec(h['keep-alive'] ?? '');
    this.chunks = [];
    if (this.noBody || status === 204 || status === 304) this.mode = { kind: 'length', remaining: 0 };
    else if (/chunked/i.test(h['transfer-encoding'] ?? '')) this.mode = { kind: 'chunked', step: 'size', remaining: 0 };
    else if (h['content-length'] !== undefined) {
      // Digits only: Number() would take '', '0x10' or '1e3'; two differing values ('2, 3') are refused too.
      const cl = h['content-length'];
      const n = /^\d+$/.test(cl) ? Number(cl) : NaN;
      if (!Number.isSafeInteger(n)) throw new LaneError('UND_ERR_SOCKET', 'bad content-length');
      this.mode = { kind: 'length', remaining: n };
    } else {
      this.mode = { kind: 'close' };
      keepAlive = false;
    }
    this.head = { status, headers: h, keepAlive, keepAliveTimeoutSec: hint ? Number(hint[1]) : null };
    this.onHead(this.head);
    return true;
  }

  /** Consume body bytes from the buffer; true when the body is complete. */
  private readBody(): boolean {
    const mode = this.mode!;
    if (mode.kind === 'close') {
      if (this.buf.length) this.chunks.push(this.buf);
      this.buf = Buffer.alloc(0);
      return false; // completes on 'end'
    }
    if (mode.kind === 'length') {
      const n = Math.min(mode.remaining, this.buf.length);
      if (n > 0) this.chunks.push(this.buf.subarray(0, n));
      this.buf = this.buf.subarray(n);
      mode.remaining -= n;
      return mode.remaining === 0;
    }
    for (;;) {
      if (mode.step === 'data') {
        const n = Math.min(mode.remaining, this.buf.length);
        if (n > 0) this.chunks.push(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        mode.remaining -= n;
        if (mode.remaining > 0) return false;
        mode.step = 'crlf';
      }
      if (mode.step === 'crlf') {
        if (this.buf.length < 2) return false;
        if (this.buf[0] !== 13 || this.buf[1] !== 10) throw new LaneError('UND_ERR_SOCKET', 'bad chunk terminator');
        this.buf = this.buf.subarray(2);
        mode.step = 'size';
      }
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) {
        if (this.buf.length > 4096) throw new LaneError('UND_ERR_SOCKET', 'chunk line too long');
        return false;
      }
      const line = this.buf.subarray(0, eol).toString('latin1');
      this.buf = this.buf.subarray(eol + 2);
      if (mode.step === 'trailers') {
        if (line === '') return true; // trailer lines end with an empty line
        continue;
      }
      const hex = line.split(';')[0]!.trim();
      const size = /^[0-9a-fA-F]{1,12}$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (!Number.isSafeInteger(size)) throw new LaneError('UND_ERR_SOCKET', 'bad chunk size');
      if (size === 0) mode.step = 'trailers';
      else {
        mode.step = 'data';
        mode.remaining = size;
      }
    }
  }
}
