// How the strategy defaults are chosen (docs/BACKTEST.md "Choosing the defaults"): a one-lever-at-a-time
// sweep around the original bot's rules on a TRAINING set of markets and seeds, a stated rule that picks
// the tuned settings from it, then the four standard strategies (original, against, symmetric, tuned) on
// a HELD-OUT set that played no part in the choice. Plain JavaScript over the CLI, so every figure is
// exactly what `tierhunter backtest ... --json` gives for the same arguments.
//
//   node scripts/choose-defaults.mjs --tapes DIR [--cli PATH] [--tape-cli PATH] [--hours H] [--jobs N]
//        [--cache DIR] [--tuned K=V,K=V] [--only synthetic|tape] [--sweep-only] [--json FILE]
//
// --tapes DIR     holds <name>.tape (`tierhunter tape import --format hftbacktest` of /work/shared/tapes)
// --cli PATH      the tierhunter bin for the synthetic legs (default: this checkout's bin/tierhunter.js)
// --tape-cli PATH the bin for the tape legs (`backtest --tape`; default: --cli)
// --tuned K=V,... skip the sweep and report these settings (on top of the original rules) as "tuned"
// --only KIND     run only the synthetic or only the tape legs (a tape-only re-run cannot choose: it
//                 needs --tuned)
// --sweep-only    stop after the training sweep and the choice (no held-out runs)
// --cache DIR     one JSON report per run, keyed by its arguments and bin, reused when present
//                 (default /tmp/choose-defaults-cache); delete it after changing the code under test
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cost, mean, paired, verdict, volH } from './choice-rule.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const tapeDir = opt('--tapes', null);
const only = opt('--only', null);
if ((!tapeDir && only !== 'synthetic') || (only && only !== 'synthetic' && only !== 'tape')) {
  console.error('usage: node scripts/choose-defaults.mjs --tapes DIR [--cli PATH] [--tape-cli PATH] [--hours H] [--jobs N] [--cache DIR] [--tuned K=V,...] [--only synthetic|tape] [--sweep-only] [--json FILE]');
  process.exit(2);
}
const cliPath = resolve(opt('--cli', join(root, 'bin/tierhunter.js')));
const tapeCliPath = resolve(opt('--tape-cli', cliPath));
const hours = opt('--hours', '1');
const jobs = Math.max(1, Number(opt('--jobs', '2')));
const cacheDir = opt('--cache', '/tmp/choose-defaults-cache');
const tunedArg = opt('--tuned', null);
const jsonOut = opt('--json', null);
mkdirSync(cacheDir, { recursive: true });

/** The original bot's rules, as src/backtest/compare.ts ORIGINAL_RULES pins them: the sweep's base. */
const ORIGINAL = {
  sideMode: 'with', orderNotional: '50', improveTicks: '0', refreshToleranceTicks: '0', minRequoteMs: '250',
  exitEscalation: 'false', tradeLookbackSec: '2.0', imbalanceEmaAlpha: '0.4', imbalanceThreshold: '1.3', minSideHoldSec: '1.5',
};

/** One lever at a time; a variant's settings apply on top of ORIGINAL. `scale`: a size knob (see rule). */
const VARIANTS = [
  { name: 'improveTicks=1', set: { improveTicks: '1' } },
  { name: 'improveTicks=2', set: { improveTicks: '2' } },
  { name: 'sideMode=against', set: { sideMode: 'against' } },
  { name: 'refreshToleranceTicks=1', set: { refreshToleranceTicks: '1' } },
  { name: 'minRequoteMs=1000', set: { minRequoteMs: '1000' } },
  { name: 'exitEscalation 10 s / 3 bps', set: { exitEscalation: 'true', exitEscalateAfterSec: '10', exitAdverseBps: '3' } },
  { name: 'exitEscalation 3 s / 1 bp', set: { exitEscalation: 'true', exitEscalateAfterSec: '3', exitAdverseBps: '1' } },
  { name: 'imbalanceThreshold=1.1', set: { imbalanceThreshold: '1.1' } },
  { name: 'imbalanceThreshold=2', set: { imbalanceThreshold: '2' } },
  { name: 'orderNotional=200', set: { orderNotional: '200' }, scale: true },
];

