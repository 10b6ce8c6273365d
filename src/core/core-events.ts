// The core's typed event stream: what it tells the edges (the control socket's pushes, a benchmark, a
// test) instead of their polling it. One `changed` per loop event that changed anything a snapshot shows
// (EventBatch coalesces the marks of one event); `seq` counts them, so a reader can tell whether the
// snapshot it holds is current. A listener's failure never reaches the loop.
// It carries one kind today; the phone alerts planned next subscribe to the same stream.
export type CoreEvent =
  /** What a snapshot shows changed; take a new one when convenient (the control server coalesces). */
  { type: 'changed'; seq: number };

export type CoreListener = (e: CoreEvent) => void;

export class CoreEvents {
  private readonly listeners = new Set<CoreListener>();
  private changes = 0;

  /** The `seq` of the newest `changed` event (0 before any). */
  get seq(): number {
    return this.changes;
  }

  subscribe(listener: CoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    ++this.changes;
    // Once per loop event: a backtest (no listener) builds nothing.
    if (this.listeners.size > 0) this.emit({ type: 'changed', seq: this.changes });
  }

  private emit(e: CoreEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure must never affect trading
      }
    }
  }
}
