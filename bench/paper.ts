// The core against the real paper exchange server (signed REST + websocket on loopback; the exchange runs
// in its own process, bench/paper-sim.ts, as a remote exchange would) on a ScaledClock: one simulated hour in (60 / speed) wall minutes.
// Measures, in one run:
//   - tick-to-order latency: from a websocket frame's arrival (recvNs, taken by BackpackWs before
//     parsing) to the bytes of the order/cancel request that frame triggered being handed to the socket
//     (the order lane's 'tierhunter:rest:sent', published right after socket.write; undici's
//     'undici:request:bodySent', right after socket.write + uncork, for anything sent by undici). Only requests
//     sent synchronously while the engine handled a frame count (timer-driven re-quotes and requests
//     made after a REST reply are not "tick to order").
//     In the real-time run (speed 1) the exchange process runs at nice 10 (BENCH_SIM_NICE, 0 = off): the
//     interval ends when write() returns, and on loopback a write wakes the exchange process, which on a
//     busy 2-core machine often preempted ours and ran its whole request handling (~1 ms) inside our
//     measured interval (a quarter of the samples, p75 1 ms); a remote exchange never costs us that CPU.
//   - API efficiency: REST calls by endpoint, per fill, per simulated minute (mean/peak), WS/API ratio.
//   - event-loop health: monitorEventLoopDelay max and a 10 ms setInterval's worst lateness, with
//     log.txt (a real LogFile, stats block every 5 simulated s) and a control socket with one reading
//     client (snapshot pushes at the UI rate) running.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BackpackAdapter } from '../src/exchange/backpack/adapter.js';
import { Engine } from '../src/core/engine.js';
import { LANE_SENT_CHANNEL } from '../src/exchange/backpack/lane-connection.js';
import { generateKeyPair, loadKeyPair } from '../src/exchange/backpack/signing.js';
import { resolveSettings } from '../src/config/settings.js';
import { ScaledClock } from '../src/util/clock.js';
import { LogFile } from '../src/runtime/logfile.js';
import { ControlServer } from '../src/control/server.js';
import { ControlClient } from '../src/control/client.js';
import type { ExchangeEvent, Outcome } from '../src/exchange/types.js';
import type { OrderInfo, OrderRequest } from '../src/domain/order.js';
import { MemoryRunState } from '../src/backtest/sinks.js';
import { BenchJournal, BenchLogger, isChild, percentile } from './util.js';

const SYMBOLS = ['SOL_USDC_PERP', 'BTC_USDC_PERP', 'ETH_USDC_PERP'];

/** Endpoints the core may use: orders/cancels, and start-up/slow reconciliation reads. */
const ORDER_ENDPOINTS = new Set(['POST /api/v1/order', 'DELETE /api/v1/order', 'POST /api/v1/orders', 'DELETE /api/v1/orders']);
const RECONCILE_ENDPOINTS = new Set([
  'GET /api/v1/markets', 'GET /api/v1/account', 'GET /api/v1/time', 'GET /api/v1/depth', 'GET /api/v1/orders', 'GET /api/v1/order',
  'GET /api/v1/position', 'GET /api/v1/capital', 'GET /api/v1/capital/collateral', 'GET /wapi/v1/history/fills',
  'GET /wapi/v1/history/orders', 'GET /wapi/v1/history/funding',
]);

/** Requests the engine made while handling a frame, waiting for their bytes to hit the socket. */
class LatencyProbe {
  /** recvNs of the frame being handled right now (null outside a frame). */
  current: bigint | null = null;
  readonly pending = new Map<string, { recvNs: bigint; callNs: bigint; kind: 'place' | 'cancel' }>();
  readonly placeUs: number[] = [];
  /** Split of every sample: frame -> request call (codec, book, engine) and call -> bytes (REST client, undici). */
  readonly engineUs: number[] = [];
  readonly clientUs: number[] = [];
  readonly cancelUs: number[] = [];
  unmatched = 0;

  noteRequest(key: string, kind: 'place' | 'cancel'): void {
    if (this.current !== null) this.pending.set(key, { recvNs: this.current, callNs: process.hrtime.bigint(), kind });
  }
  /** undici published bodySent ({request}) or the order lane published sent ({method, body}): match by body. */
  onSent = (msg: unknown): void => {
    const sentNs = process.hrtime.bigint();
    if (this.pending.size === 0) return;
    const req = (msg as { request?: { method?: string; body?: unknown } }).request ?? (msg as { method?: string; body?: unknown });
    const body = req?.body;
    if (!body || !req?.method || (req.method !== 'POST' && req.method !== 'DELETE')) return;
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
    const key = keyOfBody(req.method, text);
    if (key === null) return;
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    (p.kind === 'place' ? this.placeUs : this.cancelUs).push(Number(sentNs - p.recvNs) / 1000);
    this.engineUs.push(Number(p.callNs - p.recvNs) / 1000);
    this.clientUs.push(Number(sentNs - p.callNs) / 1000);
  };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

function keyOfBody(method: string, text: string): string | null {
  const oid = /"orderId":"([^"]+)"/.exec(text);
  if (method === 'DELETE' && oid) return `DELETE:o:${oid[1]}`;
  const cid = /"clientId":(\d+)/.exec(text);
  return cid ? `${method}:c:${cid[1]}` : null;
}

