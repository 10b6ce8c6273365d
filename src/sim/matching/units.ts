// Integer units for the matching engine. Prices are held as integers in units of 10^-priceScale and
// quantities in units of 10^-qtyScale, so the hot path (book, matching, market model) is exact integer
// arithmetic without Decimal allocations. Notional = priceUnits * qtyUnits in units of 10^-(ps+qs); every
// value stays far below 2^53 for the markets we simulate (BTC 1e6 price units * 1e8 qty units = 1e14).
import { Decimal } from '../../util/decimal.js';

export interface UnitScale {
  /** Decimal places of the unit (tick "0.01" -> 2). */
  scale: number;
  /** The tick/step expressed in units (tick "0.5" at scale 1 -> 5; usually 1). */
  unit: number;
}

export function scaleOfString(step: string): UnitScale {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(step);
  if (!m) throw new Error(`bad step ${step}`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const scale = frac.length;
  const unit = Number((m[1] ?? '0') + frac);
  return { scale, unit };
}

export type ParseUnits = number | 'invalid' | 'too_long';

/**
 * Parse a non-negative wire decimal ("180.50", "1", 180.5) into units. Trailing zeros beyond the scale
 * are tolerated ("180.500" == "180.50"); real extra precision is 'too_long'.
 */
export function parseUnits(raw: unknown, scale: number): ParseUnits {
  let s: string;
  if (typeof raw === 'string') s = raw.trim();
  else if (typeof raw === 'number' && Number.isFinite(raw)) s = new Decimal(raw).toFixed();
  else return 'invalid';
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return 'invalid';
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > scale) return 'too_long';
  const digits = (m[1] || '0') + frac.padEnd(scale, '0');
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) return 'invalid';
  return n;
}

const POW10: number[] = [];
for (let i = 0; i <= 18; i++) POW10.push(10 ** i);

/** Render integer units with exactly `scale` decimals: (18050, 2) -> "180.50", (-5, 2) -> "-0.05". */
export function fmtUnits(n: number, scale: number): string {
  const neg = n < 0;
  const s = String(neg ? -n : n);
  if (scale === 0) return neg ? '-' + s : s;
  const p = s.length <= scale ? '0'.repeat(scale - s.length + 1) + s : s;
  const out = p.slice(0, p.length - scale) + '.' + p.slice(p.length - scale);
  return neg ? '-' + out : out;
}

function unitsToDec(n: number, scale: number): Decimal {
  return new Decimal(n).div(POW10[scale] ?? 10 ** scale);
}

/**
 * unitsToDec with a bounded memo: building a Decimal costs ~0.4 µs and the same prices and quantities
 * recur constantly (a backtest asks for millions of them); a hit is a Map lookup. Decimals are immutable,
 * so sharing one instance is safe. The memo is simply emptied when full (values drift with the market).
 */
export class DecCache {
  private readonly memo = new Map<number, Decimal>();
  /** The reverse: units of a Decimal this cache handed out (a caller passing one back skips parsing). */
  private readonly units = new WeakMap<Decimal, number>();
  constructor(
    readonly scale: number,
    private readonly cap = 4096,
  ) {}
  get(n: number): Decimal {
    let d = this.memo.get(n);
    if (d === undefined) {
      d = unitsToDec(n, this.scale);
      if (this.memo.size >= this.cap) this.memo.clear();
      this.memo.set(n, d);
      this.units.set(d, n);
    }
    return d;
  }

  /** Units of `d` when this cache built it, else undefined. */
  unitsOf(d: Decimal): number | undefined {
    return this.units.get(d);
  }
}

/** Decimal -> units, truncated toward zero (caller guarantees the value is on the grid when exactness matters). */
export function decToUnits(d: Decimal, scale: number): number {
  return d.mul(POW10[scale] ?? 10 ** scale).trunc().toNumber();
}

export function pow10(n: number): number {
  return POW10[n] ?? 10 ** n;
}

/**
 * A Decimal as the exchange prints a value of a grid with `scale` decimals: padded to the scale ("180.50",
 * "2.00"), the form the wire and the state files carry. Never rounds: a value finer than the grid (a
 * seeded fill, a file from another tick size) and a value of unknown scale print as they are.
 */
export function fmtAtScale(d: Decimal, scale: number | undefined): string {
  return scale !== undefined && d.decimalPlaces() <= scale ? d.toFixed(scale) : d.toString();
}
