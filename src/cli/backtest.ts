// `tierhunter backtest`: the real trading core in virtual time, on the paper exchange's matching engine and
// market model (synthetic), or on the replay exchange over recorded market tapes (--tape). One run prints a
// report; --compare runs the standard strategies on the same seeds (synthetic only).
import { existsSync, statSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';
import { runCompare, standardStrategies } from '../backtest/compare.js';
import { renderCompare, renderReport } from '../backtest/format.js';
import { progressBar } from '../backtest/progress.js';
import { runReplay } from '../backtest/replay-run.js';
import { DEFAULT_SYMBOLS, runBacktest } from '../backtest/run.js';
import { parseAssignment, splitFees, toEnvOverrides } from '../backtest/settings.js';
import { DEFAULT_QUEUE_POWER, QUEUE_MODELS, type QueueModelName } from '../replay/queue.js';
import type { MarketOverrides } from '../replay/market.js';
import { checkLatency, DEFAULT_LATENCY, ZERO_LATENCY, type LatencySpec } from '../sim/latency.js';
import { DEFAULT_MARKETS } from '../sim/model/markets.js';
import { TapeFormatError } from '../tape/decode.js';

export const USAGE = `usage: tierhunter backtest --hours H --seed S [--symbols A,B] [--set KEY=VALUE ...]
                          [--strategy engine|symmetric] [--compare] [--seeds N] [latency flags] [--json]
       tierhunter backtest --tape FILE [--tape FILE ...] [--queue prob|risk-averse] [--queue-power N]
                          [latency flags] [--tick-size [SYM=]X] [--step-size [SYM=]X] [--set KEY=VALUE ...]
                          [--seed S] [--json]
  synthetic (the paper exchange's market model):
  --hours H      simulated hours (default 1)
  --seed S       market seed (default 1); --compare uses seeds S..S+N-1; with --tape it seeds the latency jitter
  --symbols A,B  sim markets (default ${DEFAULT_SYMBOLS.join(',')})
  --compare      original rules vs against-the-flow vs symmetric quoter vs our defaults
  --seeds N      seeds per strategy for --compare (default 3)
  real markets (the replay exchange over recorded tapes, docs/BACKTEST.md "Tape backtests"):
  --tape FILE    a tape written by \`tierhunter tape import\` or \`tierhunter record\`; repeat for several
                 markets (one tape per market, merged by time). The engine quotes every tape's market.
  --queue M      queue-position model of our resting orders: prob (default: cancels split between ahead
                 and behind in proportion f(ahead)/(f(ahead)+f(behind)), f(x) = x^N) or risk-averse (only
                 trades advance the order)
  --queue-power N  the prob model's N (default ${DEFAULT_QUEUE_POWER})
  --tick-size [SYM=]X, --step-size [SYM=]X  the market's tick/step when the tape's header has none (default:
                 one unit of the tape's price/quantity scale); SYM= for one of several tapes
  latency (both kinds; defaults for a VPS near Backpack, src/sim/latency.ts):
  --latency-entry-ms N     order/cancel -> venue (default ${DEFAULT_LATENCY.entryMs})
  --latency-response-ms N  venue -> engine for answers and order updates (default ${DEFAULT_LATENCY.responseMs})
  --latency-feed-ms N|tape market data -> engine, tapes only (default tape: from the tape's own
                 local-minus-exchange times; ${DEFAULT_LATENCY.feedMs} ms when the tape has none)
  --latency-jitter X       relative spread of the draws, 0..1 (default ${DEFAULT_LATENCY.jitter})
  --no-latency             all latencies 0 (the synthetic backtest as it was before latency existed)
  both:
  --set K=V      setting override, e.g. sideMode=against or TIERHUNTER_SIDE_MODE=against (repeatable; with
                 --compare it changes the "tuned" column only); fee keys: feeTier=NAME (a Backpack futures tier,
                 default Tier 1), makerFeeBps, takerFeeBps, spotMakerFeeBps, spotTakerFeeBps
  --json         print the report (or comparison) as JSON
Reports include markoutBps {1s,10s,60s} of our own maker fills, fillsPerMinute, meanQueueWaitMs and costPer1M
{fees, spread, adverse, inventory, total} (definitions in docs/BACKTEST.md).`;

export interface BacktestArgs {
  hours: number;
  seed: number;
  symbols: string[];
  overrides: Record<string, string>;
  strategy: 'engine' | 'symmetric';
  compare: boolean;
  seeds: number;
  json: boolean;
  help: boolean;
  tapes: string[];
  queue: QueueModelName;
  queuePower: number;
  latency: LatencySpec;
  feed: 'tape' | 'fixed';
  markets: Record<string, MarketOverrides>;
}

const SYNTHETIC_ONLY = new Set(['--hours', '--symbols', '--compare', '--seeds', '--strategy']);
const TAPE_ONLY = new Set(['--queue', '--queue-power', '--tick-size', '--step-size', '--latency-feed-ms']);
const DECIMAL = /^\d+(\.\d+)?$/;
const MS = /^\d+(\.\d+)?$/;

/** Parse argv; returns an error line for bad flags. */
export function parseBacktestArgs(argv: string[]): BacktestArgs | string {
  const out: BacktestArgs = {
    hours: 1, seed: 1, symbols: [...DEFAULT_SYMBOLS], overrides: {}, strategy: 'engine', compare: false, seeds: 3, json: false, help: false,
    tapes: [], queue: 'prob', queuePower: DEFAULT_QUEUE_POWER, latency: { ...DEFAULT_LATENCY }, feed: 'tape', markets: {},
  };
  const known = new Set(DEFAULT_MARKETS.map((m) => m.symbol));
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    seen.add(flag);
    const value = (): string | null => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return null;
      i++;
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        out.help = true;
        continue;
      case '--compare':
        out.compare = true;
        continue;
      case '--json':
        out.json = true;
        continue;
      case '--no-latency':
        out.latency = { ...ZERO_LATENCY };
        out.feed = 'fixed';
        continue;
    }
    const v = value();
    if (v === null) return `${flag} needs a value (see --help)`;
    const bad = option(out, flag, v, known);
    if (bad) return bad;
  }
  if (out.tapes.length > 0) {
    const wrong = [...seen].filter((f) => SYNTHETIC_ONLY.has(f));
    if (wrong.length > 0) return `${wrong.join(', ')} ${wrong.length > 1 ? 'do' : 'does'} not apply to --tape (a tape's market and length are its own)`;
  } else {
    const wrong = [...seen].filter((f) => TAPE_ONLY.has(f));
    if (wrong.length > 0) return `${wrong.join(', ')} only ${wrong.length > 1 ? 'apply' : 'applies'} to --tape runs`;
  }
  const lat = checkLatency(out.latency);
  if (lat) return `latency: ${lat}`;
  // Validate overrides up front (unknown names here; values when the settings resolve).
  try {
    toEnvOverrides(splitFees(out.overrides).settings);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return out;
}

