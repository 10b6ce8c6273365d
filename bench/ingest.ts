// Ingest throughput: raw public websocket frames (depth deltas and trades for 3 perps, as JSON strings)
// through the REAL path: JSON.parse + envelope check (as BackpackWs does), the adapter's own dispatch
// (codec -> SyncedBook -> event), and Engine.handle (flow window, strategy, refresh diff, risk gate). The
// port answers placements and cancels at once (accepted), so the engine keeps quoting and re-quoting as
// it would live; answers land between batches of frames, like REST replies between socket reads.
// Simulated time follows the frames' timestamps (1 ms apart), so the engine's timers fire as they would.
// The rate is per CPU-second of the process (process.cpuUsage), i.e. on one core whatever else runs.
import { BackpackAdapter } from '../src/exchange/backpack/adapter.js';
import type { SyncedBook } from '../src/exchange/backpack/book.js';
import { Engine } from '../src/core/engine.js';
import { EMPTY_METRICS } from '../src/core/stats.js';
import { resolveSettings } from '../src/config/settings.js';
import type { ExchangeMetrics, ExchangePort } from '../src/exchange/port.js';
import type { ExchangeEvent, Outcome } from '../src/exchange/types.js';
import type { MarketInfo } from '../src/domain/market.js';
import type { OrderInfo, OrderRequest } from '../src/domain/order.js';
import { VirtualClock } from '../src/util/clock.js';
import { D, ZERO } from '../src/util/decimal.js';
import { LastBlockLog, MemoryRunState } from '../src/backtest/sinks.js';
import { BenchJournal, BenchLogger, isChild, median } from './util.js';

interface Spec {
  symbol: string;
  tick: number;
  dp: number;
  step: string;
  mid: number;
  size: number;
}
const SPECS: Spec[] = [
  { symbol: 'SOL_USDC_PERP', tick: 0.01, dp: 2, step: '0.01', mid: 180, size: 40 },
  { symbol: 'BTC_USDC_PERP', tick: 0.1, dp: 1, step: '0.00001', mid: 90000, size: 0.8 },
  { symbol: 'ETH_USDC_PERP', tick: 0.01, dp: 2, step: '0.0001', mid: 3500, size: 12 },
];
const T0 = Date.UTC(2026, 0, 1);
/** Simulated ms between frames (1,000 frames/s over 3 markets: a busy feed). */
const FRAME_MS = 1;
const BATCH = 256;

function market(s: Spec): MarketInfo {
  const [base = '', quote = ''] = s.symbol.split('_');
  return {
    symbol: s.symbol, baseSymbol: base, quoteSymbol: quote, marketType: 'PERP',
    tickSize: D(s.tick), stepSize: D(s.step), minQuantity: D(s.step), maxQuantity: null, minPrice: null, maxPrice: null, orderBookState: 'Open',
  };
}

/** A port that accepts every placement and cancel at once and has nothing else to say. */
class InstantPort implements ExchangePort {
  readonly host = 'bench';
  onEvent: ((e: ExchangeEvent) => void) | null = null;
  placed = 0;
  cancelled = 0;
  private id = 1;
  private readonly m: ExchangeMetrics = { ...EMPTY_METRICS, restLimitPerMinute: 2000, wsConnected: true, lastMessageAgoMs: 0 };
  constructor(private readonly markets: MarketInfo[]) {}
  metrics(): ExchangeMetrics {
    return this.m;
  }
  async start(_s: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    this.onEvent = onEvent;
  }
  async stop(): Promise<void> {}
  async getMarkets(): Promise<MarketInfo[]> {
    return this.markets;
  }
  placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    this.placed++;
    return Promise.resolve({ kind: 'accepted', value: info(req, String(this.id++), 'New') });
  }
  cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }): Promise<Outcome<OrderInfo>> {
    this.cancelled++;
    const req: OrderRequest = { symbol, side: 'Bid', orderType: 'Limit', quantity: ZERO, clientId: 'clientId' in id ? id.clientId : 0 };
    return Promise.resolve({ kind: 'accepted', value: info(req, 'orderId' in id ? id.orderId : '0', 'Cancelled') });
  }
  async cancelAll(): Promise<Outcome<OrderInfo[]>> {
    return { kind: 'accepted', value: [] };
  }
  async getOpenOrders(): Promise<OrderInfo[]> {
    return [];
  }
  async findOrder(): Promise<OrderInfo | null> {
    return null;
  }
  async getPositions() {
    return [];
  }
  async getBalances() {
    return [];
  }
  async getCollateral() {
    return { netEquity: D(10000), netEquityAvailable: D(10000), pnlUnrealized: ZERO };
  }
  async getAccountFees() {
    return { futuresMakerFeeBps: D(2), futuresTakerFeeBps: D(5), spotMakerFeeBps: D(8), spotTakerFeeBps: D(10) };
  }
  async getFills() {
    return { rows: [], page: null };
  }
  async getFundingHistory() {
    return { rows: [], page: null };
  }
  async getMarkPrice() {
    return null;
  }
}

