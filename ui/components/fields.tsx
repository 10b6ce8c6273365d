// Label/value fields with FIXED value widths, packed greedily into as few lines as the width allows.
// Because widths never depend on the data, a given terminal width always gives the same layout.
import { Line } from './Line.js';
import type { Seg } from './Line.js';
import type { Colour } from '../theme.js';

export interface Field {
  label: string;
  value: string;
  /** Value cell width (value is right-aligned inside it). */
  width: number;
  color?: Colour | undefined;
  bold?: boolean;
  /** Shown only when it fits on a line already started (never causes an extra line). */
  optional?: boolean;
}

export const FIELD_GAP = 2;

export function fieldWidth(f: Field): number {
  return (f.label ? f.label.length + 1 : 0) + f.width;
}

export function packFields(fields: readonly Field[], width: number): Field[][] {
  const lines: Field[][] = [];
  let cur: Field[] = [];
  let used = 0;
  for (const f of fields) {
    const w = fieldWidth(f);
    const need = cur.length === 0 ? w : used + FIELD_GAP + w;
    if (cur.length > 0 && need > width) {
      if (f.optional) continue;
      lines.push(cur);
      cur = [f];
      used = w;
    } else {
      cur.push(f);
      used = need;
    }
  }
  if (cur.length > 0) lines.push(cur);
  return lines;
}

export function fieldSegs(line: readonly Field[]): Seg[] {
  const segs: Seg[] = [];
  line.forEach((f, i) => {
    if (i > 0) segs.push({ text: ' '.repeat(FIELD_GAP) });
    if (f.label) segs.push({ text: f.label + ' ', dim: true });
    const v = f.value.length > f.width ? f.value.slice(0, f.width - 1) + '…' : f.value.padStart(f.width);
    segs.push({ text: v, color: f.color, ...(f.bold ? { bold: true } : {}) });
  });
  return segs;
}

export function FieldLines({ fields, width }: { fields: readonly Field[]; width: number }) {
  return (
    <>
      {packFields(fields, width).map((line, i) => (
        <Line key={i} segs={fieldSegs(line)} />
      ))}
    </>
  );
}
