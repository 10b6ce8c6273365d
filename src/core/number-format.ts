// How the core prints numbers for people to read (log.txt, the stdout FILL / inventory-switch / summary
// lines, alert messages, the dashboard's entry price): prices to the market's tick plus two digits (an
// average entry is rarely on the tick, and two more digits show where it sits between ticks), quantities
// to the step, money (USDC: PnL, fees, volume, equity, cost per $1M) to 6 places. Decimals in, strings
// out, never a float in between. Display only: the journal and the control protocol keep exact values.
import { Decimal, scaleOf } from '../util/decimal.js';

export const MONEY_DP = 6;
/** Digits a price shows beyond its tick. */
export const PRICE_EXTRA_DP = 2;

export interface NumberFormat {
  /** Decimal places of a price: the tick's plus PRICE_EXTRA_DP. */
  priceDp: number;
  /** Decimal places of a quantity: the step's. */
  qtyDp: number;
}

/** For figures without a market (a sum over no markets): enough places for any Backpack market's prices and quantities. */
export const GENERIC_FORMAT: NumberFormat = Object.freeze({ priceDp: 8, qtyDp: 8 });

export function marketFormat(m: { tickSize: Decimal; stepSize: Decimal }): NumberFormat {
  return { priceDp: scaleOf(m.tickSize) + PRICE_EXTRA_DP, qtyDp: scaleOf(m.stepSize) };
}

/** The format of a sum over several markets: as many quantity places as the finest step among them. */
export function combinedFormat(fs: readonly NumberFormat[]): NumberFormat {
  if (fs.length === 0) return GENERIC_FORMAT;
  return { priceDp: Math.max(...fs.map((f) => f.priceDp)), qtyDp: Math.max(...fs.map((f) => f.qtyDp)) };
}

export function fmtPrice(d: Decimal, f: NumberFormat): string {
  return fixed(d, f.priceDp);
}

export function fmtQty(d: Decimal, f: NumberFormat): string {
  return fixed(d, f.qtyDp);
}

export function fmtMoney(d: Decimal): string {
  return fixed(d, MONEY_DP);
}

/** Fixed places, half-up (as people round); a value that rounds to zero prints without a minus sign. */
function fixed(d: Decimal, dp: number): string {
  const s = d.toFixed(dp, Decimal.ROUND_HALF_UP);
  return s.startsWith('-') && /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}
