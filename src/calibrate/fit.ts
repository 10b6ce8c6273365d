// Fitting the market model to a tape (docs/MARKET-SPEC.md): first the direct estimates from the tape's
// profile (rates, size distributions, clustering, the touch and the ladder), then a few rounds of
// simulate-and-correct on the figures the estimates cannot pin down alone because they come out of the
// interplay of the mechanisms: trades per second split into informed and noise (noise rate, informed
// size, step size), median touch depth (how full a new touch level starts), the 1 s maker markout (how far
// an episode moves), its growth to 10 s (how often episodes repeat their direction), the 10 s volatility
// (how often episodes come) and the 60 s / 10 s volatility ratio (the reversion share). Pure apart from the
// simulations it runs (deterministic for a seed).
import type { Dynamics, MarketSpecEntry } from '../sim/model/spec.js';
import type { TapeStatsResult } from '../tape/stats.js';
import type { TapeProfile } from './profile.js';
import { simulateMarket, type SimulatedMarket } from './simulate.js';

/** Per-order cancel rate at the touch. Level-2 tapes cannot show where in a queue cancels fall, nor which
 *  orders are fleeting; 0.2/s (a resting maker order lives ~5 s) is an assumption, see docs/MARKET-SPEC.md. */
export const DEFAULT_MAKER_CANCEL_RATE = 0.2;
/** Mean delay of the give-back of transient impact (fitted: its share; assumed: its timescale). */
export const DEFAULT_REVERSION_SEC = 30;

export interface FitTarget {
  tradesPerSec: number;
  /** Trades in aggressions that moved the touch (informed) and in the others (noise), per second. */
  movingTradesPerSec: number;
  noiseTradesPerSec: number;
  /** Aggressions that moved the touch, per second. */
  movingPerSec: number;
  touchDepthUsd: number;
  markout1s: number;
  markout10s: number;
  markout60s: number;
  vol10sBps: number;
  vol60sBps: number;
}

