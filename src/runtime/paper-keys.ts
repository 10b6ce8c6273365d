// Paper mode's key pair: generated once and kept under the home (0600) so the paper exchange and the
// bot agree on it across restarts. Created with tmp + link so two processes starting at once cannot
// both write it, and a crash mid-write never leaves a half file at the real path.
import { existsSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, loadKeyPair, KeyError } from '../exchange/backpack/signing.js';
import { ensurePrivateDir } from './home.js';

export interface PaperKeys {
  apiKey: string;
  secret: string;
}

export function paperKeyPath(home: string): string {
  return join(home, 'paper-key.json');
}

function readKeys(path: string): PaperKeys {
  const st = statSync(path);
  if ((st.mode & 0o077) !== 0) {
    throw new KeyError('paper-key', `${path} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${path}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    v = null;
  }
  const o = (v ?? {}) as Record<string, unknown>;
  const apiKey = o['apiKey'];
  const secret = o['secret'];
  const bad = () => new KeyError('paper-key', `paper key file ${path} is invalid; delete it to generate a new paper key pair`);
  if (typeof apiKey !== 'string' || typeof secret !== 'string') throw bad();
  try {
    loadKeyPair(secret, apiKey);
  } catch {
    throw bad();
  }
  return { apiKey, secret };
}

/** Load the paper key pair, generating and storing it on first use. */
export function loadOrCreatePaperKeys(home: string): PaperKeys {
  const path = paperKeyPath(home);
  if (existsSync(path)) return readKeys(path);
  ensurePrivateDir(home);
  const kp = generateKeyPair();
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ apiKey: kp.apiKey, secret: kp.secret, note: 'paper exchange only; not a Backpack key' }) + '\n', { mode: 0o600, flag: 'w' });
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  // Whoever won the race, everyone uses the file that is there.
  return readKeys(path);
}
