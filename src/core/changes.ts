// What a component's handling of an event changed, for the loop to act on once the event ends: a
// publish (a snapshot shows something new), symbols to re-quote, loss limits hit or released (announced,
// saved, and every symbol re-quoted). Components return it; only the loop acts on it.
import type { LimitChange } from './loss-limits.js';
import type { SymState } from './sym-state.js';

export interface Changes {
  publish?: boolean;
  /** The symbols to re-quote, or every symbol. */
  requote?: Iterable<SymState> | 'all';
  limits?: readonly LimitChange[];
}

/** Published, and `st` re-quoted. */
export function requoteOne(st: SymState): Changes {
  return { publish: true, requote: [st] };
}

export const REQUOTE_ALL: Readonly<Changes> = Object.freeze({ publish: true, requote: 'all' });
