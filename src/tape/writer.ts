// Writing a tape file: TapeEncoder -> gzip -> the file. write() is synchronous (encoded bytes go to gzip
// in 64 KiB batches); a fast producer (an importer) awaits ready() when `backedUp`. flush() pushes what is
// buffered through gzip to the file (Z_SYNC_FLUSH), so a crash loses at most what came after it;
// close() writes the footer, finishes the gzip stream, fsyncs and closes the file before it resolves.
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import { constants, createGzip, type Gzip } from 'node:zlib';
import { TapeEncoder } from './encode.js';
import type { TapeEvent, TapeEventType, TapeFooter, TapeHeader } from './types.js';

const BATCH = 1 << 16;

export interface TapeWriterOptions {
  /** gzip level (default 6: within 3 % of level 9's size on real tapes, at a third of its CPU). */
  level?: number;
  /** Write to `${path}.part` and rename to `path` once closed completely (recordings: a file without .part is whole). */
  partial?: boolean;
}

export class TapeWriter {
  private readonly enc = new TapeEncoder();
  private readonly counts: Record<TapeEventType, number> = { snapshot: 0, diff: 0, trade: 0, bbo: 0, mark: 0, gap: 0 };
  private events = 0;
  private firstLocalUs: number | null = null;
  private lastLocalUs: number | null = null;
  private closed = false;
  private failure: Error | null = null;

  private constructor(
    readonly path: string,
    private readonly writingPath: string,
    private readonly gz: Gzip,
    private readonly done: Promise<void>,
  ) {}

  static async open(path: string, header: TapeHeader, opts: TapeWriterOptions = {}): Promise<TapeWriter> {
    const writingPath = opts.partial ? `${path}.part` : path;
    // flush: the file is fsynced before its descriptor closes, so 'close' means "on disk".
    const out = createWriteStream(writingPath, { mode: 0o644, highWaterMark: 1 << 18, flush: true });
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    const gz = createGzip({ level: opts.level ?? 6 });
    gz.pipe(out);
    const done = new Promise<void>((resolve, reject) => {
      out.once('close', resolve);
      out.once('error', reject);
      gz.once('error', reject);
    });
    const w = new TapeWriter(path, writingPath, gz, done);
    done.catch((e: unknown) => (w.failure = e instanceof Error ? e : new Error(String(e))));
    w.enc.header(header);
    return w;
  }

  /** Events written so far. */
  get written(): number {
    return this.events;
  }

  /** gzip's buffer is full: a fast producer should `await ready()` before writing more. */
  get backedUp(): boolean {
    return this.gz.writableNeedDrain;
  }

  write(e: TapeEvent): void {
    if (this.closed) throw new Error(`${this.path}: write after close`);
    if (this.failure) throw this.failure;
    this.enc.event(e);
    this.counts[e.type]++;
    this.events++;
    if (this.firstLocalUs === null) this.firstLocalUs = e.localUs;
    this.lastLocalUs = e.localUs;
    if (this.enc.pending >= BATCH) this.gz.write(this.enc.take());
  }

  async ready(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.gz.writableNeedDrain) await once(this.gz, 'drain');
  }

  /** Make everything written so far readable from the file (without closing it). */
  async flush(): Promise<void> {
    if (this.closed) return;
    if (this.enc.pending > 0) this.gz.write(this.enc.take());
    await new Promise<void>((resolve) => this.gz.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    if (this.failure) throw this.failure;
  }

  /** Footer, end of gzip, fsync, close (and rename a .part file). Returns the footer written. */
  async close(reason: string, closedAt = new Date().toISOString()): Promise<TapeFooter> {
    if (this.closed) throw new Error(`${this.path}: closed twice`);
    this.closed = true;
    const footer: TapeFooter = { events: this.events, counts: { ...this.counts }, firstLocalUs: this.firstLocalUs, lastLocalUs: this.lastLocalUs, reason, closedAt };
    this.enc.footer(footer);
    this.gz.end(this.enc.take());
    await this.done;
    if (this.writingPath !== this.path) await rename(this.writingPath, this.path);
    return footer;
  }

  /** Close without a footer (the file reads as cut short): for a writer that must stop at once. */
  async abandon(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.gz.end(this.enc.take());
    await this.done.catch(() => undefined);
  }
}