/** One flag with its value; an error line or null. */
function option(out: BacktestArgs, flag: string, v: string, known: Set<string>): string | null {
  const ms = (what: keyof Pick<LatencySpec, 'entryMs' | 'responseMs' | 'feedMs'>): string | null => {
    if (!MS.test(v) || Number(v) > 10_000) return `${flag} must be a number of milliseconds 0..10000, got "${v}"`;
    out.latency[what] = Number(v);
    return null;
  };
  switch (flag) {
    case '--hours': {
      const h = Number(v);
      if (!/^\d*\.?\d+$/.test(v) || !(h > 0) || h > 24 * 365) return `--hours must be a positive number of simulated hours, got "${v}"`;
      out.hours = h;
      return null;
    }
    case '--seed':
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) return `--seed must be a whole number 0..4294967295, got "${v}"`;
      out.seed = Number(v);
      return null;
    case '--seeds':
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 100) return `--seeds must be a whole number 1..100, got "${v}"`;
      out.seeds = Number(v);
      return null;
    case '--symbols': {
      const list = v.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = list.filter((s) => !known.has(s));
      if (list.length === 0 || bad.length > 0) return `--symbols: unknown sim market ${bad.join(',') || '(none given)'}; known: ${[...known].join(', ')}`;
      if (new Set(list).size !== list.length) return '--symbols lists a symbol twice';
      out.symbols = list;
      return null;
    }
    case '--set': {
      const kv = parseAssignment(v);
      if (!kv) return `--set expects KEY=VALUE, got "${v}"`;
      out.overrides[kv[0]] = kv[1];
      return null;
    }
    case '--strategy':
      if (v !== 'engine' && v !== 'symmetric') return `--strategy must be engine or symmetric, got "${v}"`;
      out.strategy = v;
      return null;
    case '--tape':
      out.tapes.push(v);
      return null;
    case '--queue':
      if (!(QUEUE_MODELS as readonly string[]).includes(v)) return `--queue must be ${QUEUE_MODELS.join(' or ')}, got "${v}"`;
      out.queue = v as QueueModelName;
      return null;
    case '--queue-power':
      if (!DECIMAL.test(v) || !(Number(v) > 0) || Number(v) > 100) return `--queue-power must be a positive number up to 100, got "${v}"`;
      out.queuePower = Number(v);
      return null;
    case '--tick-size':
    case '--step-size': {
      const m = /^(?:([A-Z0-9_]+)=)?(\d+(?:\.\d+)?)$/.exec(v);
      if (!m || !(Number(m[2]) > 0)) return `${flag} expects a positive decimal like 0.01, or SYMBOL=0.01, got "${v}"`;
      const key = m[1] ?? '*';
      out.markets[key] = { ...out.markets[key], [flag === '--tick-size' ? 'tickSize' : 'stepSize']: m[2]! };
      return null;
    }
    case '--latency-entry-ms':
      return ms('entryMs');
    case '--latency-response-ms':
      return ms('responseMs');
    case '--latency-feed-ms':
      if (v === 'tape') {
        out.feed = 'tape';
        return null;
      }
      out.feed = 'fixed';
      return ms('feedMs');
    case '--latency-jitter':
      if (!DECIMAL.test(v) || Number(v) > 1) return `--latency-jitter must be 0..1, got "${v}"`;
      out.latency.jitter = Number(v);
      return null;
    default:
      return `unknown option ${flag} (see --help)`;
  }
}

