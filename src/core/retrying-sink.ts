// A durable retrying queue in front of a sink that may throw (the fill journal, log.txt): items are
// written in order; when a write fails the item and everything after it stay queued for the next flush
// (optionally only the newest `keep` of them), and the queue reports that it broke. When a later flush
// drains the queue it reports that it recovered. The owner turns those two transitions into its alerts
// and trading mode; the queue itself does no I/O beyond the injected write.

/** What a push or flush changed: null (no change), the sink's first failure, or its recovery. */
export type SinkTransition = null | { kind: 'broken'; error: unknown } | { kind: 'recovered' };

export interface RetryingSinkOptions<T> {
  write: (item: T) => void;
  /** Called after each item is written (the journal counts records since its checkpoint). */
  written?: () => void;
  /** On a failure keep only the newest `keep` items (log.txt: old stats blocks are not worth memory). */
  keep?: number;
}

export class RetryingSink<T> {
  private readonly queue: T[] = [];
  private failing = false;

  constructor(private readonly o: RetryingSinkOptions<T>) {}

  /** True from a failed write until a flush drains the queue. */
  get broken(): boolean {
    return this.failing;
  }

  /** Items waiting to be written. */
  get pending(): number {
    return this.queue.length;
  }

  push(item: T): SinkTransition {
    this.queue.push(item);
    return this.flush();
  }

  flush(): SinkTransition {
    while (this.queue.length > 0) {
      try {
        this.o.write(this.queue[0]!);
        this.queue.shift();
        this.o.written?.();
      } catch (error) {
        const keep = this.o.keep;
        if (keep !== undefined && this.queue.length > keep) this.queue.splice(0, this.queue.length - keep);
        if (this.failing) return null;
        this.failing = true;
        return { kind: 'broken', error };
      }
    }
    if (!this.failing) return null;
    this.failing = false;
    return { kind: 'recovered' };
  }
}
