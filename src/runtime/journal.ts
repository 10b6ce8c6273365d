// The fill journal: append-only JSONL, one record per line, in segments under $TIERHUNTER_HOME/journal/
// (fills.jsonl, then fills.000001.jsonl, ...) with a checkpoint (checkpoint.json, see journal-checkpoint.ts)
// of the engine's state after the segments it covers. A restart rebuilds every cumulative statistic from
// the checkpoint and the records after it, so it must never lose an acknowledged fill and never double
// count one:
//  - append() is a synchronous write on an O_APPEND descriptor: once it returns, the line is in the
//    kernel's page cache and survives `kill -9` of this process (fsync only matters for power loss, so it
//    is done by sync()/close() and optionally on a timer, not per fill).
//  - load() skips a torn last line (crash mid-write) and malformed lines (counted), and dedupes fills.
//  - A torn tail is terminated with a newline before the next append, so a new line is never glued onto
//    the fragment and lost with it.
//  - compact() switches appends to a new segment synchronously (the engine hands it the state as of that
//    instant), then writes the checkpoint and deletes the covered segments in the background.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { JournalFill, JournalSink } from '../core/ports.js';
import { ensurePrivateDir } from './home.js';
import { listSegments, readCheckpoint, segmentName, writeCheckpoint, type Checkpoint, type CrashPoint } from './journal-checkpoint.js';

export interface JournalLoadStats {
  lines: number;
  loaded: number;
  duplicates: number;
  malformed: number;
  tornTail: boolean;
}

export function defaultJournalPath(home: string): string {
  return join(home, 'journal', 'fills.jsonl');
}

/** Dedupe key: a trade id is only unique within its market on some exchanges, so qualify it by symbol. */
export function fillKey(f: { tradeId: string; symbol: string }): string {
  return `${f.symbol}:${f.tradeId}`;
}

export interface FileJournalOptions {
  fsyncIntervalMs?: number;
  /** Tests: called after each step of a compaction (throw, or kill the process, to crash it there). */
  crashPoint?: CrashPoint;
}

export class FileJournal implements JournalSink {
  readonly dir: string;
  private readonly stem: string;
  private readonly crash: CrashPoint;
  /** The segment appends go to. */
  private active = 0;
  private checkpoint: Checkpoint | null = null;
  private scanned = false;
  private compacting = false;
  private fd: number | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  /** Figures of the last load(), for the start-up log line. */
  lastLoad: JournalLoadStats = { lines: 0, loaded: 0, duplicates: 0, malformed: 0, tornTail: false };

  /** `path`: segment 0 (`<dir>/fills.jsonl`); later segments and the checkpoint live next to it. */
  constructor(path: string, opts: FileJournalOptions = {}) {
    this.dir = dirname(path);
    this.stem = basename(path).replace(/\.jsonl$/, '');
    this.crash = opts.crashPoint ?? (() => undefined);
    if (opts.fsyncIntervalMs && opts.fsyncIntervalMs > 0) {
      this.syncTimer = setInterval(() => this.trySync(), opts.fsyncIntervalMs);
      this.syncTimer.unref();
    }
  }

  static inHome(home: string, opts: FileJournalOptions = {}): FileJournal {
    return new FileJournal(defaultJournalPath(home), opts);
  }

  /** The segment appends go to now. */
  get path(): string {
    this.scan();
    return join(this.dir, segmentName(this.stem, this.active));
  }

  /** Read the checkpoint and find the active segment (once; compact() keeps both current). */
  private scan(): void {
    if (this.scanned) return;
    this.checkpoint = readCheckpoint(this.dir);
    const segs = listSegments(this.dir, this.stem);
    const newest = segs.length > 0 ? segs[segs.length - 1]! : 0;
    // After a crash between the checkpoint's rename and the first append, every segment left is covered.
    this.active = this.checkpoint === null ? newest : Math.max(newest, this.checkpoint.covers + 1);
    this.scanned = true;
  }

