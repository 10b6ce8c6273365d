// The paper exchange's state on disk, so a restarted paper exchange keeps its accounts: a JSON state file
// (balances, positions, order history, funding; written whole, temp file + rename, mode 0600) and, next to
// it, the append-only fill log (fill-log.ts) that holds the fills, written incrementally. A save takes
// both from one synchronous snapshot and writes the log first, so the state file never names fills the
// log does not hold.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { SimExchange, SimStateFile } from '../exchange.js';
import { FillLog, fillLogPath } from './fill-log.js';

export class SimStateStore {
  readonly fillLog: FillLog;

  constructor(
    readonly path: string,
    private readonly ex: SimExchange,
  ) {
    this.fillLog = new FillLog(fillLogPath(path));
  }

  /** Restore the accounts; false when there is no state file yet. */
  async load(): Promise<boolean> {
    let raw: string;
    try {
      raw = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    let parsed: SimStateFile;
    try {
      parsed = JSON.parse(raw) as SimStateFile;
    } catch {
      throw new Error(`sim state file ${this.path} is not valid JSON; move it away to start fresh`);
    }
    this.ex.importState(parsed);
    const ends = new Map<string, number>();
    const inline = new Set<string>();
    for (const a of parsed.accounts) {
      if (a.fills !== undefined) inline.add(a.key);
      ends.set(a.key, a.fillEnd ?? a.fills?.length ?? 0);
    }
    await this.fillLog.load(this.ex, ends, inline);
    for (const a of this.ex.accounts.values()) a.fills.keepNewest(this.ex.fillLimit);
    return true;
  }

  async save(): Promise<void> {
    const state = this.ex.exportState();
    const ends = new Map(state.accounts.map((a) => [a.key, a.fillEnd ?? 0]));
    await this.fillLog.save(this.ex, ends);
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
    await rename(tmp, this.path);
  }
}
