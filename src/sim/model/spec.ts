// MarketSpec: the versioned JSON that parameterises the synthetic market (docs/MARKET-SPEC.md). One file
// holds one or more markets, each with its exchange filters (tick, step, ...) and the dynamics of the
// market model (src/sim/model/market-model.ts), plus where the dynamics came from. `tierhunter calibrate`
// writes it from tapes; `backtest --market-spec` reads it through parseMarketSpec(), which names the first
// bad field in one line. Pure: parsing and validation only, no I/O.
//
// Dynamics are in price-relative and notional units (bp, USD, per second) rather than ticks and lots, so a
// spec fitted on one venue's tape can drive a market with another venue's tick and step (the default paper
// markets keep Backpack's filters with dynamics fitted on Binance tapes).
import { SYMBOL_RE } from '../../config/settings.js';

export const MARKET_SPEC_FORMAT = 'tierhunter-market-spec';
export const MARKET_SPEC_VERSION = 1;

/** A log-normal distribution given by its median and the standard deviation of its logarithm. */
export interface LogNormal {
  median: number;
  logSd: number;
}

export interface Dynamics {
  // ---- information episodes: the price moves, and informed takers pick off the quotes it leaves stale
  /** Episodes per second. */
  episodeRate: number;
  /** Total move of one episode, bp. */
  episodeMoveBps: LogNormal;
  /** Probability that an episode moves the same way as the previous one. */
  episodeSideRepeat: number;
  /** Move of one step of an episode, bp: an episode moves in ceil(move / this) steps, so large moves come
   *  as long bursts of aggressions, as on the tapes. */
  episodeStepBps: number;
  /** Mean time between the steps of an episode, ms (exponential). */
  episodeStepGapMs: number;
  /** Size an informed taker sends at each step, USD. */
  informedSizeUsd: LogNormal;
  /** Share of steps with no informed trade: the makers just requote. */
  silentStepShare: number;
  /** Share of an episode's move given back later (transient impact), 0..1. */
  reversionShare: number;
  /** Mean delay of that give-back, seconds (gamma, shape 3). */
  reversionSec: number;
  // ---- noise takers: uninformed, clustered (Hawkes), heavy-tailed sizes
  /** Baseline aggressions per second (the Hawkes process's immigrant rate). */
  noiseRate: number;
  /** Hawkes branching ratio: mean number of aggressions each one triggers, 0..0.95. */
  noiseBranching: number;
  /** Time constant of the Hawkes kernel, seconds. */
  noiseDecaySec: number;
  /** Probability that an aggression is on the same side as the previous one. */
  noiseSideRepeat: number;
  /** Share of aggressions, within 10 s of a price move, that chase it (trade its way); negative: that
   *  trade against it. -1..1. */
  noiseChase: number;
  noiseSizeUsd: LogNormal & { maxUsd: number };
  // ---- competing makers
  /** Spread the makers settle at, bp (at least one tick of the market). */
  spreadBps: number;
  /** Resting size each side of the touch relaxes to, USD. */
  touchDepthUsd: number;
  /** Share of touchDepthUsd a newly formed touch level starts with, 0..1. */
  newLevelShare: number;
  /** Size of one maker order at the touch, USD. */
  makerOrderUsd: LogNormal;
  /** Cancel rate of each resting maker order at the touch, per second (anywhere in the queue). */
  makerCancelRate: number;
  /** Mean delay before makers improve a spread wider than spreadBps, ms (exponential). */
  improveMs: number;
  /** Distance between the thin levels beyond the touch, bp (at least one tick). */
  ladderGapBps: number;
  /** Size of one level beyond the touch, USD. */
  ladderLevelUsd: number;
  /** Levels per side beyond the touch. */
  ladderLevels: number;
}

export interface MarketFilters {
  symbol: string;
  baseSymbol: string;
  quoteSymbol: string;
  marketType: 'PERP' | 'SPOT';
  tickSize: string;
  stepSize: string;
  minQuantity: string;
  maxQuantity: string | null;
  minPrice: string;
  maxPrice: string;
  initialPrice: string;
}

/** Where a market's dynamics came from (free-form beyond these fields; kept for the reader). */
export interface Provenance {
  /** Tape files the dynamics were fitted on (base names). */
  tapes: string[];
  /** Arrival rates and sizes multiplied by this after fitting (1 = the tape's own market). */
  volumeScale: number;
  note: string;
  /** The tape statistics the fit aimed at and what the fitted model produced (for the reader). */
  fit?: Record<string, unknown>;
}

