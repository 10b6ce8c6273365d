// NDJSON framing of the control socket, shared by the core's server (server.ts), `tierhunter ctl`'s
// client (client.ts) and the TUI's client (ui/client.ts): one reader, so the three agree on what a line
// is. Pure (no I/O): feed it the socket's chunks. Lines are cut on "\n" with a trailing "\r" dropped and
// blank lines skipped; they are decoded as UTF-8 only once whole, so a character split across chunks
// survives. A line longer than the limit is never buffered whole: the reader reports it as soon as it
// passes the limit, discards the rest of it up to its newline and carries on with the next line (the
// caller decides whether that also ends the connection).

export interface LineReaderOptions {
  /** Longest line accepted, in bytes (without the newline). */
  maxLineBytes: number;
  /** One complete, non-blank line. */
  onLine: (line: string) => void;
  /** A line passed maxLineBytes; its bytes are dropped up to the next newline. */
  onOversized: () => void;
}

export class NdjsonLineReader {
  /** Complete lines handed to onLine. */
  lines = 0;
  /** Lines dropped for passing the limit. */
  oversized = 0;
  private readonly opts: LineReaderOptions;
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Inside an oversized line: drop bytes until the next newline. */
  private discarding = false;
  private stopped = false;

  constructor(opts: LineReaderOptions) {
    this.opts = opts;
  }

  /** Bytes of an incomplete line held (never more than maxLineBytes). */
  get buffered(): number {
    return this.bytes;
  }

  /** Ignore everything from now on (the connection is being dropped); also valid inside a callback. */
  stop(): void {
    this.stopped = true;
    this.chunks = [];
    this.bytes = 0;
  }

  push(data: Buffer | string): void {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let start = 0;
    while (start < chunk.length && !this.stopped) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!this.discarding) {
        if (this.bytes + piece.length > this.opts.maxLineBytes) {
          // Stop buffering now; the rest of this line is thrown away as it arrives.
          this.chunks = [];
          this.bytes = 0;
          this.discarding = true;
          this.oversized++;
          this.opts.onOversized();
          if (this.stopped) return;
        } else if (piece.length > 0) {
          this.chunks.push(piece);
          this.bytes += piece.length;
        }
      }
      if (nl === -1) break;
      if (this.discarding) {
        this.discarding = false;
      } else {
        const raw = Buffer.concat(this.chunks, this.bytes).toString('utf8');
        this.chunks = [];
        this.bytes = 0;
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line.trim() !== '') {
          this.lines++;
          this.opts.onLine(line);
        }
      }
      start = nl + 1;
    }
  }
}
