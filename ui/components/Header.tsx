// Top two lines: who/where (PAPER or LIVE, unmissable), money and time, then the health of the links.
import { Box } from 'ink';
import type { Snapshot } from '../../src/control/protocol.js';
import { duration, grouped } from '../format.js';
import { gaugeColor, modeColor } from '../theme.js';
import { Line } from './Line.js';
import type { Seg } from './Line.js';

/** A websocket that has said nothing for this long is shown as stale (yellow). */
export const WS_STALE_MS = 5000;

export function wsHealth(api: Snapshot['api']): { label: string; color: 'green' | 'yellow' | 'red' } {
  if (!api.wsConnected) return { label: 'down', color: 'red' };
  if (api.lastMessageAgoMs !== null && api.lastMessageAgoMs >= WS_STALE_MS) return { label: `stale ${duration(api.lastMessageAgoMs)}`, color: 'yellow' };
  return { label: 'ok', color: 'green' };
}

export function Header({ snapshot, width }: { snapshot: Snapshot; width: number }) {
  const s = snapshot;
  const live = s.runMode === 'live';
  const line1: Seg[] = [
    live ? { text: ' LIVE ', bg: 'red', color: 'white', bold: true } : { text: ' PAPER ', bg: 'blue', color: 'white', bold: true },
    { text: '  ' },
    { text: s.globalMode, color: modeColor(s.globalMode), bold: true },
    { text: '  equity ', dim: true },
    { text: grouped(s.totals.equity) },
    { text: '  up ', dim: true },
    { text: duration(s.now - s.startedAt) },
    { text: '  ' },
    { text: s.exchangeHost },
  ];
  const ws = wsHealth(s.api);
  const restFrac = s.api.restLimit > 0 ? s.api.restLastMinute / s.api.restLimit : 0;
  const line2: Seg[] = [
    { text: 'WS ', dim: true },
    { text: '●', color: ws.color },
    { text: ' ' + ws.label },
    { text: '   REST ', dim: true },
    { text: '●', color: gaugeColor(restFrac) },
    { text: ` ${s.api.restLastMinute}/${s.api.restLimit}/min` },
    { text: '   inventory forcing ', dim: true },
    s.forceInventory ? { text: 'ON', color: 'green' } : { text: 'OFF', color: 'yellow' },
    { text: '   tier ', dim: true },
    { text: s.tier.current },
    { text: ` m${s.tier.makerFeeBps}/t${s.tier.takerFeeBps}bp`, dim: true },
  ];
  // Build details only when there is room; never a half-cut line at 80 columns.
  if (width >= 120) line2.push({ text: `   core ${s.coreVersion} pid ${s.pid}`, dim: true });
  return (
    <Box flexDirection="column" width={width}>
      <Line segs={line1} />
      <Line segs={line2} />
    </Box>
  );
}
