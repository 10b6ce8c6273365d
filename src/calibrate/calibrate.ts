// src/calibrate/: `tierhunter calibrate`: fit the paper market model to real tapes: a profile of each tape,
// direct estimates, simulate-and-correct refinement, and the assembled MarketSpec (this file drives them).
//
// `tierhunter calibrate`'s work: read each market's tapes once (profile + tape statistics), make the
// direct estimates, refine them by simulation, optionally move the dynamics onto another market's filters
// (a Backpack market's tick and step) at a volume scale, and assemble a MarketSpec file.
import { fmtUnits } from '../sim/matching/units.js';
import type { SimMarketSpec } from '../sim/model/markets.js';
import { MARKET_SPEC_FORMAT, MARKET_SPEC_VERSION, type MarketFilters, type MarketSpecEntry, type MarketSpecFile } from '../sim/model/spec.js';
import { forEachEvent, openTape } from '../tape/reader.js';
import { TapeStats, type TapeStatsResult } from '../tape/stats.js';
import type { TapeHeader } from '../tape/types.js';
import { initialDynamics, refine, roundDynamics, scaleDynamics, targetOf, type FitRound, type FitTarget } from './fit.js';
import { TapeProfiler, type TapeProfile } from './profile.js';
import { simulateMarket, type SimulatedMarket } from './simulate.js';

/** Inputs that cannot make a spec (one line for the CLI). */
export class CalibrateError extends Error {}

export interface MarketInput {
  /** Tapes of one market, in time order. */
  tapes: string[];
  /** Put the dynamics on this market's filters (else the tape's own). */
  as?: SimMarketSpec;
  /** Multiply arrival rates and resting sizes by this (1 = the tape's own market). */
  volumeScale: number;
}

export interface CalibrateOptions {
  minutes: number;
  rounds: number;
  seed: number;
  log?: (line: string) => void;
}

export interface MeasuredTape {
  header: TapeHeader;
  stats: TapeStatsResult;
  profile: TapeProfile;
}

/** One pass over a market's tapes: the tape statistics and the calibration profile. */
export async function measureTapes(paths: string[]): Promise<MeasuredTape> {
  const first = await openTape(paths[0]!);
  const header = first.header;
  first.close();
  const stats = new TapeStats(header);
  const profiler = new TapeProfiler(header);
  for (const p of paths) {
    const r = await openTape(p);
    const h = r.header;
    r.close();
    if (h.symbol !== header.symbol || h.priceScale !== header.priceScale || h.qtyScale !== header.qtyScale) {
      throw new CalibrateError(`${p}: a different market (${h.symbol}) or scale than ${paths[0]} (${header.symbol}); list one market's tapes per argument`);
    }
    await forEachEvent(p, (e) => {
      stats.add(e);
      profiler.add(e);
    });
  }
  return { header, stats: stats.result(), profile: profiler.result() };
}

/** Filters of a market with the tape's own tick and a base-unit step (USDC-settled, as the sim settles). */
export function tapeFilters(h: TapeHeader, p: TapeProfile): MarketFilters {
  const raw = h.symbol.toUpperCase().replace(/_PERP$/, '').replace(/[-_/]/g, '');
  const quote = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'USD'].find((q) => raw.endsWith(q) && raw.length > q.length);
  const base = (quote ? raw.slice(0, -quote.length) : raw).replace(/[^A-Z0-9]/g, '') || 'X';
  const perp = h.market === 'perp';
  const tick = fmtUnits(p.tickUnits, h.priceScale);
  let step: string;
  if (h.qtyUnit === 'contracts') {
    // A contract of `contractSize` USD is contractSize/price base units: a step two decimals finer than that.
    const perContract = Number(h.contractSize ?? 1) / p.price;
    step = fmtUnits(1, Math.max(0, -Math.floor(Math.log10(perContract)) + 2));
  } else step = h.stepSize ?? fmtUnits(1, h.qtyScale);
  const tickUnits = p.tickUnits;
  const pricePu = Math.round((p.price * 10 ** h.priceScale) / tickUnits) * tickUnits;
  return {
    symbol: `${base}_USDC${perp ? '_PERP' : ''}`,
    baseSymbol: base,
    quoteSymbol: 'USDC',
    marketType: perp ? 'PERP' : 'SPOT',
    tickSize: tick,
    stepSize: step,
    minQuantity: step,
    maxQuantity: null,
    minPrice: tick,
    maxPrice: fmtUnits(pricePu * 100, h.priceScale),
    initialPrice: fmtUnits(pricePu, h.priceScale),
  };
}

function filtersOf(s: SimMarketSpec): MarketFilters {
  const { dynamics: _d, provenance: _p, ...f } = s;
  return f;
}

const round4 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : +x.toPrecision(4));

