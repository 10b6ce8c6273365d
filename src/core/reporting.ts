// The periodic reports: log.txt's stats block (every statsLogIntervalSec, on a flush and at stop) and
// stdout's summary line. A timer's block first reads the equity so it shows the figure read for it; the
// block is then written through the durable outputs (a refused write waits in memory, see
// durable-outputs.ts). Returns nothing to the loop: what it changed is told through `changed`.
import type { Settings } from '../config/settings.js';
import { type Clock, raceTimeout } from '../util/clock.js';
import type { CoreView } from './core-view.js';
import type { DurableOutputs } from './durable-outputs.js';
import type { LoopState } from './loop-state.js';
import type { Monitoring } from './monitoring.js';
import type { Logger } from './ports.js';
import { summaryLine } from './stats-report.js';

export interface ReportingDeps {
  clock: Clock;
  logger: Logger;
  settings: Readonly<Settings>;
  monitoring: Monitoring;
  outputs: DurableOutputs;
  view: CoreView;
  loop: LoopState;
  /** Something a dashboard shows changed (the loop publishes). */
  changed: () => void;
}

export class Reporting {
  constructor(private readonly d: ReportingDeps) {}

  /**
   * Write a stats block. The timer's block reads the equity first and is rendered when the read returns
   * (or gives up after the request timeout, capped at half the interval), so it shows the figure read
   * for it; a flush or the shutdown block is written at once with the last figure. Either way the block
   * prints the figure's age.
   */
  statsTick(final = false): void {
    const { loop, settings: s } = this.d;
    if (!final && loop.stopping) return;
    if (final) return this.writeBlock();
    const wait = Math.min(s.requestTimeoutMs, s.statsLogIntervalSec * 500);
    void raceTimeout(this.d.clock, this.refreshEquity(), wait).then(() => {
      if (!loop.stopping) this.writeBlock();
    });
  }

  summaryTick(): void {
    this.d.logger.info(summaryLine(this.d.view));
  }

  /** Housekeeping: the fee rates and the equity when their reads are due. */
  readsDue(now: number): void {
    if (this.d.monitoring.feesDue(now)) void this.readFees();
    if (this.d.monitoring.equityWanted(now)) void this.refreshEquity();
  }

  /** Read the equity unless a read is under way or the figure is fresh (see Monitoring.refreshEquity). */
  refreshEquity(): Promise<boolean> {
    const read = this.d.monitoring.refreshEquity();
    void read.then((changed) => changed && this.d.changed());
    return read;
  }

  /** Read the account's fee rates (see Monitoring.readFees); a change is published. */
  async readFees(): Promise<void> {
    if (await this.d.monitoring.readFees()) this.d.changed();
  }

  private writeBlock(): void {
    this.d.outputs.writeBlock(this.d.view.statsBlock());
    this.d.changed();
  }
}
