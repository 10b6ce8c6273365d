// One fixed line under the dashboard: a pending confirmation, or the core's last reply (✓ or ✗).
import { Box } from 'ink';
import { Line } from './Line.js';

export type Status = { kind: 'confirm'; text: string } | { kind: 'ok'; text: string } | { kind: 'error'; text: string } | { kind: 'info'; text: string } | null;

export function StatusLine({ status, width }: { status: Status; width: number }) {
  let segs;
  if (!status) segs = [{ text: ' ' }];
  else if (status.kind === 'confirm') segs = [{ text: ' ⚠ ' + status.text + ' ', color: 'yellow' as const, inverse: true, bold: true }];
  else if (status.kind === 'ok') segs = [{ text: '✓ ', color: 'green' as const, bold: true }, { text: status.text }];
  else if (status.kind === 'error') segs = [{ text: '✗ ', color: 'red' as const, bold: true }, { text: status.text, color: 'red' as const }];
  else segs = [{ text: '… ' + status.text, dim: true }];
  return (
    <Box width={width}>
      <Line segs={segs} />
    </Box>
  );
}