export function targetOf(stats: TapeStatsResult, p: TapeProfile): FitTarget {
  const mk = stats.touchMarkoutBps;
  const dur = Math.max(1, p.durationSec);
  return {
    tradesPerSec: stats.tradesPerSec,
    movingTradesPerSec: p.movingTrades / dur,
    noiseTradesPerSec: p.noiseTrades / dur,
    movingPerSec: p.movingAggressions / dur,
    touchDepthUsd: p.touchDepthUsdMedian ?? NaN,
    markout1s: mk['1s'] ?? 0,
    markout10s: mk['10s'] ?? 0,
    markout60s: mk['60s'] ?? 0,
    vol10sBps: p.volBps10s ?? NaN,
    vol60sBps: p.volBps60s ?? NaN,
  };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
/** A fitted log-normal with its log-sd capped: beyond the cap one draw in thousands would dominate a run. */
const ln = (x: { median: number; logSd: number } | null, dflt: { median: number; logSd: number }, maxSd: number) =>
  x === null ? dflt : { median: x.median, logSd: clamp(x.logSd, 0, maxSd) };
/** Caps of the log-sd: price moves (variance grows as e^(2 sd^2)) and sizes. */
const MOVE_LOG_SD = 1.2;
const SIZE_LOG_SD = 2.5;

/** Hawkes branching ratio and kernel time constant from the Fano factors of counts in 1 s and 10 s windows. */
export function hawkesFromFano(f1: number | null, f10: number | null): { branching: number; tauSec: number } {
  if (f10 === null || f10 <= 1) return { branching: 0, tauSec: 1 };
  // For an exponential kernel the Fano factor tends to 1/(1-n)^2; the 10 s window is close to that limit.
  const fInf = Math.max(f10, f1 ?? 1);
  const n = clamp(1 - 1 / Math.sqrt(fInf), 0, 0.9);
  // F(T) = fInf - (fInf - 1) (1 - e^(-kT)) / (kT), k = (1 - n) / tau: solve for k at T = 1 s by bisection.
  const target = f1 === null ? null : (fInf - f1) / (fInf - 1);
  let k = 1;
  if (target !== null && target > 0 && target < 1) {
    let lo = 1e-3;
    let hi = 1e3;
    for (let i = 0; i < 60; i++) {
      k = Math.sqrt(lo * hi);
      const g = (1 - Math.exp(-k)) / k;
      if (g > target) lo = k;
      else hi = k;
    }
  }
  return { branching: n, tauSec: clamp((1 - n) / k, 0.05, 30) };
}

/** The direct estimates. */
export function initialDynamics(p: TapeProfile, stats: TapeStatsResult): Dynamics {
  const dur = Math.max(1, p.durationSec);
  const silentShare = clamp(p.silentMoves / Math.max(1, p.silentMoves + p.movingAggressions), 0, 0.9);
  const noiseRate = p.noiseAggressions / dur;
  const hk = hawkesFromFano(p.noiseFano1s, p.noiseFano10s);
  const depth = p.touchDepthUsdMedian ?? 10_000;
  const spread = stats.spreadBpsMedian ?? 1;
  const touchChanges = Math.max(0.1, p.touchChangesPerSec);
  // The share that reverts: from the 60 s / 10 s variance ratio (a random walk's is 1).
  const ratio = p.volBps10s && p.volBps60s ? (p.volBps60s / p.volBps10s) ** 2 / 6 : 1;
  const reversion = clamp(1 - Math.sqrt(Math.min(1, ratio)), 0, 0.8);
  return {
    // Reversals are episodes too (in the other direction): the measured episodes include them.
    episodeRate: Math.max(0.01, p.episodes / dur / (1 + reversion)),
    episodeMoveBps: ln(p.episodeMoveBps, { median: 1, logSd: 0.7 }, MOVE_LOG_SD),
    episodeSideRepeat: clamp(p.episodeSideRepeat ?? 0.5, 0, 0.95),
    // Silent steps (no trade) are part of the moves too: a step moves less than a trade-to-trade jump.
    episodeStepBps: Math.max(0.001, (p.stepBps ?? 0.2) * (1 - silentShare)),
    episodeStepGapMs: clamp(p.stepGapMs ?? 10, 1, 1000),
    informedSizeUsd: ln(p.informedSizeUsd, { median: 1000, logSd: 1.5 }, SIZE_LOG_SD),
    silentStepShare: silentShare,
    reversionShare: reversion,
    reversionSec: DEFAULT_REVERSION_SEC,
    noiseRate: Math.max(0.001, noiseRate * (1 - hk.branching)),
    noiseBranching: hk.branching,
    noiseDecaySec: hk.tauSec,
    noiseSideRepeat: clamp(p.noiseSideRepeat ?? 0.5, 0, 0.95),
    // Chasing with probability c puts (1 + c) / 2 of them on the move's side (c < 0: against it).
    noiseChase: clamp(2 * (p.noiseWithMove ?? 0.5) - 1, -0.9, 0.9),
    noiseSizeUsd: { ...ln(p.noiseSizeUsd, { median: 500, logSd: 1.5 }, SIZE_LOG_SD), maxUsd: Math.max(1000, p.noiseSizeP999Usd ?? depth) },
    spreadBps: spread,
    touchDepthUsd: depth,
    newLevelShare: 0.5,
    makerOrderUsd: ln(p.makerOrderUsd, { median: depth / 30, logSd: 1.5 }, SIZE_LOG_SD),
    makerCancelRate: DEFAULT_MAKER_CANCEL_RATE,
    // Each touch change opens a wide spread for about improveMs: that is how often the tape's spread is wide.
    improveMs: clamp((p.wideSpreadShare / touchChanges) * 1000, 0.5, 2000),
    ladderGapBps: Math.max(p.ladderGapBps ?? 10 * spread, spread),
    ladderLevelUsd: Math.max(1, p.ladderLevelUsd ?? depth / 30),
    ladderLevels: 30,
  };
}

export interface FitRound {
  round: number;
  tradesPerSec: number;
  touchDepthUsd: number | null;
  markoutBps: Record<string, number | null>;
  vol10sBps: number | null;
  joinBestFillRate: number | null;
}

export interface FitOptions {
  minutes: number;
  rounds: number;
  seed: number;
  log?: (r: FitRound) => void;
}

function summary(round: number, s: SimulatedMarket): FitRound {
  return {
    round,
    tradesPerSec: s.stats.tradesPerSec,
    touchDepthUsd: s.profile.touchDepthUsdMedian,
    markoutBps: s.stats.touchMarkoutBps,
    vol10sBps: s.profile.volBps10s,
    joinBestFillRate: s.stats.joinBest.rate,
  };
}

/** The knobs the rounds correct (averaged over the later rounds: each round's figures are noisy). */
const KNOBS = ['noiseRate', 'episodeStepBps', 'episodeRate', 'newLevelShare', 'touchDepthUsd', 'reversionShare', 'episodeSideRepeat'] as const;

function knobsOf(d: Dynamics): number[] {
  return [...KNOBS.map((k) => d[k]), d.informedSizeUsd.median, d.episodeMoveBps.median];
}
function withKnobs(d: Dynamics, v: number[]): Dynamics {
  const out = structuredClone(d);
  KNOBS.forEach((k, i) => (out[k] = v[i]!));
  out.informedSizeUsd.median = v[KNOBS.length]!;
  out.episodeMoveBps.median = v[KNOBS.length + 1]!;
  return out;
}

/**
 * Simulate-and-correct rounds (each on its own seed), then the mean of each knob over the later half of the rounds
 * (the correction chases sampling noise as much as the target; the mean does not), checked by one
 * simulation twice as long. Returns the entry with the averaged dynamics and that simulation.
 */
export function refine(entry: MarketSpecEntry, t: FitTarget, o: FitOptions): { entry: MarketSpecEntry; sim: SimulatedMarket; rounds: FitRound[] } {
  let d: Dynamics = roundDynamics(entry.dynamics);
  const rounds: FitRound[] = [];
  const later: number[][] = [];
  for (let i = 0; i < o.rounds; i++) {
    const sim = simulateMarket({ ...entry, dynamics: d }, o.minutes, o.seed + i);
    const r = summary(i, sim);
    rounds.push(r);
    o.log?.(r);
    d = roundDynamics(correct(d, t, sim));
    if (i >= Math.floor(o.rounds / 2)) later.push(knobsOf(d));
  }
  if (later.length > 0) {
    const mean = later[0]!.map((_, j) => later.reduce((s, v) => s + v[j]!, 0) / later.length);
    d = roundDynamics(withKnobs(d, mean));
  }
  const sim = simulateMarket({ ...entry, dynamics: d }, o.minutes * 2, o.seed);
  const last = summary(o.rounds, sim);
  rounds.push(last);
  o.log?.(last);
  return { entry: { ...entry, dynamics: d }, sim, rounds };
}

/** One damped correction step toward the target. */
export function correct(d0: Dynamics, t: FitTarget, s: SimulatedMarket): Dynamics {
  const d = structuredClone(d0);
  const p = s.profile;
  const dur = Math.max(1, p.durationSec);
  const damp = (ratio: number, lo = 0.25, hi = 4) => clamp(Math.pow(clamp(ratio, 1e-3, 1e3), 0.7), lo, hi);
  // Trades per second, split as the tape's are (same classification): the noise takers' rate sets the
  // noise trades, the informed takers' size how many maker orders each informed step takes, and the
  // step size how many steps (moving aggressions) the moves take.
  const per = (n: number) => n / dur;
  if (p.noiseTrades > 0 && t.noiseTradesPerSec > 0) d.noiseRate *= damp(t.noiseTradesPerSec / per(p.noiseTrades));
  if (p.movingAggressions > 0 && t.movingPerSec > 0) {
    const stepRatio = damp(per(p.movingAggressions) / t.movingPerSec, 0.5, 2);
    d.episodeStepBps *= stepRatio;
    const tradesPerStep = p.movingTrades / p.movingAggressions;
    const want = t.movingTradesPerSec / t.movingPerSec;
    if (tradesPerStep > 0 && want > 0) d.informedSizeUsd.median *= damp(want / tradesPerStep, 0.5, 2);
  }
  // Median touch depth: how full a newly formed level starts (the settled depth once that is full).
  const depth = p.touchDepthUsdMedian;
  if (depth !== null && depth > 0 && Number.isFinite(t.touchDepthUsd)) {
    const want = d.newLevelShare * damp(t.touchDepthUsd / depth);
    d.newLevelShare = clamp(want, 0.02, 1);
    if (want > 1) d.touchDepthUsd *= damp(want);
  }
  // 1 s markout: the size of the moves informed takers trade on; 10 s volatility: how often episodes
  // come. The markout is about linear in the move and the variance in rate x move^2, so the rate is set
  // for the volatility the new move size will give.
  const m1 = s.stats.touchMarkoutBps['1s'] ?? null;
  let moveRatio = 1;
  if (m1 !== null && t.markout1s < 0) moveRatio = m1 < 0 ? damp(t.markout1s / m1, 0.5, 2) : 1.5;
  d.episodeMoveBps.median *= moveRatio;
  const vol = p.volBps10s;
  if (vol !== null && vol > 0 && Number.isFinite(t.vol10sBps)) d.episodeRate *= damp((t.vol10sBps / (vol * moveRatio)) ** 2, 0.33, 3);
  // How the markout grows from 1 s to 10 s: the next episodes' direction. With side repeat p the episodes
  // after a trade keep moving against its maker by (2p - 1) of a move each.
  const mk10 = s.stats.touchMarkoutBps['10s'] ?? null;
  if (m1 !== null && mk10 !== null && m1 < 0 && t.markout1s < 0) {
    const miss = mk10 / m1 - t.markout10s / t.markout1s;
    d.episodeSideRepeat = clamp(d.episodeSideRepeat - 0.3 * miss, 0.2, 0.9);
  }
  // What the price gives back between 10 s and 60 s, from the volatility's term structure: with a share r
  // of each move reverting, the 60 s variance per second falls toward (1 - r)^2 of the 10 s one. (Not from
  // the 60 s markout: on minutes-long tapes its sampling error is larger than itself, docs/BACKTEST.md.)
  const v10 = p.volBps10s;
  const v60 = p.volBps60s;
  if (v10 !== null && v60 !== null && v10 > 0 && Number.isFinite(t.vol60sBps) && Number.isFinite(t.vol10sBps) && t.vol10sBps > 0) {
    const want = t.vol60sBps / t.vol10sBps;
    const got = v60 / v10;
    d.reversionShare = clamp(d.reversionShare + 0.5 * (got - want) / Math.sqrt(6), 0, 1);
  }
  return d;
}

/**
 * How a venue with `s` times the volume differs, measured on the one pair of venues the tapes hold for
 * one underlying at one time: Binance coin-margined BTCUSD_PERP against USDT-margined BTCUSDT (s = 0.055,
 * the same five minutes): noise trades scale as s^1.06, moving aggressions (informed steps that trade) as
 * s^0.38, touch depth as s^0.18 (docs/MARKET-SPEC.md).
 */
export const SCALE_EXPONENTS = { noise: 1, informed: 0.38, depth: 0.18 } as const;

/**
 * A thinner (s < 1) venue than the tape's: fewer noise takers, fewer of the price's steps traded through by
 * informed takers (the rest are silent: the makers requote, and a user's stale quote is still picked off),
 * less resting size. Price moves and order sizes stay: the same underlying, fewer people trading it.
 */
export function scaleDynamics(d: Dynamics, s: number): Dynamics {
  const e = SCALE_EXPONENTS;
  const out = structuredClone(d);
  out.noiseRate = d.noiseRate * s ** e.noise;
  out.silentStepShare = Math.min(1, 1 - (1 - d.silentStepShare) * s ** e.informed);
  out.touchDepthUsd = d.touchDepthUsd * s ** e.depth;
  out.ladderLevelUsd = d.ladderLevelUsd * s ** e.depth;
  return out;
}

/** Four significant digits: the fit is not more precise than that, and a spec file stays readable. */
export function roundDynamics(d: Dynamics): Dynamics {
  return JSON.parse(JSON.stringify(d, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? +v.toPrecision(4) : v))) as Dynamics;
}
