// Shared pieces of the end-to-end tests: they drive the real programs (bin/tierhunter.js, npm start, pm2,
// pm2-runtime, the TUI in tmux) as an operator would, and check what the programs say against what
// really happened: the core's snapshot over its control socket, the paper exchange's own records
// (signed REST while it runs, its state file after it stops), log.txt, the journal and the process table.
// Every wait is a poll with a deadline; every process a test starts is registered for cleanup.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { main as ctlMain } from '../../src/cli/ctl.js';
import type { Snapshot } from '../../src/control/protocol.js';
import { loadKeyPair, Signer } from '../../src/exchange/backpack/signing.js';
import type { SignParams } from '../../src/protocol/backpack/signing-string.js';
import { TmuxSession, tmuxAvailable } from '../helpers/tmux.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO, 'bin', 'tierhunter.js');
export const PM2_BIN = join(REPO, 'node_modules', '.bin', 'pm2');
export const PM2_RUNTIME_BIN = join(REPO, 'node_modules', '.bin', 'pm2-runtime');
export const ECOSYSTEM = join(REPO, 'ecosystem.config.cjs');

/** CI installs tmux (.ci/run); a missing tmux must fail the suite loudly, never skip it. */
export function requireTmux(): void {
  if (!tmuxAvailable()) throw new Error('tmux is not installed: the end-to-end TUI tests need it (apt-get install tmux); CI installs it in .ci/run');
}

// ---------------------------------------------------------------- cleanup

