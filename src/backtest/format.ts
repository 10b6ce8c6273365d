// Human-readable renderings of a report and of a comparison (the CLI prints these; --json prints the
// objects themselves).
import type { CompareResult, Spread } from './compare.js';
import type { BacktestReport } from './report.js';

const money = (s: string | null, dp = 2) => (s === null ? 'n/a' : Number(s).toFixed(dp));

export function renderReport(r: BacktestReport): string {
  const L: string[] = [];
  L.push(`backtest: ${r.strategy} seed=${r.seed} hours=${r.hours} symbols=${r.symbols.join(',')}`);
  L.push(`settings: ${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  L.push(`volume        ${money(r.volume)} USDC (maker ${money(r.makerVolume)}, taker ${money(r.takerVolume)}), maker share ${r.makerShare === null ? 'n/a' : (Number(r.makerShare) * 100).toFixed(2) + '%'}`);
  L.push(`fills         ${r.fills} (maker ${r.makerFills}, taker ${r.takerFills}), round trips ${r.roundTrips}, win rate ${r.winRate === null ? 'n/a' : (r.winRate * 100).toFixed(1) + '%'}`);
  L.push(`fees          ${money(r.fees, 4)}   realized ${money(r.realizedPnl, 4)}   unrealized ${money(r.unrealizedPnl, 4)}   funding ${money(r.funding, 4)}`);
  L.push(`net PnL       ${money(r.netPnl, 4)}   COST PER $1M VOLUME ${money(r.costPerMillion)} USDC`);
  L.push(`inventory     mean time ${r.meanInventorySec === null ? 'n/a' : r.meanInventorySec.toFixed(1) + ' s'}, max ${money(r.maxInventoryNotional)} USDC (one symbol), max gross ${money(r.maxGrossInventoryNotional)}`);
  L.push(`max drawdown  ${money(r.maxDrawdown, 4)}`);
  L.push(`orders        ${r.ordersPlaced} placed, ${r.cancelsSent} cancels; per fill ${r.ordersPerFill ?? 'n/a'} orders, ${r.cancelsPerFill ?? 'n/a'} cancels; failed ${r.failedOrders}${Object.keys(r.failures).length ? ' ' + JSON.stringify(r.failures) : ''}`);
  const next = r.tier.next === null ? 'top tier' : `${r.tier.next} in ${r.tier.daysToNext ?? 'n/a'} days`;
  const vip = r.daysToTier['VIP1'];
  L.push(`fee tier      pace ${money(r.volumePerDay, 0)} USDC/day: now ${r.tier.current}, next ${next}${vip ? `, VIP1 in ${vip} days` : ''}`);
  for (const [s, x] of Object.entries(r.perSymbol)) {
    L.push(`  ${s.padEnd(15)} fills ${String(x.fills).padStart(7)}  volume ${money(x.volume).padStart(14)}  net ${money(x.netPnl, 4).padStart(11)}  cost/$1M ${money(x.costPerMillion).padStart(8)}  end pos ${x.endPosition}`);
    const sp = x.spot;
    if (sp) L.push(`  ${''.padEnd(15)} spot: fees ${sp.feesInQuoteAsset} USDC + ${sp.feesInBaseAsset} ${sp.baseAsset}; ${sp.baseAsset} held at the end ${sp.endBaseBalance} (target ${sp.target})`);
  }
  L.push(`speed         ${(r.perf.wallMs / 1000).toFixed(2)} s wall, ${r.perf.simHoursPerSec.toFixed(3)} simulated hours/s`);
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