export interface MarketSpecEntry extends MarketFilters {
  dynamics: Dynamics;
  provenance: Provenance;
}

export interface MarketSpecFile {
  format: typeof MARKET_SPEC_FORMAT;
  version: number;
  markets: MarketSpecEntry[];
}

/** A spec file that does not validate: `field` is the JSON path of the first bad value. */
export class MarketSpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'MarketSpecError';
  }
}

type Check = (v: unknown) => string | null;
const num = (lo: number, hi: number, loOpen = false): Check => (v) =>
  typeof v !== 'number' || !Number.isFinite(v) || (loOpen ? v <= lo : v < lo) || v > hi
    ? `must be a number ${loOpen ? '>' : '>='} ${lo} and <= ${hi}`
    : null;
const int = (lo: number, hi: number): Check => (v) =>
  typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi ? `must be a whole number ${lo}..${hi}` : null;

const POSITIVE = num(0, 1e12, true);
const SHARE = num(0, 1);

/** Every dynamics field and its rule: the schema (docs/MARKET-SPEC.md lists the same). */
const DYNAMICS_RULES: Record<keyof Dynamics, Check | 'lognormal' | 'noiseSize'> = {
  episodeRate: num(0, 1000),
  episodeMoveBps: 'lognormal',
  episodeSideRepeat: SHARE,
  episodeStepBps: num(0, 1000, true),
  episodeStepGapMs: num(0, 60_000),
  informedSizeUsd: 'lognormal',
  silentStepShare: SHARE,
  reversionShare: SHARE,
  reversionSec: num(0, 86_400, true),
  noiseRate: num(0, 10_000),
  noiseBranching: num(0, 0.95),
  noiseDecaySec: num(0, 3600, true),
  noiseSideRepeat: SHARE,
  noiseChase: num(-1, 1),
  noiseSizeUsd: 'noiseSize',
  spreadBps: num(0, 1000),
  touchDepthUsd: POSITIVE,
  newLevelShare: num(0, 1, true),
  makerOrderUsd: 'lognormal',
  makerCancelRate: num(0, 1000),
  improveMs: num(0, 60_000),
  ladderGapBps: num(0, 1000),
  ladderLevelUsd: POSITIVE,
  ladderLevels: int(5, 500),
};

function checkLogNormal(v: unknown, path: string): void {
  if (typeof v !== 'object' || v === null) throw new MarketSpecError(path, 'must be an object {median, logSd}');
  const o = v as Record<string, unknown>;
  const m = POSITIVE(o['median']);
  if (m) throw new MarketSpecError(`${path}.median`, m);
  const s = num(0, 5)(o['logSd']);
  if (s) throw new MarketSpecError(`${path}.logSd`, s);
}

