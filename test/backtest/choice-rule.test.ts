// The rule that picks the tuned defaults (scripts/choice-rule.mjs, docs/BACKTEST.md "Choosing the
// defaults"): paired per market and seed, better only beyond 2 standard errors and with the volume kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paired, se, verdict, type Run } from '../../scripts/choice-rule.mjs';

const run = (leg: string, seed: number, cost: number | null, volume = 1000, hours = 1): Run => ({
  leg: { id: leg },
  seed,
  r: { costPerMillion: cost === null ? null : String(cost), volume: String(volume), hours },
});

test('paired: deltas per (market, seed), not of the means; volume per hour; unpaired runs left out', () => {
  const base = [run('a', 1, 300), run('a', 2, 320), run('b', 1, 240, 1000, 0.1)];
  // Each variant run is 2 below its own base run: paired, the spread between markets does not count.
  const v = [run('a', 1, 298, 900), run('a', 2, 318, 1100), run('b', 1, 238, 100, 0.1), run('c', 1, 1)];
  const p = paired(base, v);
  assert.equal(p.n, 3);
  assert.ok(Math.abs(p.dCost + 2) < 1e-9);
  assert.equal(p.se, 0);
  assert.ok(Math.abs(p.volRatio - (0.9 + 1.1 + 0.1) / 3) < 1e-9);
  // A run with no cost figure (no volume) is not paired.
  assert.equal(paired(base, [run('a', 1, null)]).n, 0);
});

test('se: the standard error of the mean, infinite for one value', () => {
  assert.ok(Math.abs(se([1, 3]) - 1) < 1e-12);
  assert.equal(se([5]), Infinity);
});

test('verdict: better only beyond 2 SE at >= 80 % volume; within 2 SE no different unless it adds volume', () => {
  const p = (dCost: number, s: number, volRatio: number) => ({ dCost, se: s, volRatio, n: 9 });
  assert.equal(verdict({}, p(-2.2, 0.635, 0.98), 1), 'better');
  assert.equal(verdict({}, p(-2.0, 1.64, 0.99), 1), 'no difference');
  assert.equal(verdict({}, p(-5, 1, 0.79), 1), 'no difference'); // cheaper, but a fifth of the volume gone
  assert.equal(verdict({}, p(7.9, 3.3, 1.06), 1), 'worse');
  assert.equal(verdict({}, p(0.5, 1, 1.2), 1), 'more volume, same cost');
  assert.equal(verdict({}, p(0.5, 1, 1.2), 1.5), 'no difference'); // more volume, but more drawdown per $
  assert.equal(verdict({ scale: true }, p(-0.9, 1.4, 3.65), 1), 'no difference'); // orderNotional: a size knob
});
