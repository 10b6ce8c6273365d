// One event, one re-quote per symbol and one publish. While the loop handles an event (an exchange event,
// a REST outcome, a command), whatever wants a symbol re-quoted or the dashboard told only marks it; when
// the event's handling ends, each marked symbol is re-quoted once (in marking order) and listeners are told
// once. A mark outside any event (e.g. a fill found by a background history read) is acted on at once.
// This keeps a re-quote from running on half-applied state, e.g. a loss limit hit by a fill re-quoting
// every symbol before the order event that carried the fill has updated the working order.
export class EventBatch<S> {
  private depth = 0;
  private readonly due = new Set<S>();
  private publishDue = false;

  constructor(
    private readonly requote: (s: S) => void,
    private readonly publish: () => void,
  ) {}

  /** Handle one event: marks made inside `fn` are acted on when it returns (or throws). */
  run<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  requoteLater(s: S): void {
    this.due.add(s);
    if (this.depth === 0) this.flush();
  }

  publishLater(): void {
    this.publishDue = true;
    if (this.depth === 0) this.flush();
  }

  private flush(): void {
    // Re-quoting may mark again (a publish, rarely another symbol): still inside this flush.
    this.depth++;
    try {
      for (const s of this.due) {
        this.due.delete(s);
        this.requote(s);
      }
    } finally {
      this.depth--;
    }
    if (this.publishDue) {
      this.publishDue = false;
      this.publish();
    }
  }
}
