// `tierhunter tape`: the project's market tapes (docs/TAPES.md).
//   tape import --format hftbacktest|tardis IN... --out FILE [overrides] [--force]
//   tape stats FILE [--json]
//   tape dump FILE [--limit N] [--type T,T]
import { existsSync, statSync } from 'node:fs';
import { TapeFormatError } from '../tape/decode.js';
import { eventJson, renderStats } from '../tape/format.js';
import type { ImportOptions } from '../tape/import/header.js';
import { ImportError, type ImportSummary } from '../tape/import/pipeline.js';
import { forEachEvent, openTape } from '../tape/reader.js';
import { TapeStats } from '../tape/stats.js';
import type { TapeEventType } from '../tape/types.js';

export const USAGE = `usage: tierhunter tape <import|stats|dump> ...
  tape import --format hftbacktest|tardis IN... --out FILE [--force]
              [--symbol S] [--venue V] [--market perp|spot] [--tick-size X] [--step-size X]
              [--contract-size N] [--licence TEXT] [--note TEXT]
      hftbacktest: hftbacktest's Binance recordings (\`<ns> <json>\` lines, gzip); several files of one
                   market become one tape in the order given.
      tardis:      Tardis.dev CSV: one incremental_book_L2 and one trades file (required), optionally one
                   quotes and one derivative_ticker file; recognised by their header rows.
      The input's sequence breaks, a start without a snapshot and re-snapshots become gap records.
      --force overwrites FILE; the overrides complete or correct what the input says (header fields).
  tape stats FILE [--json]
      duration, counts, gaps, trades/s, median spread (bp), median touch depth, maker markout at
      1 s / 10 s / 60 s (bp), local-minus-exchange time. JSON fields include durationSec, trades,
      tradesPerSec, spreadBpsMedian, touchDepthMedian, touchMarkoutBps {"1s","10s","60s"}.
  tape dump FILE [--limit N] [--type snapshot,diff,trade,bbo,mark,gap]
      the header, every event and the footer as JSON lines (prices and quantities as exact decimals).
Definitions, the file format and the schema: docs/TAPES.md.`;

const TYPES: TapeEventType[] = ['snapshot', 'diff', 'trade', 'bbo', 'mark', 'gap'];

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

const BOOLEAN_FLAGS = new Set(['--json', '--force', '--help', '-h']);

/** Flags with values (`--x v` or `--x=v`), boolean flags, positionals; an error line for a flag without its value. */
function parseArgs(argv: string[], known: Set<string>): Parsed | string {
  const out: Parsed = { positional: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!known.has(flag) && !BOOLEAN_FLAGS.has(flag)) return `unknown option ${flag} (see tierhunter tape --help)`;
    if (BOOLEAN_FLAGS.has(flag)) {
      out.flags.set(flag, true);
      continue;
    }
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined || v === '' || (eq < 0 && v.startsWith('--'))) return `${flag} needs a value (see tierhunter tape --help)`;
    out.flags.set(flag, v);
  }
  return out;
}

function fail(msg: string): number {
  console.error(`tierhunter tape: ${msg}`);
  return 2;
}

function readableFile(path: string, what: string): string | null {
  if (!existsSync(path)) return `${what} ${path} does not exist`;
  if (!statSync(path).isFile()) return `${what} ${path} is not a file`;
  return null;
}

const IMPORT_FLAGS = new Set(['--format', '--out', '--symbol', '--venue', '--market', '--tick-size', '--step-size', '--contract-size', '--licence', '--note']);
const DECIMAL = /^\d+(\.\d+)?$/;

