// The core's start and stop sequences apart from the loop: opening the configured symbols on the
// exchange's markets, and the stop (an optional flatten, in-flight placements landing, cancel-all, the
// final stats block, the streams and a last journal checkpoint), each step inside the shutdown budget.
import { ConfigError } from '../config/errors.js';
import type { Settings } from '../config/settings.js';
import type { MarketInfo } from '../domain/market.js';
import type { ExchangePort } from '../exchange/port.js';
import { type Clock, raceTimeout, sleep } from '../util/clock.js';
import { ZERO } from '../util/decimal.js';
import type { CoreParts } from './core-parts.js';
import type { HistorySync } from './history-sync.js';
import type { LoopState } from './loop-state.js';
import type { LimitChange } from './loss-limits.js';
import { healthSymbols } from './monitoring.js';
import type { Modes } from './modes.js';
import type { Logger } from './ports.js';
import type { Portfolio } from './portfolio.js';
import type { Quoting } from './quoting.js';
import { SpotAccount, type SpotHost } from './spot-account.js';
import { SymbolState } from './symbol-state.js';

const STOP_BUDGET_MS = 7000;
/**
 * TIERHUNTER_FLATTEN_ON_STOP: reduce-only exits for at most this long (post-only at the touch, then IOC
 * reduce-only, see quoting.ts), then the normal stop. Both stages together with the cancel and the final
 * block stay inside pm2's kill_timeout (12 s in ecosystem.config.cjs).
 */
const STOP_FLATTEN_MS = 5000;
const STOP_FLATTEN_POLL_MS = 100;
/** The stop budget left after a flatten on stop (cancel, final block, streams). */
const STOP_AFTER_FLATTEN_MS = 4500;

/** The configured symbols' state, in settings order; an unknown symbol is a configuration error. */
export function openSymbols(markets: MarketInfo[], s: Readonly<Settings>, portfolio: Portfolio, host: string): SymbolState[] {
  const bySym = new Map(markets.map((m) => [m.symbol, m]));
  const missing = s.symbols.filter((x) => !bySym.has(x));
  if (missing.length > 0) {
    throw new ConfigError('TIERHUNTER_SYMBOLS', `unknown symbol(s) ${missing.join(', ')} on ${host}; check TIERHUNTER_SYMBOLS`);
  }
  return s.symbols.map((symbol) => {
    const sym = new SymbolState(symbol, bySym.get(symbol)!, s);
    if (sym.isSpot) {
      sym.spotTarget = s.spotTargetBase[symbol] ?? ZERO;
      // A residual below the market minimum (a base fee's leftover) cannot be traded: flat for round trips.
      portfolio.stats.ledger(symbol).dust = { step: sym.market.stepSize, min: sym.market.minQuantity };
    }
    return sym;
  });
}

export interface StartContext {
  clock: Clock;
  settings: Readonly<Settings>;
  port: ExchangePort;
  logger: Logger;
  parts: CoreParts;
  inflight<T>(p: Promise<T>): Promise<T>;
  /** Spot balances changed (a REST read): re-quote the spot symbols. */
  spotChanged: () => void;
  readFees: () => Promise<void>;
  /** Write log.txt's header for this start (`journal`: what was read from the journal). */
  header: (journal: string) => void;
}

/**
 * Everything before the streams open: the symbols on the exchange's markets, spot balances, the operator's
 * run state, fee rates, the recovery (orphans cancelled, positions read, the journal replayed, the fills
 * made while down read) and the loss limits carried over. Returns the limits' changes to announce.
 */
export async function prepareStart(c: StartContext): Promise<LimitChange[]> {
  const { clock, settings: s, parts: p } = c;
  const markets = await c.port.getMarkets();
  for (const sym of openSymbols(markets, s, p.portfolio, c.port.host)) p.syms.set(sym.symbol, sym);
  const spotSyms = [...p.syms.values()].filter((x) => x.isSpot);
  if (spotSyms.length > 0) p.spot = new SpotAccount(spotHost(c), spotSyms, markets, s.balanceRefreshSec * 1000);
  const savedLimits = p.runState.restore(clock.now());
  await c.readFees();
  const replayed = await p.recovery.atStart();
  const carried = p.portfolio.limits.restore(savedLimits, p.portfolio.stats.netPnl(), clock.now());
  p.portfolio.beginSession();
  p.monitoring.health.begin({ now: clock.now(), metrics: c.port.metrics(), stats: p.portfolio.stats, symbols: healthSymbols(p.syms.values()) });
  c.header(replayed);
  return carried;
}

