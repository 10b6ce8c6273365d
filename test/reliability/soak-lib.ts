// The soak, in two parts, shared by `npm run soak` (long form) and soak-short.test.ts (npm test):
//  1. Virtual time: the real Engine on the paper exchange's matching engine (BacktestPort + VirtualClock)
//     for hours of simulated trading, with faults injected at seeded random intervals through FaultyDirect
//     (lost replies after the exchange acted, 5xx without acting, 429s, post-only rejections, failing
//     queries, stream outages that drop every event, depth gaps). Invariants are checked after every step.
//  2. Real time: the reliability harness (paper exchange server + adapter + engine) with the server's own
//     fault switches turned on and off at random intervals.
// Both end flat and reconciled exactly against the exchange's records.
import { Engine } from '../../src/core/engine.js';
import { resolveSettings, type Settings } from '../../src/config/settings.js';
import { BacktestPort } from '../../src/sim/backtest-port/port.js';
import { Prng } from '../../src/sim/model/prng.js';
import type { Faults } from '../../src/sim/server/faults.js';
import type { ExchangeEvent, Outcome } from '../../src/exchange/types.js';
import type { OrderInfo, OrderRequest } from '../../src/domain/order.js';
import type { Position } from '../../src/domain/position.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D } from '../../src/util/decimal.js';
import { CountingLogger, LastBlockLog, MemoryJournal, MemoryRunState } from '../../src/backtest/sinks.js';
import { liveViolations, recordMismatches, reduceOnlyFlips, type CoreStatsData } from './invariants.js';
import { startHarness } from './harness.js';

export type VirtualFault = 'lostReply' | 'serverError' | 'rateLimited' | 'postOnlyReject' | 'queryFails' | 'streamDown' | 'depthGap';
const VIRTUAL_FAULTS: VirtualFault[] = ['lostReply', 'serverError', 'rateLimited', 'postOnlyReject', 'queryFails', 'streamDown', 'depthGap'];

/** BacktestPort with switchable, seeded faults on requests and on the event stream. */
export class FaultyDirect extends BacktestPort {
  active = new Set<VirtualFault>();
  readonly hits: Record<string, number> = {};
  private rng: Prng;
  private handler: ((e: ExchangeEvent) => void) | null = null;
  constructor(o: ConstructorParameters<typeof BacktestPort>[0] & { faultSeed: number }) {
    super(o);
    this.rng = new Prng(o.faultSeed);
  }
  private roll(f: VirtualFault, p = 0.35): boolean {
    if (!this.active.has(f) || this.rng.next() >= p) return false;
    this.hits[f] = (this.hits[f] ?? 0) + 1;
    return true;
  }
  override start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    this.handler = onEvent;
    return super.start(symbols, (e) => {
      if (this.active.has('streamDown')) {
        this.hits['droppedEvents'] = (this.hits['droppedEvents'] ?? 0) + 1;
        return;
      }
      onEvent(e);
    });
  }
  override metrics() {
    return { ...super.metrics(), wsConnected: !this.active.has('streamDown') };
  }
  /** Deliver a synthetic stream event (connection changes, book invalidation). */
  inject(e: ExchangeEvent): void {
    this.handler?.(e);
  }
  override async placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    if (this.roll('rateLimited', 0.8)) return { kind: 'rejected', code: 'TOO_MANY_REQUESTS', message: 'Too many requests', status: 429 };
    if (this.roll('serverError')) return { kind: 'unknown', reason: 'HTTP 503' };
    if (req.postOnly && this.roll('postOnlyReject', 0.8)) return { kind: 'rejected', code: 'INVALID_ORDER', message: 'Order would immediately match and take', status: 400 };
    const r = await super.placeOrder(req);
    if (this.roll('lostReply')) return { kind: 'unknown', reason: 'timed out (the exchange acted)' };
    return r;
  }
  override async cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }): Promise<Outcome<OrderInfo>> {
    if (this.roll('serverError')) return { kind: 'unknown', reason: 'HTTP 503' };
    const r = await super.cancelOrder(symbol, id);
    if (this.roll('lostReply')) return { kind: 'unknown', reason: 'timed out (the exchange acted)' };
    return r;
  }
  override async findOrder(symbol: string, clientId: number): Promise<OrderInfo | null> {
    if (this.roll('queryFails')) throw new Error('findOrder: connection reset');
    return super.findOrder(symbol, clientId);
  }
  override async getOpenOrders(symbol?: string): Promise<OrderInfo[]> {
    if (this.roll('queryFails')) throw new Error('openOrders: connection reset');
    return super.getOpenOrders(symbol);
  }
  override async getPositions(): Promise<Position[]> {
    if (this.roll('queryFails')) throw new Error('positions: connection reset');
    return super.getPositions();
  }
  override async getFills(q: Parameters<BacktestPort['getFills']>[0]): ReturnType<BacktestPort['getFills']> {
    if (this.roll('queryFails')) throw new Error('fills: connection reset');
    return super.getFills(q);
  }
}

