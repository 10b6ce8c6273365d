// The invariants every fault scenario (and the soak) checks against the EXCHANGE's own records:
//  - at most one working order per symbol, position never beyond its limit (sampled while trading);
//  - reduce-only exits never flip a position (replayed from the exchange's fills and order history);
//  - the core's fills, volume, fees, realized PnL and positions equal the exchange's, and every fill is
//    journaled exactly once (trade ids are per market: keyed by symbol + tradeId).
import type { SimExchange } from '../../src/sim/exchange.js';
import type { Fill } from '../../src/domain/fill.js';
import type { JournalFill } from '../../src/core/ports.js';
import { TradingStats } from '../../src/core/stats.js';
import { D, type Decimal, ZERO } from '../../src/util/decimal.js';

/** Violations visible at this instant on the exchange. `slack` allows mark drift after a fill. */
export function liveViolations(ex: SimExchange, key: string, limit: Decimal, slack = 1.05): string[] {
  const out: string[] = [];
  const per = new Map<string, number>();
  for (const o of ex.openOrders(key)) per.set(o.symbol, (per.get(o.symbol) ?? 0) + 1);
  for (const [s, n] of per) if (n > 1) out.push(`${s}: ${n} working orders`);
  for (const p of ex.positions(key)) {
    const notional = D(p.netQuantity).abs().mul(D(p.markPrice));
    if (notional.gt(limit.mul(slack))) out.push(`${p.symbol}: position notional ${notional.toFixed(2)} > limit ${limit}`);
  }
  return out;
}

/** Samples liveViolations every `everyMs` of wall time until stopped. */
export class InvariantWatcher {
  readonly violations: string[] = [];
  samples = 0;
  maxOpenPerSymbol = 0;
  private timer: NodeJS.Timeout | null = null;
  constructor(
    private readonly ex: SimExchange,
    private readonly key: string,
    private readonly limit: Decimal,
    private readonly everyMs = 10,
  ) {}
  start(): void {
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }
  sample(): void {
    this.samples++;
    const per = new Map<string, number>();
    for (const o of this.ex.openOrders(this.key)) per.set(o.symbol, (per.get(o.symbol) ?? 0) + 1);
    for (const n of per.values()) this.maxOpenPerSymbol = Math.max(this.maxOpenPerSymbol, n);
    for (const v of liveViolations(this.ex, this.key, this.limit)) if (this.violations.length < 50) this.violations.push(v);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export function allFills(ex: SimExchange, key: string): Fill[] {
  return ex.fills(key, { limit: 10_000_000, sortDirection: 'Asc' });
}

/** Reduce-only fills that flipped (or grew) a position, replayed from the exchange's records. */
export function reduceOnlyFlips(ex: SimExchange, key: string): string[] {
  const reduceOnly = new Set(ex.orderHistory(key, { limit: 10_000_000 }).filter((o) => o.reduceOnly).map((o) => o.id));
  const pos = new Map<string, Decimal>();
  const out: string[] = [];
  for (const f of allFills(ex, key)) {
    const before = pos.get(f.symbol) ?? ZERO;
    const signed = f.side === 'Bid' ? D(f.quantity) : D(f.quantity).neg();
    const after = before.plus(signed);
    pos.set(f.symbol, after);
    if (!reduceOnly.has(f.orderId)) continue;
    const flipped = !after.isZero() && !before.isZero() && after.isNeg() !== before.isNeg();
    if (flipped || after.abs().gt(before.abs())) out.push(`${f.symbol}: reduce-only fill ${f.tradeId} took the position from ${before} to ${after}`);
  }
  return out;
}

export interface CoreStatsData {
  total: Record<string, unknown>;
  symbols: Record<string, Record<string, unknown>>;
}

/** The exchange's fills run through the same accounting (TradingStats) the core uses. */
export function expectedStats(fills: Fill[], symbols: string[]): TradingStats {
  const s = new TradingStats(symbols);
  for (const f of fills) {
    s.recordFill(f.side, D(f.quantity), D(f.price), f.isMaker, { symbol: f.symbol, fee: D(f.fee), ts: f.timestamp, tradeId: String(f.tradeId) });
  }
  return s;
}

/**
 * Every mismatch between the core's records and the exchange's. `positions`: the core's position per
 * symbol. `journal`: the records the core wrote (null to skip). Returns [] when everything agrees exactly.
 */
export function recordMismatches(a: {
  ex: SimExchange;
  key: string;
  symbols: string[];
  stats: CoreStatsData;
  positions: Record<string, string>;
  journal: JournalFill[] | null;
  /** Compare realized PnL too (off only where a scenario legitimately adopts a position). */
  pnl?: boolean;
}): string[] {
  const out: string[] = [];
  const fills = allFills(a.ex, a.key).filter((f) => a.symbols.includes(f.symbol));
  const exp = expectedStats(fills, a.symbols);
  const cmp = (what: string, core: unknown, want: string | number) => {
    const c = typeof want === 'number' ? core : core === undefined || core === null ? 'missing' : D(core as string).toString();
    if (String(c) !== String(want)) out.push(`${what}: core ${String(c)} != exchange ${String(want)}`);
  };
  const scopes: Array<[string, Record<string, unknown> | undefined, string | undefined]> = [['total', a.stats.total, undefined]];
  for (const s of a.symbols) scopes.push([s, a.stats.symbols[s], s]);
  for (const [name, core, sym] of scopes) {
    const f = exp.figures(sym);
    if (!core) {
      out.push(`${name}: no stats from the core`);
      continue;
    }
    cmp(`${name} fills`, core['fills'], f.fills);
    cmp(`${name} makerFills`, core['makerFills'], f.makerFills);
    cmp(`${name} volume`, core['volume'], f.volume.toString());
    cmp(`${name} fees`, core['fees'], f.fees.toString());
    // Average-cost division can leave digits far below a cent that depend on fill order: compare to 1e-12.
    if (a.pnl !== false) cmp(`${name} realizedPnl`, core['realizedPnl'] === undefined ? undefined : D(core['realizedPnl'] as string).toDecimalPlaces(12).toString(), f.realizedPnl.toDecimalPlaces(12).toString());
  }
  const exPos = new Map(a.ex.positions(a.key).map((p) => [p.symbol, D(p.netQuantity)]));
  for (const s of a.symbols) {
    const want = exPos.get(s) ?? ZERO;
    const core = a.positions[s];
    if (core === undefined || !D(core).eq(want)) out.push(`${s} position: core ${core} != exchange ${want}`);
  }
  if (a.journal) {
    const keys = a.journal.filter((r) => r.kind === 'fill' && a.symbols.includes(r.symbol)).map((r) => `${r.symbol}:${r.tradeId}`);
    const want = new Set(fills.map((f) => `${f.symbol}:${f.tradeId}`));
    const have = new Set(keys);
    if (keys.length !== have.size) out.push(`journal: ${keys.length - have.size} fill(s) written twice`);
    const missing = [...want].filter((k) => !have.has(k));
    const extra = [...have].filter((k) => !want.has(k));
    if (missing.length > 0) out.push(`journal: ${missing.length} exchange fill(s) missing, e.g. ${missing.slice(0, 3).join(', ')}`);
    if (extra.length > 0) out.push(`journal: ${extra.length} fill(s) the exchange does not have, e.g. ${extra.slice(0, 3).join(', ')}`);
  }
  return out;
}
