// The operator's part of a symbol's trading mode: the global choice combined with the symbol's own.
// Pause and flatten are both the operator's, so neither simply "wins by strictness": flatten is the
// explicit order to get flat, so a flatten (global or per symbol) overrides a pause at either level, and
// the symbol is left PAUSED once it is flat. Only system conditions (outage, book resync, start/stop)
// can stop a flatten. Pure.
import type { OperatorMode } from '../domain/trading-mode.js';

export function operatorMode(global: OperatorMode, symbol: OperatorMode): OperatorMode {
  if (global === 'REDUCING' || symbol === 'REDUCING') return 'REDUCING';
  if (global === 'PAUSED' || symbol === 'PAUSED') return 'PAUSED';
  return 'ACTIVE';
}
