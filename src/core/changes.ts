// What a component's handling of an event changed, for the loop to act on once the event ends: a
// publish (a snapshot shows something new), symbols to re-quote, loss limits hit or released (announced,
// saved, and every symbol re-quoted). Components return it; only the loop acts on it.
import type { LimitChange } from './loss-limits.js';
import type { SymbolState } from './symbol-state.js';

export interface Changes {
  publish?: boolean;
  /** The symbols to re-quote, or every symbol. */
  requote?: Iterable<SymbolState> | 'all';
  limits?: readonly LimitChange[];
}

export const REQUOTE_ALL: Readonly<Changes> = Object.freeze({ publish: true, requote: 'all' });
