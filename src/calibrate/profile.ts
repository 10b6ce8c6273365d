// What `tierhunter calibrate` measures on a tape to fit the market model (docs/MARKET-SPEC.md): one
// streaming pass over trades and best bid/ask (and the depth, when the book is known), memory flat in the
// tape's length. The measurements, all in local time:
// - aggressions: trades with the same exchange time (else local time) and taker side, in a row (one taker
//   order that met several maker orders and levels);
// - an aggression "moves" the touch when, 50 ms after it, the best price on the side it hit is past the
//   price it was before (the level is gone: taken, then the rest cancelled). Moving aggressions are the
//   informed flow; the others are noise;
// - episodes: moving aggressions on one side, each within 100 ms of the previous one; their move is the
//   mid 50 ms after the last one minus the mid before the first, in bp;
// - silent moves: a mid change with no trade in the 50 ms before it (the makers requoted without a trade);
// - full maker orders: every trade of an aggression but the last at one price took a whole maker order;
// - noise clustering: the variance / mean of noise aggression counts in 1 s and 10 s windows;
// - volatility: the mid on a 1 s grid, log returns over 1 s, 10 s and 60 s (overlapping);
// - touch: depth at the best bid/ask in USD, how often the spread is wider than its median, touch changes;
// - ladder (when the depth is known): distance of the second level from the touch and size of levels 2..10.
// Pure: feed events in tape order, then result().
import { QuantileSketch } from '../tape/sketch.js';
import { LogFit, VolGrid, WindowCounts } from './estimators.js';
import { TapeBook } from '../tape/book.js';
import type { TapeEvent, TapeHeader } from '../tape/types.js';

const MOVE_WINDOW_US = 50_000;
const EPISODE_GAP_US = 100_000;
/** Noise aggressions this soon after an episode count toward chasing it (the model's CHASE_MS). */
const CHASE_US = 10_000_000;

interface Aggression {
  key: number;
  t: number;
  /** +1 the taker bought (hit asks), -1 sold. */
  dir: 1 | -1;
  usd: number;
  /** The best price on the side it hit, and the mid, just before it. */
  before: number;
  midBefore: number;
  lastPrice: number;
  lastQty: number;
  trades: number;
}

interface Episode {
  dir: 1 | -1;
  steps: number;
  lastT: number;
  midBefore: number;
  midAfter: number;
  gapsUs: number;
}

export interface TapeProfile {
  durationSec: number;
  /** Median mid, quote currency. */
  price: number;
  tickUnits: number;
  priceScale: number;
  qtyScale: number;
  trades: number;
  /** Trades inside moving / noise aggressions. */
  movingTrades: number;
  noiseTrades: number;
  movingAggressions: number;
  noiseAggressions: number;
  informedSizeUsd: { median: number; logSd: number } | null;
  noiseSizeUsd: { median: number; logSd: number } | null;
  noiseSizeP999Usd: number | null;
  noiseSideRepeat: number | null;
  /** Of noise aggressions within 10 s after an episode: the share on the episode's side. */
  noiseWithMove: number | null;
  noiseFano1s: number | null;
  noiseFano10s: number | null;
  episodes: number;
  stepsPerEpisode: number | null;
  /** Mean move per step (moving aggression) of an episode, bp. */
  stepBps: number | null;
  stepGapMs: number | null;
  episodeMoveBps: { median: number; logSd: number } | null;
  episodeSideRepeat: number | null;
  silentMoves: number;
  makerOrderUsd: { median: number; logSd: number } | null;
  spreadBpsMedian: number | null;
  /** Share of time the spread is wider than its median. */
  wideSpreadShare: number;
  touchChangesPerSec: number;
  touchDepthUsdMedian: number | null;
  ladderGapBps: number | null;
  ladderLevelUsd: number | null;
  volBps1s: number | null;
  volBps10s: number | null;
  volBps60s: number | null;
}

