// The market model's validation table (docs/BACKTEST.md): for each tape, `tape stats` of the tape against
// the `market` block of a backtest on the spec calibrated from it. Plain JavaScript over the CLI, so the
// figures are exactly what a user gets from the same commands.
//   node scripts/validate-model.mjs TAPE_DIR [--hours H] [--seed S]
// TAPE_DIR holds <name>.tape (tierhunter tape import of the shared tapes); the specs are
// data/market-specs/<name>.json (tierhunter calibrate <name>.tape --out data/market-specs/<name>.json).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const dir = args[0];
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i > 0 ? args[i + 1] : dflt;
};
if (!dir) {
  console.error('usage: node scripts/validate-model.mjs TAPE_DIR [--hours H] [--seed S]');
  process.exit(2);
}
const hours = opt('--hours', '1');
const seed = opt('--seed', '1');
const names = ['cm_btcusd_perp', 'cm_ethusd_perp', 'usdm_btcusdt', 'spot_btcusdt'];

function cli(...a) {
  const r = spawnSync(process.execPath, [join(root, 'bin/tierhunter.js'), ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`tierhunter ${a.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const pct = (m, t) => (t === null || m === null || t === 0 ? 'n/a' : `${m >= t ? '+' : ''}${(((m - t) / Math.abs(t)) * 100).toFixed(0)} %`);
const f = (x, d) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const rows = [];
for (const n of names) {
  const tape = cli('tape', 'stats', join(dir, `${n}.tape`), '--json');
  const specPath = join(root, 'data/market-specs', `${n}.json`);
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  const report = cli('backtest', '--market-spec', specPath, '--hours', hours, '--seed', seed, '--json');
  const sym = spec.markets[0].symbol;
  const m = report.market[sym];
  // Touch depth in USD: contracts x contract size on the coin-margined tapes, base x price otherwise; the
  // model's in base units at its initial price (it moves a few 0.1 % in an hour).
  const contract = /contracts of (\d+(?:\.\d+)?) USD/.exec(tape.qtyUnit);
  const tapePrice = Number(spec.markets[0].initialPrice);
  const tapeDepth = tape.touchDepthMedian.both * (contract ? Number(contract[1]) : tapePrice);
  const modelDepth = m.touchDepthMedian.both * Number(spec.markets[0].initialPrice);
  const line = [
    ['trades/s', tape.tradesPerSec, m.tradesPerSec, 2],
    ['median spread (bp)', tape.spreadBpsMedian, m.spreadBpsMedian, 4],
    ['touch depth (USD)', tapeDepth, modelDepth, 0],
    ['markout 1 s (bp)', tape.touchMarkoutBps['1s'], m.touchMarkoutBps['1s'], 2],
    ['markout 10 s (bp)', tape.touchMarkoutBps['10s'], m.touchMarkoutBps['10s'], 2],
    ['markout 60 s (bp)', tape.touchMarkoutBps['60s'], m.touchMarkoutBps['60s'], 2],
    ['join-best fill rate (10 s)', tape.joinBest.rate, m.joinBest.rate, 3],
  ];
  for (const [what, t, mo, d] of line) rows.push(`| ${n} | ${what} | ${f(t, d)} | ${f(mo, d)} | ${pct(mo, t)} |`);
  rows.push(`| ${n} | our fills: markout 1/10/60 s (bp), cost per $1M | | ${f(report.markoutBps['1s'], 2)} / ${f(report.markoutBps['10s'], 2)} / ${f(report.markoutBps['60s'], 2)}, ${report.costPerMillion} | |`);
}
console.log(`| tape | figure | tape | model (${hours} h, seed ${seed}) | model vs tape |`);
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
