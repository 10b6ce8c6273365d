// Display formatting for the dashboard. Pure: strings in (decimals travel as strings on the control
// protocol), strings out. Money is rounded with decimal.js, never with JS floats, so what the operator
// reads matches the ledger to the cent. A private Decimal clone keeps the core's global config untouched.
import { Decimal } from 'decimal.js';

const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
type DecT = InstanceType<typeof Dec>;

export const DASH = '—';

function toDec(v: string | number | null | undefined): DecT | null {
  if (v === null || v === undefined || v === '') return null;
  try {
    const d = new Dec(v);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/** "1234567.891" -> "1,234,567.89" (always `dp` decimals, no sign for positives). */
export function grouped(v: string | number | null | undefined, dp = 2): string {
  const d = toDec(v);
  if (!d) return DASH;
  const fixed = d.abs().toFixed(dp);
  const [int = '0', frac] = fixed.split('.');
  const withCommas = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const neg = d.isNegative() && !new Dec(fixed).isZero();
  return (neg ? '-' : '') + withCommas + (frac !== undefined ? '.' + frac : '');
}

/** Signed money with 2 decimals: "+12.34", "-5.00", "0.00". Null -> "—". */
export function money(v: string | number | null | undefined, dp = 2): string {
  const d = toDec(v);
  if (!d) return DASH;
  const s = grouped(v, dp);
  if (s === DASH) return s;
  if (new Dec(d.toFixed(dp)).isZero()) return s.replace(/^-/, '');
  return d.isPositive() ? '+' + s : s;
}

/** Sign of a decimal string as -1, 0 or 1 (0 for null/unparseable): drives red/green colouring. */
export function sign(v: string | number | null | undefined): -1 | 0 | 1 {
  const d = toDec(v);
  if (!d || d.isZero()) return 0;
  return d.isNegative() ? -1 : 1;
}

/** Compact volume: 512 -> "512", 1234 -> "1.23K", 1234567 -> "1.23M", 4.5e9 -> "4.50B". */
export function compact(v: string | number | null | undefined): string {
  const d = toDec(v);
  if (!d) return DASH;
  const a = d.abs();
  const neg = d.isNegative() ? '-' : '';
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, suffix] of units) {
    if (a.gte(size)) return neg + a.div(size).toFixed(2) + suffix;
  }
  return neg + a.toFixed(a.gte(100) ? 0 : 2);
}

/** Durations the way an operator reads them: "45s", "12m30s", "3h12m", "2d4h". Null -> "—". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d${h % 24}h`;
}

/** 0.982 -> "98.2%". Null -> "—". */
export function pct(x: number | null | undefined, dp = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return (x * 100).toFixed(dp) + '%';
}

/** Plain ratio with 2 decimals. Null -> "—". */
export function ratio(x: number | null | undefined, dp = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return x.toFixed(dp);
}

/** Signed quantity as sent by the core, with an explicit "+" so long and short line up. */
export function signedQty(v: string | null | undefined): string {
  const d = toDec(v);
  if (!d) return DASH;
  if (d.isZero()) return '0';
  return d.isPositive() ? '+' + v : String(v);
}

/** Fixed-width cell: pads (left or right aligned) and truncates with "…" so columns never shift. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const t = text.length > width ? text.slice(0, Math.max(0, width - 1)) + '…' : text;
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}

/** Progress bar of exactly `width` cells for a 0..1 fraction (clamped). */
export function bar(fraction: number, width: number): string {
  if (width <= 0) return '';
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

const SPARK = '▁▂▃▄▅▆▇█';
/** Sparkline of the last `width` samples, scaled between their min and max (flat series -> baseline). */
export function sparkline(values: readonly number[], width: number): string {
  const xs = values.filter((x) => Number.isFinite(x)).slice(-Math.max(0, width));
  if (xs.length === 0) return '';
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  if (hi === lo) return SPARK[0]!.repeat(xs.length);
  return xs.map((x) => SPARK[Math.min(SPARK.length - 1, Math.floor(((x - lo) / (hi - lo)) * SPARK.length))]).join('');
}

/** Local wall-clock time "HH:MM:SS" for fills and alerts. */
export function clock(ts: number): string {
  const d = new Date(ts);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** max(0, a - b) exactly, as a string (e.g. volume still needed for the next tier). */
export function remaining(a: string | null | undefined, b: string | null | undefined): string | null {
  const x = toDec(a);
  const y = toDec(b);
  if (!x || !y) return null;
  const r = x.minus(y);
  return (r.isNegative() ? new Dec(0) : r).toString();
}
