// Human-readable renderings of a report and of a comparison (the CLI prints these; --json prints the
// objects themselves).
import type { CompareResult, Spread } from './compare.js';
import type { BacktestReport } from './report.js';
import type { ReplayFacts } from './replay-run.js';

const money = (s: string | null, dp = 2) => (s === null ? 'n/a' : Number(s).toFixed(dp));

const int = (n: number) => n.toLocaleString('en-US');
const bp = (x: number | null) => (x === null ? 'n/a' : `${x > 0 ? '+' : ''}${x.toFixed(2)} bp`);

export function renderReport(r: BacktestReport & { replay?: ReplayFacts }, feeTier?: string): string {
  const L: string[] = [];
  const fees = feeTier ? `, fees ${feeTier}` : '';
  if (r.replay) L.push(`backtest: ${r.strategy} on ${r.replay.tapes.length} tape(s), ${r.replay.spanSec.toFixed(1)} s of market, symbols=${r.symbols.join(',')}${fees}`);
  else L.push(`backtest: ${r.strategy} seed=${r.seed} hours=${r.hours} symbols=${r.symbols.join(',')}${fees}`);
  L.push(`settings: ${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  L.push(`volume        ${money(r.volume)} USDC (maker ${money(r.makerVolume)}, taker ${money(r.takerVolume)}), maker share ${r.makerShare === null ? 'n/a' : (Number(r.makerShare) * 100).toFixed(2) + '%'}`);
  L.push(`fills         ${r.fills} (maker ${r.makerFills}, taker ${r.takerFills}), round trips ${r.roundTrips}, win rate ${r.winRate === null ? 'n/a' : (r.winRate * 100).toFixed(1) + '%'}`);
  L.push(`fees          ${money(r.fees, 4)}   realized ${money(r.realizedPnl, 4)}   unrealized ${money(r.unrealizedPnl, 4)}   funding ${money(r.funding, 4)}`);
  L.push(`net PnL       ${money(r.netPnl, 4)}   COST PER $1M VOLUME ${money(r.costPerMillion)} USDC`);
  L.push(`inventory     mean time ${r.meanInventorySec === null ? 'n/a' : r.meanInventorySec.toFixed(1) + ' s'}, max ${money(r.maxInventoryNotional)} USDC (one symbol), max gross ${money(r.maxGrossInventoryNotional)}`);
  L.push(`max drawdown  ${money(r.maxDrawdown, 4)}`);
  const mk = Object.entries(r.markoutBps).map(([h, v]) => `${h} ${bp(v)}`).join(' · ');
  L.push(`our fills     ${r.fillsPerMinute.toFixed(2)}/min, mean queue wait ${r.meanQueueWaitMs === null ? 'n/a' : `${r.meanQueueWaitMs.toFixed(0)} ms`} (${r.queueWaitOrders} orders)`);
  L.push(`markout       ${mk} (our maker fills ${Object.values(r.markoutFills).map(int).join(' / ')})`);
  const c = r.costPer1M;
  if (c) L.push(`cost/$1M      fees ${money(c.fees)} + spread ${money(c.spread)} + adverse ${money(c.adverse)} + inventory ${money(c.inventory)} = ${money(c.total)}`);
  L.push(`orders        ${r.ordersPlaced} placed, ${r.cancelsSent} cancels; per fill ${r.ordersPerFill ?? 'n/a'} orders, ${r.cancelsPerFill ?? 'n/a'} cancels; failed ${r.failedOrders}${Object.keys(r.failures).length ? ' ' + JSON.stringify(r.failures) : ''}`);
  const next = r.tier.next === null ? 'top tier' : `${r.tier.next} in ${r.tier.daysToNext ?? 'n/a'} days`;
  const vip = r.daysToTier['VIP1'];
  L.push(`fee tier      pace ${money(r.volumePerDay, 0)} USDC/day: now ${r.tier.current}, next ${next}${vip ? `, VIP1 in ${vip} days` : ''}`);
  for (const [s, x] of Object.entries(r.perSymbol)) {
    L.push(`  ${s.padEnd(15)} fills ${String(x.fills).padStart(7)}  volume ${money(x.volume).padStart(14)}  net ${money(x.netPnl, 4).padStart(11)}  cost/$1M ${money(x.costPerMillion).padStart(8)}  end pos ${x.endPosition}`);
    const sp = x.spot;
    if (sp) L.push(`  ${''.padEnd(15)} spot: fees ${sp.feesInQuoteAsset} USDC + ${sp.feesInBaseAsset} ${sp.baseAsset}; ${sp.baseAsset} held at the end ${sp.endBaseBalance} (target ${sp.target})`);
  }
  const l = r.latencyMs;
  const lat = `latency entry ${l.entryMs} ms, response ${l.responseMs} ms, jitter ${l.jitter}, feed ${r.replay ? r.replay.feedLatency : `${l.feedMs} ms`}`;
  if (r.replay) L.push(...renderReplay(r.replay, lat));
  else L.push(`model         ${r.marketSpec ? 'markets from --market-spec' : 'the built-in paper markets'}; ${lat}`);
  L.push(`speed         ${(r.perf.wallMs / 1000).toFixed(2)} s wall, ${r.perf.simHoursPerSec.toFixed(3)} simulated hours/s${r.replay ? `, ${int(Math.round(r.replay.events / Math.max(1e-9, r.perf.wallMs / 1000)))} tape events per wall second (start-up included)` : ''}`);
  return L.join('\n');
}

function cell(s: Spread | null, dp: number, scale = 1): string {
  if (s === null) return 'n/a';
  const f = (x: string) => (Number(x) * scale).toFixed(dp);
  return `${f(s.mean)} (${f(s.min)}..${f(s.max)})`;
}

export function renderCompare(c: CompareResult): string {
  const head = ['strategy', 'cost/$1M', 'volume', 'net PnL', 'maker %', 'fills', 'orders/fill', 'max inv', 'inv s'];
  const rows = c.rows.map((r) => [
    r.name,
    cell(r.costPerMillion, 2),
    cell(r.volume, 0),
    cell(r.netPnl, 2),
    cell(r.makerShare, 1, 100),
    cell(r.fills, 0),
    cell(r.ordersPerFill, 2),
    cell(r.maxInventoryNotional, 0),
    cell(r.meanInventorySec, 1),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  const out = [
    `compare: ${c.hours} h x seeds ${c.seeds.join(',')} on ${c.symbols.join(',')} (mean (min..max) over seeds)`,
    line(head),
    w.map((x) => '-'.repeat(x)).join('  '),
    ...rows.map(line),
    '',
    ...c.rows.map((r) => `${r.name.padEnd(w[0]!)}  ${r.note}`),
    `wall time ${(c.wallMs / 1000).toFixed(1)} s`,
  ];
  return out.join('\n');
}

function renderReplay(x: ReplayFacts, latency: string): string[] {
  const q = x.queue.model === 'prob' ? `prob (power ${x.queue.power})` : x.queue.model;
  const out = [`replay        ${int(x.events)} events over ${x.spanSec.toFixed(1)} s; queue ${q}; ${latency}`];
  for (const t of x.tapes) {
    const gaps = Object.entries(t.gaps).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    out.push(`  ${t.symbol.padEnd(15)} ${t.file}: ${t.venue} ${t.tapeSymbol} ${t.market} (${t.qtyUnit}), tick ${t.tickSize} step ${t.stepSize}`);
    out.push(`  ${''.padEnd(15)} ${int(t.events)} events, ${t.spanSec.toFixed(1)} s, gaps ${gaps}, book unusable ${t.bookInvalidations} time(s)${t.complete ? '' : t.truncated ? ', CUT SHORT' : ', no footer'}`);
  }
  return out;
}
