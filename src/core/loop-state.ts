// The loop's own flags, read by the modes and the views: whether the core has started or is stopping,
// whether the exchange streams are down, and the count of exchange events it had to skip.
export class LoopState {
  started = false;
  stopping = false;
  /** The exchange streams are down (from the 'down' event until a reconciliation after they are back). */
  connDown = false;
  /** When this run began (re-set by start()). */
  startedAt: number;
  /** Exchange events (and journal records) that could not be applied and were skipped. */
  malformedEvents = 0;

  constructor(now: number) {
    this.startedAt = now;
  }
}
