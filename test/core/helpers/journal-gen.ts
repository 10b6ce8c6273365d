// A seeded journal as a long-running core would have written it: fills of ours on two perps (adds,
// partial closes, flips, maker rebates and taker fees, prices walking), another market's fills as
// `volume` records, funding payments, and backfill pages; timestamps over the last 29 days.
import type { JournalFill } from '../../../src/core/ports.js';
import { TradingStats } from '../../../src/core/stats.js';
import { Prng } from '../../../src/sim/model/prng.js';
import { D, type Decimal, ZERO } from '../../../src/util/decimal.js';

export const GEN_SYMBOLS = ['SOL_USDC_PERP', 'ETH_USDC_PERP'];
const DAY = 86_400_000;

interface Mkt {
  symbol: string;
  price: number;
  tick: number;
  step: number;
  dp: [number, number];
}

export function genJournal(n: number, seed: number, now: number): JournalFill[] {
  const rng = new Prng(seed);
  const mk: Mkt[] = [
    { symbol: 'SOL_USDC_PERP', price: 180, tick: 0.01, step: 0.01, dp: [2, 2] },
    { symbol: 'ETH_USDC_PERP', price: 3500, tick: 0.01, step: 0.0001, dp: [2, 4] },
    { symbol: 'BTC_USDC_PERP', price: 90000, tick: 0.1, step: 0.00001, dp: [1, 5] },
  ];
  const pos = new Map<string, number>();
  const ids = new Map<string, number>([['SOL_USDC_PERP', 4_000_000], ['ETH_USDC_PERP', 9_000_000], ['BTC_USDC_PERP', 7_000_000]]);
  const start = now - 29 * DAY;
  const historyFrom = start - 1000;
  const out: JournalFill[] = [
    { kind: 'backfill', tradeId: 'backfill:0:open', symbol: '*', ts: historyFrom, backfill: { from: historyFrom - 30 * DAY, to: historyFrom, offset: 0, done: false, volume: [] } },
  ];
  for (let i = 0; i < n; i++) {
    const ts = start + Math.floor((28 * DAY * i) / n);
    if (i === Math.floor(n / 3)) {
      out.push({ kind: 'backfill', tradeId: 'backfill:1000:open', symbol: '*', ts, backfill: { from: historyFrom - 30 * DAY, to: historyFrom, offset: 1000, done: false, volume: [[now - 29.5 * DAY - (now % 60_000), 'futures', '12345.6789'], [now - 29.4 * DAY - (now % 60_000), 'spot', '77.1']] } });
    }
    if (i === Math.floor((2 * n) / 3)) {
      out.push({ kind: 'backfill', tradeId: 'backfill:1500:done', symbol: '*', ts, backfill: { from: historyFrom - 30 * DAY, to: historyFrom, offset: 1500, done: true, volume: [[now - 29.2 * DAY - (now % 60_000), 'futures', '5000.01']] } });
    }
    if (i % 400 === 399) {
      for (const s of GEN_SYMBOLS) {
        const amount = ((rng.next() - 0.5) * 0.2).toFixed(6);
        out.push({ kind: 'funding', tradeId: `funding:${s}:${ts}`, symbol: s, ts, amount });
      }
    }
    const r = rng.next();
    const m = mk[r < 0.65 ? 0 : r < 0.95 ? 1 : 2]!;
    m.price = Math.max(m.tick * 10, m.price * (1 + (rng.next() - 0.5) * 0.002));
    const price = (Math.round(m.price / m.tick) * m.tick).toFixed(m.dp[0]);
    const p = pos.get(m.symbol) ?? 0;
    let steps = 1 + rng.int(40);
    let side: 'Bid' | 'Ask' = rng.next() < 0.5 ? 'Bid' : 'Ask';
    const held = Math.round(Math.abs(p) / m.step);
    if (held > 80) side = p > 0 ? 'Ask' : 'Bid';
    if (held > 0 && rng.next() < 0.3) {
      // Close exactly (round trip ends) or flip through zero.
      side = p > 0 ? 'Ask' : 'Bid';
      steps = rng.next() < 0.7 ? held : held + 1 + rng.int(20);
    }
    const qty = (steps * m.step).toFixed(m.dp[1]);
    const maker = rng.next() < 0.8;
    const notional = Number(price) * Number(qty);
    const fee = (maker && rng.next() < 0.3 ? -notional * 0.00002 : notional * (maker ? 0.0002 : 0.0005)).toFixed(8);
    const id = ids.get(m.symbol)! + 1 + rng.int(3);
    ids.set(m.symbol, id);
    pos.set(m.symbol, p + (side === 'Bid' ? 1 : -1) * steps * m.step);
    out.push({
      kind: m.symbol === 'BTC_USDC_PERP' ? 'volume' : 'fill',
      tradeId: String(id),
      symbol: m.symbol,
      ts,
      orderId: String(100_000 + i),
      clientId: i % 7 === 0 ? null : 3_000_000 + i,
      side,
      price,
      quantity: qty,
      fee,
      feeSymbol: 'USDC',
      isMaker: maker,
    });
  }
  return out;
}

/** Position per symbol after the first `count` records (what the exchange would report then). */
export function positionsAfter(recs: JournalFill[], count: number): Map<string, Decimal> {
  const s = new TradingStats(GEN_SYMBOLS);
  for (const r of recs.slice(0, count)) {
    if (r.kind !== 'fill') continue;
    s.recordFill(r.side!, D(r.quantity!), D(r.price!), r.isMaker === true, { symbol: r.symbol, fee: D(r.fee!), ts: r.ts, tradeId: r.tradeId });
  }
  return new Map(GEN_SYMBOLS.map((x) => [x, s.ledgers.get(x)?.position ?? ZERO]));
}
