// The fill journal: append-only JSONL, one fill per line, under $TIERHUNTER_HOME/journal/fills.jsonl.
// A restart rebuilds every cumulative statistic from it, so it must never lose an acknowledged fill and
// never double count one:
//  - append() is a synchronous write on an O_APPEND descriptor: once it returns, the line is in the
//    kernel's page cache and survives `kill -9` of this process (fsync only matters for power loss, so it
//    is done by sync()/close() and optionally on a timer, not per fill).
//  - load() skips a torn last line (crash mid-write) and malformed lines (counted), and dedupes fills.
//  - A torn tail is terminated with a newline before the next append, so a new line is never glued onto
//    the fragment and lost with it.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JournalFill, JournalSink } from '../core/ports.js';
import { ensurePrivateDir } from './home.js';

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

export class FileJournal implements JournalSink {
  readonly path: string;
  private fd: number | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  /** Figures of the last load(), for the start-up log line. */
  lastLoad: JournalLoadStats = { lines: 0, loaded: 0, duplicates: 0, malformed: 0, tornTail: false };

  constructor(path: string, opts: { fsyncIntervalMs?: number } = {}) {
    this.path = path;
    if (opts.fsyncIntervalMs && opts.fsyncIntervalMs > 0) {
      this.syncTimer = setInterval(() => this.trySync(), opts.fsyncIntervalMs);
      this.syncTimer.unref();
    }
  }

  static inHome(home: string, opts: { fsyncIntervalMs?: number } = {}): FileJournal {
    return new FileJournal(defaultJournalPath(home), opts);
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

  load(): JournalFill[] {
    const stats: JournalLoadStats = { lines: 0, loaded: 0, duplicates: 0, malformed: 0, tornTail: false };
    this.lastLoad = stats;
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, 'utf8');
    const parts = text.split('\n');
    // The piece after the final '\n' is '' for a clean file; anything else was cut off mid-write.
    const tail = parts.pop() ?? '';
    if (tail.length > 0) stats.tornTail = true;
    const seen = new Set<string>();
    const out: JournalFill[] = [];
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
    stats.loaded = out.length;
    return out;
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
    ensurePrivateDir(dirname(this.path));
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
  return typeof o['tradeId'] === 'string' && typeof o['symbol'] === 'string' && (o['kind'] === 'fill' || o['kind'] === 'funding');
}
