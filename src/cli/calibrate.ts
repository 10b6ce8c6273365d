// `tierhunter calibrate`: fit the synthetic market model to tapes and write a MarketSpec
// (docs/MARKET-SPEC.md). Each positional argument is one market: its tape, or several tapes of it in time
// order joined by commas.
//   tierhunter calibrate TAPE[,TAPE...]... --out SPEC.json [--as SYMBOL,...] [--volume-scale X[,X...]]
//                        [--minutes M] [--rounds R] [--seed S] [--force]
import { existsSync, writeFileSync } from 'node:fs';
import { calibrate, CalibrateError, type MarketInput } from '../calibrate/calibrate.js';
import { DEFAULT_MARKETS } from '../sim/model/markets.js';
import { validateMarketSpec, type MarketSpecFile } from '../sim/model/spec.js';
import { TapeFormatError } from '../tape/decode.js';
import { compactJson } from '../util/compact-json.js';

export const USAGE = `usage: tierhunter calibrate TAPE[,TAPE...]... --out SPEC.json [--as SYMBOL,...]
                           [--volume-scale X[,X...]] [--minutes M] [--rounds R] [--seed S] [--force]
  Fits the market model to each market's tapes (project tapes: \`tierhunter tape import\` makes them):
  trade arrivals and their clustering, trade sizes, spread, touch depth and its queue, the ladder
  beyond the touch, volatility, and the share and size of the informed flow behind the maker markout;
  then refines the fit by simulation and writes a MarketSpec (schema and method: docs/MARKET-SPEC.md).
  TAPE[,TAPE...]     one market: its tape, or several of its tapes in time order
  --out FILE         where to write the spec (JSON; a .ts path writes the built-in defaults' module)
  --as SYMBOL,...    per market, put the dynamics on a built-in paper market's filters (its tick, step,
                     minimum and price), or - for the tape's own (default: the tape's own)
  --volume-scale X   per market (or one for all): noise takers and resting size times X, for a thinner
                     venue than the tape's (default 1)
  --minutes M        simulated minutes per refinement round (default 30)
  --rounds R         refinement rounds (default 10; 0 = the direct estimates only)
  --seed S           seed of the refinement simulations (default 1)
  --force            overwrite FILE`;

interface Args {
  markets: string[][];
  out: string;
  as: Array<string | null>;
  scales: number[];
  minutes: number;
  rounds: number;
  seed: number;
  force: boolean;
}

export function parseCalibrateArgs(argv: string[]): Args | 'help' | string {
  const a: Partial<Args> & { markets: string[][]; as: Array<string | null>; scales: number[] } = { markets: [], as: [], scales: [] };
  let out: string | null = null;
  let minutes = 30;
  let rounds = 10;
  let seed = 1;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--force') {
      force = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      a.markets.push(arg.split(',').filter(Boolean));
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (v === undefined || v === '' || (eq < 0 && v.startsWith('--'))) return `${flag} needs a value (see --help)`;
    switch (flag) {
      case '--out':
        out = v;
        break;
      case '--as': {
        const known = DEFAULT_MARKETS.map((m) => m.symbol);
        for (const s of v.split(',').map((x) => x.trim())) {
          if (s !== '-' && !known.includes(s)) return `--as: ${s} is not a built-in paper market (known: ${known.join(', ')}; - keeps the tape's filters)`;
          a.as.push(s === '-' ? null : s);
        }
        break;
      }
      case '--volume-scale':
        for (const s of v.split(',')) {
          const x = Number(s);
          if (!/^\d*\.?\d+(e-?\d+)?$/i.test(s.trim()) || !(x > 0) || x > 1000) return `--volume-scale must be a number > 0 and <= 1000, got "${s}"`;
          a.scales.push(x);
        }
        break;
      case '--minutes':
        minutes = Number(v);
        if (!/^\d+$/.test(v) || minutes < 1 || minutes > 24 * 60) return `--minutes must be a whole number 1..1440, got "${v}"`;
        break;
      case '--rounds':
        rounds = Number(v);
        if (!/^\d+$/.test(v) || rounds > 50) return `--rounds must be a whole number 0..50, got "${v}"`;
        break;
      case '--seed':
        seed = Number(v);
        if (!/^\d+$/.test(v) || seed > 0xffffffff) return `--seed must be a whole number 0..4294967295, got "${v}"`;
        break;
      default:
        return `unknown option ${flag} (see --help)`;
    }
  }
  if (a.markets.length === 0) return 'give at least one tape (see --help)';
  if (out === null) return '--out FILE is required';
  if (a.as.length > 0 && a.as.length !== a.markets.length) return `--as lists ${a.as.length} symbols for ${a.markets.length} markets (use - to keep a tape's own)`;
  if (a.scales.length > 1 && a.scales.length !== a.markets.length) return `--volume-scale lists ${a.scales.length} values for ${a.markets.length} markets (give one, or one per market)`;
  const syms = a.as.filter((s): s is string => s !== null);
  if (new Set(syms).size !== syms.length) return '--as names a market twice';
  for (const m of a.markets) for (const t of m) if (!existsSync(t)) return `${t}: no such file`;
  if (existsSync(out) && !force) return `${out} exists (--force overwrites it)`;
  return { markets: a.markets, out, as: a.as, scales: a.scales, minutes, rounds, seed, force };
}

/**
 * The built-in defaults as a TypeScript module (the paper markets import it; no JSON loading at run time),
 * laid out compactly (small objects on one line) so the four built-in markets stay one readable file.
 */
export function specModule(spec: MarketSpecFile, command: string): string {
  return [
    '// The built-in paper markets: Backpack\'s filters with dynamics calibrated on real tapes. GENERATED by',
    `//   ${command}`,
    '// (docs/MARKET-SPEC.md says how and from which tapes); regenerate rather than edit.',
    "import type { MarketSpecFile } from '../spec.js';",
    '',
    `export const DEFAULT_SPEC: MarketSpecFile = ${compactJson(spec)};`,
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const args = parseCalibrateArgs(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    console.error(`tierhunter calibrate: ${args}`);
    return 2;
  }
  const inputs: MarketInput[] = args.markets.map((tapes, i) => {
    const as = args.as[i] ?? null;
    const spec = as === null ? undefined : DEFAULT_MARKETS.find((m) => m.symbol === as);
    return { tapes, volumeScale: args.scales.length === 1 ? args.scales[0]! : (args.scales[i] ?? 1), ...(spec ? { as: spec } : {}) };
  });
  let spec: MarketSpecFile;
  try {
    spec = await calibrate(inputs, { minutes: args.minutes, rounds: args.rounds, seed: args.seed, log: (l) => console.error(l) });
  } catch (e) {
    if (e instanceof TapeFormatError || e instanceof CalibrateError) {
      console.error(`tierhunter calibrate: ${e.message}`);
      return 2;
    }
    throw e;
  }
  // What we write must load: the same validation --market-spec applies.
  validateMarketSpec(JSON.parse(JSON.stringify(spec)));
  const command = `tierhunter calibrate ${argv.join(' ')}`;
  writeFileSync(args.out, args.out.endsWith('.ts') ? specModule(spec, command) : JSON.stringify(spec, null, 2) + '\n');
  console.error(`wrote ${args.out} (${spec.markets.map((m) => m.symbol).join(', ')})`);
  return 0;
}
