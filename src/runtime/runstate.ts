// Run-time changes that must survive a restart (a crash-restart under pm2 must not silently resume a
// paused symbol): inventory forcing and the operator's pause/flatten modes. A small JSON file under the
// home, written atomically (tmp + fsync + rename) so a crash mid-save leaves the old state, never half.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { emptyRunState, type OperatorMode, type RunState, type RunStateStore } from '../core/ports.js';
import { ensurePrivateDir } from './home.js';

export { emptyRunState };
export type { RunState };
type PersistedMode = OperatorMode;

export function defaultRunStatePath(home: string): string {
  return join(home, 'run-state.json');
}

const MODES: readonly string[] = ['ACTIVE', 'PAUSED', 'REDUCING'];

/** Validate a parsed file; null when it is not a RunState. */
export function parseRunState(v: unknown): RunState | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const fi = o['forceInventory'];
  if (fi !== null && fi !== undefined && typeof fi !== 'boolean') return null;
  const gm = o['globalMode'] ?? 'ACTIVE';
  if (typeof gm !== 'string' || !MODES.includes(gm)) return null;
  const sm = o['symbolModes'] ?? {};
  if (typeof sm !== 'object' || sm === null || Array.isArray(sm)) return null;
  const symbolModes: Record<string, PersistedMode> = {};
  for (const [k, m] of Object.entries(sm as Record<string, unknown>)) {
    if (typeof m !== 'string' || !MODES.includes(m)) return null;
    symbolModes[k] = m as PersistedMode;
  }
  return { forceInventory: fi ?? null, globalMode: gm as PersistedMode, symbolModes };
}

export class FileRunStateStore implements RunStateStore {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  static inHome(home: string): FileRunStateStore {
    return new FileRunStateStore(defaultRunStatePath(home));
  }

  load(): RunState {
    if (!existsSync(this.path)) return emptyRunState();
    let parsed: RunState | null = null;
    try {
      parsed = parseRunState(JSON.parse(readFileSync(this.path, 'utf8')));
    } catch {
      parsed = null;
    }
    // Never guess: defaulting to ACTIVE could resume a symbol the operator paused.
    if (!parsed) throw new ConfigError('run-state', `run-state file ${this.path} is unreadable or corrupt; inspect it, or delete it to start with every symbol ACTIVE`);
    return parsed;
  }

  save(s: RunState): void {
    ensurePrivateDir(dirname(this.path));
    const tmp = `${this.path}.${process.pid}.tmp`;
    const body = JSON.stringify({ forceInventory: s.forceInventory, globalMode: s.globalMode, symbolModes: s.symbolModes }, null, 2) + '\n';
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, body);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to clean
      }
      throw new Error(`cannot save run state to ${this.path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
}