function validateDynamics(v: unknown, path = 'dynamics'): Dynamics {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MarketSpecError(path, 'must be an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(k in DYNAMICS_RULES)) throw new MarketSpecError(`${path}.${k}`, 'unknown field (see docs/MARKET-SPEC.md)');
  for (const [k, rule] of Object.entries(DYNAMICS_RULES)) {
    const p = `${path}.${k}`;
    if (!(k in o)) throw new MarketSpecError(p, 'is missing');
    const x = o[k];
    if (rule === 'lognormal' || rule === 'noiseSize') {
      checkLogNormal(x, p);
      if (rule === 'noiseSize') {
        const mx = POSITIVE((x as Record<string, unknown>)['maxUsd']);
        if (mx) throw new MarketSpecError(`${p}.maxUsd`, mx);
      }
      continue;
    }
    const e = rule(x);
    if (e) throw new MarketSpecError(p, e);
  }
  return o as unknown as Dynamics;
}

const DECIMAL = /^\d+(\.\d+)?$/;

function checkFilters(o: Record<string, unknown>, path: string): void {
  const str = (k: string, re: RegExp | null, what: string): void => {
    const x = o[k];
    if (typeof x !== 'string' || (re && !re.test(x))) throw new MarketSpecError(`${path}.${k}`, `must be ${what}`);
  };
  str('symbol', SYMBOL_RE, 'a Backpack symbol like BTC_USDC_PERP or SOL_USDC');
  str('baseSymbol', /^[A-Z0-9]{1,20}$/, 'an asset name in capitals');
  str('quoteSymbol', /^[A-Z0-9]{1,20}$/, 'an asset name in capitals');
  if (o['marketType'] !== 'PERP' && o['marketType'] !== 'SPOT') throw new MarketSpecError(`${path}.marketType`, 'must be "PERP" or "SPOT"');
  const want = `${String(o['baseSymbol'])}_${String(o['quoteSymbol'])}${o['marketType'] === 'PERP' ? '_PERP' : ''}`;
  if (o['symbol'] !== want) throw new MarketSpecError(`${path}.symbol`, `must be ${want} (base_quote, and _PERP exactly for a PERP)`);
  for (const k of ['tickSize', 'stepSize', 'minQuantity', 'minPrice', 'maxPrice', 'initialPrice']) {
    str(k, DECIMAL, 'a positive decimal string');
    if (Number(o[k]) <= 0) throw new MarketSpecError(`${path}.${k}`, 'must be greater than 0');
  }
  if (o['maxQuantity'] !== null && (typeof o['maxQuantity'] !== 'string' || !DECIMAL.test(o['maxQuantity']))) {
    throw new MarketSpecError(`${path}.maxQuantity`, 'must be a decimal string or null');
  }
  const onGrid = (k: string, grid: string): void => {
    const v = o[k] as string;
    const places = Math.max(decimals(v), decimals(grid));
    const units = (s: string) => BigInt(s.replace('.', '').padEnd(s.replace('.', '').length + places - decimals(s), '0'));
    if (units(v) % units(grid) !== 0n) throw new MarketSpecError(`${path}.${k}`, `must be a multiple of ${grid}`);
  };
  onGrid('initialPrice', o['tickSize'] as string);
  onGrid('minQuantity', o['stepSize'] as string);
  if (Number(o['initialPrice']) < Number(o['minPrice']) || Number(o['initialPrice']) > Number(o['maxPrice'])) {
    throw new MarketSpecError(`${path}.initialPrice`, 'must lie between minPrice and maxPrice');
  }
}

function decimals(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

function checkProvenance(v: unknown, path: string): Provenance {
  if (typeof v !== 'object' || v === null) throw new MarketSpecError(path, 'must be an object {tapes, volumeScale, note}');
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o['tapes']) || !o['tapes'].every((t) => typeof t === 'string')) throw new MarketSpecError(`${path}.tapes`, 'must be a list of file names');
  const s = num(0, 1e6, true)(o['volumeScale']);
  if (s) throw new MarketSpecError(`${path}.volumeScale`, s);
  if (typeof o['note'] !== 'string') throw new MarketSpecError(`${path}.note`, 'must be a string');
  return o as unknown as Provenance;
}

/** Validate a parsed spec file; throws MarketSpecError naming the first bad field. */
export function validateMarketSpec(v: unknown): MarketSpecFile {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MarketSpecError('(file)', 'must be a JSON object');
  const o = v as Record<string, unknown>;
  if (o['format'] !== MARKET_SPEC_FORMAT) throw new MarketSpecError('format', `must be "${MARKET_SPEC_FORMAT}"`);
  if (o['version'] !== MARKET_SPEC_VERSION) throw new MarketSpecError('version', `must be ${MARKET_SPEC_VERSION} (this build reads version ${MARKET_SPEC_VERSION})`);
  const ms = o['markets'];
  if (!Array.isArray(ms) || ms.length === 0) throw new MarketSpecError('markets', 'must be a non-empty list');
  const seen = new Set<string>();
  ms.forEach((m, i) => {
    const path = `markets[${i}]`;
    if (typeof m !== 'object' || m === null) throw new MarketSpecError(path, 'must be an object');
    const mo = m as Record<string, unknown>;
    checkFilters(mo, path);
    if (seen.has(mo['symbol'] as string)) throw new MarketSpecError(`${path}.symbol`, `${String(mo['symbol'])} is listed twice`);
    seen.add(mo['symbol'] as string);
    validateDynamics(mo['dynamics'], `${path}.dynamics`);
    checkProvenance(mo['provenance'], `${path}.provenance`);
  });
  return o as unknown as MarketSpecFile;
}

/** Parse and validate spec text (JSON). */
export function parseMarketSpec(text: string): MarketSpecFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new MarketSpecError('(file)', `is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return validateMarketSpec(v);
}
