// The market's own statistics in a synthetic or market-spec backtest, at the exchange (exchange time, no
// feed latency): the market's public stream (src/sim/public-tape.ts) through the same TapeStats that
// `tierhunter tape stats` runs on a real tape, per symbol: the report's `market` block, comparable figure
// by figure with a real tape's (docs/BACKTEST.md "Validation"). Optionally it forwards every public event
// (a tape writer: --market-tape). Our own fills' figures are not here: src/backtest/fill-metrics.ts.
import type { SimExchange } from '../sim/exchange.js';
import { PublicTape, simTapeHeader } from '../sim/public-tape.js';
import { TapeStats, type TapeStatsResult } from '../tape/stats.js';
import type { TapeEvent } from '../tape/types.js';

export class MarketObserver {
  private readonly stats = new Map<string, TapeStats>();
  private readonly tape: PublicTape;

  constructor(
    ex: SimExchange,
    symbols: readonly string[],
    /** Also hand every public event on (a tape writer: the synthetic market's own recording). */
    forward: ((symbol: string, e: TapeEvent) => void) | null = null,
  ) {
    for (const s of symbols) {
      const m = ex.market(s);
      if (!m) continue;
      this.stats.set(s, new TapeStats(simTapeHeader(m, { version: 'backtest', command: 'backtest' }, new Date(0).toISOString())));
    }
    this.tape = new PublicTape(ex, symbols, (symbol, e) => {
      this.stats.get(symbol)?.add(e);
      forward?.(symbol, e);
    });
  }

  stop(): void {
    this.tape.stop();
  }

  /** The `market` block: tape statistics per symbol. */
  market(): Record<string, TapeStatsResult> {
    const out: Record<string, TapeStatsResult> = {};
    for (const [s, st] of this.stats) out[s] = st.result();
    return out;
  }
}
