// Feeds the fill metrics (src/backtest/fill-metrics.ts) from the paper exchange at its own time, for the
// synthetic and market-spec backtests: every book change's best bid/ask (no feed latency: the venue's mid,
// as the tape backtest uses the venue's), and our account's orders and fills. The tape backtest feeds the
// same FillMetrics from the replay exchange (src/replay/exchange.ts).
import type { SimExchange } from '../sim/exchange.js';
import type { FillMetrics } from './fill-metrics.js';

/** Subscribe; returns the unsubscribe. */
export function watchSimFills(x: SimExchange, account: string, symbols: readonly string[], metrics: FillMetrics): () => void {
  for (const s of symbols) {
    const m = x.market(s);
    if (m) metrics.market(s, m.ps.scale);
  }
  return x.subscribe({
    bookChanged: (symbol, _id, ts) => {
      const fills = metrics.get(symbol);
      const m = x.market(symbol);
      if (!fills || !m) return;
      fills.mid(ts * 1000, m.book.bids.best() ?? null, m.book.asks.best() ?? null);
    },
    orderRaw: (acct, type, o, m, fill, ts) => {
      const fills = acct === account ? metrics.get(o.symbol) : undefined;
      if (!fills) return;
      if (type === 'orderAccepted') fills.accept(o.id, ts * 1000);
      else if (type === 'orderFill' && fill) fills.fill(o.id, ts * 1000, o.side === 'Bid', fill.price, m.pxDec(fill.price), m.qtyDec(fill.quantity), fill.isMaker);
      if (o.status === 'Filled' || o.status === 'Cancelled' || o.status === 'Expired') fills.done(o.id);
    },
  });
}
