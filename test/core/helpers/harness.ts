// Builds an Engine over the FakePort with a VirtualClock and in-memory sinks.
import { Engine } from '../../../src/core/engine.js';
import { emptyRunState, type JournalFill, type JournalSink, type RunState } from '../../../src/core/ports.js';
import { defaultSettings, type Settings } from '../../../src/config/settings.js';
import type { ExchangeEvent } from '../../../src/exchange/types.js';
import type { OrderEvent } from '../../../src/domain/order.js';
import type { Side } from '../../../src/domain/side.js';
import { VirtualClock } from '../../../src/util/clock.js';
import { D, type Decimal, ZERO } from '../../../src/util/decimal.js';
import { FakeBook } from './fake-book.js';
import { FakePort } from './fake-port.js';

export const T0 = Date.UTC(2026, 0, 1);

export class MemJournal {
  records: JournalFill[] = [];
  failing = false;
  append(f: JournalFill): void {
    if (this.failing) throw new Error('EROFS');
    this.records.push(f);
  }
  load(): JournalFill[] {
    return this.records.slice();
  }
}

/**
 * A MemJournal that compacts as the file journal does: compact() keeps the state (as JSON, so only what
 * survives a file round trip) and drops the records it covers; loadCheckpoint() hands it back.
 */
export class CheckpointMemJournal extends MemJournal {
  checkpoint: unknown = null;
  compactions = 0;
  loadCheckpoint(): unknown {
    return this.checkpoint === null ? null : JSON.parse(JSON.stringify(this.checkpoint));
  }
  compact(state: unknown): Promise<void> {
    this.checkpoint = JSON.parse(JSON.stringify(state));
    this.records = [];
    this.compactions++;
    return Promise.resolve();
  }
}

export class MemLog {
  blocks: string[] = [];
  failing = false;
  write(b: string): void {
    if (this.failing) throw new Error('ENOSPC');
    this.blocks.push(b);
  }
}

export class MemLogger {
  lines: string[] = [];
  info(l: string): void {
    this.lines.push('I ' + l);
  }
  warn(l: string): void {
    this.lines.push('W ' + l);
  }
}

export class MemRunState {
  state: RunState = emptyRunState();
  saves = 0;
  load(): RunState {
    return structuredClone(this.state);
  }
  save(s: RunState): void {
    this.saves++;
    this.state = structuredClone(s);
  }
}

export function settingsWith(over: Partial<Settings> = {}): Settings {
  // Rule tests assert join-best prices: pin improveTicks to 0 whatever the shipped default is.
  return { ...defaultSettings(), symbols: ['SOL_USDC_PERP'], improveTicks: 0, ...over };
}

export interface Harness {
  engine: Engine;
  port: FakePort;
  clock: VirtualClock;
  journal: MemJournal;
  log: MemLog;
  logger: MemLogger;
  runState: MemRunState;
  book: FakeBook;
}

/** `parts.sink`: a journal of another kind (a real FileJournal) for the engine; h.journal is then unused. */
export function makeHarness(over: Partial<Settings> = {}, parts: Partial<Omit<Harness, 'engine'>> & { sink?: JournalSink } = {}): Harness {
  const clock = parts.clock ?? new VirtualClock(T0);
  const port = parts.port ?? new FakePort();
  const journal = parts.journal ?? new MemJournal();
  const log = parts.log ?? new MemLog();
  const logger = parts.logger ?? new MemLogger();
  const runState = parts.runState ?? new MemRunState();
  const book = parts.book ?? new FakeBook('SOL_USDC_PERP', [['100.00', 5], ['99.99', 5]], [['100.05', 5], ['100.06', 5]]);
  const engine = new Engine({
    port,
    clock,
    settings: settingsWith(over),
    runMode: 'paper',
    journal: parts.sink ?? journal,
    stats: log,
    logger,
    runState,
    coreVersion: '0.0.0-test',
    logFile: '/tmp/test-log.txt',
    pid: 42,
  });
  return { engine, port, clock, journal, log, logger, runState, book };
}

/** Let pending promise continuations run (the fake port answers asynchronously). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

export function bookEvent(book: FakeBook): ExchangeEvent {
  return { type: 'book', symbol: book.symbol, book, ts: 0, recvNs: 0n };
}

export function tradeEvent(symbol: string, takerSide: Side, qty: Decimal.Value, ts: number): ExchangeEvent {
  return { type: 'trade', trade: { symbol, price: D(100), quantity: D(qty), takerSide, tradeId: ts, ts }, recvNs: 0n };
}

export function fillEvent(
  o: { symbol: string; orderId: string; clientId: number | null; side: Side; price: Decimal; quantity: Decimal },
  fill: { tradeId: string; qty: Decimal.Value; price?: Decimal.Value; fee?: Decimal.Value; feeSymbol?: string; isMaker?: boolean },
  executed: Decimal,
  ts: number,
): ExchangeEvent {
  const filled = executed.gte(o.quantity);
  const ev: OrderEvent = {
    type: 'fill',
    symbol: o.symbol,
    orderId: o.orderId,
    clientId: o.clientId,
    side: o.side,
    orderType: 'Limit',
    status: filled ? 'Filled' : 'PartiallyFilled',
    price: o.price,
    quantity: o.quantity,
    executedQuantity: executed,
    executedQuoteQuantity: ZERO,
    reduceOnly: false,
    postOnly: true,
    fill: {
      tradeId: fill.tradeId,
      price: D(fill.price ?? o.price),
      quantity: D(fill.qty),
      isMaker: fill.isMaker ?? true,
      fee: D(fill.fee ?? 0),
      feeSymbol: fill.feeSymbol ?? 'USDC',
    },
    ts,
  };
  return { type: 'order', event: ev, recvNs: 0n };
}

/** Start the engine, feed the book, and make takers buy so the flow picks a side ('with' => Ask). */
export async function startQuoting(h: Harness, takerSide: Side = 'Bid'): Promise<void> {
  await h.engine.start();
  h.port.emit(tradeEvent('SOL_USDC_PERP', takerSide, 1, h.clock.now()));
  h.port.emit(bookEvent(h.book));
  await settle();
}
