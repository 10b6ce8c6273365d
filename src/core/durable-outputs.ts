// The core's two durable outputs, the fill journal and log.txt, each behind a RetryingSink: a write the
// disk refuses is kept in memory and retried every housekeeping tick, and the output's breaking or
// recovering becomes a critical alert (and, through Modes, trading REDUCING). Methods return whether
// something a dashboard shows changed; the loop publishes.
import type { AlertBook } from './alerts.js';
import type { JournalFill, JournalSink, StatsSink } from './ports.js';
import { RetryingSink, type SinkTransition } from './retrying-sink.js';
import { errorMessage } from '../util/error-message.js';

export interface DurableOutputsDeps {
  journal: JournalSink;
  stats: StatsSink;
  logFile: string;
  alerts: AlertBook;
  /** A journal record was written (the history sync counts records since its checkpoint). */
  written: () => void;
}

export class DurableOutputs {
  private readonly journalQueue: RetryingSink<JournalFill>;
  private readonly logQueue: RetryingSink<string>;

  constructor(private readonly d: DurableOutputsDeps) {
    this.journalQueue = new RetryingSink({ write: (rec) => d.journal.append(rec), written: d.written });
    // Only the newest stats blocks are worth memory while log.txt is unwritable.
    this.logQueue = new RetryingSink({ write: (block) => d.stats.write(block), keep: 20 });
  }

  /** The journal could not be written: its records wait in memory (trading REDUCING). */
  get journalBroken(): boolean {
    return this.journalQueue.broken;
  }

  /** log.txt could not be written: its newest blocks wait in memory (trading REDUCING). */
  get logBroken(): boolean {
    return this.logQueue.broken;
  }

  /** Journal records not yet written. */
  get pendingRecords(): number {
    return this.journalQueue.pending;
  }

  appendJournal(rec: JournalFill): boolean {
    return this.onJournal(this.journalQueue.push(rec));
  }

  writeBlock(block: string): boolean {
    return this.onLog(this.logQueue.push(block));
  }

  /** Retry what waits (housekeeping). */
  retry(): boolean {
    let changed = false;
    if (this.journalQueue.pending > 0) changed = this.onJournal(this.journalQueue.flush());
    if (this.logQueue.pending > 0) changed = this.onLog(this.logQueue.flush()) || changed;
    return changed;
  }

  /** A journal that cannot be written holds its records in memory, alerts loudly and trades REDUCING. */
  private onJournal(t: SinkTransition): boolean {
    if (t === null) return false;
    if (t.kind === 'broken') {
      this.d.alerts.raise('journal', 'journal unwritable', 'critical', `fill journal unwritable (${errorMessage(t.error)}): ${this.journalQueue.pending} fill(s) held in memory; trading REDUCING`);
    } else {
      this.d.alerts.clear('journal', 'journal writable again, queued fills written');
    }
    return true;
  }

  private onLog(t: SinkTransition): boolean {
    if (t === null) return false;
    if (t.kind === 'broken') {
      this.d.alerts.raise('logfile', 'log unwritable', 'critical', `log file ${this.d.logFile} unwritable (${errorMessage(t.error)}); trading REDUCING`);
    } else {
      this.d.alerts.clear('logfile', 'log file writable again');
    }
    return true;
  }
}
