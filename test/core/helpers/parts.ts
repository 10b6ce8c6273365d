// The core's components as the Engine wires them (assembleCore), without the loop: a component test
// drives one of them directly and reads what it did through the fakes and the recorded loop hooks.
import { assembleCore, type CoreParts } from '../../../src/core/core-parts.js';
import type { Effect } from '../../../src/core/execution.js';
import { openSymbols } from '../../../src/core/lifecycle.js';
import { LoopState } from '../../../src/core/loop-state.js';
import type { SymbolState } from '../../../src/core/symbol-state.js';
import type { Settings } from '../../../src/config/settings.js';
import type { MarketInfo } from '../../../src/domain/market.js';
import type { Side } from '../../../src/domain/side.js';
import type { LedgerFill } from '../../../src/core/journal-codec.js';
import { VirtualClock } from '../../../src/util/clock.js';
import { D, type Decimal } from '../../../src/util/decimal.js';
import { FakePort } from './fake-port.js';
import { MemJournal, MemLog, MemLogger, MemRunState, settingsWith, T0 } from './harness.js';

export interface PartsRig {
  parts: CoreParts;
  loop: LoopState;
  settings: Settings;
  clock: VirtualClock;
  port: FakePort;
  journal: MemJournal;
  log: MemLog;
  logger: MemLogger;
  runState: MemRunState;
  /** What the components told the loop through its hooks. */
  hooks: { due: SymbolState[]; settled: Array<[SymbolState, Effect]>; changed: number };
}

/** The assembled components over the fakes; the symbols of `settings.symbols` opened on `markets`. */
export function makeParts(over: Partial<Settings> = {}, markets?: MarketInfo[]): PartsRig {
  const clock = new VirtualClock(T0);
  const port = new FakePort();
  if (markets) port.markets = markets;
  const journal = new MemJournal();
  const log = new MemLog();
  const logger = new MemLogger();
  const runState = new MemRunState();
  const settings = settingsWith(over);
  const loop = new LoopState(clock.now());
  const hooks: PartsRig['hooks'] = { due: [], settled: [], changed: 0 };
  const parts = assembleCore({ port, clock, settings, journal, stats: log, logger, runState, logFile: '/tmp/test-log.txt' }, loop, {
    inflight: (p) => loop.keepInFlight(p),
    changed: () => void hooks.changed++,
    due: (sym) => void hooks.due.push(sym),
    settled: (sym, effect) => void hooks.settled.push([sym, effect]),
    countFill: (f, live) => parts.fills.count(parts.syms.get(f.symbol), f, live) !== null,
    replayFill: (f) => void parts.fills.book(parts.syms.get(f.symbol), f, false),
    appendJournal: (rec) => void parts.outputs.appendJournal(rec),
    reconciled: () => undefined,
    positionRead: () => undefined,
  });
  for (const sym of openSymbols(port.markets, settings, parts.portfolio, port.host)) parts.syms.set(sym.symbol, sym);
  // As prepareStart does: the loss limits count from here (nothing carried over).
  parts.portfolio.limits.restore(null, parts.portfolio.stats.netPnl(), clock.now());
  return { parts, loop, settings, clock, port, journal, log, logger, runState, hooks };
}

let tradeSeq = 0;

/** A fill of ours (unique trade id unless given). */
export function ledgerFill(symbol: string, side: Side, qty: Decimal.Value, price: Decimal.Value, over: Partial<LedgerFill> = {}): LedgerFill {
  return {
    kind: 'fill',
    tradeId: `t${++tradeSeq}`,
    orderId: 'o1',
    clientId: null,
    symbol,
    side,
    price: D(price),
    quantity: D(qty),
    fee: D(0),
    feeSymbol: 'USDC',
    isMaker: true,
    timestamp: T0,
    ...over,
  };
}
