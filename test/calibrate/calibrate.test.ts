// Calibration on a real tape (test/fixtures/tapes/cm_ethusd_perp_20240808.gz: Binance coin-margined
// ETHUSD_PERP, 2024-08-08, from hftbacktest's examples, MIT, nkaz001): the spec it writes validates, and the
// market it describes, simulated on its own, reproduces the tape's trades per second, median spread,
// touch depth, 1 s maker markout and join-best fill rate; the estimators read what the tape holds; the
// CLI refuses bad input with one line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrate, measureTapes } from '../../src/calibrate/calibrate.js';
import { hawkesFromFano } from '../../src/calibrate/fit.js';
import { simulateMarket } from '../../src/calibrate/simulate.js';
import { main as calibrateMain, parseCalibrateArgs } from '../../src/cli/calibrate.js';
import { validateMarketSpec } from '../../src/sim/model/spec.js';
import { importHftbacktest } from '../../src/tape/import/hftbacktest.js';
import { CM_ETH } from '../tape/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'th-cal-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const tape = join(dir, 'cm_eth.tape');
const ready = importHftbacktest([CM_ETH], tape);

const within = (got: number, want: number, tol: number) => Math.abs(got - want) <= tol * Math.abs(want);

test('the profile reads the tape: informed and noise flow, episodes, the touch, the ladder', async () => {
  await ready;
  const m = await measureTapes([tape]);
  const p = m.profile;
  assert.equal(m.stats.trades, 1732, 'the README says 1,732 trades');
  assert.equal(p.movingTrades + p.noiseTrades, p.trades, 'every trade is in one aggression or the other');
  assert.ok(p.movingAggressions > 0 && p.noiseAggressions > 0);
  assert.ok(p.episodes > 0 && p.episodes <= p.movingAggressions, 'episodes group moving aggressions');
  assert.ok(p.touchDepthUsdMedian! > 10_000 && p.touchDepthUsdMedian! < 40_000, `touch ~2,000 contracts of 10 USD: ${p.touchDepthUsdMedian}`);
  assert.ok(p.ladderGapBps! > p.spreadBpsMedian!, 'the second level sits beyond the touch');
  assert.ok(p.volBps10s! > 2 && p.volBps10s! < 6, `10 s volatility ${p.volBps10s} bp`);
});

test('Hawkes from Fano factors: Poisson counts give no branching; clustered ones give n near 1 - 1/sqrt(F)', () => {
  assert.equal(hawkesFromFano(1, 1).branching, 0);
  const h = hawkesFromFano(5, 16);
  assert.ok(Math.abs(h.branching - 0.75) < 1e-9, String(h.branching));
  assert.ok(h.tauSec > 0.05 && h.tauSec < 30);
});

test('a spec calibrated on the tape reproduces the tape when simulated', async () => {
  await ready;
  const spec = await calibrate([{ tapes: [tape], volumeScale: 1 }], { minutes: 20, rounds: 6, seed: 3 });
  validateMarketSpec(JSON.parse(JSON.stringify(spec)));
  const entry = spec.markets[0]!;
  assert.equal(entry.symbol, 'ETH_USDC_PERP');
  assert.equal(entry.tickSize, '0.01', "the tape's own tick");
  const tapeStats = (await measureTapes([tape])).stats;
  // An hour of the model on a seed the fit never saw.
  const sim = simulateMarket(entry, 60, 99);
  const s = sim.stats;
  const fails: string[] = [];
  const check = (what: string, got: number | null, want: number | null, tol: number) => {
    if (got === null || want === null || !within(got, want, tol)) fails.push(`${what}: model ${got} vs tape ${want}`);
  };
  check('trades/s', s.tradesPerSec, tapeStats.tradesPerSec, 0.3);
  check('median spread', s.spreadBpsMedian, tapeStats.spreadBpsMedian, 0.3);
  // Depth in USD: the tape's is in contracts of 10 USD.
  check('touch depth (USD)', sim.profile.touchDepthUsdMedian, tapeStats.touchDepthMedian.both! * 10, 0.3);
  check('1 s markout', s.touchMarkoutBps['1s']!, tapeStats.touchMarkoutBps['1s']!, 0.3);
  check('join-best fill rate', s.joinBest.rate, tapeStats.joinBest.rate, 0.3);
  assert.deepEqual(fails, []);
  assert.ok(s.touchMarkoutBps['10s']! < 0, 'makers lose at 10 s too');
});

test('calibrate CLI: bad input is one line and exit 2; --as keeps Backpack filters; a .ts out is the defaults module', async () => {
  await ready;
  const out = join(dir, 'x.json');
  assert.match(parseCalibrateArgs([]) as string, /at least one tape/);
  assert.match(parseCalibrateArgs([tape]) as string, /--out FILE is required/);
  assert.match(parseCalibrateArgs([join(dir, 'nope.tape'), '--out', out]) as string, /no such file/);
  assert.match(parseCalibrateArgs([tape, '--out', out, '--as', 'XRP_USDC_PERP']) as string, /not a built-in paper market/);
  assert.match(parseCalibrateArgs([tape, tape, '--out', out, '--as', 'SOL_USDC_PERP']) as string, /1 symbols for 2 markets/);
  assert.match(parseCalibrateArgs([tape, '--out', out, '--volume-scale', '0']) as string, /--volume-scale must be a number > 0/);
  writeFileSync(out, '{}');
  assert.match(parseCalibrateArgs([tape, '--out', out]) as string, /exists \(--force overwrites it\)/);
  const notTape = join(dir, 'not.tape');
  writeFileSync(notTape, 'hello');
  const errors: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => void errors.push(a.join(' '));
  try {
    assert.equal(await calibrateMain([notTape, '--out', join(dir, 'y.json')]), 2);
  } finally {
    console.error = orig;
  }
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /^tierhunter calibrate: .*not a tierhunter tape/);
  assert.ok(!existsSync(join(dir, 'y.json')), 'nothing written');

  const spec = await calibrate([{ tapes: [tape], volumeScale: 0.5, as: (await import('../../src/sim/model/markets.js')).findMarketSpec('SOL_USDC_PERP')! }], { minutes: 5, rounds: 1, seed: 1 });
  const sol = spec.markets[0]!;
  assert.deepEqual([sol.symbol, sol.tickSize, sol.stepSize, sol.initialPrice], ['SOL_USDC_PERP', '0.01', '0.01', '180.00']);
  assert.equal(sol.provenance.volumeScale, 0.5);
  assert.ok((sol.provenance.fit as Record<string, unknown>)['asWritten'], 'the scaled market was simulated as written');
});
