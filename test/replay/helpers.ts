// Shared pieces of the replay tests: a venue with recording hooks, tiny tapes written with the real tape
// writer, and a replay exchange over them.
import { join } from 'node:path';
import { D } from '../../src/util/decimal.js';
import { VirtualClock } from '../../src/util/clock.js';
import type { AccountFees } from '../../src/exchange/types.js';
import { ReplayMarket } from '../../src/replay/market.js';
import { queueModel, type QueueModelName } from '../../src/replay/queue.js';
import { ReplayVenue, type NewOrder, type VenueOrder, type VenueReject } from '../../src/replay/venue.js';
import { ReplayExchange } from '../../src/replay/exchange.js';
import { calibrate, TapeFeed } from '../../src/replay/feed.js';
import { LatencyModel, type LatencySettings } from '../../src/sim/latency.js';
import { TapeReader } from '../../src/tape/reader.js';
import { TapeWriter } from '../../src/tape/writer.js';
import type { TapeEvent, TapeHeader } from '../../src/tape/types.js';
import { header } from '../tape/helpers.js';

export { bbo, diff, gap, header, snap, tempDir, trade } from '../tape/helpers.js';

/** Prices at scale 2 (100.00 = 10000), quantities at scale 3 (1.000 = 1000): tick 0.01, step 0.001. */
export const HEADER: TapeHeader = header({ symbol: 'TEST_USDC_PERP', market: 'perp' });

export const FEES: AccountFees = { futuresMakerFeeBps: D(2), futuresTakerFeeBps: D(5), spotMakerFeeBps: D(8), spotTakerFeeBps: D(10) };

export interface Recorded {
  fills: Array<{ id: string; priceU: number; qtyU: number; isMaker: boolean }>;
  updates: Array<{ id: string; type: string; status: string; reason: string | null }>;
}

export function venue(model: QueueModelName = 'prob', power = 1, positionU = 0): { v: ReplayVenue; rec: Recorded; pos: { u: number } } {
  const m = new ReplayMarket(HEADER, 'TEST_USDC_PERP', 10000);
  const rec: Recorded = { fills: [], updates: [] };
  const pos = { u: positionU };
  const v = new ReplayVenue(m, queueModel(model, power), {
    fill: (o, priceU, qtyU, isMaker) => {
      rec.fills.push({ id: o.id, priceU, qtyU, isMaker });
      pos.u += o.side === 'Bid' ? qtyU : -qtyU;
    },
    update: (o, type) => rec.updates.push({ id: o.id, type, status: o.status, reason: o.expiryReason }),
    positionU: () => pos.u,
  });
  return { v, rec, pos };
}

let nextId = 1;
export function order(over: Partial<NewOrder> = {}): NewOrder {
  return { id: String(nextId++), clientId: null, side: 'Bid', orderType: 'Limit', timeInForce: 'GTC', postOnly: true, reduceOnly: false, priceU: 10000, qtyU: 1000, ...over };
}

export function accepted(r: VenueOrder | VenueReject): VenueOrder {
  if ('code' in r) throw new Error(`rejected: ${r.message}`);
  return r;
}

export async function writeTape(dir: string, name: string, events: TapeEvent[], h: TapeHeader = HEADER): Promise<string> {
  const path = join(dir, name);
  const w = await TapeWriter.open(path, h);
  for (const e of events) w.write(e);
  await w.close('test');
  return path;
}

/** A replay exchange over tapes, the clock starting 1 s before the first event (as runReplay does). */
export async function exchangeOver(
  paths: string[],
  o: { latency?: Partial<LatencySettings>; feed?: 'tape' | number; queue?: QueueModelName; power?: number } = {},
): Promise<{ x: ReplayExchange; clock: VirtualClock }> {
  const spec: LatencySettings = { entryMs: 0, responseMs: 0, feedMs: typeof o.feed === 'number' ? o.feed : 0, jitter: 0, ...o.latency };
  const lat = new LatencyModel(spec, 1);
  const tapes = [];
  let first = Infinity;
  for (const p of paths) {
    const cal = await calibrate(p);
    first = Math.min(first, cal.firstLocalUs ?? Infinity);
    const sym = cal.header.symbol;
    const market = new ReplayMarket(cal.header, sym, cal.refPriceU);
    tapes.push({ market, feed: new TapeFeed(await TapeReader.open(p), cal, o.feed === 'tape' ? { kind: 'tape' } : { kind: 'fixed', model: lat }) });
  }
  const clock = new VirtualClock(Math.floor(first / 1000) - 1000);
  const x = new ReplayExchange({ clock, tapes, latency: lat, queue: queueModel(o.queue ?? 'prob', o.power ?? 1), fees: FEES });
  return { x, clock };
}

/** µs on the test tapes' clock. */
export const T0 = 1_700_000_000_000_000;
export const ms = (n: number): number => T0 + n * 1000;
