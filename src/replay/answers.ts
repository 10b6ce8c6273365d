// What the replay exchange answers about the account when a query arrives at the venue (positions,
// balances, collateral, fills, funding, order history): pure reads of the ReplayAccount and the markets'
// marks, shaped like the real endpoints' answers (pages with the X-TOTAL / X-PAGE-* headers). The port in
// src/replay/exchange.ts sends each through the latency loop.
import type { FillsQuery } from '../exchange/port.js';
import type { BalanceInfo, CollateralInfo, FundingInfo, Paged } from '../exchange/types.js';
import type { Fill } from '../domain/fill.js';
import type { OrderInfo } from '../domain/order.js';
import type { Position } from '../domain/position.js';
import { pageHeadersFor } from '../sim/accounts/history.js';
import { unrealized } from '../sim/accounts/position.js';
import { type Decimal, ZERO } from '../util/decimal.js';
import { STARTING_COLLATERAL, type ReplayAccount } from './account.js';
import type { ReplayMarket } from './market.js';

/** A market as the answers see it: its definition and the engine-side mark (null before one). */
export interface AnsweredMarket {
  m: ReplayMarket;
  mark(): Decimal | null;
}

export class AccountAnswers {
  constructor(
    private readonly account: ReplayAccount,
    private readonly markets: ReadonlyMap<string, AnsweredMarket>,
  ) {}

  /** The last finished order of `clientId` on `symbol` (the history is bounded: recent orders only). */
  finished(symbol: string, clientId: number): OrderInfo | null {
    const h = this.account.history;
    for (let i = h.length - 1; i >= 0; i--) if (h[i]!.symbol === symbol && h[i]!.clientId === clientId) return h[i]!;
    return null;
  }

  positions(): Position[] {
    const out: Position[] = [];
    for (const [s, p] of this.account.positions) {
      const mk = this.markets.get(s)!;
      if (!mk.m.isPerp || p.net.isZero()) continue;
      const mark = mk.mark() ?? p.entry;
      out.push({ symbol: s, netQuantity: p.net, entryPrice: p.entry, markPrice: mark, pnlRealized: p.realized, pnlUnrealized: unrealized(p, mark), cumulativeFunding: p.cumFunding });
    }
    return out;
  }

  balances(): BalanceInfo[] {
    const quote = new Map<string, Decimal>();
    const out: BalanceInfo[] = [];
    for (const x of this.markets.values()) {
      if (x.m.isPerp) continue;
      out.push({ asset: x.m.info.baseSymbol, available: this.account.baseBalance(x.m.symbol), locked: ZERO });
      quote.set(x.m.info.quoteSymbol, (quote.get(x.m.info.quoteSymbol) ?? STARTING_COLLATERAL).add(this.account.quoteCash(x.m.symbol)));
    }
    for (const [asset, v] of quote) out.push({ asset, available: v, locked: ZERO });
    return out;
  }

  collateral(): CollateralInfo {
    const e = this.account.equity((s) => this.markets.get(s)?.mark() ?? null);
    return { netEquity: e.equity, netEquityAvailable: e.equity, pnlUnrealized: e.unrealized };
  }

  /** One page of our fills, oldest first; `from`/`to` in ms, inclusive. */
  fills(q: FillsQuery): Paged<Fill> {
    const rows = this.account.fills.filter((f) => (q.symbol === undefined || f.symbol === q.symbol) && (q.from === undefined || f.timestamp >= q.from) && (q.to === undefined || f.timestamp <= q.to));
    return page(rows, q);
  }

  /** One page of funding payments, newest first. */
  funding(q: { symbol?: string; limit?: number; offset?: number }): Paged<FundingInfo> {
    return page(this.account.funding.filter((f) => q.symbol === undefined || f.symbol === q.symbol).reverse(), q);
  }
}

function page<T>(rows: T[], q: { limit?: number; offset?: number }): Paged<T> {
  const limit = q.limit ?? 100;
  const off = q.offset ?? 0;
  return { rows: rows.slice(off, off + limit), page: pageHeadersFor(rows.length, limit, off) };
}
