// Load the one frozen Config: data directory, settings (conf store + TIERHUNTER_* overrides), API keys
// (environment or a private secret file) and endpoints. Every problem is a ConfigError/KeyError naming the
// variable, raised before any network request is made. Secrets never appear in messages.
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import Conf from 'conf';
import { ConfigError } from './errors.js';
import { resolveSettings, type Settings } from './settings.js';
import { KeyError, loadKeyPair, type KeyPair } from '../exchange/backpack/signing.js';

export const DEFAULT_REST_URL = 'https://api.backpack.exchange';
export const DEFAULT_WS_URL = 'wss://ws.backpack.exchange';

export interface Config {
  /** Absolute data directory (TIERHUNTER_HOME), 0700. */
  home: string;
  settings: Readonly<Settings>;
  /** null in paper mode (no BPX_API_KEY). */
  keys: KeyPair | null;
  restUrl: string;
  wsUrl: string;
  runMode: 'paper' | 'live';
}

function homeDir(env: NodeJS.ProcessEnv): string {
  const h = env.TIERHUNTER_HOME?.trim();
  const dir = resolve(h ? h : join(homedir(), '.tierhunter'));
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (!st.isDirectory()) throw new Error('not a directory');
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch (e) {
    throw new ConfigError('TIERHUNTER_HOME', `TIERHUNTER_HOME=${JSON.stringify(dir)} is unusable: ${(e as Error).message}`);
  }
  return dir;
}

function openStore(home: string, configName: string, variable: string): Conf<Record<string, unknown>> {
  try {
    return new Conf<Record<string, unknown>>({ cwd: home, configName, projectName: 'tierhunter' });
  } catch (e) {
    throw new ConfigError(variable, `${join(home, configName + '.json')} is not readable JSON (${(e as Error).message.split('\n')[0]}); fix or delete it`);
  }
}

/** A URL setting (BPX_REST_URL, BPX_WS_URL): the default when unset, ConfigError naming it when invalid. */
export function endpoint(env: NodeJS.ProcessEnv, name: string, dflt: string, protocols: string[]): string {
  const raw = env[name]?.trim() || dflt;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, `${name}=${JSON.stringify(raw)} is invalid: expected a URL like ${dflt}`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new ConfigError(name, `${name}=${JSON.stringify(raw)} is invalid: the scheme must be ${protocols.map((p) => p.replace(':', '')).join(' or ')}`);
  }
  return raw.replace(/\/+$/, '');
}

/** Secret file: two lines (key, secret) or KEY=VALUE lines with BPX_API_KEY / BPX_API_SECRET. Must be 0600-ish. */
function readSecretFile(path: string): { key?: string; secret?: string } {
  const V = 'TIERHUNTER_SECRET_FILE';
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ConfigError(V, `${V}=${JSON.stringify(path)} is invalid: the file does not exist`);
  }
  if ((st.mode & 0o077) !== 0) {
    throw new ConfigError(V, `${V}=${JSON.stringify(path)} is readable by group/others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out: { key?: string; secret?: string } = {};
  if (lines.some((l) => l.includes('=') && /^[A-Z_]+\s*=/.test(l))) {
    for (const l of lines) {
      const m = /^(?:export\s+)?([A-Z_]+)\s*=\s*["']?([^"']*)["']?$/.exec(l);
      if (!m) continue;
      if (m[1] === 'BPX_API_KEY') out.key = m[2]!;
      if (m[1] === 'BPX_API_SECRET') out.secret = m[2]!;
    }
  } else if (lines.length === 2) {
    out.key = lines[0]!;
    out.secret = lines[1]!;
  }
  if (!out.key || !out.secret) {
    throw new ConfigError(V, `${V}=${JSON.stringify(path)} is invalid: expected two lines (API key, then secret) or BPX_API_KEY=... and BPX_API_SECRET=... lines`);
  }
  return out;
}

function loadKeys(env: NodeJS.ProcessEnv): KeyPair | null {
  let key = env.BPX_API_KEY?.trim() || undefined;
  let secret = env.BPX_API_SECRET?.trim() || undefined;
  const file = env.TIERHUNTER_SECRET_FILE?.trim();
  if (file && key === undefined && secret === undefined) {
    const s = readSecretFile(resolve(file));
    key = s.key;
    secret = s.secret;
  }
  if (key === undefined && secret === undefined) return null;
  if (secret === undefined) throw new KeyError('BPX_API_SECRET', 'BPX_API_KEY is set but BPX_API_SECRET is missing; set both (or neither for paper mode)');
  if (key === undefined) throw new KeyError('BPX_API_KEY', 'BPX_API_SECRET is set but BPX_API_KEY is missing; set both (or neither for paper mode)');
  return loadKeyPair(secret, key);
}

/**
 * Build and validate the configuration. Throws ConfigError / KeyError (one line naming the variable);
 * makes no network request.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const home = homeDir(env);
  const store = openStore(home, 'settings', 'settings.json');
  const settings = resolveSettings({ ...store.store }, env);
  const restUrl = endpoint(env, 'BPX_REST_URL', DEFAULT_REST_URL, ['http:', 'https:']);
  const wsUrl = endpoint(env, 'BPX_WS_URL', DEFAULT_WS_URL, ['ws:', 'wss:']);
  const keys = loadKeys(env);
  return Object.freeze({ home, settings, keys, restUrl, wsUrl, runMode: keys ? 'live' : 'paper' });
}