/** The real adapter; the probe only watches which requests a frame triggered. */
class ProbedAdapter extends BackpackAdapter {
  probe: LatencyProbe | null = null;
  override start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    return super.start(symbols, (e) => {
      const p = this.probe;
      if (!p || !('recvNs' in e)) return onEvent(e);
      p.current = e.recvNs;
      try {
        onEvent(e);
      } finally {
        p.current = null;
      }
    });
  }
  override placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    this.probe?.noteRequest(`POST:c:${req.clientId}`, 'place');
    return super.placeOrder(req);
  }
  override cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }): Promise<Outcome<OrderInfo>> {
    this.probe?.noteRequest('orderId' in id ? `DELETE:o:${id.orderId}` : `DELETE:c:${id.clientId}`, 'cancel');
    return super.cancelOrder(symbol, id);
  }
}

/** Nice level of the exchange process: 10 in the real-time latency run (see the header), 0 otherwise. */
function simNice(speed: number): number {
  const v = Number(process.env.BENCH_SIM_NICE);
  return Number.isInteger(v) && v >= 0 && v <= 19 ? v : speed === 1 ? 10 : 0;
}

/** Start bench/paper-sim.ts and wait for its URLs. */
async function spawnSim(speed: number, start: number, seed: number): Promise<{ restUrl: string; wsUrl: string; stop(): Promise<void> }> {
  const file = fileURLToPath(new URL('./paper-sim.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', file, '--speed', String(speed), '--start', String(start), '--real', String(start), '--seed', String(seed)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const nice = simNice(speed);
  if (nice > 0 && child.pid !== undefined) {
    try {
      setPriority(child.pid, nice);
    } catch {
      // not permitted here: measure without it
    }
  }
  const urls = await new Promise<{ restUrl: string; wsUrl: string }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (b: Buffer) => {
      buf += b.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        try {
          resolve(JSON.parse(buf.slice(0, nl)) as { restUrl: string; wsUrl: string });
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`paper exchange exited (${code})`)));
  });
  return {
    ...urls,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.stdin!.end();
      }),
  };
}

export interface PaperResult {
  speed: number;
  /** Nice level the exchange process ran at (see the header). */
  simNice: number;
  simMinutes: number;
  wallSec: number;
  latency: {
    p50Us: number; p99Us: number; maxUs: number; count: number; places: number; cancels: number; placeP50Us: number; cancelP50Us: number;
    engineP50Us: number; engineP99Us: number; clientP50Us: number; clientP99Us: number;
  };
  rest: { total: number; byEndpoint: Record<string, number>; unexpected: string[]; perFill: number; perMinMean: number; perMinPeak: number; perMinPeakSteady: number; limit: number; http429: number };
  fills: number;
  wsMessages: number;
  wsApiRatio: number;
  loop: { delayMaxMs: number; delayP99Ms: number; intervalLateMaxMs: number };
  logBlocks: number;
  pushes: number;
  warnings: string[];
}