/** A leg: one market source and its seeds. Tapes have one path, so one run each. */
const spec = (n) => join(root, 'data/market-specs', `${n}.json`);
const tape = (n) => join(tapeDir ?? '', `${n}.tape`);
const TRAIN = [
  { id: 'default s1-3', kind: 'synthetic', src: [], seeds: [1, 2, 3] },
  { id: 'spec cm_btcusd s1-2', kind: 'synthetic', src: ['--market-spec', spec('cm_btcusd_perp')], seeds: [1, 2] },
  { id: 'spec usdm_btcusdt s1-2', kind: 'synthetic', src: ['--market-spec', spec('usdm_btcusdt')], seeds: [1, 2] },
  { id: 'tape cm_btcusd', kind: 'tape', src: ['--tape', tape('cm_btcusd_perp')], seeds: [1] },
  { id: 'tape usdm_btcusdt', kind: 'tape', src: ['--tape', tape('usdm_btcusdt')], seeds: [1] },
];
const HELD_OUT = [
  { id: 'default s101-103', kind: 'synthetic', src: [], seeds: [101, 102, 103] },
  { id: 'spec cm_ethusd s101-102', kind: 'synthetic', src: ['--market-spec', spec('cm_ethusd_perp')], seeds: [101, 102] },
  { id: 'spec spot_btcusdt s101-102', kind: 'synthetic', src: ['--market-spec', spec('spot_btcusdt')], seeds: [101, 102] },
  { id: 'tape cm_ethusd', kind: 'tape', src: ['--tape', tape('cm_ethusd_perp')], seeds: [1] },
  { id: 'tape spot_btcusdt', kind: 'tape', src: ['--tape', tape('spot_btcusdt')], seeds: [1] },
];
const legsOf = (set) => set.filter((l) => !only || l.kind === only);

// --- running ---------------------------------------------------------------------------------------
function argv(leg, seed, strategy, settings) {
  const a = ['backtest', ...leg.src, '--seed', String(seed), '--json'];
  if (leg.kind === 'synthetic') a.push('--hours', hours, '--strategy', strategy);
  for (const [k, v] of Object.entries(settings)) a.push('--set', `${k}=${v}`);
  return a;
}

let running = 0;
const queue = [];
let done = 0;
let started = 0;
function pump() {
  while (running < jobs && queue.length > 0) {
    const job = queue.shift();
    running++;
    job().finally(() => {
      running--;
      pump();
    });
  }
}

