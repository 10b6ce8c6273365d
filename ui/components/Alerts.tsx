// ui/components/: the dashboard's panels, each a pure component of props (no I/O, no keys): header,
// symbols table, totals, alerts (this file), recent fills, API panel, banner, status line, footer, help,
// and the segment/field helpers they share (Line.tsx, fields.tsx).
//
// Alerts: active ones first and highlighted (red critical, yellow warn), then recently cleared, dimmed,
// with notices (info: a fee rate changed) among them in cyan.
import { Box } from 'ink';
import type { AlertView } from '../../src/control/protocol.js';
import { clock } from '../format.js';
import { Line } from './Line.js';

export function orderAlerts(alerts: readonly AlertView[]): AlertView[] {
  const active = alerts.filter((a) => a.active).sort((a, b) => (a.level === b.level ? b.raisedAt - a.raisedAt : a.level === 'critical' ? -1 : 1));
  const cleared = alerts.filter((a) => !a.active).sort((a, b) => (b.clearedAt ?? b.raisedAt) - (a.clearedAt ?? a.raisedAt));
  return [...active, ...cleared];
}

export function Alerts({ alerts, rows, width }: { alerts: readonly AlertView[]; rows: number; width: number }) {
  const shown = orderAlerts(alerts).slice(0, Math.max(0, rows));
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((a) => (
        <Line
          key={a.id}
          segs={
            a.active
              ? [
                  { text: a.level === 'critical' ? '● CRIT ' : '● WARN ', color: a.level === 'critical' ? 'red' : 'yellow', bold: true },
                  { text: clock(a.raisedAt) + ' ', dim: true },
                  { text: a.message, color: a.level === 'critical' ? 'red' : 'yellow' },
                ]
              : a.level === 'info'
                ? [
                    { text: 'ℹ INFO ', color: 'cyan' },
                    { text: clock(a.raisedAt) + ' ', dim: true },
                    { text: a.message, color: 'cyan' },
                  ]
                : [{ text: `○ ok   ${clock(a.clearedAt ?? a.raisedAt)} ${a.message}`, dim: true }]
          }
        />
      ))}
      {shown.length === 0 && rows > 0 ? <Line segs={[{ text: 'no alerts', dim: true }]} /> : null}
    </Box>
  );
}