/** LIFO list of cleanup steps; every step runs even when an earlier one throws. */
export class Cleanup {
  private steps: Array<() => unknown> = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    const errors: unknown[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw new Error(`cleanup: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
  }
}

/** A private temp directory (removed by cleanup). */
export function tempDir(c: Cleanup, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  c.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------- environment

/**
 * The test runner's environment without anything that could change what the programs do: no exchange keys
 * (paper mode, never the real exchange), no TIERHUNTER_* settings of the developer's shell, no PM2_HOME.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('BPX_') || k.startsWith('TIERHUNTER_') || k === 'PM2_HOME') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** The variables that pick one core: its home, its log.txt and a fixed paper-market seed. */
export function homeVars(home: string): Record<string, string> {
  return { TIERHUNTER_HOME: home, TIERHUNTER_LOG_FILE: join(home, 'log.txt'), TIERHUNTER_SIM_SEED: '5' };
}

// ---------------------------------------------------------------- processes

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Combined stdout+stderr so far (for failure messages). */
  output(): string;
}

/** Start a program in its own process group; cleanup SIGKILLs the group if it is still there. */
export function spawnTracked(c: Cleanup, cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): Spawned {
  const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd ?? REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${cmd}`);
  c.add(() => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return { child, pid, exited, output: () => out };
}

/** A headless paper core: `node bin/tierhunter.js run`. */
export function startHeadlessCore(c: Cleanup, home: string): Spawned {
  return spawnTracked(c, process.execPath, [BIN, 'run'], { env: cleanEnv(homeVars(home)) });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped by its parent) is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Every live process whose environment has `name=value` (Linux /proc), e.g. a core still holding a home. */
export function processesWithEnv(name: string, value: string): string[] {
  const needle = `${name}=${value}`;
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || !isAlive(pid)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch {
      continue; // gone, or not ours
    }
    if (!environ.split('\0').includes(needle)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      // exited meanwhile
    }
    found.push(`${pid}: ${cmd}`);
  }
  return found;
}

export function run(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: opts.env, cwd: opts.cwd ?? REPO, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

// ---------------------------------------------------------------- waiting

/** Poll `probe` until it returns something other than null/undefined/false; throws after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = undefined;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null && v !== undefined && v !== false) return v;
      last = v;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

export async function withDeadline<T>(what: string, p: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- the core, through `tierhunter ctl`

/** `tierhunter ctl ...` in-process (the same main() as the binary, without a tsx start-up per call). */
export async function ctl(home: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await ctlMain([...args, '--timeout', '5'], {
    out: (s) => (out += s + '\n'),
    err: (s) => (err += s + '\n'),
    env: { TIERHUNTER_HOME: home },
  });
  return { code, out, err };
}

/** The core's full snapshot (`ctl snapshot`), or throws with ctl's error. */
export async function snapshot(home: string): Promise<Snapshot> {
  const r = await ctl(home, 'snapshot');
  if (r.code !== 0) throw new Error(`ctl snapshot exit ${r.code}: ${r.err.trim()}`);
  return JSON.parse(r.out) as Snapshot;
}

export interface Stats {
  total: { fills: number; [k: string]: unknown };
  symbols: Record<string, { fills: number; position: string; [k: string]: unknown }>;
}

export async function stats(home: string): Promise<Stats> {
  const r = await ctl(home, 'stats');
  if (r.code !== 0) throw new Error(`ctl stats exit ${r.code}: ${r.err.trim()}`);
  return JSON.parse(r.out) as Stats;
}

export function symbolView(snap: Snapshot, symbol: string): Snapshot['symbols'][number] {
  const v = snap.symbols.find((s) => s.symbol === symbol);
  if (!v) throw new Error(`${symbol} not in the snapshot (${snap.symbols.map((s) => s.symbol).join(',')})`);
  return v;
}

export const socketPathOf = (home: string): string => join(home, 'run', 'core.sock');

// ---------------------------------------------------------------- the paper exchange's own records

export interface ExOrder {
  id: string;
  symbol: string;
  side: string;
  price: string;
  quantity: string;
  status: string;
}
export interface ExPosition {
  symbol: string;
  netQuantity: string;
}

/**
 * Signed REST queries against the in-process paper exchange of a running paper core, as the core's own
 * account (the paper key in $TIERHUNTER_HOME/paper-key.json). The exchange's address is the snapshot's
 * exchangeHost; it changes when the core restarts.
 */
export class PaperExchange {
  private readonly signer: Signer;
  constructor(
    readonly restUrl: string,
    home: string,
  ) {
    const k = JSON.parse(readFileSync(join(home, 'paper-key.json'), 'utf8')) as { apiKey: string; secret: string };
    this.signer = new Signer(loadKeyPair(k.secret, k.apiKey));
  }

  static async of(home: string): Promise<PaperExchange> {
    const snap = await snapshot(home);
    if (snap.runMode !== 'paper') throw new Error(`expected a paper core, got ${snap.runMode}`);
    return new PaperExchange(`http://${snap.exchangeHost}`, home);
  }

  private async get<T>(path: string, instruction: string, params: SignParams = {}): Promise<T> {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const res = await fetch(`${this.restUrl}${path}${qs ? `?${qs}` : ''}`, { headers: this.signer.headers(instruction, params, Date.now()) });
    const body = await res.text();
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${body}`);
    return JSON.parse(body) as T;
  }

  openOrders(symbol?: string): Promise<ExOrder[]> {
    return this.get('/api/v1/orders', 'orderQueryAll', symbol ? { symbol } : {});
  }

  async position(symbol: string): Promise<string> {
    const all = await this.get<ExPosition[]>('/api/v1/position', 'positionQuery');
    return all.find((p) => p.symbol === symbol)?.netQuantity ?? '0';
  }

  async fillCount(): Promise<number> {
    const rows = await this.get<unknown[]>('/wapi/v1/history/fills', 'fillHistoryQueryAll', { limit: 1000 });
    if (rows.length >= 1000) throw new Error('more than 1000 fills: paginate');
    return rows.length;
  }
}

/**
 * After a paper core stopped: the orders its in-process exchange still held when it shut down (the
 * exchange writes `openAtSave` into $TIERHUNTER_HOME/paper-exchange.json on stop).
 */
export function ordersLeftAtExchange(home: string): unknown[] {
  const file = join(home, 'paper-exchange.json');
  const state = JSON.parse(readFileSync(file, 'utf8')) as { accounts: Array<{ key: string; openAtSave?: unknown[] }> };
  const key = (JSON.parse(readFileSync(join(home, 'paper-key.json'), 'utf8')) as { apiKey: string }).apiKey;
  const acct = state.accounts.find((a) => a.key === key);
  if (!acct) throw new Error(`${file} has no account for the paper key`);
  if (!Array.isArray(acct.openAtSave)) throw new Error(`${file} does not record openAtSave`);
  return acct.openAtSave;
}

// ---------------------------------------------------------------- files the core writes

/** The `---------- Stats <iso> ...` headers of log.txt, in order. */
export function statsBlocks(logFile: string): string[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8').split('\n').filter((l) => /^-{5,} Stats \S+/.test(l));
}

export function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/**
 * Fills the journal ($TIERHUNTER_HOME/journal/) holds, per symbol: those its checkpoint covers (its
 * ledgers' fill counts; a graceful stop compacts the journal into one) plus the fill records after it.
 */
export function journalFills(home: string): Map<string, number> {
  const dir = join(home, 'journal');
  const out = new Map<string, number>();
  if (!existsSync(dir)) return out;
  let covers = -1;
  const cpPath = join(dir, 'checkpoint.json');
  if (existsSync(cpPath)) {
    const cp = JSON.parse(readFileSync(cpPath, 'utf8')) as { covers: number; state: { stats: { ledgers: Array<{ symbol: string; counts: { fills: number } }> } } };
    covers = cp.covers;
    for (const l of cp.state.stats.ledgers) if (l.counts.fills > 0) out.set(l.symbol, l.counts.fills);
  }
  for (const f of readdirSync(dir).sort()) {
    const m = /^fills(?:\.(\d{6}))?\.jsonl$/.exec(f);
    if (!m || (m[1] === undefined ? 0 : Number(m[1])) <= covers) continue;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { kind?: string; symbol: string };
      if (r.kind === 'fill') out.set(r.symbol, (out.get(r.symbol) ?? 0) + 1);
    }
  }
  return out;
}

/** All the journal's fills (see journalFills). */
export function journalFillCount(home: string): number {
  let n = 0;
  for (const v of journalFills(home).values()) n += v;
  return n;
}

/** Every regular file under `dir` (relative paths). */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? join(prefix, e.name) : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

// ---------------------------------------------------------------- the TUI in tmux

/**
 * A terminal program in a private tmux server, sized 120x40. CI is unset because Ink prints only the
 * final frame when it is set; exchange keys are unset so nothing can go live.
 */
export function inTmux(c: Cleanup, command: string, env: Record<string, string>): TmuxSession {
  const t = TmuxSession.start({
    command: `env -u CI -u BPX_API_KEY -u BPX_API_SECRET ${command}`,
    env: { TERM: 'xterm-256color', LANG: 'C.UTF-8', ...env },
    cwd: REPO,
    cols: 120,
    rows: 40,
  });
  c.add(() => t.kill());
  return t;
}

/** `tierhunter attach` for the core of `home`. */
export function attachInTmux(c: Cleanup, home: string, extraArgs: string[] = []): TmuxSession {
  return inTmux(c, [shq(process.execPath), shq(BIN), 'attach', ...extraArgs.map(shq)].join(' '), { TIERHUNTER_HOME: home });
}

export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function escapeRe(s: string): RegExp {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** A symbol's row in the dashboard's table with the given mode. */
export function rowRe(symbol: string, mode: string): RegExp {
  return new RegExp(`${symbol}\\s+${mode}\\b`);
}

// ---------------------------------------------------------------- pm2 with a private PM2_HOME

export interface Pm2App {
  name: string;
  pid: number;
  status: string;
  restarts: number;
}

/** pm2 CLI bound to a private PM2_HOME in a temp dir; cleanup runs `pm2 kill` (and SIGKILLs a stuck daemon). */
export class Pm2 {
  readonly pm2Home: string;
  constructor(c: Cleanup) {
    this.pm2Home = tempDir(c, 'th-e2e-pm2home-');
    c.add(() => this.kill());
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return cleanEnv({ PM2_HOME: this.pm2Home, ...extra });
  }

  async cli(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return run(PM2_BIN, args, { env: this.env(extra), timeoutMs: 90_000 });
  }

  async must(args: string[], extra: Record<string, string> = {}): Promise<string> {
    const r = await this.cli(args, extra);
    if (r.code !== 0) throw new Error(`pm2 ${args.join(' ')} exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  async jlist(): Promise<Pm2App[]> {
    const out = await this.must(['jlist']);
    const start = out.indexOf('[');
    const list = JSON.parse(out.slice(start)) as Array<{ name: string; pid: number; pm2_env: { status: string; restart_time: number } }>;
    return list.map((a) => ({ name: a.name, pid: a.pid, status: a.pm2_env.status, restarts: a.pm2_env.restart_time }));
  }

  async app(name: string): Promise<Pm2App | undefined> {
    return (await this.jlist()).find((a) => a.name === name);
  }

  /** The pm2 daemon's pid (null when there is none). */
  daemonPid(): number | null {
    const f = join(this.pm2Home, 'pm2.pid');
    if (!existsSync(f)) return null;
    const n = Number(readFileSync(f, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  }

  async kill(): Promise<void> {
    const daemon = this.daemonPid();
    await this.cli(['kill']);
    if (daemon !== null && isAlive(daemon)) {
      try {
        process.kill(daemon, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

export function logOf(home: string): string {
  return join(home, 'log.txt');
}

export function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
