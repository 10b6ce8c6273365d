// Newest fills first, exactly `rows` lines (padded) so the panels below never move as fills arrive.
import { Box } from 'ink';
import type { FillView } from '../../src/control/protocol.js';
import { cell, clock, grouped, money, sign } from '../format.js';
import { pnlColor } from '../theme.js';
import { Line } from './Line.js';

export function RecentFills({ fills, rows, width }: { fills: readonly FillView[]; rows: number; width: number }) {
  const shown = fills.slice(0, Math.max(0, rows));
  const lines = shown.map((f, i) => (
    <Line
      key={i}
      segs={[
        { text: clock(f.ts) + ' ', dim: true },
        { text: cell(f.symbol, 13) + ' ' },
        { text: (f.side === 'Bid' ? 'buy ' : 'sell') + ' ', color: f.side === 'Bid' ? 'green' : 'red' },
        { text: cell(`${f.quantity} @ ${f.price}`, 19) + ' ' },
        { text: f.isMaker ? 'maker' : 'taker', color: f.isMaker ? undefined : 'yellow' },
        { text: f.reduceOnly ? ' R' : '  ' },
        { text: ' fee ', dim: true },
        { text: grouped(f.fee).padStart(6) },
        { text: ' pnl ', dim: true },
        { text: money(f.realizedPnl).padStart(7), color: pnlColor(sign(f.realizedPnl)) },
      ]}
    />
  ));
  for (let i = shown.length; i < rows; i++) {
    lines.push(<Line key={`pad${i}`} segs={i === 0 ? [{ text: 'no fills yet', dim: true }] : []} />);
  }
  return (
    <Box flexDirection="column" width={width}>
      {lines}
    </Box>
  );
}