function info(req: OrderRequest, id: string, status: OrderInfo['status']): OrderInfo {
  return {
    id, clientId: req.clientId, symbol: req.symbol, side: req.side, orderType: 'Limit', price: req.price ?? null, quantity: req.quantity,
    executedQuantity: ZERO, executedQuoteQuantity: ZERO, status, postOnly: req.postOnly ?? false, reduceOnly: req.reduceOnly ?? false,
    timeInForce: req.timeInForce ?? 'GTC', createdAt: 0,
  };
}

interface Frames {
  frames: string[];
  /** Simulated ms of each frame. */
  ts: number[];
  snapshots: Array<{ symbol: string; bids: Array<[string, string]>; asks: Array<[string, string]>; lastUpdateId: number }>;
}

/**
 * A deterministic feed: per market a random walk of the touch (new best prices appear and levels are
 * pulled), size changes within 10 ticks of the touch, and trades at the touch. 70% depth, 30% trades.
 */
export function makeFrames(n: number, seed = 7): Frames {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296);
  const st = SPECS.map((s) => ({ s, bid: Math.round(s.mid / s.tick) - 1, ask: Math.round(s.mid / s.tick) + 1, u: 1000, tradeId: 1 }));
  const px = (s: Spec, t: number) => (t * s.tick).toFixed(s.dp);
  const qty = (s: Spec) => (s.size * (0.2 + rnd() * 1.8)).toFixed(4);
  const snapshots = st.map((m) => {
    const bids: Array<[string, string]> = [];
    const asks: Array<[string, string]> = [];
    for (let i = 59; i >= 0; i--) bids.push([px(m.s, m.bid - i), qty(m.s)]);
    for (let i = 0; i < 60; i++) asks.push([px(m.s, m.ask + i), qty(m.s)]);
    return { symbol: m.s.symbol, bids, asks, lastUpdateId: m.u };
  });
  const frames: string[] = [];
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = st[i % st.length]!;
    const s = m.s;
    const tMs = T0 + (i + 1) * FRAME_MS;
    const us = tMs * 1000;
    ts.push(tMs);
    const r = rnd();
    if (r < 0.3) {
      const buy = rnd() < 0.5;
      frames.push(
        JSON.stringify({ stream: `trade.${s.symbol}`, data: { e: 'trade', E: us, s: s.symbol, p: px(s, buy ? m.ask : m.bid), q: qty(s), b: String(m.tradeId), a: String(m.tradeId + 1), t: m.tradeId++, T: us, m: !buy } }),
      );
      continue;
    }
    const b: Array<[string, string]> = [];
    const a: Array<[string, string]> = [];
    if (r < 0.44) {
      // The touch moves: a new best price inside the spread, or the best level is pulled.
      const bidSide = rnd() < 0.5;
      const improve = m.ask - m.bid > 1 && rnd() < 0.5;
      if (bidSide) {
        if (improve) b.push([px(s, ++m.bid), qty(s)]);
        else {
          b.push([px(s, m.bid), '0']);
          m.bid--;
          b.push([px(s, m.bid), qty(s)]); // the next level exists (re-asserted)
        }
      } else if (improve) a.push([px(s, --m.ask), qty(s)]);
      else {
        a.push([px(s, m.ask), '0']);
        m.ask++;
        a.push([px(s, m.ask), qty(s)]);
      }
    } else {
      const k = 1 + Math.floor(rnd() * 3);
      for (let j = 0; j < k; j++) {
        const d = Math.floor(rnd() * 10);
        if (rnd() < 0.5) b.push([px(s, m.bid - d), qty(s)]);
        else a.push([px(s, m.ask + d), qty(s)]);
      }
    }
    const U = m.u + 1;
    m.u = U;
    frames.push(JSON.stringify({ stream: `depth.${s.symbol}`, data: { e: 'depth', E: us, s: s.symbol, a, b, U, u: U, T: us } }));
  }
  return { frames, ts, snapshots };
}