export class TapeProfiler {
  private readonly usdPerUnit: ((qtyUnits: number, priceUnits: number) => number);
  private readonly priceDiv: number;
  private first: number | null = null;
  private last = 0;
  private trades = 0;
  // best bid/ask
  private bid = NaN;
  private ask = NaN;
  private mid = NaN;
  private bboAt = 0;
  private spreadTicksNow = 0;
  private medianSpreadUnits = Infinity;
  private wideUs = 0;
  private bboUs = 0;
  private touchChanges = 0;
  private minSpread = Infinity;
  private readonly spread = new QuantileSketch();
  private readonly spreadUnits = new QuantileSketch();
  private readonly depthUsd = new QuantileSketch();
  private readonly mids = new QuantileSketch();
  private lastTradeT = -Infinity;
  private silent = 0;
  // aggressions
  private cur: Aggression | null = null;
  private readonly pending: Aggression[] = [];
  private moving = 0;
  private noise = 0;
  private movingTrades = 0;
  private noiseTrades = 0;
  private readonly informedSize = new LogFit();
  private readonly noiseSize = new LogFit();
  private readonly noiseSizeQ = new QuantileSketch();
  private noiseLastDir: 1 | -1 | 0 = 0;
  private noiseRepeat = 0;
  private noisePairs = 0;
  private readonly noise1s = new WindowCounts(1_000_000);
  private readonly noise10s = new WindowCounts(10_000_000);
  private readonly makerOrder = new LogFit();
  // episodes
  private ep: Episode | null = null;
  private episodes = 0;
  private steps = 0;
  private gapsUs = 0;
  private gapN = 0;
  private readonly moveBps = new LogFit();
  private sumMoveBps = 0;
  private epLastDir: 1 | -1 | 0 = 0;
  private epLastT = 0;
  private chaseN = 0;
  private chaseWith = 0;
  private epRepeat = 0;
  private epPairs = 0;
  private readonly vol = new VolGrid();
  // ladder
  private readonly book: TapeBook;
  private diffs = 0;
  private readonly l2Gap = new QuantileSketch();
  private readonly l2Usd = new QuantileSketch();

  constructor(private readonly header: TapeHeader) {
    this.priceDiv = 10 ** header.priceScale;
    const qdiv = 10 ** header.qtyScale;
    const contract = header.qtyUnit === 'contracts' ? Number(header.contractSize ?? NaN) : NaN;
    this.usdPerUnit = Number.isFinite(contract)
      ? (q) => (q / qdiv) * contract
      : (q, p) => (q / qdiv) * (p / this.priceDiv);
    this.book = new TapeBook(header.seqRule);
  }

  add(e: TapeEvent): void {
    const t = e.localUs;
    if (this.first === null) this.first = t;
    this.last = t;
    this.resolve(t);
    switch (e.type) {
      case 'trade':
        this.onTrade(e.localUs, e.exchUs, e.price, e.qty, e.side);
        return;
      case 'bbo':
        if (e.hasBid && e.hasAsk) this.onBbo(t, e.bidPx, e.bidQty, e.askPx, e.askQty);
        return;
      case 'snapshot':
      case 'diff':
      case 'gap':
        this.book.apply(e);
        if (e.type === 'diff' && this.book.synced && ++this.diffs % 10 === 0) this.sampleLadder();
        return;
      default:
        return;
    }
  }

