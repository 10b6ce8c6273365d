// Latency between a trading client and the exchange, for backtests (hftbacktest's three kinds):
// - entry: from sending a request to the exchange acting on it (the order meets the book as it is then);
// - response: from the exchange acting to the client receiving the answer;
// - feed: from an event at the exchange (book change, trade, own fill) to the client seeing it.
// Each draw is the setting times a log-normal factor (median 1, log-sd `jitter`) from a seeded PRNG, so a
// run is reproducible; constant memory.
//
// Defaults: a VPS next to the exchange. Backpack's engine and websocket servers are in AWS Tokyo; a probe
// from Seattle measured engine-to-client latency of 50-65 ms, about the network time alone, so from the
// same region the feed is a few ms. Orders pass more layers (REST gateway, signature check, risk) than
// market data: hftbacktest's latency example derives order entry and response latency as 4x and 3x the
// feed latency. Feed 2-3 ms -> entry 8 ms, response 6 ms (docs/BACKTEST.md).
import { Prng } from './model/prng.js';

export interface LatencySettings {
  entryMs: number;
  responseMs: number;
  feedMs: number;
  /** Log-sd of the multiplicative jitter (0 = constant latencies). */
  jitter: number;
}

export const VPS_LATENCY: Readonly<LatencySettings> = { entryMs: 8, responseMs: 6, feedMs: 3, jitter: 0.3 };
const ZERO_LATENCY: Readonly<LatencySettings> = { entryMs: 0, responseMs: 0, feedMs: 0, jitter: 0 };

export class LatencyModel {
  private readonly rng: Prng;
  constructor(
    readonly settings: Readonly<LatencySettings>,
    seed: number,
  ) {
    this.rng = new Prng(seed ^ 0x1a7e9c);
  }
  get zero(): boolean {
    const s = this.settings;
    return s.entryMs === 0 && s.responseMs === 0 && s.feedMs === 0;
  }
  entry(): number {
    return this.draw(this.settings.entryMs);
  }
  response(): number {
    return this.draw(this.settings.responseMs);
  }
  feed(): number {
    return this.draw(this.settings.feedMs);
  }
  private draw(ms: number): number {
    if (ms <= 0) return 0;
    const j = this.settings.jitter;
    // Whole milliseconds: the clocks' resolution, and it keeps timer times exact.
    return Math.max(1, Math.round(j > 0 ? ms * Math.exp(j * this.rng.normal()) : ms));
  }
}

/**
 * "ENTRY,RESPONSE,FEED[,JITTER]" in ms (JITTER a log-sd, default the VPS default), or "0" for none.
 * Returns an error line naming what is wrong.
 */
export function parseLatency(text: string): LatencySettings | string {
  const t = text.trim();
  if (t === '0' || t === 'off' || t === 'none') return { ...ZERO_LATENCY };
  const parts = t.split(',').map((s) => s.trim());
  if (parts.length < 3 || parts.length > 4) return `--latency expects ENTRY,RESPONSE,FEED[,JITTER] in ms (e.g. 8,6,3) or 0, got "${text}"`;
  const nums = parts.map(Number);
  const names = ['ENTRY', 'RESPONSE', 'FEED', 'JITTER'];
  for (let i = 0; i < nums.length; i++) {
    const v = nums[i]!;
    const max = i === 3 ? 2 : 10_000;
    if (!/^\d*\.?\d+$/.test(parts[i]!) || !(v >= 0) || v > max) return `--latency ${names[i]} must be a number 0..${max}, got "${parts[i]}"`;
  }
  return { entryMs: nums[0]!, responseMs: nums[1]!, feedMs: nums[2]!, jitter: nums[3] ?? VPS_LATENCY.jitter };
}
