// Session totals, the fee-tier progress bar with its ETA, and a sparkline of net PnL.
import { Box } from 'ink';
import type { LossLimitView, Snapshot } from '../../src/control/protocol.js';
import { bar, compact, duration, grouped, money, pct, ratio, remaining, sign, sparkline } from '../format.js';
import { pnlColor } from '../theme.js';
import { FieldLines, packFields } from './fields.js';
import type { Field } from './fields.js';
import { Line } from './Line.js';
import type { Seg } from './Line.js';

export const SPARK_WIDTH = 12;

export function totalsFields(s: Snapshot): Field[] {
  const t = s.totals;
  return [
    { label: 'vol today', value: compact(t.volumeToday), width: 6 },
    // ≥ while a new home still reads the 30 days before it began: the figure is a lower bound.
    { label: '30d', value: `${s.tier.partial ? '≥' : ''}${compact(t.volume30d)}`, width: 6 },
    { label: 'net', value: money(t.netPnl), width: 8, color: pnlColor(sign(t.netPnl)), bold: true },
    { label: 'realized', value: money(t.realizedPnl), width: 8, color: pnlColor(sign(t.realizedPnl)) },
    { label: 'unreal', value: money(t.unrealizedPnl), width: 8, color: pnlColor(sign(t.unrealizedPnl)) },
    { label: 'fees', value: grouped(t.fees), width: 7 },
    // Cost of volume is the headline figure: whole dollars per $1M (negative = the volume earned money).
    { label: '$/1M', value: t.costPerMillion === null ? '—' : grouped(t.costPerMillion, 0), width: 7, bold: true },
    { label: 'success', value: pct(t.successRate), width: 5 },
    { label: 'L/S', value: ratio(t.longShortRatio), width: 4 },
    { label: 'maxDD', value: money(t.maxDrawdown), width: 8 },
    limitField('day', s.limits.daily),
    limitField('sess', s.limits.session),
    { label: 'win', value: pct(t.winRate, 0), width: 4, optional: true },
    { label: 'funding', value: money(t.funding), width: 7, optional: true },
    { label: 'fills', value: `${t.makerFills}m/${t.takerFills}t`, width: 9, optional: true },
    { label: 'failed', value: String(t.failedOrders), width: 4, optional: true, color: t.failedOrders > 0 ? 'yellow' : undefined },
  ];
}

/** A loss limit: PnL against it, red and marked when hit (opening quotes stay halted until a reset). */
function limitField(label: string, l: LossLimitView): Field {
  if (Number(l.limit) <= 0) return { label, value: 'off', width: 3, optional: true };
  const used = `${money(l.pnl, 0)}/-${grouped(l.limit, 0)}`;
  return l.hit ? { label, value: `HIT ${used}`, width: used.length + 4, color: 'red', bold: true } : { label, value: used, width: used.length, optional: true };
}

export function tierSegs(s: Snapshot, width: number): Seg[] {
  const t = s.tier;
  if (t.next === null || t.nextThreshold === null) {
    return [{ text: 'tier ', dim: true }, { text: t.current, bold: true }, { text: '  top tier reached', color: 'green' }, ...sparkSegs(s)];
  }
  const head = `tier ${t.current} → ${t.next} `;
  const toGo = `to go ${compact(remaining(t.nextThreshold, t.volume30d))}`;
  const tail = ` ${pct(t.progress)}  ${toGo}  ETA ${t.etaMs === null ? '—' : duration(t.etaMs)}`;
  const spark = sparkline(s.pnlHistory, SPARK_WIDTH).padEnd(SPARK_WIDTH);
  const sparkPart = `  net pnl ${spark}`;
  const barWidth = Math.max(10, Math.min(40, width - head.length - tail.length - sparkPart.length));
  return [
    { text: 'tier ', dim: true },
    { text: `${t.current} → ${t.next} ` },
    { text: bar(t.progress, barWidth), color: 'cyan' },
    { text: tail },
    ...sparkSegs(s),
  ];
}

function sparkSegs(s: Snapshot): Seg[] {
  const spark = sparkline(s.pnlHistory, SPARK_WIDTH);
  return [
    { text: '  net pnl ', dim: true },
    { text: spark === '' ? '—' : spark, color: pnlColor(sign(s.totals.netPnl)) },
  ];
}

export function totalsHeight(s: Snapshot, width: number): number {
  return packFields(totalsFields(s), width).length + 1;
}

export function Totals({ snapshot, width }: { snapshot: Snapshot; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <FieldLines fields={totalsFields(snapshot)} width={width} />
      <Line segs={tierSegs(snapshot, width)} />
    </Box>
  );
}
