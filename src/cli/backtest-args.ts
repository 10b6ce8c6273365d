// `tierhunter backtest` flags: the usage text and the parser (src/cli/backtest.ts runs what they ask for).
// Two kinds of run share one set of flags where they overlap (--seed, --set, --latency, --json): synthetic
// (the paper exchange's market model, built in or from --market-spec) and tape (--tape, the replay exchange).
import { existsSync, statSync } from 'node:fs';
import { DEFAULT_SYMBOLS } from '../backtest/run.js';
import { parseAssignment, splitFees, toEnvOverrides } from '../backtest/settings.js';
import type { MarketOverrides } from '../replay/market.js';
import { DEFAULT_QUEUE_POWER, QUEUE_MODELS, type QueueModelName } from '../replay/queue.js';
import { parseLatency, VPS_LATENCY, type LatencySettings } from '../sim/latency.js';
import { DEFAULT_MARKETS } from '../sim/model/markets.js';

export const USAGE = `usage: tierhunter backtest --hours H --seed S [--symbols A,B] [--set KEY=VALUE ...]
                          [--strategy engine|symmetric] [--market-spec FILE] [--market-tape DIR]
                          [--latency E,R,F[,J]] [--compare] [--seeds N] [--json]
       tierhunter backtest --tape FILE [--tape FILE ...] [--queue prob|risk-averse] [--queue-power N]
                          [--latency E,R,F|tape[,J]] [--tick-size [SYM=]X] [--step-size [SYM=]X]
                          [--set KEY=VALUE ...] [--seed S] [--json]
  synthetic (the paper exchange's market model):
  --hours H      simulated hours (default 1)
  --seed S       market seed (default 1); --compare uses seeds S..S+N-1; with --tape it seeds the latency jitter
  --symbols A,B  sim markets (default ${DEFAULT_SYMBOLS.join(',')}; with --market-spec, the spec's markets)
  --market-spec FILE
                 run the markets of a MarketSpec file (\`tierhunter calibrate\` writes one; schema in
                 docs/MARKET-SPEC.md) instead of the built-in paper markets
  --market-tape DIR
                 also write each market's public stream (trades, best bid/ask) to DIR/<symbol>.tape;
                 \`tierhunter tape stats\` on it gives the report's market block
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
  both:
  --latency E,R,F[,J]
                 order entry, response and market-data feed latency in ms, J the jitter (log-sd); 0 for
                 none at all (default ${VPS_LATENCY.entryMs},${VPS_LATENCY.responseMs},${VPS_LATENCY.feedMs},${VPS_LATENCY.jitter}: a VPS near the exchange, src/sim/latency.ts).
                 With --tape the feed latency is by default the tape's own (local minus exchange time,
                 F=tape); a number F replaces it, and is the fallback for a tape without exchange times
  --set K=V      setting override, e.g. sideMode=against or TIERHUNTER_SIDE_MODE=against (repeatable; with
                 --compare it changes the "tuned" column only); fee keys: feeTier=NAME (a Backpack futures tier,
                 default Tier 1), makerFeeBps, takerFeeBps, spotMakerFeeBps, spotTakerFeeBps
  --json         print the report (or comparison) as JSON
Every report has markoutBps {1s,10s,60s} of our own maker fills, fillsPerMinute, meanQueueWaitMs and
costPer1M {fees, spread, adverse, inventory, total} (definitions in docs/BACKTEST.md).`;

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
  /** Path of --market-spec (loaded by main). */
  marketSpec: string | null;
  marketTape: string | null;
  /** --symbols given explicitly. */
  symbolsGiven: boolean;
  latency: LatencySettings;
  /** Tape runs: feed latency from the tape's own timestamps, or latency.feedMs. */
  feed: 'tape' | 'fixed';
  tapes: string[];
  queue: QueueModelName;
  queuePower: number;
  markets: Record<string, MarketOverrides>;
}