export async function benchPaper(opts: { speed?: number; simMinutes?: number; seed?: number } = {}): Promise<PaperResult> {
  const speed = opts.speed ?? 60;
  const simMinutes = opts.simMinutes ?? 60;
  const dir = await mkdtemp(join(tmpdir(), 'th-bench-'));
  const start = Date.now();
  const clock = new ScaledClock(speed, start);
  const sim = await spawnSim(speed, start, opts.seed ?? 11);
  const kp = generateKeyPair();
  const keys = loadKeyPair(kp.secret, kp.apiKey);
  const settings = resolveSettings({}, { TIERHUNTER_SYMBOLS: SYMBOLS.join(','), TIERHUNTER_STATS_LOG_INTERVAL_SEC: '5' });
  const adapter = new ProbedAdapter({ restUrl: sim.restUrl, wsUrl: sim.wsUrl, keys, settings, clock });
  const logFile = new LogFile(join(dir, 'log.txt'));
  const logger = new BenchLogger();
  const engine = new Engine({
    port: adapter, clock, settings, runMode: 'paper', journal: new BenchJournal(), stats: logFile, logger,
    runState: new MemoryRunState(), coreVersion: 'bench', logFile: logFile.path,
  });
  let logBlocks = 0;
  const write = logFile.write.bind(logFile);
  logFile.write = (b: string) => {
    logBlocks++;
    write(b);
  };
  const control = await ControlServer.listen({
    socketPath: join(dir, 'run', 'core.sock'),
    coreVersion: 'bench',
    getSnapshot: () => engine.snapshot(),
    handleCommand: (cmd) => engine.command(cmd),
  });
  engine.events.subscribe((e) => e.type === 'changed' && control.notifyChanged());
  const probe = new LatencyProbe();
  adapter.probe = probe;
  subscribe('undici:request:bodySent', probe.onSent);
  subscribe(LANE_SENT_CHANNEL, probe.onSent);

  const perMinute: number[] = [];
  let client: ControlClient | null = null;
  let minuteTimer: ReturnType<ScaledClock['setInterval']> | null = null;
  const hist = monitorEventLoopDelay({ resolution: 10 });
  let lateMax = 0;
  let tick: NodeJS.Timeout | null = null;
  const wall0 = performance.now();
  try {
    await engine.start();
    client = await ControlClient.connect(control.socketPath);
    // REST calls per simulated minute (the first minute includes start-up reads).
    let lastRest = adapter.metrics().restTotal;
    perMinute.push(lastRest); // start-up reads, before the first minute
    minuteTimer = clock.setInterval(() => {
      const now = adapter.metrics().restTotal;
      perMinute.push(now - lastRest);
      lastRest = now;
    }, 60_000);
    hist.enable();
    let expected = performance.now() + 10;
    tick = setInterval(() => {
      const t = performance.now();
      lateMax = Math.max(lateMax, t - expected);
      expected = t + 10;
    }, 10);
    await new Promise((r) => setTimeout(r, (simMinutes * 60_000) / speed));
    hist.disable();
    clearInterval(tick);
    tick = null;
    clock.clear(minuteTimer);
    const m = adapter.metrics();
    const fills = engine.view.stats.figures().fills;
    const byEndpoint: Record<string, number> = {};
    for (const [k, v] of Object.entries(m.byEndpoint)) byEndpoint[k] = v.calls;
    const unexpected = Object.keys(byEndpoint).filter((k) => !ORDER_ENDPOINTS.has(k) && !RECONCILE_ENDPOINTS.has(k));
    const all = [...probe.placeUs, ...probe.cancelUs].sort((a, b) => a - b);
    const minutes = perMinute.slice(1);
    const result: PaperResult = {
      speed,
      simNice: simNice(speed),
      simMinutes,
      wallSec: (performance.now() - wall0) / 1000,
      latency: {
        p50Us: percentile(all, 50),
        p99Us: percentile(all, 99),
        maxUs: all[all.length - 1] ?? NaN,
        count: all.length,
        places: probe.placeUs.length,
        cancels: probe.cancelUs.length,
        placeP50Us: percentile([...probe.placeUs].sort((a, b) => a - b), 50),
        cancelP50Us: percentile([...probe.cancelUs].sort((a, b) => a - b), 50),
        engineP50Us: percentile(sorted(probe.engineUs), 50),
        engineP99Us: percentile(sorted(probe.engineUs), 99),
        clientP50Us: percentile(sorted(probe.clientUs), 50),
        clientP99Us: percentile(sorted(probe.clientUs), 99),
      },
      rest: {
        total: m.restTotal,
        byEndpoint,
        unexpected,
        perFill: fills > 0 ? m.restTotal / fills : NaN,
        perMinMean: minutes.length > 0 ? minutes.reduce((a, b) => a + b, 0) / minutes.length : NaN,
        perMinPeak: Math.max(perMinute[0]! + (minutes[0] ?? 0), ...minutes),
        perMinPeakSteady: Math.max(...minutes.slice(1)),
        limit: m.restLimitPerMinute,
        http429: m.http429,
      },
      fills,
      wsMessages: m.wsMessages,
      wsApiRatio: m.restTotal > 0 ? m.wsMessages / m.restTotal : NaN,
      loop: { delayMaxMs: hist.max / 1e6, delayP99Ms: hist.percentile(99) / 1e6, intervalLateMaxMs: lateMax },
      logBlocks,
      pushes: control.counters.pushes,
      warnings: logger.firstWarnings,
    };
    return result;
  } finally {
    hist.disable();
    if (tick) clearInterval(tick);
    clock.clear(minuteTimer);
    unsubscribe('undici:request:bodySent', probe.onSent);
    unsubscribe(LANE_SENT_CHANNEL, probe.onSent);
    await engine.stop().catch(() => undefined);
    client?.close();
    await control.close();
    await adapter.close();
    await sim.stop();
    if (engine.view.malformedEvents > 0) logger.warn(`malformed events: ${engine.view.malformedEvents}`);
    await rm(dir, { recursive: true, force: true });
  }
}

if (isChild(import.meta.url) || import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string) => {
    const i = process.argv.indexOf(k);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const o: { speed?: number; simMinutes?: number } = {};
  const sp = arg('--speed');
  const mi = arg('--minutes');
  if (sp !== undefined) o.speed = sp;
  if (mi !== undefined) o.simMinutes = mi;
  console.log(JSON.stringify(await benchPaper(o)));
  process.exit(0);
}