export async function calibrate(inputs: MarketInput[], o: CalibrateOptions): Promise<MarketSpecFile> {
  const markets: MarketSpecEntry[] = [];
  for (const input of inputs) {
    const m = await measureTapes(input.tapes);
    const own = tapeFilters(m.header, m.profile);
    const symbol = input.as?.symbol ?? own.symbol;
    if (markets.some((x) => x.symbol === symbol)) {
      throw new CalibrateError(`${input.tapes[0]}: a second market named ${symbol} (give it another with --as, or calibrate it into its own file)`);
    }
    const target: FitTarget = targetOf(m.stats, m.profile);
    o.log?.(`${m.header.symbol}: ${m.stats.trades} trades over ${m.stats.durationSec.toFixed(0)} s; fitting (${o.rounds} rounds of ${o.minutes} simulated minutes)`);
    const first: MarketSpecEntry = { ...own, dynamics: initialDynamics(m.profile, m.stats), provenance: { tapes: [], volumeScale: 1, note: '' } };
    const fitted = refine(first, target, {
      minutes: o.minutes,
      rounds: o.rounds,
      seed: o.seed,
      log: (r: FitRound) =>
        o.log?.(
          `  round ${r.round}: trades/s ${r.tradesPerSec.toFixed(2)} (tape ${target.tradesPerSec.toFixed(2)}), depth $${Math.round(r.touchDepthUsd ?? 0)} ($${Math.round(target.touchDepthUsd)}), ` +
            `markout 1s ${fmt(r.markoutBps['1s'])} (${fmt(target.markout1s)}) 10s ${fmt(r.markoutBps['10s'])} (${fmt(target.markout10s)}) 60s ${fmt(r.markoutBps['60s'])} (${fmt(target.markout60s)}), ` +
            `vol 10s ${fmt(r.vol10sBps)} (${fmt(target.vol10sBps)}) bp, join-best fill ${fmt(r.joinBestFillRate)} (${fmt(m.stats.joinBest.rate)})`,
        ),
    });
    const filters = input.as ? filtersOf(input.as) : own;
    const dynamics = roundDynamics(input.volumeScale === 1 ? fitted.entry.dynamics : scaleDynamics(fitted.entry.dynamics, input.volumeScale));
    const entry: MarketSpecEntry = {
      ...filters,
      dynamics,
      provenance: {
        tapes: input.tapes.map((p) => p.split('/').pop()!),
        volumeScale: input.volumeScale,
        note:
          `fitted on ${m.header.venue} ${m.header.symbol} (${m.header.source.kind}${m.header.source.licence ? `, ${m.header.source.licence}` : ''})` +
          (input.as ? `, on ${input.as.symbol}'s filters` : '') +
          (input.volumeScale !== 1 ? `, noise takers and resting size x${input.volumeScale}` : ''),
      },
    };
    const fit: Record<string, unknown> = {
      tape: figures(target.tradesPerSec, m.stats.spreadBpsMedian, target.touchDepthUsd, [target.markout1s, target.markout10s, target.markout60s], target.vol10sBps, m.stats.joinBest.rate),
      model: { simulatedMinutes: 2 * o.minutes, seed: o.seed, ...simFigures(fitted.sim) },
    };
    // The market as written (another venue's filters, a volume scale): what it does on its own.
    if (input.as || input.volumeScale !== 1) {
      const sim = simulateMarket(entry, 2 * o.minutes, o.seed);
      fit['asWritten'] = { simulatedMinutes: 2 * o.minutes, seed: o.seed, ...simFigures(sim) };
      o.log?.(`  as written (${entry.symbol}): ${JSON.stringify(fit['asWritten'])}`);
    }
    entry.provenance.fit = fit;
    markets.push(entry);
  }
  return { format: MARKET_SPEC_FORMAT, version: MARKET_SPEC_VERSION, markets };
}

function figures(tps: number, spread: number | null, depthUsd: number | null, mk: Array<number | null>, vol10: number | null, jb: number | null): Record<string, unknown> {
  return {
    tradesPerSec: round4(tps),
    spreadBpsMedian: round4(spread),
    touchDepthUsd: round4(depthUsd),
    touchMarkoutBps: { '1s': round4(mk[0] ?? null), '10s': round4(mk[1] ?? null), '60s': round4(mk[2] ?? null) },
    vol10sBps: round4(vol10),
    joinBestFillRate: round4(jb),
  };
}

function simFigures(s: SimulatedMarket): Record<string, unknown> {
  const mk = s.stats.touchMarkoutBps;
  return figures(s.stats.tradesPerSec, s.stats.spreadBpsMedian, s.profile.touchDepthUsdMedian, [mk['1s'] ?? null, mk['10s'] ?? null, mk['60s'] ?? null], s.profile.volBps10s, s.stats.joinBest.rate);
}

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(3);
}