function spotHost(c: StartContext): SpotHost {
  const { portfolio, execution } = c.parts;
  return {
    port: c.port,
    clock: c.clock,
    logger: c.logger,
    ledger: (symbol) => portfolio.stats.ledger(symbol),
    workingOrders: () => execution.tracker.all(),
    ordersPlaced: () => execution.ordersPlaced,
    inflight: c.inflight,
    changed: c.spotChanged,
  };
}

export interface StopContext {
  clock: Clock;
  logger: Logger;
  settings: Readonly<Settings>;
  port: ExchangePort;
  syms: ReadonlyMap<string, SymbolState>;
  spot: SpotAccount | null;
  modes: Modes;
  quoting: Quoting;
  portfolio: Portfolio;
  sync: HistorySync;
  /** Started (a flatten on stop needs the streams and state), the streams' state, the requests in flight. */
  loop: LoopState;
  /** Re-quote every symbol now (the flatten's exits). */
  requoteAll: () => void;
  /** Write the final stats block. */
  finalBlock: () => void;
  changed: () => void;
}

/** The stop sequence after the timers are cleared; every wait is bounded so pm2 never has to kill. */
export async function stopCore(c: StopContext): Promise<void> {
  c.spot?.stop();
  for (const sym of c.syms.values()) c.quoting.clearWake(sym);
  const flatten = c.settings.flattenOnStop && c.loop.started;
  if (flatten) await flattenForStop(c);
  const deadline = c.clock.now() + (flatten ? STOP_AFTER_FLATTEN_MS : STOP_BUDGET_MS);
  const within = <T>(p: Promise<T>, ms: number) => raceTimeout(c.clock, p, Math.max(0, ms));
  // Let in-flight placements land first so cancelAll cannot miss them.
  await within(Promise.allSettled(c.loop.pending()), 1500);
  await within(
    Promise.allSettled(
      c.settings.symbols.map((symbol) =>
        c.port.cancelAll(symbol).then((o) => {
          if (o.kind !== 'accepted') c.logger.warn(`[${symbol}] cancelAll on stop: ${o.kind === 'rejected' ? o.message : o.reason}`);
        }),
      ),
    ),
    deadline - c.clock.now() - 1500,
  );
  c.finalBlock();
  await within(c.port.stop().catch(() => undefined), deadline - c.clock.now());
  // A checkpoint of everything so far: the next start reads it instead of this run's records.
  await within(c.sync.compaction ?? Promise.resolve(), deadline - c.clock.now());
  await within(c.sync.compact(true) ?? Promise.resolve(), Math.max(1000, deadline - c.clock.now()));
  c.logger.info('Tier Hunter stopped');
  c.changed();
}

/**
 * TIERHUNTER_FLATTEN_ON_STOP: every symbol (paused ones too) gets reduce-only exits until flat or
 * STOP_FLATTEN_MS, post-only at the touch first, then IOC reduce-only at the touch. The operator's
 * modes are not changed (nothing of this is saved in the run state).
 */
async function flattenForStop(c: StopContext): Promise<void> {
  const since = c.clock.now();
  const syms = [...c.syms.values()];
  const holding = () => syms.filter((x) => !c.quoting.isFlat(x)).map((x) => `${x.symbol} ${c.portfolio.inventory(x)}`);
  const held = holding();
  if (held.length === 0) return;
  c.logger.info(`flatten on stop: closing ${held.join(', ')} with reduce-only orders (at most ${STOP_FLATTEN_MS / 1000} s)`);
  c.modes.stopFlattenSince = since;
  c.changed();
  while (c.clock.now() - since < STOP_FLATTEN_MS) {
    c.requoteAll();
    if (c.quoting.allFlat(syms)) break;
    if (c.loop.connDown) {
      c.logger.warn('flatten on stop: the exchange stream is down; cancelling instead');
      break;
    }
    await sleep(c.clock, STOP_FLATTEN_POLL_MS);
  }
  c.modes.stopFlattenSince = null;
  const left = holding();
  if (left.length > 0) c.logger.warn(`flatten on stop: still holding ${left.join(', ')}`);
  else c.logger.info('flatten on stop: flat');
  c.changed();
}
