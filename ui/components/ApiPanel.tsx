// Exchange API budget: REST calls in the last minute against the limit (the gauge turns yellow at 50%
// and red at 80%, matching the risk of 429s), websocket traffic, and error counters.
import { Box } from 'ink';
import type { ApiView } from '../../src/control/protocol.js';
import { bar, ratio } from '../format.js';
import { gaugeColor } from '../theme.js';
import { FieldLines, packFields } from './fields.js';
import type { Field } from './fields.js';

export const GAUGE_WIDTH = 10;

export function apiFields(api: ApiView): Field[] {
  const frac = api.restLimit > 0 ? api.restLastMinute / api.restLimit : 0;
  const colour = gaugeColor(frac);
  const usage = `${api.restLastMinute}/${api.restLimit} ${Math.round(frac * 100)}%`;
  return [
    { label: 'REST', value: bar(frac, GAUGE_WIDTH), width: GAUGE_WIDTH, color: colour },
    { label: '', value: usage, width: 12, color: colour },
    { label: 'WS/min', value: String(api.wsLastMinute), width: 5 },
    { label: 'WS/API', value: ratio(api.wsApiRatio, 1), width: 5 },
    { label: '429s', value: String(api.http429), width: 3, color: api.http429 > 0 ? 'red' : undefined },
    { label: 'reconn', value: String(api.reconnects), width: 3, color: api.reconnects > 0 ? 'yellow' : undefined },
    { label: 'REST err', value: String(api.restErrors), width: 4, optional: true, color: api.restErrors > 0 ? 'yellow' : undefined },
    { label: 'bad msgs', value: String(api.parseErrors), width: 4, optional: true, color: api.parseErrors > 0 ? 'yellow' : undefined },
  ];
}

export function apiHeight(api: ApiView, width: number): number {
  return packFields(apiFields(api), width).length;
}

export function ApiPanel({ api, width }: { api: ApiView; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <FieldLines fields={apiFields(api)} width={width} />
    </Box>
  );
}