/** One backtest's report (cached). strategy 'symmetric' is synthetic-only. */
function run(leg, seed, strategy, settings) {
  const bin = leg.kind === 'tape' ? tapeCliPath : cliPath;
  const a = argv(leg, seed, strategy, settings);
  const key = createHash('sha256').update(JSON.stringify([bin, a])).digest('hex').slice(0, 20);
  const file = join(cacheDir, `${key}.json`);
  if (existsSync(file)) return Promise.resolve(JSON.parse(readFileSync(file, 'utf8')));
  started++;
  return new Promise((res, rej) => {
    queue.push(
      () =>
        new Promise((fin) => {
          const t0 = Date.now();
          const p = spawn(process.execPath, [bin, ...a], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (err += d));
          p.on('close', (code) => {
            fin();
            if (code !== 0) return rej(new Error(`${bin} ${a.join(' ')}: exit ${code}\n${err}`));
            const r = JSON.parse(out);
            writeFileSync(file, out);
            done++;
            process.stderr.write(`[${done}/${started}] ${leg.id} seed ${seed} ${strategy} ${JSON.stringify(settings)} ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
            res(r);
          });
        }),
    );
    pump();
  });
}

/** All runs of one strategy over a set of legs: [{leg, seed, r}]. Symmetric skips tape legs. */
async function runAll(legs, strategy, settings) {
  const cells = legs.filter((l) => strategy !== 'symmetric' || l.kind !== 'tape').flatMap((l) => l.seeds.map((s) => ({ leg: l, seed: s })));
  return Promise.all(cells.map(async (c) => ({ ...c, r: await run(c.leg, c.seed, strategy, settings) })));
}

// --- statistics ---------------------------------------------------------------------------------------
const f = (x, d = 1) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
const sgn = (x, d = 1) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(d)}` : 'n/a');
/** "mean (min..max)" of a figure over one leg's runs. */
function cell(runs, leg, get, d) {
  const xs = runs.filter((c) => c.leg === leg).map((c) => get(c.r)).filter((x) => x !== null);
  if (xs.length === 0) return 'n/a';
  if (xs.length === 1) return f(xs[0], d);
  return `${f(mean(xs), d)} (${f(Math.min(...xs), d)}..${f(Math.max(...xs), d)})`;
}

// --- the rule: scripts/choice-rule.mjs (verdict(), and paired() for the deltas) -----------------------
const ddPerVol = (runs) => mean(runs.map((c) => Number(c.r.maxDrawdown) / Number(c.r.volume)));

const out = { hours, cli: cliPath, tapeCli: tapeCliPath, sweep: [], chosen: null, heldOut: null, training: null };
const lines = [];
const say = (s = '') => lines.push(s);

// Per setting the best qualifying variant wins ('better' by lowest dCost, else 'more volume, same cost' by
// volume); the winners are combined and the combination re-run on training: if it is worse than the best
// single winner by more than 2 SE, only that winner is kept (levers can interact).
async function sweep() {
  const train = legsOf(TRAIN);
  const base = await runAll(train, 'engine', ORIGINAL);
  const results = await Promise.all(VARIANTS.map(async (v) => ({ v, runs: await runAll(train, 'engine', { ...ORIGINAL, ...v.set }) })));
  say(`### Training sweep (${hours} h per synthetic run; one lever at a time on the original rules)`);
  say();
  say(`| variant | ${train.map((l) => l.id).join(' | ')} | dCost vs original (± 2 SE) | volume/h vs original | verdict |`);
  say(`|---|${train.map(() => '---|').join('')}---|---|---|`);
  say(`| original | ${train.map((l) => cell(base, l, cost, 1)).join(' | ')} | | | base |`);
  const verdicts = [];
  for (const { v, runs } of results) {
    const p = paired(base, runs);
    const dd = ddPerVol(runs) / ddPerVol(base);
    const verd = verdict(v, p, dd);
    verdicts.push({ v, p, verd });
    out.sweep.push({ name: v.name, set: v.set, ...p, ddRatio: dd, verdict: verd });
    say(`| ${v.name} | ${train.map((l) => cell(runs, l, cost, 1)).join(' | ')} | ${sgn(p.dCost, 2)} ± ${f(2 * p.se, 2)} | ${f(p.volRatio * 100, 0)} % | ${verd} |`);
  }
  say();
  say('Cells: cost per $1M, mean (min..max) over seeds. dCost: paired per run (same market, same seed), mean over all training runs.');
  say();
  // Per setting, the best qualifying variant (lowest dCost among "better", else most volume among "more volume").
  const bySetting = new Map();
  for (const x of verdicts) {
    if (x.verd !== 'better' && x.verd !== 'more volume, same cost') continue;
    const k = Object.keys(x.v.set)[0];
    const cur = bySetting.get(k);
    const rank = (y) => (y.verd === 'better' ? [0, y.p.dCost] : [1, -y.p.volRatio]);
    if (!cur || rank(x)[0] < rank(cur)[0] || (rank(x)[0] === rank(cur)[0] && rank(x)[1] < rank(cur)[1])) bySetting.set(k, x);
  }
  const winners = [...bySetting.values()].sort((a, b) => a.p.dCost - b.p.dCost);
  if (winners.length === 0) {
    say('No variant qualifies: the tuned settings are the original rules.');
    return {};
  }
  let chosen = Object.assign({}, ...winners.map((w) => w.v.set));
  if (winners.length > 1) {
    const combo = await runAll(train, 'engine', { ...ORIGINAL, ...chosen });
    const pc = paired(base, combo);
    const best = winners[0];
    const vsBest = paired(results.find((x) => x.v === best.v).runs, combo);
    say(`Combination ${JSON.stringify(chosen)}: dCost ${sgn(pc.dCost, 2)} ± ${f(2 * pc.se, 2)} vs original, ${sgn(vsBest.dCost, 2)} ± ${f(2 * vsBest.se, 2)} vs ${best.v.name} alone, volume ${f(pc.volRatio * 100, 0)} %.`);
    if (vsBest.dCost > 2 * vsBest.se) {
      chosen = { ...best.v.set };
      say(`The combination is worse than ${best.v.name} alone: keeping only that.`);
    }
    out.combination = { set: chosen, ...pc, vsBest };
    say();
  }
  return chosen;
}

function fourTable(title, legs, rows) {
  const base = rows[0].runs;
  say(title);
  say();
  say(`| strategy | ${legs.map((l) => l.id).join(' | ')} | dCost vs original (± 2 SE) | volume/h vs original |`);
  say(`|---|${legs.map(() => '---|').join('')}---|---|`);
  for (const { name, runs } of rows) {
    const p = paired(base, runs);
    const none = name === 'original' || p.n === 0;
    const d = none ? '' : `${sgn(p.dCost, 2)} ± ${f(2 * p.se, 2)}`;
    const vr = none ? '' : `${f(p.volRatio * 100, 0)} %`;
    say(`| ${name} | ${legs.map((l) => cell(runs, l, cost, 1)).join(' | ')} | ${d} | ${vr} |`);
  }
  say();
  say('Volume per hour (USD), mean inventory time per round trip (s), max drawdown (USD) per leg:');
  say();
  say(`| strategy | ${legs.map((l) => l.id).join(' | ')} |`);
  say(`|---|${legs.map(() => '---|').join('')}`);
  for (const { name, runs } of rows) {
    const c = (l) => {
      const rs = runs.filter((x) => x.leg === l).map((x) => x.r);
      if (rs.length === 0) return 'n/a';
      return `${f(mean(rs.map(volH)), 0)} / ${f(mean(rs.map((r) => r.meanInventorySec ?? NaN)), 1)} s / ${f(mean(rs.map((r) => Number(r.maxDrawdown))), 2)}`;
    };
    say(`| ${name} | ${legs.map(c).join(' | ')} |`);
  }
  say();
}

async function fourStrategies(legs, tuned) {
  const strategies = [
    ['original', 'engine', ORIGINAL],
    ['against', 'engine', { ...ORIGINAL, sideMode: 'against' }],
    ['symmetric', 'symmetric', { orderNotional: ORIGINAL.orderNotional }],
    ['tuned', 'engine', { ...ORIGINAL, ...tuned }],
  ];
  return Promise.all(strategies.map(async ([name, strategy, settings]) => ({ name, runs: await runAll(legs, strategy, settings) })));
}

const t0 = Date.now();
let tuned;
if (tunedArg !== null) {
  tuned = Object.fromEntries(tunedArg.split(',').filter(Boolean).map((kv) => kv.split('=').map((s) => s.trim())));
} else if (only === 'tape') {
  console.error('--only tape needs --tuned K=V,...: the choice is made on the whole training set');
  process.exit(2);
} else {
  tuned = await sweep();
}
out.chosen = tuned;
say(`**Tuned** = original rules + ${JSON.stringify(tuned)}`);
say();
if (args.includes('--sweep-only')) {
  console.log(lines.join('\n'));
  process.exit(0);
}
const heldLegs = legsOf(HELD_OUT);
const held = await fourStrategies(heldLegs, tuned);
fourTable(`### Held out: the four strategies (${hours} h per synthetic run)`, heldLegs, held);
const trainLegs = legsOf(TRAIN);
const train = await fourStrategies(trainLegs, tuned);
fourTable('### Training set: the four strategies (for reference; the choice was made here)', trainLegs, train);
const strip = (rows) => rows.map(({ name, runs }) => ({ name, runs: runs.map((c) => ({ leg: c.leg.id, seed: c.seed, costPerMillion: c.r.costPerMillion, volume: c.r.volume, hours: c.r.hours, maxDrawdown: c.r.maxDrawdown, meanInventorySec: c.r.meanInventorySec, costPer1M: c.r.costPer1M, markoutBps: c.r.markoutBps })) }));
out.heldOut = strip(held);
out.training = strip(train);
say(`Synthetic legs: \`${cliPath}\`; tape legs: \`${tapeCliPath}\`; ${started} runs, ${((Date.now() - t0) / 1000).toFixed(0)} s wall (the rest from the cache ${cacheDir}).`);
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2));