export interface SoakCounts {
  part: string;
  simulatedMs: number;
  wallMs: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  fills: number;
  ordersPlaced: number;
  invariantChecks: number;
  invariantViolations: string[];
  recordMismatches: string[];
  heapStartMb: number;
  heapEndMb: number;
  heapPeakMb: number;
}

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;

function soakSettings(symbols: string[]): Readonly<Settings> {
  return resolveSettings(
    {},
    {
      TIERHUNTER_SYMBOLS: symbols.join(','),
      TIERHUNTER_MAX_POSITION_NOTIONAL: '200',
      TIERHUNTER_ORDER_NOTIONAL: '50',
      TIERHUNTER_SESSION_LOSS_LIMIT: '0',
      TIERHUNTER_ALERT_DRAWDOWN: '1000000',
    },
  );
}

/** Part 1: `hours` of virtual time with seeded random fault episodes. */
export async function virtualSoak(o: { hours: number; seed: number; symbols?: string[]; onProgress?: (doneMs: number, totalMs: number) => void; gc?: () => void }): Promise<SoakCounts> {
  const symbols = o.symbols ?? ['SOL_USDC_PERP', 'BTC_USDC_PERP', 'ETH_USDC_PERP'];
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ex = new FaultyDirect({ clock, seed: o.seed, markets: symbols, faultSeed: o.seed * 7 + 1 });
  const journal = new MemoryJournal();
  const engine = new Engine({
    port: ex,
    clock,
    settings: soakSettings(symbols),
    runMode: 'paper',
    journal,
    stats: new LastBlockLog(),
    logger: new CountingLogger(),
    runState: new MemoryRunState(),
    coreVersion: 'soak',
    logFile: '(memory)',
  });
  const rng = new Prng(o.seed * 13 + 5);
  const limit = D(200);
  const violations: string[] = [];
  const episodes: Record<string, number> = {};
  let checks = 0;
  o.gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  const wall0 = Date.now();
  const pump = async () => {
    ex.drain();
    await new Promise<void>((r) => setImmediate(r));
    ex.drain();
  };
  const step = async (ms: number) => {
    const until = clock.now() + ms;
    while (clock.now() < until) {
      clock.runUntil(Math.min(until, clock.now() + 100));
      await pump();
      checks++;
      for (const v of liveViolations(ex.exchange, ex.apiKey, limit)) {
        if (violations.length < 50) violations.push(`${new Date(clock.now()).toISOString()} [${[...ex.active].join(',') || 'no fault'}; core ${symbols.map((s) => engine.view.stats.ledger(s).position.toString()).join('/')}] ${v}`);
      }
    }
  };
  await engine.start();
  await pump();
  const t0 = clock.now();
  const total = o.hours * 3_600_000;
  let nextEpisode = t0 + 30_000;
  let episodeEnd = 0;
  let current: VirtualFault | null = null;
  let lastProgress = t0;
  while (clock.now() - t0 < total) {
    const now = clock.now();
    if (current && now >= episodeEnd) {
      ex.active.delete(current);
      if (current === 'streamDown') {
        ex.inject({ type: 'connection', state: 'up', ts: now, detail: 'reconnected' });
        ex.inject({ type: 'connection', state: 'resynced', ts: now });
      }
      current = null;
      nextEpisode = now + 20_000 + rng.int(100_000);
    }
    if (!current && now >= nextEpisode) {
      current = VIRTUAL_FAULTS[rng.int(VIRTUAL_FAULTS.length)]!;
      episodes[current] = (episodes[current] ?? 0) + 1;
      episodeEnd = now + 5_000 + rng.int(55_000);
      if (current === 'streamDown') ex.inject({ type: 'connection', state: 'down', ts: now, detail: 'soak: stream outage' });
      if (current === 'depthGap') {
        ex.inject({ type: 'bookInvalid', symbol: symbols[rng.int(symbols.length)]!, reason: 'sequence gap (soak)', ts: now });
        episodeEnd = now; // one-off: the next book event rebuilds it
      }
      ex.active.add(current);
    }
    await step(1000);
    if (clock.now() - lastProgress >= 600_000) {
      lastProgress = clock.now();
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      o.onProgress?.(clock.now() - t0, total);
    }
  }
  if (current) {
    ex.active.delete(current);
    if (current === 'streamDown') {
      ex.inject({ type: 'connection', state: 'up', ts: clock.now(), detail: 'reconnected' });
      ex.inject({ type: 'connection', state: 'resynced', ts: clock.now() });
    }
  }
  // Settle: flat, then paused, then compare with the exchange's records.
  await engine.command({ name: 'flatten' });
  for (let i = 0; i < 600 && ex.exchange.positions(ex.apiKey).some((p) => !D(p.netQuantity).isZero()); i++) await step(1000);
  await engine.command({ name: 'pause' });
  for (let i = 0; i < 60 && (ex.exchange.openOrders(ex.apiKey).length > 0 || symbols.some((s) => engine.view.tracker.get(s) !== null)); i++) await step(1000);
  await step(5000);
  const stats = (await engine.command({ name: 'stats' })) as { data: CoreStatsData };
  const positions = Object.fromEntries(symbols.map((s) => [s, engine.view.stats.ledger(s).position.toString()]));
  const mismatches = [
    ...recordMismatches({ ex: ex.exchange, key: ex.apiKey, symbols, stats: stats.data, positions, journal: journal.load() }),
    ...reduceOnlyFlips(ex.exchange, ex.apiKey),
  ];
  const fills = ex.exchange.fills(ex.apiKey, { limit: 1e9 }).length;
  const placed = engine.view.ordersPlaced;
  let stopped = false;
  const stopping = engine.stop().then(() => (stopped = true));
  for (let i = 0; i < 200 && !stopped; i++) {
    clock.runUntil(clock.now() + 100);
    await pump();
  }
  await stopping;
  // The check above needed every record the exchange and the journal hold (hundreds of MB after a day at
  // the paper market's fill rate: that is the exchange's history, not the core). Release them so the end
  // figure is what the core and the paper books hold; the peak keeps them.
  for (const a of ex.exchange.accounts.values()) {
    a.fills.clear();
    a.history.length = 0;
  }
  journal.records.length = 0;
  o.gc?.();
  const heapEnd = process.memoryUsage().heapUsed;
  const byKind: Record<string, number> = {};
  for (const [k, v] of Object.entries(episodes)) byKind[`${k} episodes`] = v;
  for (const [k, v] of Object.entries(ex.hits)) byKind[`${k} hits`] = v;
  return {
    part: `virtual ${o.hours} h, ${symbols.length} symbols, seed ${o.seed}`,
    simulatedMs: clock.now() - t0,
    wallMs: Date.now() - wall0,
    faultsInjected: Object.values(episodes).reduce((a, b) => a + b, 0),
    faultsByKind: byKind,
    fills,
    ordersPlaced: placed,
    invariantChecks: checks,
    invariantViolations: violations,
    recordMismatches: mismatches,
    heapStartMb: mb(heapStart),
    heapEndMb: mb(heapEnd),
    heapPeakMb: mb(Math.max(heapPeak, heapEnd)),
  };
}

