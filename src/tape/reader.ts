// Reading a tape file: a streaming gunzip feeding the pure TapeDecoder, one chunk at a time, so memory is
// flat whatever the tape's length. Three ways in, fastest first:
//   forEachEvent(path, fn)            a synchronous callback per event (what stats and bulk readers use)
//   const t = await openTape(path)    a cursor: t.next() until null, then `await t.fill()` for more input;
//                                     peek-able, so a replay can merge several tapes by local time
//   for await (const e of readTape(path))   the plainest, one promise per event
// A file cut short (a crash while recording) yields every whole record before the cut; `truncated` says so.
// A complete file ends with a footer (`footer`, `complete`).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { TapeDecoder, TapeFormatError } from './decode.js';
import type { TapeEvent, TapeFooter, TapeHeader } from './types.js';

const CHUNK = 1 << 18;

export class TapeReader {
  /** Input ended inside a record or inside the gzip stream. */
  truncated = false;
  private done = false;
  private readonly decoder = new TapeDecoder();
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly destroy: () => void;
  private peeked: TapeEvent | null = null;

  private constructor(
    readonly path: string,
    stream: NodeJS.ReadableStream & { destroy(): void },
  ) {
    this.chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    this.destroy = () => stream.destroy();
  }

  /** Open a tape and read up to its header. Throws TapeFormatError when the file is not a tape. */
  static async open(path: string): Promise<TapeReader> {
    const gz = await isGzipFile(path);
    const file = createReadStream(path, { highWaterMark: CHUNK });
    const stream = gz ? file.pipe(createGunzip({ chunkSize: CHUNK })) : file;
    if (gz) file.on('error', (e) => stream.destroy(e));
    const r = new TapeReader(path, stream);
    while (r.decoder.header === null) {
      // The header is the first record; an event before it is a format error raised by the decoder.
      const e = r.decoder.next();
      if (e !== null) r.peeked = e;
      if (r.decoder.header !== null) break;
      if (!(await r.fill())) {
        r.close();
        throw new TapeFormatError(`${path}: not a tierhunter tape (no header${r.truncated ? ', file cut short' : ''})`);
      }
    }
    return r;
  }

  get header(): TapeHeader {
    return this.decoder.header!;
  }
  /** The closing record, once read (null for a file still being written or cut short). */
  get footer(): TapeFooter | null {
    return this.decoder.footer;
  }
  /** The whole file was read and it was closed by its writer. */
  get complete(): boolean {
    return this.done && !this.truncated && this.decoder.footer !== null;
  }
  /** Records of unknown kinds skipped (written by a newer version). */
  get skipped(): number {
    return this.decoder.skipped;
  }

  /** The next event already in memory, or null: then `await fill()` (false = end of the tape). */
  next(): TapeEvent | null {
    const p = this.peeked;
    if (p !== null) {
      this.peeked = null;
      return p;
    }
    return this.decoder.next();
  }

  /** The next event without consuming it (null: fill first, or the tape ended). */
  peek(): TapeEvent | null {
    if (this.peeked === null) this.peeked = this.decoder.next();
    return this.peeked;
  }

  /** Decompress the next chunk. False when the input is exhausted. */
  async fill(): Promise<boolean> {
    if (this.done) return false;
    try {
      const r = await this.chunks.next();
      if (!r.done) {
        this.decoder.push(r.value);
        return true;
      }
    } catch (e) {
      // zlib says "unexpected end of file" for a gzip stream cut short; anything else is damage.
      const code = (e as { code?: string }).code;
      if (code !== 'Z_BUF_ERROR') {
        this.done = true;
        throw new TapeFormatError(`${this.path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.truncated = true;
    }
    this.done = true;
    if (this.decoder.buffered > 0) this.truncated = true;
    return false;
  }

  close(): void {
    this.done = true;
    this.destroy();
  }
}

/** True when the file starts with gzip's magic bytes (tapes and inputs may be plain or compressed). */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

export const openTape = (path: string): Promise<TapeReader> => TapeReader.open(path);

/** Call fn for every event, in order. Returns the reader (header, footer, complete, truncated). */
export async function forEachEvent(path: string, fn: (e: TapeEvent) => void): Promise<TapeReader> {
  const r = await TapeReader.open(path);
  try {
    do {
      let e: TapeEvent | null;
      while ((e = r.next()) !== null) fn(e);
    } while (await r.fill());
    return r;
  } finally {
    r.close();
  }
}

/** Every event of a tape as an async iterator. */
export async function* readTape(path: string): AsyncGenerator<TapeEvent, TapeReader> {
  const r = await TapeReader.open(path);
  try {
    do {
      let e: TapeEvent | null;
      while ((e = r.next()) !== null) yield e;
    } while (await r.fill());
    return r;
  } finally {
    r.close();
  }
}