export async function main(argv: string[]): Promise<number> {
  const args = parseBacktestArgs(argv);
  if (typeof args === 'string') return fail(args);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const bar = process.stderr.isTTY && args.tapes.length === 0 ? progressBar((s) => process.stderr.write(s)) : null;
  try {
    const { settings, fees, tier } = splitFees(args.overrides);
    if (args.tapes.length > 0) {
      for (const f of args.tapes) {
        if (!existsSync(f)) return fail(`--tape ${f} does not exist`);
        if (!statSync(f).isFile()) return fail(`--tape ${f} is not a file`);
      }
      const run = await runReplay({ tapes: args.tapes, overrides: settings, queue: args.queue, queuePower: args.queuePower, latency: args.latency, feed: args.feed, seed: args.seed, fees, markets: args.markets });
      console.log(args.json ? JSON.stringify({ ...run.report, feeTier: tier }, null, 2) : renderReport(run.report, tier));
      return 0;
    }
    if (args.compare) {
      const seeds = Array.from({ length: args.seeds }, (_, i) => args.seed + i);
      const c = await runCompare({
        hours: args.hours,
        seeds,
        symbols: args.symbols,
        strategies: standardStrategies(settings),
        latency: args.latency,
        fees,
        ...(bar ? { onProgress: (d: number, t: number, label: string) => bar.update(d, t, label) } : {}),
      });
      bar?.done();
      console.log(args.json ? JSON.stringify(c, null, 2) : renderCompare(c));
      return 0;
    }
    const r = await runBacktest({
      hours: args.hours,
      seed: args.seed,
      symbols: args.symbols,
      overrides: settings,
      strategy: args.strategy,
      latency: args.latency,
      fees,
      ...(bar ? { onProgress: (d: number, t: number) => bar.update(d, t) } : {}),
    });
    bar?.done();
    console.log(args.json ? JSON.stringify({ ...r, feeTier: tier }, null, 2) : renderReport(r, tier));
    return 0;
  } catch (e) {
    bar?.done();
    if (e instanceof TapeFormatError && /not a tierhunter tape/.test(e.message)) {
      return fail(`--tape ${e.message}; a recording is imported first: tierhunter tape import --format hftbacktest|tardis IN --out X.tape.gz`);
    }
    if (e instanceof ConfigError || e instanceof TapeFormatError) return fail(e.message);
    throw e;
  }
}

function fail(msg: string): number {
  console.error(`tierhunter backtest: ${msg}`);
  return 2;
}