type ServerFault = { name: string; set: Partial<Faults> } | { name: 'wsDisconnect'; set: null };
const SERVER_FAULTS: ServerFault[] = [
  { name: 'latency', set: { latencyMs: 150, latencyJitterMs: 200 } },
  { name: 'errorRate', set: { errorRate: 0.2 } },
  { name: 'timeoutRate', set: { timeoutRate: 0.1 } },
  { name: 'rateLimit', set: { rateLimitPerMinute: 30 } },
  { name: 'wsDisconnect', set: null },
  { name: 'dropDepth', set: { dropDepthRate: 0.05 } },
  { name: 'malformed', set: { malformedRate: 0.03 } },
  { name: 'orderReject', set: { orderRejectRate: 0.5 } },
];

/** Part 2: the paper exchange server with its fault switches flipped at random, for `wallMs`. */
export async function realtimeSoak(o: { wallMs: number; seed: number; speed?: number; onProgress?: (doneMs: number, totalMs: number) => void; gc?: () => void }): Promise<SoakCounts> {
  const symbols = ['SOL_USDC_PERP', 'BTC_USDC_PERP', 'ETH_USDC_PERP'];
  const speed = o.speed ?? 1;
  o.gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  const h = await startHarness({ seed: o.seed, speed, symbols, env: { TIERHUNTER_ALERT_DRAWDOWN: '1000000' } });
  const rng = new Prng(o.seed * 17 + 3);
  const byKind: Record<string, number> = {};
  let injected = 0;
  const wall0 = Date.now();
  const sim0 = h.clock.now();
  try {
    while (Date.now() - wall0 < o.wallMs) {
      // A quiet spell, then one fault for a while (in simulated seconds: 10-40 quiet, 5-20 faulty).
      await h.run(10_000 + rng.int(30_000));
      if (Date.now() - wall0 >= o.wallMs) break;
      const f = SERVER_FAULTS[rng.int(SERVER_FAULTS.length)]!;
      byKind[f.name] = (byKind[f.name] ?? 0) + 1;
      injected++;
      if (f.set === null) h.sim.faults.disconnectAll();
      else h.sim.faults.set(f.set);
      await h.run(5_000 + rng.int(15_000));
      h.sim.faults.reset();
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      o.onProgress?.(Date.now() - wall0, o.wallMs);
    }
    const problems = await h.settleAndCheck();
    const fills = h.fills();
    const placed = h.engine.view.ordersPlaced;
    const simulatedMs = h.clock.now() - sim0;
    return {
      part: `real time ${Math.round(o.wallMs / 1000)} s wall at ${speed}x, ${symbols.length} symbols, seed ${o.seed}`,
      simulatedMs,
      wallMs: Date.now() - wall0,
      faultsInjected: injected,
      faultsByKind: {
        ...byKind,
        '429 answers': h.proxy.requests.filter((r) => r.status === 429).length,
        '503 answers': h.proxy.requests.filter((r) => r.status === 503).length,
        'unanswered requests': h.proxy.requests.filter((r) => r.status === null).length,
        'malformed frames': h.sim.ws.stats.malformedSent,
        'depth messages dropped': h.sim.ws.stats.depthDropped,
      },
      fills,
      ordersPlaced: placed,
      invariantChecks: h.watcher.samples,
      invariantViolations: problems.filter((p) => p.startsWith('invariant')),
      recordMismatches: problems.filter((p) => !p.startsWith('invariant')),
      heapStartMb: mb(heapStart),
      heapEndMb: 0,
      heapPeakMb: 0,
    };
  } finally {
    await h.stop();
    o.gc?.();
  }
}