async function importCmd(argv: string[]): Promise<number> {
  const p = parseArgs(argv, IMPORT_FLAGS);
  if (typeof p === 'string') return fail(p);
  const format = p.flags.get('--format');
  if (format !== 'hftbacktest' && format !== 'tardis') return fail('tape import needs --format hftbacktest or --format tardis');
  const out = p.flags.get('--out');
  if (typeof out !== 'string') return fail('tape import needs --out FILE (the tape to write, e.g. market.tape.gz)');
  if (p.positional.length === 0) return fail(`tape import needs at least one input file after --format ${format}`);
  for (const f of p.positional) {
    const bad = readableFile(f, 'input');
    if (bad) return fail(bad);
  }
  if (existsSync(out) && !p.flags.has('--force')) return fail(`--out ${out} exists; pass --force to overwrite it`);
  const opts: ImportOptions = {};
  const str = (flag: string): string | undefined => {
    const v = p.flags.get(flag);
    return typeof v === 'string' ? v : undefined;
  };
  const market = str('--market');
  if (market !== undefined && market !== 'perp' && market !== 'spot') return fail(`--market must be perp or spot, got "${market}"`);
  if (market) opts.market = market;
  for (const [flag, key] of [['--tick-size', 'tickSize'], ['--step-size', 'stepSize'], ['--contract-size', 'contractSize']] as const) {
    const v = str(flag);
    if (v === undefined) continue;
    if (!DECIMAL.test(v) || !(Number(v) > 0)) return fail(`${flag} must be a positive decimal like 0.01, got "${v}"`);
    opts[key] = v;
  }
  for (const [flag, key] of [['--symbol', 'symbol'], ['--venue', 'venue'], ['--licence', 'licence'], ['--note', 'note']] as const) {
    const v = str(flag);
    if (v !== undefined) opts[key] = v;
  }
  let summary: ImportSummary;
  try {
    // Loaded here: `tape stats` does not pay for the importers.
    if (format === 'hftbacktest') summary = await (await import('../tape/import/hftbacktest.js')).importHftbacktest(p.positional, out, opts);
    else summary = await (await import('../tape/import/tardis.js')).importTardis(p.positional, out, opts);
  } catch (e) {
    if (e instanceof ImportError) {
      console.error(`tierhunter tape import: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const f = summary.footer;
  const counts = TYPES.map((t) => `${t} ${f.counts[t].toLocaleString('en-US')}`).join(', ');
  const gaps = Object.entries(summary.gaps).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const inBytes = p.positional.reduce((s, x) => s + statSync(x).size, 0);
  const outBytes = statSync(out).size;
  console.log(`${out}: ${summary.header.venue} ${summary.header.symbol} ${summary.header.market}, price scale ${summary.header.priceScale}, qty scale ${summary.header.qtyScale}`);
  console.log(`  ${f.events.toLocaleString('en-US')} events (${counts}); gap records: ${gaps}`);
  console.log(`  ${(inBytes / 1e6).toFixed(2)} MB in -> ${(outBytes / 1e6).toFixed(2)} MB out${summary.malformed ? `; ${summary.malformed} malformed input messages (marked by gap records)` : ''}${summary.skipped ? `; ${summary.skipped} messages of other streams skipped` : ''}`);
  return 0;
}

async function checkTape(file: string | undefined, cmd: string): Promise<{ file: string } | number> {
  if (file === undefined) return fail(`tape ${cmd} needs a FILE (a tape written by tape import or record)`);
  const bad = readableFile(file, 'tape');
  if (bad) return fail(bad);
  return { file };
}

async function statsCmd(argv: string[]): Promise<number> {
  const p = parseArgs(argv, new Set());
  if (typeof p === 'string') return fail(p);
  if (p.positional.length > 1) return fail('tape stats takes one FILE');
  const o = await checkTape(p.positional[0], 'stats');
  if (typeof o === 'number') return o;
  try {
    const r0 = await openTape(o.file);
    const stats = new TapeStats(r0.header);
    r0.close();
    const c0 = process.cpuUsage();
    const r = await forEachEvent(o.file, (e) => stats.add(e));
    const c = process.cpuUsage(c0);
    const cpuSec = (c.user + c.system) / 1e6;
    const res = stats.result();
    if (p.flags.has('--json')) console.log(JSON.stringify({ file: o.file, complete: r.complete, truncated: r.truncated, ...res }, null, 2));
    else console.log(renderStats(res, { file: o.file, complete: r.complete, truncated: r.truncated, cpuSec }));
    return 0;
  } catch (e) {
    if (e instanceof TapeFormatError) return fail(e.message);
    throw e;
  }
}

async function dumpCmd(argv: string[]): Promise<number> {
  const p = parseArgs(argv, new Set(['--limit', '--type']));
  if (typeof p === 'string') return fail(p);
  if (p.positional.length > 1) return fail('tape dump takes one FILE');
  const o = await checkTape(p.positional[0], 'dump');
  if (typeof o === 'number') return o;
  const lim = p.flags.get('--limit');
  let limit = Infinity;
  if (typeof lim === 'string') {
    if (!/^\d+$/.test(lim)) return fail(`--limit must be a whole number of events, got "${lim}"`);
    limit = Number(lim);
  }
  const ty = p.flags.get('--type');
  let types: Set<string> | null = null;
  if (typeof ty === 'string') {
    types = new Set(ty.split(',').map((s) => s.trim()));
    const bad = [...types].filter((t) => !TYPES.includes(t as TapeEventType));
    if (bad.length > 0) return fail(`--type: unknown event type ${bad.join(',')}; known: ${TYPES.join(', ')}`);
  }
  try {
    const r = await openTape(o.file);
    const h = r.header;
    const write = (x: unknown): void => void process.stdout.write(JSON.stringify(x) + '\n');
    write({ header: h });
    let n = 0;
    try {
      while (n < limit) {
        const e = r.next();
        if (e === null) {
          if (await r.fill()) continue;
          break;
        }
        if (types && !types.has(e.type)) continue;
        write(eventJson(e, h));
        n++;
      }
    } finally {
      r.close();
    }
    if (n < limit) write({ footer: r.footer, complete: r.complete, truncated: r.truncated });
    return 0;
  } catch (e) {
    if (e instanceof TapeFormatError) return fail(e.message);
    throw e;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  switch (sub) {
    case 'import':
      return importCmd(rest);
    case 'stats':
      return statsCmd(rest);
    case 'dump':
      return dumpCmd(rest);
    default:
      return fail(`unknown subcommand "${sub}": use import, stats or dump (see tierhunter tape --help)`);
  }
}