  private onBbo(t: number, bid: number, bq: number, ask: number, aq: number): void {
    if (!(ask > bid)) return;
    this.closeAggression();
    if (!Number.isNaN(this.mid)) {
      const dt = t - this.bboAt;
      this.bboUs += dt;
      if (this.spreadTicksNow > 1.5 * this.medianSpreadUnits) this.wideUs += dt;
      // Before the update: the mid it replaces held until now.
      this.vol.at(t, this.mid);
    }
    const moved = bid !== this.bid || ask !== this.ask;
    if (moved && !Number.isNaN(this.mid)) {
      this.touchChanges++;
      const mid = (bid + ask) / 2;
      if (mid !== this.mid && t - this.lastTradeT > MOVE_WINDOW_US) this.silent++;
    }
    this.bid = bid;
    this.ask = ask;
    this.mid = (bid + ask) / 2;
    this.bboAt = t;
    this.spreadTicksNow = ask - bid;
    if (ask - bid < this.minSpread) this.minSpread = ask - bid;
    this.spreadUnits.add(ask - bid);
    // The median spread moves slowly; reading the sketch on every update would cost more than the rest.
    if (this.spreadUnits.count % 512 === 1) this.medianSpreadUnits = this.spreadUnits.median() ?? Infinity;
    this.spread.add(((ask - bid) / this.mid) * 1e4);
    this.mids.add(this.mid / this.priceDiv);
    this.depthUsd.add(this.usdPerUnit(bq, bid));
    this.depthUsd.add(this.usdPerUnit(aq, ask));
  }

  private onTrade(t: number, exch: number | null, price: number, qty: number, side: 'buy' | 'sell' | null): void {
    this.trades++;
    this.lastTradeT = t;
    if (side === null || Number.isNaN(this.mid)) return;
    const dir: 1 | -1 = side === 'buy' ? 1 : -1;
    const key = exch ?? t;
    const a = this.cur;
    if (a && a.key === key && a.dir === dir) {
      // The previous trade at this price took a whole maker order.
      if (price === a.lastPrice) this.makerOrder.add(this.usdPerUnit(a.lastQty, price));
      a.usd += this.usdPerUnit(qty, price);
      a.trades++;
      a.lastPrice = price;
      a.lastQty = qty;
      return;
    }
    this.closeAggression();
    this.cur = { key, t, dir, usd: this.usdPerUnit(qty, price), before: dir > 0 ? this.ask : this.bid, midBefore: this.mid, lastPrice: price, lastQty: qty, trades: 1 };
  }

  private closeAggression(): void {
    if (this.cur) this.pending.push(this.cur);
    this.cur = null;
  }

  /** Aggressions whose 50 ms are over are classified with the touch as it stands now. */
  private resolve(t: number): void {
    while (this.pending.length > 0 && this.pending[0]!.t + MOVE_WINDOW_US < t) {
      const a = this.pending.shift()!;
      const best = a.dir > 0 ? this.ask : this.bid;
      const moved = a.dir > 0 ? best > a.before : best < a.before;
      if (moved) this.onMoving(a);
      else this.onNoise(a);
    }
    if (this.ep && t - this.ep.lastT > EPISODE_GAP_US + MOVE_WINDOW_US) this.closeEpisode();
  }

  private onMoving(a: Aggression): void {
    this.moving++;
    this.movingTrades += a.trades;
    this.informedSize.add(a.usd);
    const ep = this.ep;
    if (ep && ep.dir === a.dir && a.t - ep.lastT <= EPISODE_GAP_US) {
      ep.steps++;
      ep.gapsUs += a.t - ep.lastT;
      ep.lastT = a.t;
      ep.midAfter = this.mid;
      return;
    }
    this.closeEpisode();
    this.ep = { dir: a.dir, steps: 1, lastT: a.t, midBefore: a.midBefore, midAfter: this.mid, gapsUs: 0 };
  }

  private closeEpisode(): void {
    const ep = this.ep;
    if (!ep) return;
    this.ep = null;
    this.episodes++;
    this.steps += ep.steps;
    if (ep.steps > 1) {
      this.gapsUs += ep.gapsUs;
      this.gapN += ep.steps - 1;
    }
    const move = ((ep.midAfter - ep.midBefore) / ep.midBefore) * 1e4 * ep.dir;
    this.moveBps.add(move);
    if (move > 0) this.sumMoveBps += move;
    if (this.epLastDir !== 0) {
      this.epPairs++;
      if (ep.dir === this.epLastDir) this.epRepeat++;
    }
    this.epLastDir = ep.dir;
    this.epLastT = ep.lastT;
  }

