// Human-facing renderings of tapes: the `tape stats` report and the `tape dump` lines (events as JSON with
// prices and quantities as exact decimal strings at the header's scales).
import { fmtUnits } from '../sim/matching/units.js';
import type { TapeStatsResult } from './stats.js';
import type { TapeEvent, TapeHeader } from './types.js';

const int = (n: number): string => n.toLocaleString('en-US');
const fixed = (x: number | null, d: number, sign = false): string => (x === null ? 'n/a' : `${sign && x > 0 ? '+' : ''}${x.toFixed(d)}`);

export interface StatsContext {
  file: string;
  complete: boolean;
  truncated: boolean;
  /** CPU time of the pass (read + statistics), seconds. */
  cpuSec: number;
}

export function renderStats(r: TapeStatsResult, ctx: StatsContext): string {
  const state = ctx.complete ? 'complete' : ctx.truncated ? 'CUT SHORT (no footer: still being written, or its writer died)' : 'no footer (still being written?)';
  const counts = Object.entries(r.counts).map(([k, v]) => `${k} ${int(v)}`).join(', ');
  const gaps = Object.entries(r.gaps).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const mk = Object.entries(r.touchMarkoutBps).map(([h, v]) => `${h} ${fixed(v, 2, true)} bp`).join(' · ');
  const mkN = Object.values(r.markoutTrades).map(int).join(' / ');
  const d = r.touchDepthMedian;
  const rate = ctx.cpuSec > 0 ? ` · read and measured in ${ctx.cpuSec.toFixed(2)} CPU-s (${(r.events / ctx.cpuSec / 1e6).toFixed(2)} M events/s)` : '';
  return [
    `${r.symbol}  ${r.venue} ${r.market} · quantities in ${r.qtyUnit} · ${ctx.file} ${state}`,
    `duration        ${r.durationSec.toFixed(2)} s · ${int(r.events)} events (${counts})${rate}`,
    `gaps            ${gaps}`,
    `trades          ${int(r.trades)} · ${r.tradesPerSec.toFixed(2)}/s over ${r.tradeSpanSec.toFixed(2)} s · volume ${+r.volume.toPrecision(12)}`,
    `spread          median ${fixed(r.spreadBpsMedian, 4)} bp over ${int(r.counts.bbo)} bbo updates`,
    `touch depth     median bid ${d.bid ?? 'n/a'} · ask ${d.ask ?? 'n/a'} · both ${d.both ?? 'n/a'}`,
    `maker markout   ${mk} (trades ${mkN})`,
    `join-best fill  ${r.joinBest.rate === null ? 'n/a' : `${(r.joinBest.rate * 100).toFixed(1)} %`} within ${r.joinBest.windowSec} s (${int(r.joinBest.filled)} of ${int(r.joinBest.quotes)} quotes, one per side every ${r.joinBest.cadenceSec} s)`,
    `local-exchange  median ${fixed(r.localMinusExchangeMsMedian, 2)} ms (feed latency plus the clocks' offset)`,
  ].join('\n');
}

/** One event as a JSON-ready object: prices and quantities as decimal strings, levels as [price, qty] pairs. */
export function eventJson(e: TapeEvent, h: TapeHeader): Record<string, unknown> {
  const px = (n: number): string => fmtUnits(n, h.priceScale);
  const qty = (n: number): string => fmtUnits(n, h.qtyScale);
  const pairs = (flat: number[]): string[][] => {
    const out: string[][] = [];
    for (let i = 0; i < flat.length; i += 2) out.push([px(flat[i]!), qty(flat[i + 1]!)]);
    return out;
  };
  switch (e.type) {
    case 'snapshot':
    case 'diff':
      return { ...e, bids: pairs(e.bids), asks: pairs(e.asks) };
    case 'trade':
      return { ...e, price: px(e.price), qty: qty(e.qty) };
    case 'bbo':
      return { ...e, bidPx: e.hasBid ? px(e.bidPx) : null, bidQty: e.hasBid ? qty(e.bidQty) : null, askPx: e.hasAsk ? px(e.askPx) : null, askQty: e.hasAsk ? qty(e.askQty) : null };
    default:
      return { ...e };
  }
}
