// Start-up of a long-running home: 1,000,000 journalled fills over the last 30 days (round trips on the
// three default perps). The home is built as a real one would be: the journal written, then one run of
// the core on it (which replays it whole, compacts it into a checkpoint and stops gracefully). Measured:
// wall time from spawning `node bin/tierhunter.js run` to (a) the core reporting it started (every
// start-up read done) and (b) the first order it placed being accepted by the paper exchange. The paper
// exchange runs in this process as a remote exchange would (BPX_REST_URL / BPX_WS_URL, a generated key).
// The first run's start (no checkpoint yet: the whole journal replayed) is reported as the "before"
// figure; BENCH_STARTUP_BEFORE_ROOT=/path/to/another/checkout measures that checkout's launcher on the
// same legacy journal (e.g. the previous release).
import { spawn } from 'node:child_process';
import { createWriteStream, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '../src/exchange/backpack/signing.js';
import { startSim, type RunningSim } from '../src/sim/index.js';
import { defaultJournalPath } from '../src/runtime/journal.js';
import { ensurePrivateDir } from '../src/runtime/home.js';
import { dirname } from 'node:path';
import { median } from './util.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;

export interface StartupResult {
  fills: number;
  journalMB: number;
  checkpointKB: number;
  /** First start of the home (no checkpoint: the whole journal replayed), ms to started / first order. */
  fullReplayStartedMs: number;
  fullReplayFirstOrderMs: number;
  /** Later starts (checkpoint + tail), median of `runs`, ms. */
  startedMs: number;
  firstOrderMs: number;
  runs: number;
  /** Another checkout's launcher on the same legacy journal (BENCH_STARTUP_BEFORE_ROOT), ms; null when not asked. */
  otherFirstOrderMs: number | null;
}

const MARKETS = [
  { symbol: 'SOL_USDC_PERP', price: 180, dp: 2, qty: '0.27' },
  { symbol: 'BTC_USDC_PERP', price: 90_000, dp: 1, qty: '0.00055' },
  { symbol: 'ETH_USDC_PERP', price: 3500, dp: 2, qty: '0.0142' },
];

/** Write `n` journalled fills (round trips, every market flat at the end) ending 10 minutes ago. */
async function writeJournal(home: string, n: number): Promise<number> {
  const path = defaultJournalPath(home);
  ensurePrivateDir(dirname(path));
  const out = createWriteStream(path, { mode: 0o600 });
  const now = Date.now();
  const start = now - 30 * DAY + 3_600_000;
  const span = now - 600_000 - start;
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const m = MARKETS[Math.floor(i / 2) % 3]!;
    const buy = i % 2 === 0;
    const price = (m.price * (1 + ((i * 7919) % 1000) / 1e6) + (buy ? 0 : 0.1)).toFixed(m.dp);
    const maker = i % 5 !== 0;
    const rec = {
      kind: 'fill',
      tradeId: String(10_000_000 + i),
      symbol: m.symbol,
      ts: start + Math.floor((span * i) / n),
      orderId: String(4_000_000_000 + i),
      clientId: 100_000 + i,
      side: buy ? 'Bid' : 'Ask',
      price,
      quantity: m.qty,
      fee: (Number(price) * Number(m.qty) * (maker ? 0.0002 : 0.0005)).toFixed(10),
      feeSymbol: 'USDC',
      isMaker: maker,
    };
    chunk += JSON.stringify(rec) + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.on('finish', () => r()));
  return statSync(path).size;
}

interface Run {
  startedMs: number;
  firstOrderMs: number;
  out: string;
}

/** Spawn the core on `home`, time it to "started" and to its first accepted order, then stop it (SIGTERM). */
function runCore(root: string, home: string, sim: RunningSim, keys: { apiKey: string; secret: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    let startedMs = NaN;
    let firstOrderMs = NaN;
    let out = '';
    const t0 = performance.now();
    const unsub = sim.exchange.subscribe({
      order: (e) => {
        if (e.account === keys.apiKey && e.type === 'orderAccepted' && Number.isNaN(firstOrderMs)) {
          firstOrderMs = performance.now() - t0;
          check();
        }
      },
    });
    const child = spawn(process.execPath, [join(root, 'bin/tierhunter.js'), 'run'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        TIERHUNTER_HOME: home,
        BPX_API_KEY: keys.apiKey,
        BPX_API_SECRET: keys.secret,
        BPX_REST_URL: sim.restUrl,
        BPX_WS_URL: sim.wsUrl,
        TIERHUNTER_LOG_FILE: join(home, 'log.txt'),
        TIERHUNTER_SESSION_LOSS_LIMIT: '0',
      },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    let stopping = false;
    const check = () => {
      if (stopping || Number.isNaN(firstOrderMs) || Number.isNaN(startedMs)) return;
      stopping = true;
      child.kill('SIGTERM');
    };
    const onOut = (b: Buffer) => {
      out += b.toString('utf8');
      if (Number.isNaN(startedMs) && / started \(/.test(out)) startedMs = performance.now() - t0;
      check();
    };
    child.stdout.on('data', onOut);
    child.stderr.on('data', onOut);
    child.on('exit', (code) => {
      clearTimeout(timer);
      unsub();
      if (!stopping) reject(new Error(`core exited (${code}) before its first order: ${out.slice(-800)}`));
      else resolve({ startedMs, firstOrderMs, out });
    });
  });
}

export async function benchStartup(fills = Number(process.env['BENCH_STARTUP_FILLS'] ?? 1_000_000), runs = 3): Promise<StartupResult> {
  const keep = process.env['BENCH_STARTUP_KEEP_HOME'];
  const home = keep ?? mkdtempSync(join(tmpdir(), 'th-startup-'));
  const legacy = mkdtempSync(join(tmpdir(), 'th-startup-legacy-'));
  const sim = await startSim({ port: 0, seed: 5 });
  const keys = generateKeyPair();
  try {
    const bytes = await writeJournal(home, fills);
    const otherRoot = process.env['BENCH_STARTUP_BEFORE_ROOT'];
    if (otherRoot) cpSync(join(home, 'journal'), join(legacy, 'journal'), { recursive: true });
    // The first run replays the whole journal; its graceful stop compacts it into a checkpoint.
    const first = await runCore(ROOT, home, sim, keys);
    const cp = statSync(join(home, 'journal', 'checkpoint.json')).size;
    const later: Run[] = [];
    for (let i = 0; i < runs; i++) later.push(await runCore(ROOT, home, sim, keys));
    let other: number | null = null;
    if (otherRoot) other = (await runCore(otherRoot, legacy, sim, keys)).firstOrderMs;
    return {
      fills,
      journalMB: bytes / 2 ** 20,
      checkpointKB: cp / 1024,
      fullReplayStartedMs: first.startedMs,
      fullReplayFirstOrderMs: first.firstOrderMs,
      startedMs: median(later.map((r) => r.startedMs)),
      firstOrderMs: median(later.map((r) => r.firstOrderMs)),
      runs,
      otherFirstOrderMs: other,
    };
  } finally {
    await sim.stop();
    if (!keep) rmSync(home, { recursive: true, force: true });
    rmSync(legacy, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchStartup()));
}