  private onNoise(a: Aggression): void {
    this.noise++;
    this.noiseTrades += a.trades;
    this.noiseSize.add(a.usd);
    this.noiseSizeQ.add(a.usd);
    this.noise1s.add(a.t);
    this.noise10s.add(a.t);
    if (this.noiseLastDir !== 0) {
      this.noisePairs++;
      if (a.dir === this.noiseLastDir) this.noiseRepeat++;
    }
    this.noiseLastDir = a.dir;
    if (this.epLastDir !== 0 && a.t - this.epLastT <= CHASE_US) {
      this.chaseN++;
      if (a.dir === this.epLastDir) this.chaseWith++;
    }
  }

  private sampleLadder(): void {
    const b = this.book.bids;
    const a = this.book.asks;
    if (b.size < 3 || a.size < 3) return;
    const best = b.best();
    const mid = (best + a.best()) / 2;
    this.l2Gap.add(((best - b.priceAt(1)) / mid) * 1e4);
    for (let i = 1; i < 10 && i < b.size; i++) {
      const p = b.priceAt(i);
      this.l2Usd.add(this.usdPerUnit(b.qtyAt(p), p));
    }
  }

  result(): TapeProfile {
    this.closeAggression();
    this.resolve(Infinity);
    this.closeEpisode();
    this.noise1s.roll(this.last);
    this.noise10s.roll(this.last);
    const dur = this.first === null ? 0 : (this.last - this.first) / 1e6;
    return {
      durationSec: dur,
      price: this.mids.median() ?? NaN,
      tickUnits: this.header.tickSize !== null ? Math.round(Number(this.header.tickSize) * this.priceDiv) : Number.isFinite(this.minSpread) ? this.minSpread : 1,
      priceScale: this.header.priceScale,
      qtyScale: this.header.qtyScale,
      trades: this.trades,
      movingTrades: this.movingTrades,
      noiseTrades: this.noiseTrades,
      movingAggressions: this.moving,
      noiseAggressions: this.noise,
      informedSizeUsd: this.informedSize.fit(),
      noiseSizeUsd: this.noiseSize.fit(),
      noiseSizeP999Usd: this.noiseSizeQ.quantile(0.999),
      noiseSideRepeat: this.noisePairs > 0 ? this.noiseRepeat / this.noisePairs : null,
      noiseWithMove: this.chaseN > 0 ? this.chaseWith / this.chaseN : null,
      noiseFano1s: this.noise1s.fano(),
      noiseFano10s: this.noise10s.fano(),
      episodes: this.episodes,
      stepsPerEpisode: this.episodes > 0 ? this.steps / this.episodes : null,
      stepBps: this.steps > 0 ? this.sumMoveBps / this.steps : null,
      stepGapMs: this.gapN > 0 ? this.gapsUs / this.gapN / 1000 : null,
      episodeMoveBps: this.moveBps.fit(),
      episodeSideRepeat: this.epPairs > 0 ? this.epRepeat / this.epPairs : null,
      silentMoves: this.silent,
      makerOrderUsd: this.makerOrder.fit(),
      spreadBpsMedian: this.spread.median(),
      wideSpreadShare: this.bboUs > 0 ? this.wideUs / this.bboUs : 0,
      touchChangesPerSec: dur > 0 ? this.touchChanges / dur : 0,
      touchDepthUsdMedian: this.depthUsd.median(),
      ladderGapBps: this.l2Gap.median(),
      ladderLevelUsd: this.l2Usd.median(),
      volBps1s: this.vol.bps(1),
      volBps10s: this.vol.bps(10),
      volBps60s: this.vol.bps(60),
    };
  }
}
