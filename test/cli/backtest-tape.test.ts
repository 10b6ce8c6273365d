// `tierhunter backtest --tape`: documented in --help, bad input is one line and exit 2, a run prints the
// report with the replay's facts (text and JSON), fee rates come from --set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/backtest.js';
import { parseBacktestArgs } from '../../src/cli/backtest-args.js';
import type { TapeEvent } from '../../src/tape/types.js';
import { diff, snap, tempDir, trade, writeTape, ms } from '../replay/helpers.js';
import { capture } from '../helpers/capture.js';
import { VPS_LATENCY } from '../../src/sim/latency.js';

const dir = tempDir('th-cli-tape-');

async function tape(): Promise<string> {
  const ev: TapeEvent[] = [snap(ms(0), 10, [10000, 5000], [10010, 5000])];
  for (let i = 1; i < 300; i++) {
    ev.push(diff(ms(i * 100), 10 + i, 10 + i, [9990, 1000 + i]));
    ev.push(trade(ms(i * 100 + 50), i % 3 === 0 ? 10000 : 10010, i % 3 === 0 ? 'sell' : 'buy', { qty: 300 }));
  }
  return writeTape(dir, 'cli.tape.gz', ev);
}

test('--help documents the tape backtest and its flags', async () => {
  const r = await capture(() => main(['--help']));
  assert.equal(r.code, 0);
  for (const s of ['--tape FILE', '--queue', 'risk-averse', '--queue-power', '--latency E,R,F|tape[,J]', 'F=tape', '0 for', 'feeTier', 'markoutBps', 'costPer1M']) {
    assert.ok(r.out.includes(s), `--help mentions ${s}`);
  }
});

test('bad tape flags: one clear line, exit 2, nothing run', async () => {
  const notTape = join(dir, 'not-a-tape.gz');
  writeFileSync(notTape, 'hello');
  const t = await tape();
  for (const argv of [
    ['--tape', join(dir, 'missing.tape.gz')],
    ['--tape', dir],
    ['--tape', notTape],
    ['--tape', t, '--hours', '1'],
    ['--tape', t, '--compare'],
    ['--tape', t, '--queue', 'fifo'],
    ['--tape', t, '--queue-power', '0'],
    ['--tape', t, '--latency', '8,6,fast'],
    ['--tape', t, '--latency', '8,6,tape,5'],
    ['--tape', t, '--latency', '8,tape'],
    ['--latency', '8,6,tape'],
    ['--tape', t, '--tick-size', 'abc'],
    ['--tape', t, '--set', 'feeTier=Gold'],
    ['--tape', t, '--set', 'makerFeeBps=lots'],
    ['--tape', t, '--set', 'symbols=SOL_USDC_PERP'],
    ['--queue', 'prob'],
  ]) {
    const r = await capture(() => main(argv));
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.out, '', argv.join(' '));
    assert.equal(r.err.split('\n').length, 1, r.err);
    assert.match(r.err, /^tierhunter backtest: /);
  }
});

test('flags parse: several tapes, queue, latency, per-symbol tick, fee keys kept apart from settings', () => {
  const a = parseBacktestArgs(['--tape', 'a', '--tape=b', '--queue', 'risk-averse', '--latency', '2,6,15', '--tick-size', 'X_USDC_PERP=0.5', '--set', 'makerFeeBps=1']);
  assert.ok(typeof a !== 'string', String(a));
  assert.deepEqual(a.tapes, ['a', 'b']);
  assert.equal(a.queue, 'risk-averse');
  assert.deepEqual([a.latency.entryMs, a.latency.feedMs, a.feed], [2, 15, 'fixed']);
  assert.deepEqual(a.markets, { X_USDC_PERP: { tickSize: '0.5' } });
  // By default a tape's feed latency is its own; F=tape says so explicitly while setting the others.
  const d = parseBacktestArgs(['--tape', 'a']);
  assert.ok(typeof d !== 'string');
  assert.deepEqual([d.latency, d.feed], [VPS_LATENCY, 'tape']);
  const e = parseBacktestArgs(['--tape', 'a', '--latency', '4,2,tape,0']);
  assert.ok(typeof e !== 'string');
  assert.deepEqual([e.latency, e.feed], [{ entryMs: 4, responseMs: 2, feedMs: VPS_LATENCY.feedMs, jitter: 0 }, 'tape']);
  // 0: no latency at all, the feed included.
  const z = parseBacktestArgs(['--tape', 'a', '--latency', '0']);
  assert.ok(typeof z !== 'string');
  assert.deepEqual([z.latency, z.feed], [{ entryMs: 0, responseMs: 0, feedMs: 0, jitter: 0 }, 'fixed']);
});

test('a tape run prints the replay facts; --json has the report fields; --set makerFeeBps gives a rebate', async () => {
  const t = await tape();
  const text = await capture(() => main(['--tape', t]));
  assert.equal(text.code, 0, text.err);
  for (const s of ['backtest: engine on 1 tape(s)', 'replay ', 'queue prob (power 3)', `feed ${VPS_LATENCY.feedMs} ms (the tape has no exchange times)`, 'markout ', 'cost/$1M      fees', 'our fills ']) assert.ok(text.out.includes(s), `text has ${s}:\n${text.out}`);
  const j = await capture(() => main(['--tape', t, '--json', '--set', 'makerFeeBps=-1', '--queue', 'risk-averse']));
  assert.equal(j.code, 0, j.err);
  const r = JSON.parse(j.out) as { [k: string]: any };
  assert.deepEqual(Object.keys(r['markoutBps']), ['1s', '10s', '60s']);
  assert.deepEqual(Object.keys(r['costPer1M']), ['fees', 'spread', 'adverse', 'inventory', 'total']);
  assert.equal(typeof r['fillsPerMinute'], 'number');
  assert.ok('meanQueueWaitMs' in r);
  assert.equal(r['market'], null, 'the market is the tape: tape stats gives its block');
  assert.deepEqual(r['latencyMs'], VPS_LATENCY);
  assert.equal(r['replay']['queue']['model'], 'risk-averse');
  assert.equal(r['feeTier'], 'Tier 1 + --set');
  assert.ok(r['fills'] > 0, 'it traded');
  assert.ok(Number(r['fees']) < 0, `a maker rebate: fees ${r['fees']}`);
});
