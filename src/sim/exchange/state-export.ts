// What of the paper exchange outlives a restart, and history given to it from outside: the state file's
// shape, its export (open orders are saved as cancelled, since the book is rebuilt) and import (cut to
// this exchange's history limits), and seeding an account with fills traded "before" (tests, tools).
import { D, type Decimal } from '../../util/decimal.js';
import { feesFrom } from '../accounts/account.js';
import { appendFill, badSeedFill, fillFromJson, type FillJson } from '../accounts/history.js';
import type { ExchangeState } from './state.js';
import { fundingFromJson, fundingToJson, orderFromJson, orderToJson, type FundingJson, type OrderJson } from './state-json.js';
import { orderInfo } from './views.js';

export interface SimStateFile {
  version: 1;
  savedAt: number;
  nextOrderId: number;
  tradeSeq: Record<string, number>;
  accounts: Array<{
    key: string;
    fees: Record<string, string>;
    balances: Record<string, string>;
    positions: Array<Record<string, string>>;
    /** Older state files held every fill here; now they live in an append-only log (server/fill-log.ts). */
    fills?: FillJson[];
    /** Sequence number one past the newest fill this state covers (fills in the log beyond it are dropped). */
    fillEnd?: number;
    history: OrderJson[];
    funding: FundingJson[];
    /**
     * Orders that were resting when the file was written (also in `history` as Cancelled, since the book
     * is not restored). Read-only evidence for operators and end-to-end tests: the file written when the
     * in-process paper exchange stops shows what the bot left at the exchange. Ignored on load.
     */
    openAtSave?: OrderJson[];
  }>;
}

export function exportState(s: ExchangeState): SimStateFile {
  const accounts: SimStateFile['accounts'] = [];
  for (const a of s.accounts.values()) {
    const balances: Record<string, string> = {};
    for (const [asset, b] of a.balances) balances[asset] = b.total.toString();
    const history = a.history.map((o) => orderToJson(o, s.markets.get(o.symbol)));
    const openAtSave: OrderJson[] = [];
    // Open orders do not survive a restart (the book is rebuilt): saved as cancelled.
    for (const o of a.open.values()) {
      const m = s.markets.get(o.symbol)!;
      const v = orderToJson(orderInfo(o, m), m);
      openAtSave.push(v);
      history.push({ ...v, status: 'Cancelled' });
    }
    accounts.push({
      key: a.key,
      fees: Object.fromEntries(Object.entries(a.fees).map(([k, v]) => [k, (v as Decimal).toString()])),
      balances,
      positions: [...a.positions.values()].map((p) => ({
        symbol: p.symbol,
        positionId: p.positionId,
        net: p.net.toString(),
        entry: p.entry.toString(),
        realized: p.realized.toString(),
        cumFunding: p.cumFunding.toString(),
        fees: p.fees.toString(),
      })),
      fillEnd: a.fills.end,
      history,
      funding: a.funding.map(fundingToJson),
      openAtSave,
    });
  }
  const tradeSeq: Record<string, number> = {};
  for (const m of s.markets.values()) tradeSeq[m.symbol] = m.tradeSeq;
  return { version: 1, savedAt: s.clock.now(), nextOrderId: s.nextOrderId, tradeSeq, accounts };
}

export function importState(s: ExchangeState, f: SimStateFile): void {
  if (f.version !== 1) throw new Error(`unsupported sim state version ${String(f.version)}`);
  s.nextOrderId = Math.max(s.nextOrderId, f.nextOrderId);
  for (const [sym, seq] of Object.entries(f.tradeSeq)) {
    const m = s.markets.get(sym);
    if (m) m.tradeSeq = Math.max(m.tradeSeq, seq);
  }
  for (const sa of f.accounts) {
    const a = s.newAccount(sa.key, feesFrom(sa.fees));
    for (const [asset, total] of Object.entries(sa.balances)) a.balance(asset).total = D(total);
    for (const p of sa.positions) {
      a.positions.set(p['symbol']!, {
        symbol: p['symbol']!,
        positionId: p['positionId']!,
        net: D(p['net']!),
        entry: D(p['entry']!),
        realized: D(p['realized']!),
        cumFunding: D(p['cumFunding']!),
        fees: D(p['fees'] ?? '0'),
      });
    }
    // Fills: inline in older state files; otherwise the state file's loader adds them from the fill log.
    for (const fl of sa.fills ?? []) a.fills.append(fillFromJson(fl));
    for (const o of sa.history) a.history.push(orderFromJson(o));
    // A state saved without limits (or with larger ones) is cut to this exchange's limits.
    a.fills.keepNewest(s.fillLimit);
    if (a.history.length > s.historyLimit) a.history.splice(0, a.history.length - s.historyLimit);
    for (const f of sa.funding) a.funding.push(fundingFromJson(f));
    s.accounts.set(a.key, a);
  }
}

/**
 * Add historical fills to an account's history (as if traded before this exchange started; balances and
 * positions are not touched, so seed round trips that end flat). Oldest first, none older than the
 * account's newest fill. A fill without a tradeId gets the market's next one; the market's trade ids
 * continue above every seeded id.
 */
export function seedFills(s: ExchangeState, key: string, fills: Array<Omit<FillJson, 'tradeId'> & { tradeId?: number }>): void {
  const acct = s.account(key);
  let last = acct.fills.newestTs ?? -Infinity;
  // All checked before any is added: a bad batch changes nothing.
  for (const f of fills) {
    const bad = badSeedFill(f) ?? (s.markets.has(f.symbol) ? null : `unknown market ${f.symbol}`);
    if (bad !== null) throw new Error(`seedFills: ${bad}`);
    if (f.timestamp < last) throw new Error(`seedFills: fill at ${f.timestamp} is older than the account's newest (${last}); seed oldest first, before trading`);
    last = f.timestamp;
  }
  for (const f of fills) {
    const m = s.markets.get(f.symbol)!;
    const tradeId = f.tradeId ?? ++m.tradeSeq;
    if (tradeId > m.tradeSeq) m.tradeSeq = tradeId;
    appendFill(acct, fillFromJson({ ...f, tradeId }), s.fillLimit);
  }
}
