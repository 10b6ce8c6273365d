// Where Tier Hunter keeps its state (journal, run state, paper key, control socket), and the helper that
// makes those directories private. Everything under the home is the operator's alone: 0700 directories,
// 0600 files, because the journal holds trading history and the paper key is a signing key.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `TIERHUNTER_HOME`, default `~/.tierhunter`, always absolute. */
export function tierhunterHome(env: NodeJS.ProcessEnv = process.env): string {
  const h = env['TIERHUNTER_HOME'];
  return resolve(h && h.trim() ? h : join(homedir(), '.tierhunter'));
}

/**
 * Create `dir` (and parents) and make sure `dir` itself is 0700 even when it already existed with looser
 * bits (an earlier version, a hand-made directory). Parents are left as they are: they may be shared.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
