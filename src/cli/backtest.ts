// `tierhunter backtest`: the real trading core on the paper exchange's matching engine and market model,
// in virtual time. One run prints a report; --compare runs the standard strategies on the same seeds.
//   tierhunter backtest --hours H --seed S [--symbols A,B] [--set KEY=VALUE ...] [--strategy engine|symmetric]
//                       [--market-spec FILE] [--latency E,R,F[,J]] [--compare] [--seeds N] [--json]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';
import { runCompare, standardStrategies } from '../backtest/compare.js';
import { renderCompare, renderReport } from '../backtest/format.js';
import { progressBar } from '../backtest/progress.js';
import { DEFAULT_SYMBOLS, runBacktest } from '../backtest/run.js';
import { parseAssignment, toEnvOverrides } from '../backtest/settings.js';
import { parseLatency, VPS_LATENCY, type LatencySettings } from '../sim/latency.js';
import { DEFAULT_MARKETS } from '../sim/model/markets.js';
import { MarketSpecError, parseMarketSpec, type MarketSpecFile } from '../sim/model/spec.js';

export const USAGE = `usage: tierhunter backtest --hours H --seed S [--symbols A,B] [--set KEY=VALUE ...]
                          [--strategy engine|symmetric] [--market-spec FILE] [--market-tape DIR]
                          [--latency E,R,F[,J]]
                          [--compare] [--seeds N] [--json]
  --hours H      simulated hours (default 1)
  --seed S       market seed (default 1); --compare uses seeds S..S+N-1
  --symbols A,B  sim markets (default ${DEFAULT_SYMBOLS.join(',')}; with --market-spec, the spec's markets)
  --market-spec FILE
                 run the markets of a MarketSpec file (\`tierhunter calibrate\` writes one; schema in
                 docs/MARKET-SPEC.md) instead of the built-in paper markets
  --market-tape DIR
                 also write each market's public stream (trades, best bid/ask) to DIR/<symbol>.tape;
                 \`tierhunter tape stats\` on it gives the report's market block
  --latency E,R,F[,J]
                 order entry, response and feed latency in ms, J the jitter (log-sd); 0 for none
                 (default ${VPS_LATENCY.entryMs},${VPS_LATENCY.responseMs},${VPS_LATENCY.feedMs},${VPS_LATENCY.jitter}: a VPS near the exchange)
  --set K=V      setting override, e.g. sideMode=against or TIERHUNTER_SIDE_MODE=against (repeatable;
                 with --compare it changes the "tuned" column only)
  --compare      original rules vs against-the-flow vs symmetric quoter vs our defaults
  --seeds N      seeds per strategy for --compare (default 3)
  --json         print the report (or comparison) as JSON`;

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
}

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
  };
  const symbolList: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
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
    switch (flag) {
      case '--hours': {
        const h = Number(v);
        if (!/^\d*\.?\d+$/.test(v) || !(h > 0) || h > 24 * 365) return `--hours must be a positive number of simulated hours, got "${v}"`;
        out.hours = h;
        break;
      }
      case '--seed': {
        if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) return `--seed must be a whole number 0..4294967295, got "${v}"`;
        out.seed = Number(v);
        break;
      }
      case '--seeds': {
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 100) return `--seeds must be a whole number 1..100, got "${v}"`;
        out.seeds = Number(v);
        break;
      }
      case '--symbols': {
        const list = v.split(',').map((s) => s.trim()).filter(Boolean);
        if (list.length === 0) return '--symbols: list at least one sim market';
        if (new Set(list).size !== list.length) return '--symbols lists a symbol twice';
        symbolList.splice(0, symbolList.length, ...list);
        out.symbolsGiven = true;
        break;
      }
      case '--market-spec':
        out.marketSpec = v;
        break;
      case '--market-tape':
        if (!existsSync(v) || !statSync(v).isDirectory()) return `--market-tape ${v}: not a directory`;
        out.marketTape = v;
        break;
      case '--latency': {
        const l = parseLatency(v);
        if (typeof l === 'string') return l;
        out.latency = l;
        break;
      }
      case '--set': {
        const kv = parseAssignment(v);
        if (!kv) return `--set expects KEY=VALUE, got "${v}"`;
        out.overrides[kv[0]] = kv[1];
        break;
      }
      case '--strategy':
        if (v !== 'engine' && v !== 'symmetric') return `--strategy must be engine or symmetric, got "${v}"`;
        out.strategy = v;
        break;
      default:
        return `unknown option ${flag} (see --help)`;
    }
  }
  // The symbols are checked against the built-in markets here, against a spec's once it is loaded.
  if (out.symbolsGiven) {
    out.symbols = symbolList;
    if (out.marketSpec === null) {
      const bad = checkSymbols(out.symbols, DEFAULT_MARKETS.map((m) => m.symbol));
      if (bad) return bad;
    }
  }
  // Validate overrides up front (unknown names here; values when the settings resolve).
  try {
    toEnvOverrides(out.overrides);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return out;
}

function checkSymbols(list: string[], known: string[]): string | null {
  const bad = list.filter((s) => !known.includes(s));
  return bad.length > 0 ? `--symbols: unknown sim market ${bad.join(',')}; known: ${known.join(', ')}` : null;
}

/** Read and validate a --market-spec file; an error line naming the file and the field. */
export function loadMarketSpec(path: string): MarketSpecFile | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return `--market-spec ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  try {
    return parseMarketSpec(text);
  } catch (e) {
    if (e instanceof MarketSpecError) return `--market-spec ${path}: ${e.message}`;
    throw e;
  }
}

export async function main(argv: string[]): Promise<number> {
  const args = parseBacktestArgs(argv);
  if (typeof args === 'string') {
    console.error(`tierhunter backtest: ${args}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let spec: MarketSpecFile | undefined;
  if (args.marketSpec !== null) {
    const s = loadMarketSpec(args.marketSpec);
    if (typeof s === 'string') {
      console.error(`tierhunter backtest: ${s}`);
      return 2;
    }
    spec = s;
    const known = s.markets.map((m) => m.symbol);
    if (args.symbolsGiven) {
      const bad = checkSymbols(args.symbols, known);
      if (bad) {
        console.error(`tierhunter backtest: ${bad}`);
        return 2;
      }
    } else args.symbols = known;
  }
  const bar = process.stderr.isTTY ? progressBar((s) => process.stderr.write(s)) : null;
  try {
    if (args.compare) {
      const seeds = Array.from({ length: args.seeds }, (_, i) => args.seed + i);
      const c = await runCompare({
        hours: args.hours,
        seeds,
        symbols: args.symbols,
        strategies: standardStrategies(args.overrides),
        ...(spec ? { marketSpec: spec } : {}),
        latency: args.latency,
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
      overrides: args.overrides,
      strategy: args.strategy,
      ...(spec ? { marketSpec: spec } : {}),
      latency: args.latency,
      ...(args.marketTape !== null ? { marketTapeDir: args.marketTape } : {}),
      ...(bar ? { onProgress: (d: number, t: number) => bar.update(d, t) } : {}),
    });
    bar?.done();
    console.log(args.json ? JSON.stringify(r, null, 2) : renderReport(r));
    return 0;
  } catch (e) {
    bar?.done();
    if (e instanceof ConfigError) {
      console.error(`tierhunter backtest: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
