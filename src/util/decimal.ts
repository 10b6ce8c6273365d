// Money is exact: every price, quantity, fee and PnL is a Decimal. This module is the one place that
// configures decimal.js and holds the rounding helpers that respect tick size and step size.
import { Decimal } from 'decimal.js';

// 40 significant digits is far beyond any price*quantity product the exchange can produce.
Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });

export { Decimal };
export type Dec = Decimal;
export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);

export function D(x: Decimal.Value): Decimal {
  return new Decimal(x);
}

/** Parse an exchange decimal; returns null unless the value is a finite decimal (string or number). */
export function parseDecimal(x: unknown): Decimal | null {
  if (typeof x !== 'string' && typeof x !== 'number') return null;
  if (typeof x === 'string' && !/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(x.trim())) return null;
  try {
    const d = new Decimal(x);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/** Number of decimal places implied by a tick/step such as "0.01" -> 2, "1" -> 0, "0.5" -> 1. */
export function scaleOf(step: Decimal): number {
  return step.decimalPlaces();
}

/** Largest multiple of step that is <= x. */
export function floorToStep(x: Decimal, step: Decimal): Decimal {
  return x.div(step).floor().mul(step);
}

/** Smallest multiple of step that is >= x. */
export function ceilToStep(x: Decimal, step: Decimal): Decimal {
  return x.div(step).ceil().mul(step);
}

/** Multiple of step with the smallest absolute value not below |x| rounded toward zero. */
export function truncToStep(x: Decimal, step: Decimal): Decimal {
  return x.isNegative() ? ceilToStep(x, step) : floorToStep(x, step);
}

/** Render with exactly the scale of step (what the exchange expects on the wire: "180.50"). */
export function fmtStep(x: Decimal, step: Decimal): string {
  return x.toFixed(scaleOf(step));
}

export function isMultipleOf(x: Decimal, step: Decimal): boolean {
  return x.mod(step).isZero();
}

export function maxDec(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}
export function minDec(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}
