// The key legend, trimmed from the right to fit the width (the help overlay has the full story).
import { Box } from 'ink';
import { Line } from './Line.js';
import type { Seg } from './Line.js';

export function legend(mode: 'attach' | 'embedded'): Array<readonly [string, string]> {
  return [
    ['p/P', 'pause'],
    ['f/F', 'flatten'],
    ['i', 'inventory'],
    ['l', 'flush'],
    ['R', 'reset limits'],
    ['↑↓/jk', 'select'],
    ['?', 'help'],
    ['q', mode === 'attach' ? 'detach' : 'quit'],
  ];
}

export function Footer({ width, mode }: { width: number; mode: 'attach' | 'embedded' }) {
  const segs: Seg[] = [];
  let used = 0;
  const items = legend(mode);
  // Always keep quit + help visible: fit the others in front of them.
  const tail = items.slice(-2);
  const tailLen = tail.reduce((n, [k, d]) => n + k.length + d.length + 3, 0);
  for (const [k, d] of items.slice(0, -2)) {
    const len = k.length + d.length + 3;
    if (used + len + tailLen > width) break;
    segs.push({ text: k, bold: true }, { text: ' ' + d + '  ', dim: true });
    used += len;
  }
  for (const [k, d] of tail) segs.push({ text: k, bold: true }, { text: ' ' + d + '  ', dim: true });
  return (
    <Box width={width}>
      <Line segs={segs} />
    </Box>
  );
}
