// One row per symbol, selectable. Columns have fixed widths and a priority: the table keeps the most
// important columns that fit the terminal width (80 columns: the essentials; 200: everything), so a
// given width always shows the same columns in the same places.
import { Box } from 'ink';
import type { Side, SymbolView } from '../../src/control/protocol.js';
import { compact, DASH, duration, grouped, money, sign, signedQty } from '../format.js';
import { modeColor, pnlColor } from '../theme.js';
import type { Colour } from '../theme.js';
import { Line } from './Line.js';
import type { Seg } from './Line.js';

interface Cell {
  text: string;
  color?: Colour | undefined;
}

export interface Column {
  id: string;
  title: string;
  width: number;
  align: 'left' | 'right';
  /** Lower = kept first when space is short. */
  priority: number;
  get: (s: SymbolView) => Cell;
}

const SIDE_WHY: Record<SymbolView['sideReason'], string> = { inventory: 'inv', flow: 'flow', hold: 'hold', none: '', escalation: 'esc', funds: 'fund' };

function sideColor(side: Side | null | undefined): Colour | undefined {
  return side === 'Bid' ? 'green' : side === 'Ask' ? 'red' : undefined;
}

export function orderText(s: SymbolView): string {
  const o = s.order;
  if (!o) return DASH;
  return `${o.side} ${o.price}×${o.quantity}${o.reduceOnly ? ' R' : ''}`;
}

export function columnsFor(symbolWidth: number): Column[] {
  return [
    { id: 'symbol', title: 'SYMBOL', width: symbolWidth, align: 'left', priority: 0, get: (s) => ({ text: s.symbol }) },
    { id: 'mode', title: 'MODE', width: 8, align: 'left', priority: 1, get: (s) => ({ text: s.mode, color: modeColor(s.mode) }) },
    { id: 'side', title: 'SIDE', width: 8, align: 'left', priority: 5, get: (s) => ({ text: s.side ? `${s.side} ${SIDE_WHY[s.sideReason]}`.trim() : DASH, color: sideColor(s.side) }) },
    { id: 'imb', title: 'IMB', width: 5, align: 'right', priority: 7, get: (s) => ({ text: s.imbalance === null ? DASH : s.imbalance.toFixed(2) }) },
    { id: 'order', title: 'ORDER', width: 19, align: 'left', priority: 4, get: (s) => ({ text: orderText(s), color: sideColor(s.order?.side) }) },
    { id: 'bid', title: 'BID', width: 10, align: 'right', priority: 9, get: (s) => ({ text: s.bestBid ?? DASH }) },
    { id: 'ask', title: 'ASK', width: 10, align: 'right', priority: 10, get: (s) => ({ text: s.bestAsk ?? DASH }) },
    { id: 'pos', title: 'POS', width: 9, align: 'right', priority: 2, get: (s) => ({ text: signedQty(s.position) }) },
    { id: 'notional', title: 'NOTIONAL', width: 10, align: 'right', priority: 11, get: (s) => ({ text: money(s.positionNotional) }) },
    { id: 'entry', title: 'ENTRY', width: 10, align: 'right', priority: 12, get: (s) => ({ text: s.entryPrice ?? DASH }) },
    { id: 'upnl', title: 'UPNL', width: 8, align: 'right', priority: 3, get: (s) => ({ text: money(s.unrealizedPnl), color: pnlColor(sign(s.unrealizedPnl)) }) },
    { id: 'rpnl', title: 'RPNL', width: 9, align: 'right', priority: 13, get: (s) => ({ text: money(s.realizedPnl), color: pnlColor(sign(s.realizedPnl)) }) },
    { id: 'fees', title: 'FEES', width: 8, align: 'right', priority: 14, get: (s) => ({ text: grouped(s.fees) }) },
    { id: 'fills', title: 'M/T', width: 9, align: 'right', priority: 8, get: (s) => ({ text: `${s.makerFills}/${s.takerFills}` }) },
    { id: 'vol', title: 'VOL', width: 7, align: 'right', priority: 6, get: (s) => ({ text: compact(s.volume) }) },
    { id: 'age', title: 'HELD', width: 7, align: 'right', priority: 15, get: (s) => ({ text: duration(s.inventoryAgeMs) }) },
    { id: 'why', title: 'WHY', width: 16, align: 'left', priority: 16, get: (s) => ({ text: s.modeReason ?? '', color: s.modeReason ? modeColor(s.mode) : undefined }) },
  ];
}

export const MARKER_WIDTH = 2;
export const COL_GAP = 1;

/** The columns that fit `width`, chosen by priority and shown in their natural order. Pure. */
export function visibleColumns(width: number, symbolWidth: number): Column[] {
  const all = columnsFor(symbolWidth);
  const byPriority = [...all].sort((a, b) => a.priority - b.priority);
  const keep = new Set<string>();
  let used = MARKER_WIDTH;
  for (const c of byPriority) {
    const need = (keep.size === 0 ? 0 : COL_GAP) + c.width;
    if (used + need <= width) {
      keep.add(c.id);
      used += need;
    }
  }
  return all.filter((c) => keep.has(c.id));
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const t = text.length > width ? text.slice(0, width - 1) + '…' : text;
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}

export function symbolWidthOf(symbols: readonly SymbolView[]): number {
  return Math.min(16, Math.max(6, ...symbols.map((s) => s.symbol.length)));
}

export function SymbolsTable({ symbols, selected, width, stale }: { symbols: readonly SymbolView[]; selected: number; width: number; stale?: boolean }) {
  const cols = visibleColumns(width, symbolWidthOf(symbols));
  const header: Seg[] = [{ text: ' '.repeat(MARKER_WIDTH) }];
  cols.forEach((c, i) => header.push({ text: (i > 0 ? ' '.repeat(COL_GAP) : '') + pad(c.title, c.width, c.align), dim: true }));
  return (
    <Box flexDirection="column" width={width}>
      <Line segs={header} />
      {symbols.length === 0 ? <Line segs={[{ text: '  no symbols configured', dim: true }]} /> : null}
      {symbols.map((s, row) => {
        const isSel = row === selected;
        const segs: Seg[] = [{ text: isSel ? '› ' : '  ', bold: isSel, color: isSel ? 'cyan' : undefined }];
        cols.forEach((c, i) => {
          const cell = c.get(s);
          segs.push({ text: (i > 0 ? ' '.repeat(COL_GAP) : '') + pad(cell.text, c.width, c.align), color: cell.color, bold: isSel, dim: stale === true });
        });
        return <Line key={s.symbol} segs={segs} />;
      })}
    </Box>
  );
}
