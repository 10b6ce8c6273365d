// Small helpers shared by the benchmarks: percentiles, medians, the machine description, in-memory sinks
// for the core's I/O ports (benches must not import from test/), and running a bench in a child process
// (fresh heap, --expose-gc, its own event loop) that prints its result as JSON on the last stdout line.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JournalFill, JournalSink, Logger } from '../src/core/ports.js';

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(xs: number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  load: string;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return { cpu, cores: cpus().length, node: process.version, load: loadavg().map((x) => x.toFixed(2)).join(' ') };
}

// The run state and log.txt stand-ins are the backtest's (src/backtest/sinks.ts). The journal and logger
// are not: the backtest's journal keeps every record for its report, which a memory benchmark must not
// bill to the core, and its logger tells the engine that info lines are discarded, which would skip the
// line formatting that the live core (logging to stdout) does.

/** Journal that only counts (the engine replays nothing at start). */
export class BenchJournal implements JournalSink {
  records = 0;
  append(_f: JournalFill): void {
    this.records++;
  }
  load(): JournalFill[] {
    return [];
  }
}

export class BenchLogger implements Logger {
  infos = 0;
  warns = 0;
  readonly firstWarnings: string[] = [];
  info(_l: string): void {
    this.infos++;
  }
  warn(l: string): void {
    this.warns++;
    if (this.firstWarnings.length < 5) this.firstWarnings.push(l);
  }
}

/**
 * Run `node --expose-gc --import tsx <file> --child [args]` and parse the JSON its last stdout line holds.
 * Rejects with the child's stderr tail when it fails.
 */
export function runChild<T>(file: string, args: string[] = [], timeoutMs = 240_000, nodeArgs: string[] = []): Promise<T> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, '--import', 'tsx', path, '--child', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(t);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${file} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${file}: no JSON result (${last.slice(0, 120)})`));
      }
    });
  });
}

/** True when this module is the process entry point started by runChild. */
export function isChild(metaUrl: string): boolean {
  return metaUrl === `file://${process.argv[1]}` && process.argv.includes('--child');
}
