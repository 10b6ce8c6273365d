// The operator's run-time state that must survive a restart (pause/flatten per symbol and global, the
// inventory toggle, the loss limits' day and hits), in $TIERHUNTER_HOME/run-state.json.
// The file is read strictly: a file that does not parse, or holds anything but the known fields with valid
// values, is not guessed at (a guess of ACTIVE would resume trading the operator had paused). load() moves
// the bad file aside (run-state.json.bad-<time>, kept for the operator) and throws, and the engine starts
// PAUSED with a critical alert naming both files. Writes are atomic: a temp file, fsync, rename.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LossLimitState } from '../core/loss-limits.js';
import type { RunState, RunStateStore } from '../core/ports.js';
import type { OperatorMode } from '../domain/trading-mode.js';
import { parseDecimal } from '../util/decimal.js';
import { ensurePrivateDir } from './home.js';

const MODES = new Set<string>(['ACTIVE', 'PAUSED', 'REDUCING']);
const FIELDS = new Set(['forceInventory', 'globalMode', 'symbolModes', 'limits']);

export function runStatePath(home: string): string {
  return join(home, 'run-state.json');
}

export class FileRunStateStore implements RunStateStore {
  readonly path: string;

  constructor(
    private readonly home: string,
    private readonly now: () => number = Date.now,
  ) {
    this.path = runStatePath(home);
  }

  load(): RunState {
    if (!existsSync(this.path)) return { forceInventory: null, globalMode: 'ACTIVE', symbolModes: {}, limits: null };
    let problem: string;
    try {
      const parsed = parseRunState(JSON.parse(readFileSync(this.path, 'utf8')));
      if (typeof parsed !== 'string') return parsed;
      problem = parsed;
    } catch (e) {
      problem = e instanceof SyntaxError ? `not JSON: ${e.message}` : `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    }
    const kept = `${this.path}.bad-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
    let where: string;
    try {
      renameSync(this.path, kept);
      where = `kept as ${kept}`;
    } catch (e) {
      where = `could not be moved aside (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    throw new Error(`run state ${this.path} is invalid (${problem}); the bad file was ${where}`);
  }

  save(s: RunState): void {
    ensurePrivateDir(this.home);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(s, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}

/** The RunState in `v`, or what is wrong with it. Unknown fields are wrong too (a hand edit gone astray). */
export function parseRunState(v: unknown): RunState | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected a JSON object';
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.has(k)) return `unknown field "${k}"`;
  const fi = o['forceInventory'];
  if (fi !== undefined && fi !== null && typeof fi !== 'boolean') return 'forceInventory must be true, false or null';
  const gm = o['globalMode'] ?? 'ACTIVE';
  if (typeof gm !== 'string' || !MODES.has(gm)) return `globalMode ${JSON.stringify(gm)} is not ACTIVE, PAUSED or REDUCING`;
  const sm = o['symbolModes'] ?? {};
  if (typeof sm !== 'object' || sm === null || Array.isArray(sm)) return 'symbolModes must be an object';
  const symbolModes: Record<string, OperatorMode> = {};
  for (const [k, m] of Object.entries(sm as Record<string, unknown>)) {
    if (typeof m !== 'string' || !MODES.has(m)) return `symbolModes.${k} ${JSON.stringify(m)} is not ACTIVE, PAUSED or REDUCING`;
    symbolModes[k] = m as OperatorMode;
  }
  const limits = parseLimits(o['limits']);
  if (typeof limits === 'string') return limits;
  return { forceInventory: typeof fi === 'boolean' ? fi : null, globalMode: gm as OperatorMode, symbolModes, limits };
}

function parseLimits(v: unknown): LossLimitState | null | string {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return 'limits must be an object';
  const o = v as Record<string, unknown>;
  const time = (x: unknown) => x === null || x === undefined || (typeof x === 'number' && Number.isFinite(x));
  if (typeof o['day'] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(o['day'])) return 'limits.day must be a YYYY-MM-DD date';
  if (typeof o['dayBaseline'] !== 'string' || parseDecimal(o['dayBaseline']) === null) return 'limits.dayBaseline must be a decimal string';
  if (typeof o['sessionHit'] !== 'boolean' || typeof o['dailyHit'] !== 'boolean') return 'limits.sessionHit and limits.dailyHit must be true or false';
  if (!time(o['sessionHitAt']) || !time(o['dailyHitAt'])) return 'limits.sessionHitAt and limits.dailyHitAt must be times in ms or null';
  return {
    day: o['day'],
    dayBaseline: o['dayBaseline'],
    sessionHit: o['sessionHit'],
    dailyHit: o['dailyHit'],
    sessionHitAt: (o['sessionHitAt'] as number | null | undefined) ?? null,
    dailyHitAt: (o['dailyHitAt'] as number | null | undefined) ?? null,
  };
}
