// Colours that carry meaning, in one place so the dashboard stays calm and consistent: green is fine,
// yellow wants attention, red needs action. Everything else is the terminal's default or dim.
import type { TradingMode } from '../src/control/protocol.js';

export type Colour = 'green' | 'yellow' | 'red' | 'cyan' | 'gray' | 'white' | 'blue' | 'magenta';

/** REST usage gauge: green below 50% of the limit, yellow from 50%, red from 80%. */
export function gaugeColor(fraction: number): Colour {
  if (!Number.isFinite(fraction) || fraction < 0.5) return 'green';
  if (fraction < 0.8) return 'yellow';
  return 'red';
}

export function modeColor(mode: TradingMode): Colour {
  switch (mode) {
    case 'ACTIVE':
      return 'green';
    case 'PAUSED':
      return 'yellow';
    case 'REDUCING':
      return 'cyan';
    case 'HALTED':
      return 'red';
  }
}

/** PnL colour from a sign: gains green, losses red, zero neutral (undefined = default colour). */
export function pnlColor(s: -1 | 0 | 1): Colour | undefined {
  return s > 0 ? 'green' : s < 0 ? 'red' : undefined;
}
