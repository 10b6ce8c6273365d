// The backtest CLI: bad flags are one line and exit 2; --json prints a parseable report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/backtest.js';
import { parseBacktestArgs } from '../../src/cli/backtest-args.js';
import { runCompare, spreadOf, standardStrategies } from '../../src/backtest/compare.js';
import { renderCompare } from '../../src/backtest/format.js';
import { capture } from '../helpers/capture.js';

test('bad flags: one clear line, exit 2', async () => {
  for (const argv of [
    ['--hours', 'abc'],
    ['--hours', '-1'],
    ['--seed', '1.5'],
    ['--bogus'],
    ['--symbols', 'DOGE_USDC_PERP'],
    ['--set', 'noequals'],
    ['--set', 'notASetting=1'],
    ['--seeds', '0'],
    ['--hours'],
  ]) {
    const r = await capture(() => main(argv));
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.out, '');
    assert.equal(r.err.split('\n').length, 1, r.err);
    assert.match(r.err, /^tierhunter backtest: /);
  }
  // A value the settings table refuses is found when the settings resolve: still exit 2, one line.
  const r = await capture(() => main(['--hours', '0.01', '--set', 'TIERHUNTER_IMPROVE_TICKS=-3']));
  assert.equal(r.code, 2);
  assert.match(r.err, /TIERHUNTER_IMPROVE_TICKS/);
});

test('flags parse in both --flag value and --flag=value forms', () => {
  const a = parseBacktestArgs(['--hours=2', '--seed', '9', '--symbols', 'SOL_USDC_PERP', '--set', 'sideMode=against', '--set=TIERHUNTER_ORDER_NOTIONAL=75', '--compare', '--seeds', '2', '--json']);
  assert.ok(typeof a !== 'string');
  assert.equal(a.hours, 2);
  assert.equal(a.seed, 9);
  assert.deepEqual(a.symbols, ['SOL_USDC_PERP']);
  assert.deepEqual(a.overrides, { sideMode: 'against', TIERHUNTER_ORDER_NOTIONAL: '75' });
  assert.ok(a.compare && a.json);
  assert.equal(a.seeds, 2);
});

test('--json prints the report as parseable JSON with decimal strings', async () => {
  const r = await capture(() => main(['--hours', '0.03', '--seed', '5', '--symbols', 'SOL_USDC_PERP', '--json']));
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Record<string, unknown>;
  assert.equal(j['seed'], 5);
  assert.equal(typeof j['volume'], 'string');
  assert.ok(Number(j['fills']) > 0);
  assert.ok(typeof j['perf'] === 'object');
  // The §3 figures at the same place as a tape run's (test/cli/backtest-tape.test.ts).
  assert.deepEqual(Object.keys(j['markoutBps'] as object), ['1s', '10s', '60s']);
  const c = j['costPer1M'] as Record<string, string>;
  assert.deepEqual(Object.keys(c), ['fees', 'spread', 'adverse', 'inventory', 'total']);
  assert.equal(c['total'], j['costPerMillion']);
  assert.equal(typeof j['fillsPerMinute'], 'number');
  assert.equal(typeof j['meanQueueWaitMs'], 'number');
  assert.equal(j['feeTier'], 'Tier 1');
  assert.ok(typeof j['market'] === 'object' && j['market'] !== null && 'SOL_USDC_PERP' in j['market']);
});

test('compare runs every strategy on the same seeds and aggregates mean and range', async () => {
  const c = await runCompare({ hours: 0.02, seeds: [1, 2], symbols: ['SOL_USDC_PERP'], strategies: standardStrategies({ orderNotional: '100' }) });
  assert.deepEqual(c.rows.map((r) => r.name), ['original', 'against', 'symmetric', 'tuned']);
  for (const row of c.rows) {
    assert.deepEqual(row.reports.map((x) => x.seed), [1, 2]);
    assert.ok(Number(row.volume.min) <= Number(row.volume.mean) && Number(row.volume.mean) <= Number(row.volume.max));
  }
  assert.equal(c.rows[1]!.reports[0]!.settings['sideMode'], 'against');
  assert.equal(c.rows[3]!.reports[0]!.settings['orderNotional'], '100');
  assert.match(renderCompare(c), /cost\/\$1M/);
  assert.deepEqual(spreadOf(['1', '2', '4'], 2), { mean: '2.33', min: '1', max: '4' });
  assert.equal(spreadOf(['1', null]), null);
});