const SYNTHETIC_ONLY = new Set(['--hours', '--symbols', '--compare', '--seeds', '--strategy', '--market-spec', '--market-tape']);
const TAPE_ONLY = new Set(['--queue', '--queue-power', '--tick-size', '--step-size']);
const DECIMAL = /^\d+(\.\d+)?$/;

/** Parse argv; returns an error line for bad flags. */
export function parseBacktestArgs(argv: string[]): BacktestArgs | string {
  const out: BacktestArgs = {
    hours: 1,
    seed: 1,
    symbols: [...DEFAULT_SYMBOLS],
    overrides: {},
    strategy: 'engine',
    compare: false,
    seeds: 3,
    json: false,
    help: false,
    marketSpec: null,
    marketTape: null,
    symbolsGiven: false,
    latency: { ...VPS_LATENCY },
    feed: 'tape',
    tapes: [],
    queue: 'prob',
    queuePower: DEFAULT_QUEUE_POWER,
    markets: {},
  };
  const seen = new Set<string>();
  let feedFromTapeGiven = false;
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
    }
    const v = value();
    if (v === null) return `${flag} needs a value (see --help)`;
    if (flag === '--latency') {
      const l = latencyFlag(v);
      if (typeof l === 'string') return l;
      out.latency = l.settings;
      out.feed = l.feed;
      feedFromTapeGiven = l.feed === 'tape';
      continue;
    }
    const bad = option(out, flag, v);
    if (bad) return bad;
  }
  if (out.tapes.length > 0) {
    const wrong = [...seen].filter((f) => SYNTHETIC_ONLY.has(f));
    if (wrong.length > 0) return `${wrong.join(', ')} ${wrong.length > 1 ? 'do' : 'does'} not apply to --tape (a tape's market and length are its own)`;
  } else {
    const wrong = [...seen].filter((f) => TAPE_ONLY.has(f));
    if (wrong.length > 0) return `${wrong.join(', ')} only ${wrong.length > 1 ? 'apply' : 'applies'} to --tape runs`;
    if (feedFromTapeGiven) return '--latency FEED=tape only applies to --tape runs (the synthetic market has no recorded feed)';
  }
  // The symbols are checked against the built-in markets here, against a spec's once it is loaded.
  if (out.symbolsGiven && out.marketSpec === null) {
    const bad = checkSymbols(out.symbols, DEFAULT_MARKETS.map((m) => m.symbol));
    if (bad) return bad;
  }
  // Validate overrides up front (unknown names here; values when the settings resolve).
  try {
    toEnvOverrides(splitFees(out.overrides).settings);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return out;
}

/** --latency E,R,F[,J] (src/sim/latency.ts's parseLatency), where F may be `tape`: the tape's own feed latency. */
function latencyFlag(v: string): { settings: LatencySettings; feed: 'tape' | 'fixed' } | string {
  const parts = v.split(',');
  const fromTape = parts.length >= 3 && parts[2]!.trim() === 'tape';
  const l = parseLatency(fromTape ? [parts[0], parts[1], String(VPS_LATENCY.feedMs), ...parts.slice(3)].join(',') : v);
  if (typeof l === 'string') return l;
  return { settings: l, feed: fromTape ? 'tape' : 'fixed' };
}

export function checkSymbols(list: string[], known: string[]): string | null {
  const bad = list.filter((s) => !known.includes(s));
  return bad.length > 0 ? `--symbols: unknown sim market ${bad.join(',')}; known: ${known.join(', ')}` : null;
}

/** One flag with its value; an error line or null. */
function option(out: BacktestArgs, flag: string, v: string): string | null {
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
      if (list.length === 0) return '--symbols: list at least one sim market';
      if (new Set(list).size !== list.length) return '--symbols lists a symbol twice';
      out.symbols = list;
      out.symbolsGiven = true;
      return null;
    }
    case '--market-spec':
      out.marketSpec = v;
      return null;
    case '--market-tape':
      if (!existsSync(v) || !statSync(v).isDirectory()) return `--market-tape ${v}: not a directory`;
      out.marketTape = v;
      return null;
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
    default:
      return `unknown option ${flag} (see --help)`;
  }
}