  loadCheckpoint(): unknown {
    this.scan();
    if (this.checkpoint !== null && this.checkpoint.state === undefined) this.checkpoint = readCheckpoint(this.dir);
    return this.checkpoint?.state ?? null;
  }

  append(fill: JournalFill): void {
    const line = JSON.stringify(fill);
    if (line.includes('\n')) throw new Error('journal: a fill serialised to more than one line');
    const buf = Buffer.from(line + '\n', 'utf8');
    try {
      const fd = this.open();
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      this.dirty = true;
    } catch (err) {
      this.closeFd();
      throw new Error(`journal: cannot append to ${this.path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }

  /** The records after the checkpoint (every record without one), oldest first, deduped. */
  load(): JournalFill[] {
    this.scan();
    const stats: JournalLoadStats = { lines: 0, loaded: 0, duplicates: 0, malformed: 0, tornTail: false };
    this.lastLoad = stats;
    const seen = new Set<string>();
    const out: JournalFill[] = [];
    const after = this.checkpoint === null ? -1 : this.checkpoint.covers;
    for (const n of listSegments(this.dir, this.stem)) if (n > after) this.loadSegment(join(this.dir, segmentName(this.stem, n)), stats, seen, out);
    stats.loaded = out.length;
    return out;
  }

  private loadSegment(path: string, stats: JournalLoadStats, seen: Set<string>, out: JournalFill[]): void {
    if (!existsSync(path)) return;
    const text = readFileSync(path, 'utf8');
    const parts = text.split('\n');
    // The piece after the final '\n' is '' for a clean file; anything else was cut off mid-write.
    const tail = parts.pop() ?? '';
    if (tail.length > 0) stats.tornTail = true;
    for (const raw of parts) {
      if (raw.trim() === '') continue;
      stats.lines++;
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch {
        stats.malformed++;
        continue;
      }
      if (!isJournalFill(v)) {
        stats.malformed++;
        continue;
      }
      const rec = v;
      const key = fillKey(rec);
      if (seen.has(key)) {
        stats.duplicates++;
        continue;
      }
      seen.add(key);
      out.push(rec);
    }
  }

  /**
   * Checkpoint `state` (the engine's state after every record appended so far): appends go to a new
   * segment from this call on; the checkpoint is written and the covered segments deleted in the
   * background (see journal-checkpoint.ts). One compaction at a time.
   */
  compact(state: unknown): Promise<void> {
    this.scan();
    if (this.compacting) return Promise.reject(new Error('journal: a compaction is already running'));
    const covers = this.active;
    this.trySync();
    this.closeFd();
    this.active = covers + 1;
    this.compacting = true;
    const done = (async () => {
      this.crash('rotated');
      await writeCheckpoint(this.dir, this.stem, covers, state, this.crash);
      // The state is not kept in memory: loadCheckpoint() reads it back from the file if asked.
      this.checkpoint = { covers, state: undefined };
    })();
    return done.finally(() => {
      this.compacting = false;
    });
  }

  /** Flush to stable storage (power-loss safety); append() alone already survives a process kill. */
  sync(): void {
    if (this.fd !== null && this.dirty) {
      fsyncSync(this.fd);
      this.dirty = false;
    }
  }

  close(): void {
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncTimer = null;
    this.trySync();
    this.closeFd();
  }

  private trySync(): void {
    try {
      this.sync();
    } catch {
      // A failing fsync shows up as a failing append soon after; the timer must not crash the process.
    }
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    ensurePrivateDir(this.dir);
    const fd = openSync(this.path, 'a+', 0o600);
    try {
      const size = fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        // Terminate a torn tail so the next fill starts on its own line (load() counts the fragment malformed).
        if (last[0] !== 0x0a) writeSync(fd, '\n');
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
    return fd;
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already gone
    }
    this.fd = null;
  }
}

/** The fields every record needs to be counted and deduped; the rest is the core's business. */
function isJournalFill(v: unknown): v is JournalFill {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o['tradeId'] === 'string' && typeof o['symbol'] === 'string' && (o['kind'] === 'fill' || o['kind'] === 'funding' || o['kind'] === 'volume' || o['kind'] === 'backfill');
}