/** The adapter's private dispatch, reached for the benchmark (the code under test, unchanged). */
interface AdapterInternals {
  books: Map<string, SyncedBook>;
  onEvent: ((e: ExchangeEvent) => void) | null;
  onMessage(stream: string, data: unknown, recvNs: bigint): void;
}

export interface IngestResult {
  /** Messages per CPU-second of this process (one core; robust to other load on the machine). */
  msgsPerSec: number;
  /** Messages per wall-clock second (lower when the machine is busy). */
  wallMsgsPerSec: number;
  runs: number[];
  placed: number;
  cancels: number;
  malformed: number;
}

async function oneRun(f: Frames): Promise<{ rate: number; wallRate: number; placed: number; cancels: number; malformed: number }> {
  const clock = new VirtualClock(T0);
  const symbols = SPECS.map((s) => s.symbol);
  const settings = resolveSettings({}, { TIERHUNTER_SYMBOLS: symbols.join(',') });
  const port = new InstantPort(SPECS.map(market));
  const engine = new Engine({
    port, clock, settings, runMode: 'paper', journal: new BenchJournal(), stats: new LastBlockLog(), logger: new BenchLogger(),
    runState: new MemoryRunState(), coreVersion: 'bench', logFile: '(memory)',
  });
  await engine.start();
  const adapter = new BackpackAdapter({ restUrl: 'http://127.0.0.1:9', wsUrl: 'ws://127.0.0.1:9/', keys: null, settings, clock });
  const a = adapter as unknown as AdapterInternals;
  if (!(a.books instanceof Map) || typeof a.onMessage !== 'function') throw new Error('adapter internals changed: update bench/ingest.ts');
  a.onEvent = port.onEvent;
  const { SyncedBook } = await import('../src/exchange/backpack/book.js');
  for (const snap of f.snapshots) {
    const book = new SyncedBook(snap.symbol);
    a.books.set(snap.symbol, book);
    book.loadSnapshot({ ...snap, ts: T0 });
    port.onEvent?.({ type: 'book', symbol: snap.symbol, book, ts: T0, recvNs: process.hrtime.bigint() });
  }
  await new Promise((r) => setImmediate(r));
  const frames = f.frames;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < frames.length; i += BATCH) {
    const end = Math.min(frames.length, i + BATCH);
    for (let j = i; j < end; j++) {
      const recvNs = process.hrtime.bigint();
      const msg = JSON.parse(frames[j]!) as unknown;
      if (typeof msg !== 'object' || msg === null) continue;
      const m = msg as Record<string, unknown>;
      if (typeof m.stream === 'string' && m.data !== undefined) a.onMessage(m.stream, m.data, recvNs);
    }
    clock.runUntil(f.ts[end - 1]!);
    await new Promise((r) => setImmediate(r)); // REST answers land between socket reads
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  const malformed = engine.view.malformedEvents + adapter.handlerErrors;
  await engine.stop().catch(() => undefined);
  return { rate: frames.length / cpu, wallRate: frames.length / wall, placed: port.placed, cancels: port.cancelled, malformed };
}

export async function benchIngest(opts: { messages?: number; runs?: number } = {}): Promise<IngestResult> {
  const f = makeFrames(opts.messages ?? 200_000);
  await oneRun(makeFrames(20_000, 3)); // warm-up (JIT)
  const runs: number[] = [];
  const wall: number[] = [];
  let last = { placed: 0, cancels: 0, malformed: 0 };
  for (let i = 0; i < (opts.runs ?? 5); i++) {
    const r = await oneRun(f);
    runs.push(r.rate);
    wall.push(r.wallRate);
    last = r;
  }
  return { msgsPerSec: median(runs), wallMsgsPerSec: median(wall), runs, placed: last.placed, cancels: last.cancels, malformed: last.malformed };
}

if (isChild(import.meta.url) || import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchIngest();
  console.log(JSON.stringify(r));
}
