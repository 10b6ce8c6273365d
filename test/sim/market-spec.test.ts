// MarketSpec validation: the built-in markets' spec is valid; every kind of bad file is refused with the
// JSON path of the first bad field; and `backtest --market-spec` turns that into one line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SPEC } from '../../src/sim/model/specs/default.js';
import { MarketSpecError, parseMarketSpec, validateMarketSpec } from '../../src/sim/model/spec.js';
import { loadMarketSpec } from '../../src/cli/backtest.js';
import { parseBacktestArgs } from '../../src/cli/backtest-args.js';

const good = () => structuredClone(DEFAULT_SPEC) as unknown as Record<string, any>;

function fieldOf(mutate: (s: Record<string, any>) => void): string {
  const s = good();
  mutate(s);
  try {
    validateMarketSpec(s);
  } catch (e) {
    assert.ok(e instanceof MarketSpecError, String(e));
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.ok(e.message.startsWith(`${e.field}: `), `the message names the field: ${e.message}`);
    return e.field;
  }
  assert.fail('the bad spec was accepted');
}

test('the built-in paper markets validate and keep Backpack filters', () => {
  const s = validateMarketSpec(good());
  const btc = s.markets.find((m) => m.symbol === 'BTC_USDC_PERP')!;
  assert.equal(btc.tickSize, '0.1');
  assert.equal(btc.stepSize, '0.00001');
  assert.deepEqual(s.markets.map((m) => m.symbol).sort(), ['BTC_USDC_PERP', 'ETH_USDC_PERP', 'SOL_USDC', 'SOL_USDC_PERP']);
});

test('each bad field is named by its path', () => {
  assert.equal(fieldOf((s) => (s['format'] = 'other')), 'format');
  assert.equal(fieldOf((s) => (s['version'] = 2)), 'version');
  assert.equal(fieldOf((s) => (s['markets'] = [])), 'markets');
  assert.equal(fieldOf((s) => delete s['markets'][1].dynamics.noiseRate), 'markets[1].dynamics.noiseRate');
  assert.equal(fieldOf((s) => (s['markets'][0].dynamics.noiseBranching = 1.2)), 'markets[0].dynamics.noiseBranching');
  assert.equal(fieldOf((s) => (s['markets'][0].dynamics.episodeRate = 'fast')), 'markets[0].dynamics.episodeRate');
  assert.equal(fieldOf((s) => (s['markets'][0].dynamics.episodeMoveBps.logSd = -1)), 'markets[0].dynamics.episodeMoveBps.logSd');
  assert.equal(fieldOf((s) => delete s['markets'][0].dynamics.noiseSizeUsd.maxUsd), 'markets[0].dynamics.noiseSizeUsd.maxUsd');
  assert.equal(fieldOf((s) => (s['markets'][0].dynamics.ladderLevels = 2.5)), 'markets[0].dynamics.ladderLevels');
  assert.equal(fieldOf((s) => (s['markets'][0].dynamics.surprise = 1)), 'markets[0].dynamics.surprise');
  assert.equal(fieldOf((s) => (s['markets'][2].tickSize = '-0.1')), 'markets[2].tickSize');
  assert.equal(fieldOf((s) => (s['markets'][1].initialPrice = '90000.05')), 'markets[1].initialPrice');
  assert.equal(fieldOf((s) => (s['markets'][1].minQuantity = '0.000001')), 'markets[1].minQuantity');
  assert.equal(fieldOf((s) => (s['markets'][1].marketType = 'FUTURE')), 'markets[1].marketType');
  assert.equal(fieldOf((s) => (s['markets'][1].symbol = 'BTC_USDC')), 'markets[1].symbol', 'a PERP must be named *_PERP');
  assert.equal(fieldOf((s) => (s['markets'][3].symbol = s['markets'][0].symbol)), 'markets[3].symbol');
  assert.equal(fieldOf((s) => (s['markets'][0].provenance.volumeScale = 0)), 'markets[0].provenance.volumeScale');
});

test('not JSON is refused as the file', () => {
  assert.throws(() => parseMarketSpec('{"format": '), (e: unknown) => e instanceof MarketSpecError && e.field === '(file)');
});

test('backtest --market-spec: a bad or missing file is one line naming the field; unknown --symbols are checked against the spec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-spec-'));
  try {
    const bad = good();
    bad['markets'][0].dynamics.touchDepthUsd = 0;
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify(bad));
    const r = loadMarketSpec(p);
    assert.equal(typeof r, 'string');
    assert.match(r as string, /^--market-spec .*bad\.json: markets\[0\]\.dynamics\.touchDepthUsd: must be a number > 0/);
    assert.match(loadMarketSpec(join(dir, 'none.json')) as string, /cannot read it \(ENOENT\)/);
    const ok = join(dir, 'ok.json');
    writeFileSync(ok, JSON.stringify(good()));
    assert.equal(typeof loadMarketSpec(ok), 'object');
    // --symbols outside the built-in markets are fine with a spec (checked after loading it), not without.
    assert.equal(typeof parseBacktestArgs(['--market-spec', ok, '--symbols', 'XRP_USDC_PERP']), 'object');
    assert.match(parseBacktestArgs(['--symbols', 'XRP_USDC_PERP']) as string, /unknown sim market XRP_USDC_PERP/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