export function finishHeap(c: SoakCounts, gc?: () => void): SoakCounts {
  if (c.heapEndMb === 0) {
    gc?.();
    c.heapEndMb = mb(process.memoryUsage().heapUsed);
    c.heapPeakMb = Math.max(c.heapPeakMb, c.heapEndMb, c.heapStartMb);
  }
  return c;
}

export function renderCounts(c: SoakCounts): string {
  const kinds = Object.entries(c.faultsByKind).map(([k, v]) => `${k}=${v}`).join(', ');
  return [
    `soak part: ${c.part}`,
    `  simulated ${(c.simulatedMs / 3_600_000).toFixed(2)} h in ${(c.wallMs / 1000).toFixed(1)} s wall`,
    `  faults injected: ${c.faultsInjected} (${kinds})`,
    `  fills: ${c.fills}, orders placed: ${c.ordersPlaced}, invariant checks: ${c.invariantChecks}`,
    `  invariant violations: ${c.invariantViolations.length}${c.invariantViolations.length ? ' ' + JSON.stringify(c.invariantViolations.slice(0, 5)) : ''}`,
    `  record mismatches: ${c.recordMismatches.length}${c.recordMismatches.length ? ' ' + JSON.stringify(c.recordMismatches.slice(0, 5)) : ''}`,
    `  memory (heap used after a full GC): start ${c.heapStartMb} MB, end ${c.heapEndMb} MB (core and paper books; the exchange's fill history and the journal copy the record check needs are released first), peak ${c.heapPeakMb} MB (with them)`,
  ].join('\n');
}
