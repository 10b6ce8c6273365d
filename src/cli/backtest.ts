// `tierhunter backtest`: the real trading core in virtual time, on the paper exchange's matching engine and
// market model (synthetic: the built-in markets or a --market-spec file), or on the replay exchange over
// recorded market tapes (--tape). One run prints a report; --compare runs the standard strategies on the
// same seeds (synthetic only). The flags: src/cli/backtest-args.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';
import { runCompare, standardStrategies } from '../backtest/compare.js';
import { renderCompare, renderReport } from '../backtest/format.js';
import { progressBar } from '../backtest/progress.js';
import { runReplay } from '../backtest/replay-run.js';
import { runBacktest } from '../backtest/run.js';
import { splitFees } from '../backtest/settings.js';
import { MarketSpecError, parseMarketSpec, type MarketSpecFile } from '../sim/model/spec.js';
import { TapeFormatError } from '../tape/decode.js';
import { checkSymbols, parseBacktestArgs, USAGE, type BacktestArgs } from './backtest-args.js';

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

/** Load --market-spec and settle the symbols against it; an error line, or the spec (undefined: none). */
function marketSpecOf(args: BacktestArgs): MarketSpecFile | undefined | string {
  if (args.marketSpec === null) return undefined;
  const s = loadMarketSpec(args.marketSpec);
  if (typeof s === 'string') return s;
  const known = s.markets.map((m) => m.symbol);
  if (args.symbolsGiven) {
    const bad = checkSymbols(args.symbols, known);
    if (bad) return bad;
  } else args.symbols = known;
  return s;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseBacktestArgs(argv);
  if (typeof args === 'string') return fail(args);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const spec = marketSpecOf(args);
  if (typeof spec === 'string') return fail(spec);
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
        ...(spec ? { marketSpec: spec } : {}),
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
      ...(spec ? { marketSpec: spec } : {}),
      latency: args.latency,
      fees,
      ...(args.marketTape !== null ? { marketTapeDir: args.marketTape } : {}),
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
