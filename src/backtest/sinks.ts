// In-memory implementations of the core's I/O ports for a backtest: nothing touches a disk or a
// terminal, so a run is as fast as the CPU allows and leaves no files behind. The journal keeps every
// record (tests compare it with the paper exchange's own fill records); the log keeps only the last
// block and a count (a 24 h run writes ~1,400 blocks nobody reads); the logger only counts lines.
import { emptyRunState, type JournalFill, type JournalSink, type Logger, type RunState, type RunStateStore, type StatsSink } from '../core/ports.js';

export class MemoryJournal implements JournalSink {
  readonly records: JournalFill[] = [];
  append(fill: JournalFill): void {
    this.records.push(fill);
  }
  load(): JournalFill[] {
    return this.records.slice();
  }
}

export class LastBlockLog implements StatsSink {
  blocks = 0;
  last = '';
  write(block: string): void {
    this.blocks++;
    this.last = block;
  }
}

export class CountingLogger implements Logger {
  infos = 0;
  warns = 0;
  /** The first few warnings, for the report (a backtest should produce almost none). */
  readonly firstWarnings: string[] = [];
  /** When set, every line is also passed on (debugging a run). */
  constructor(private readonly echo: ((line: string) => void) | null = null) {}
  get discardsInfo(): boolean {
    return this.echo === null;
  }
  info(line: string): void {
    this.infos++;
    this.echo?.(line);
  }
  warn(line: string): void {
    this.warns++;
    if (this.firstWarnings.length < 10) this.firstWarnings.push(line);
    this.echo?.(line);
  }
}

export class MemoryRunState implements RunStateStore {
  private state: RunState = emptyRunState();
  load(): RunState {
    return structuredClone(this.state);
  }
  save(s: RunState): void {
    this.state = structuredClone(s);
  }
}
