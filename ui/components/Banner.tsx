// Connection trouble at the top: what is wrong and where (line 1), what to do about it (line 2).
import { Box } from 'ink';
import type { ConnInfo } from '../client.js';
import { Line } from './Line.js';

export interface BannerContent {
  text: string;
  hint: string | null;
  color: 'yellow' | 'red' | 'cyan';
}

export function bannerText(conn: ConnInfo): BannerContent | null {
  switch (conn.state) {
    case 'connected':
      return null;
    case 'connecting':
      return { text: `connecting to ${conn.path}…`, hint: conn.detail, color: 'cyan' };
    case 'missing':
      return { text: `core not running — waiting for ${conn.path}`, hint: conn.hint, color: 'yellow' };
    case 'reconnecting':
      return { text: `reconnecting… to ${conn.path} (attempt ${conn.attempts})`, hint: conn.detail, color: 'yellow' };
    case 'denied':
      return { text: `permission denied on ${conn.path}`, hint: conn.hint, color: 'red' };
    case 'incompatible':
      return { text: conn.detail ?? `incompatible core at ${conn.path}`, hint: conn.hint, color: 'red' };
  }
}

export function bannerHeight(conn: ConnInfo): number {
  const b = bannerText(conn);
  return b === null ? 0 : b.hint ? 2 : 1;
}

export function Banner({ conn, width }: { conn: ConnInfo; width: number }) {
  const b = bannerText(conn);
  if (!b) return null;
  return (
    <Box flexDirection="column" width={width}>
      <Line segs={[{ text: ' ' + b.text + ' ', color: b.color, inverse: true, bold: true }]} />
      {b.hint ? <Line segs={[{ text: '  ' + b.hint, color: b.color }]} /> : null}
    </Box>
  );
}
