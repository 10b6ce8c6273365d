// TapeFeed: one tape as a time-ordered source for the replay loop. Each event has two times on the replay
// clock (the tape's local clock, µs):
//   venue time v(e)    when it happened at the venue: the replay venue applies it then;
//   receipt time r(e)  when it reaches the engine: v(e) + the feed latency.
// Feed latency, two modes:
//   'tape'   from the tape's own timestamps: local - exchange time is the recorder's feed latency plus the
//            two clocks' offset; its lowest value (a calibration over the tape's first 30 s, then the
//            running minimum) is taken as the offset, so an event's latency is how much later than the
//            fastest one it arrived. The engine then receives every event exactly when the recorder did
//            (r = local time) and the venue saw it that much earlier. The fastest delivery's own latency is
//            unknown and counted as zero. Events without an exchange time keep their predecessor's.
//   fixed    a setting (with jitter, seeded): v = local time, r = v + the draw.
// Both times are made non-decreasing per tape (a tape is applied in its own order). Events between their
// venue and receipt times wait in a FIFO: memory is bounded by the feed latency, not the tape's length.
import { TapeReader } from '../tape/reader.js';
import type { TapeEvent, TapeHeader } from '../tape/types.js';
import type { LatencyModel } from '../sim/latency.js';

/** A tape's own latency above its fastest is capped here (a recorder clock step must not stall a market). */
const MAX_TAPE_FEED_US = 5_000_000;
const CALIBRATION_US = 30_000_000;
const CALIBRATION_EVENTS = 200_000;

export interface Calibration {
  header: TapeHeader;
  firstLocalUs: number | null;
  /** Lowest local - exchange time in the calibration window, µs (null: the tape has no exchange times). */
  offsetUs: number | null;
  /** A price near the start (first mid, else first trade), tape units. */
  refPriceU: number | null;
  /** The tape carries a best bid/ask stream (else mids come from the rebuilt book). */
  hasBbo: boolean;
}

/** Read the start of a tape for what the replay needs before it runs. */
export async function calibrate(path: string): Promise<Calibration> {
  const r = await TapeReader.open(path);
  const out: Calibration = { header: r.header, firstLocalUs: null, offsetUs: null, refPriceU: null, hasBbo: false };
  let n = 0;
  let tradePx: number | null = null;
  try {
    outer: do {
      let e: TapeEvent | null;
      while ((e = r.next()) !== null) {
        if (out.firstLocalUs === null) out.firstLocalUs = e.localUs;
        if (e.exchUs !== null) {
          const d = e.localUs - e.exchUs;
          if (out.offsetUs === null || d < out.offsetUs) out.offsetUs = d;
        }
        if (e.type === 'bbo') {
          out.hasBbo = true;
          if (out.refPriceU === null && e.hasBid && e.hasAsk) out.refPriceU = Math.round((e.bidPx + e.askPx) / 2);
        } else if (e.type === 'snapshot' && out.refPriceU === null && e.bids.length > 0 && e.asks.length > 0) {
          out.refPriceU = Math.round((e.bids[0]! + e.asks[0]!) / 2);
        } else if (e.type === 'trade' && tradePx === null) tradePx = e.price;
        if (++n >= CALIBRATION_EVENTS || e.localUs - out.firstLocalUs >= CALIBRATION_US) break outer;
      }
    } while (await r.fill());
  } finally {
    r.close();
  }
  if (out.refPriceU === null) out.refPriceU = tradePx;
  return out;
}

export type FeedMode = { kind: 'tape' } | { kind: 'fixed'; model: LatencyModel };

/** A FIFO of (time, value) with non-decreasing times. */
export class TimedQueue<T> {
  private times: number[] = [];
  private values: T[] = [];
  private head = 0;
  get size(): number {
    return this.times.length - this.head;
  }
  /** Time of the head, Infinity when empty. */
  get headTime(): number {
    return this.head < this.times.length ? this.times[this.head]! : Infinity;
  }
  push(t: number, v: T): void {
    this.times.push(t);
    this.values.push(v);
  }
  shift(): T {
    const v = this.values[this.head]!;
    this.values[this.head] = undefined as T;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
    return v;
  }
}

export class TapeFeed {
  /** Events between their venue and receipt times. */
  readonly inflight = new TimedQueue<TapeEvent>();
  /** Venue time of the next event: NaN when the reader must be filled first, Infinity at the end. */
  headUs = NaN;
  private head: TapeEvent | null = null;
  private headR = 0;
  private ended = false;
  private lastV = -Infinity;
  private lastR = -Infinity;
  private lastJ = 0;
  private offset: number | null;
  events = 0;
  firstUs: number | null = null;
  lastUs: number | null = null;

  constructor(
    readonly reader: TapeReader,
    readonly cal: Calibration,
    private readonly mode: FeedMode,
  ) {
    this.offset = cal.offsetUs;
    this.load();
  }

  get done(): boolean {
    return this.ended && this.inflight.size === 0;
  }

  /** The offset used to put the venue's own clock (e.g. funding times) on the replay clock, µs. */
  get clockOffsetUs(): number {
    return this.offset ?? 0;
  }

  /** Decompress more of the tape (when headUs is NaN). */
  async fill(): Promise<void> {
    if (!(await this.reader.fill())) {
      this.ended = true;
      this.headUs = Infinity;
      this.reader.close();
      return;
    }
    this.load();
  }

  /** Take the head event (its venue time is headUs); it is queued for delivery at its receipt time. */
  take(): TapeEvent {
    const e = this.head!;
    this.inflight.push(this.headR, e);
    this.events++;
    if (this.firstUs === null) this.firstUs = this.headUs;
    this.lastUs = this.headUs;
    this.load();
    return e;
  }

  private load(): void {
    const e = this.reader.next();
    this.head = e;
    if (e === null) {
      this.headUs = this.ended ? Infinity : NaN;
      return;
    }
    let v: number;
    let r: number;
    if (this.mode.kind === 'tape') {
      if (e.exchUs !== null) {
        const d = e.localUs - e.exchUs;
        if (this.offset === null || d < this.offset) this.offset = d;
        this.lastJ = Math.min(MAX_TAPE_FEED_US, d - this.offset);
      }
      v = e.localUs - this.lastJ;
      r = e.localUs;
    } else {
      v = e.localUs;
      r = v + this.mode.model.feed() * 1000;
    }
    if (v < this.lastV) v = this.lastV;
    if (r < this.lastR) r = this.lastR;
    if (r < v) r = v;
    this.lastV = v;
    this.lastR = r;
    this.headUs = v;
    this.headR = r;
  }
}
