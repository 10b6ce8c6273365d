// The synthetic market's own public stream as tape events: every trade, and a best bid/ask whenever the
// touch (price or size) changed, exactly what a recorder would have written from the exchange's public
// feed. Fed to the tape statistics (src/tape/stats.ts) it gives the backtest report's `market` block with
// the same code `tape stats` runs on a real tape; fed to a TapeWriter it is a tape file. Constant memory.
import type { TapeEvent, TapeHeader } from '../tape/types.js';
import { TAPE_FORMAT, TAPE_VERSION } from '../tape/types.js';
import type { SimExchange } from './exchange.js';
import type { SimMarket } from './market.js';

interface Touch {
  bidPx: number;
  bidQty: number;
  askPx: number;
  askQty: number;
}

/** A tape header describing a simulated market (`createdAt` and the writer's version from the caller). */
export function simTapeHeader(m: SimMarket, writer: { version: string; command: string }, createdAt: string): TapeHeader {
  return {
    format: TAPE_FORMAT,
    version: TAPE_VERSION,
    venue: 'tierhunter-sim',
    symbol: m.symbol,
    market: m.isPerp ? 'perp' : 'spot',
    priceScale: m.ps.scale,
    qtyScale: m.qs.scale,
    tickSize: m.spec.tickSize,
    stepSize: m.spec.stepSize,
    qtyUnit: 'base',
    contractSize: null,
    contractCurrency: null,
    seqRule: 'next-id',
    source: { kind: 'tierhunter-sim', inputs: [], licence: null, note: 'the synthetic market model (src/sim/model/)' },
    writer: { name: 'tierhunter', ...writer },
    createdAt,
  };
}

/** Subscribes to the exchange's public feed for `symbols`; call stop() to detach. */
export class PublicTape {
  private readonly touch = new Map<string, Touch>();
  private readonly detach: () => void;

  constructor(
    ex: SimExchange,
    symbols: readonly string[],
    private readonly sink: (symbol: string, e: TapeEvent) => void,
  ) {
    const wanted = new Set(symbols);
    const us = () => Math.round(ex.clock.now() * 1000);
    this.detach = ex.subscribe({
      tradeRaw: (t, pu, qu) => {
        if (!wanted.has(t.symbol)) return;
        const at = us();
        this.sink(t.symbol, { type: 'trade', localUs: at, exchUs: at, price: pu, qty: qu, side: t.buyerIsMaker ? 'sell' : 'buy', tradeId: t.id });
      },
      bookChanged: (symbol) => {
        if (!wanted.has(symbol)) return;
        const m = ex.market(symbol);
        if (m) this.onBook(m, us());
      },
    });
    for (const s of symbols) {
      const m = ex.market(s);
      if (m) this.onBook(m, us());
    }
  }

  private onBook(m: SimMarket, at: number): void {
    const b = m.book.bids.best();
    const a = m.book.asks.best();
    const bidPx = b ?? 0;
    const askPx = a ?? 0;
    const bidQty = b === undefined ? 0 : m.book.bids.totalAt(b);
    const askQty = a === undefined ? 0 : m.book.asks.totalAt(a);
    const last = this.touch.get(m.symbol);
    if (last && last.bidPx === bidPx && last.askPx === askPx && last.bidQty === bidQty && last.askQty === askQty) return;
    if (last) {
      last.bidPx = bidPx;
      last.bidQty = bidQty;
      last.askPx = askPx;
      last.askQty = askQty;
    } else this.touch.set(m.symbol, { bidPx, bidQty, askPx, askQty });
    this.sink(m.symbol, {
      type: 'bbo',
      localUs: at,
      exchUs: at,
      hasBid: b !== undefined,
      hasAsk: a !== undefined,
      bidPx,
      bidQty,
      askPx,
      askQty,
      updateId: m.book.updateId,
      derived: true,
      carried: false,
    });
  }

  stop(): void {
    this.detach();
  }
}
