// Optional JSON state file so a restarted paper exchange keeps its accounts. Written atomically
// (temp file + rename) with mode 0600, periodically and on stop.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { SimExchange, SimStateFile } from '../exchange.js';

export async function loadState(path: string, ex: SimExchange): Promise<boolean> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  let parsed: SimStateFile;
  try {
    parsed = JSON.parse(raw) as SimStateFile;
  } catch {
    throw new Error(`sim state file ${path} is not valid JSON; move it away to start fresh`);
  }
  ex.importState(parsed);
  return true;
}

export async function saveState(path: string, ex: SimExchange): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(ex.exportState()), { mode: 0o600 });
  await rename(tmp, path);
}
