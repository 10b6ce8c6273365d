// The journal's checkpoint file and segment files on disk. A checkpoint holds the engine's state after
// every record of segments 0..covers; it is written crash-safe (temp file, fsync, rename, directory
// fsync) BEFORE the segments it covers are deleted, so at every instant of a compaction the directory
// holds either the old checkpoint and all its later segments, or the new checkpoint (and possibly
// leftover covered segments, which a start skips): a kill -9 anywhere loses nothing and counts nothing
// twice. Crash points let tests stop a compaction after each step.
import { readdirSync, readFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 1;

/** The steps of a compaction, in order, after each of which a test may "crash" it. */
export type CompactionStep = 'rotated' | 'temp-written' | 'temp-synced' | 'renamed' | 'dir-synced' | 'segment-deleted' | 'done';

/** Called after each step; a test throws (or kills the process) there to crash the compaction. */
export type CrashPoint = (step: CompactionStep) => void;

/** Segment 0 is `<stem>.jsonl` (the only file before checkpoints existed), segment n is `<stem>.<n>.jsonl`. */
export function segmentName(stem: string, n: number): string {
  return n === 0 ? `${stem}.jsonl` : `${stem}.${String(n).padStart(6, '0')}.jsonl`;
}

/**
 * No journal there at all (nothing to read; writing will fail loudly if the path stays unusable), as
 * opposed to one that exists and cannot be read.
 */
function absent(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Segment numbers present in `dir`, ascending. */
export function listSegments(dir: string, stem: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if (absent(e)) return [];
    throw e;
  }
  const re = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.(\\d{6}))?\\.jsonl$`);
  const out: number[] = [];
  for (const n of names) {
    const m = re.exec(n);
    if (m) out.push(m[1] === undefined ? 0 : Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

export interface Checkpoint {
  /** The highest segment whose records the state includes. */
  covers: number;
  state: unknown;
}

/** The checkpoint in `dir`, or null when there is none. Throws when it exists but cannot be used. */
export function readCheckpoint(dir: string): Checkpoint | null {
  const path = join(dir, CHECKPOINT_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (absent(e)) return null;
    throw new Error(`journal: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let v: { format?: unknown; covers?: unknown; state?: unknown };
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    throw new Error(`journal: ${path} is not valid JSON (a damaged disk?); restore it from a backup, or move the journal directory away to start counting from zero`);
  }
  if (v.format !== FORMAT || typeof v.covers !== 'number' || !Number.isInteger(v.covers) || v.covers < 0 || v.state === undefined) {
    throw new Error(`journal: ${path} is not a checkpoint this version can read`);
  }
  return { covers: v.covers, state: v.state };
}

const SLICE_ITEMS = 2000;

/**
 * The JSON.stringify text of `v` (plain data), built with a yield to the event loop every SLICE_ITEMS items
 * of its long arrays: a month of tier-volume buckets is 43,000 Decimals whose serialisation alone would
 * hold the event loop for ~25 ms in one piece.
 */
export async function stringifyInSlices(v: unknown): Promise<string> {
  const parts: string[] = [];
  let items = 0;
  const walk = async (x: unknown): Promise<void> => {
    if (Array.isArray(x) && x.length > SLICE_ITEMS / 8) {
      parts.push('[');
      for (let i = 0; i < x.length; i++) {
        if (i > 0) parts.push(',');
        parts.push(JSON.stringify(x[i]) ?? 'null');
        if (++items % SLICE_ITEMS === 0) await new Promise<void>((r) => setImmediate(r));
      }
      parts.push(']');
    } else if (x !== null && typeof x === 'object' && !Array.isArray(x) && typeof (x as { toJSON?: unknown }).toJSON !== 'function') {
      parts.push('{');
      let first = true;
      for (const [k, val] of Object.entries(x)) {
        if (val === undefined || typeof val === 'function') continue;
        parts.push(first ? '' : ',', JSON.stringify(k), ':');
        first = false;
        await walk(val);
      }
      parts.push('}');
    } else parts.push(JSON.stringify(x) ?? 'null');
  };
  await new Promise<void>((r) => setImmediate(r));
  await walk(v);
  return parts.join('');
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Write the checkpoint of `state` covering segments 0..covers, then delete those segments. Resolves
 * once the checkpoint is durable, whatever the deletion did (a leftover covered segment is skipped by
 * every start and deleted by the next compaction).
 */
export async function writeCheckpoint(dir: string, stem: string, covers: number, state: unknown, crash: CrashPoint): Promise<void> {
  // Serialised here, after the engine's synchronous part returned, in slices: not inside its event handling.
  const text = await stringifyInSlices({ format: FORMAT, covers, writtenAt: Date.now(), state });
  const tmp = join(dir, `${CHECKPOINT_FILE}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    crash('temp-written');
    await fh.sync();
    crash('temp-synced');
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, CHECKPOINT_FILE));
  crash('renamed');
  await fsyncDir(dir);
  crash('dir-synced');
  try {
    for (const n of listSegments(dir, stem)) {
      if (n > covers) continue;
      await unlink(join(dir, segmentName(stem, n)));
      crash('segment-deleted');
    }
    await fsyncDir(dir);
  } catch (e) {
    // A file-system error here is not fatal: the checkpoint is written; the next compaction deletes what
    // is left. Anything else (a test's injected crash) goes on.
    if ((e as NodeJS.ErrnoException).code === undefined) throw e;
  }
  crash('done');
}
