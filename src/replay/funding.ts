// Funding where a tape has it: the mark stream announces the next funding time and the rate; when venue
// time passes that time, the position pays position x mark x rate at the last mark before it (a positive
// rate: longs pay shorts). The venue's own clock (the announced time) is put on the replay clock by the
// tape's clock offset (src/replay/feed.ts). Pure.
import { D, type Decimal } from '../util/decimal.js';

export interface FundingDue {
  mark: Decimal;
  rate: Decimal;
  /** The interval's end, ms on the replay clock. */
  endMs: number;
}

export class FundingClock {
  private dueUs: number | null = null;
  private rate: Decimal | null = null;
  private lastMark: Decimal | null = null;

  constructor(private readonly clockOffsetUs: () => number) {}

  /** A mark event at venue time `nowUs`: the settlement now due, if any. */
  onMark(nowUs: number, markPrice: string, rate: string | null, nextMs: number | null): FundingDue | null {
    const mark = D(markPrice);
    let due: FundingDue | null = null;
    if (this.dueUs !== null && nowUs >= this.dueUs && this.rate !== null) {
      due = { mark: this.lastMark ?? mark, rate: this.rate, endMs: Math.round(this.dueUs / 1000) };
      this.dueUs = null;
    }
    this.lastMark = mark;
    if (rate !== null) this.rate = D(rate);
    if (nextMs !== null) this.dueUs = nextMs * 1000 + this.clockOffsetUs();
    return due;
  }
}
