import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bar, compact, duration, grouped, money, pct, remaining, sparkline, signedQty, cell } from '../../ui/format.js';
import { gaugeColor, modeColor } from '../../ui/theme.js';

test('money: sign, two decimals, grouping, exact rounding', () => {
  assert.equal(money('12.345'), '+12.35'); // half-up on the exact decimal, not a float
  assert.equal(money('-5'), '-5.00');
  assert.equal(money('0'), '0.00');
  assert.equal(money('-0.001'), '0.00'); // rounds to zero: no "-0.00"
  assert.equal(money('1234567.891'), '+1,234,567.89');
  assert.equal(money(null), '—');
  assert.equal(money('garbage'), '—');
  assert.equal(grouped('10234.56'), '10,234.56');
  assert.equal(money('0.1').length, 5);
  // 0.1 + 0.2 style float artefacts cannot appear: the string is rounded as a decimal.
  assert.equal(money('1.005'), '+1.01');
});

test('compact volume', () => {
  assert.equal(compact('512'), '512');
  assert.equal(compact('12.5'), '12.50');
  assert.equal(compact('1234'), '1.23K');
  assert.equal(compact('1234567.89'), '1.23M');
  assert.equal(compact('45600000'), '45.60M');
  assert.equal(compact('4500000000'), '4.50B');
  assert.equal(compact(null), '—');
});

test('durations', () => {
  assert.equal(duration(45_000), '45s');
  assert.equal(duration(12 * 60_000 + 5000), '12m05s');
  assert.equal(duration((3 * 60 + 12) * 60_000), '3h12m');
  assert.equal(duration((2 * 24 + 4) * 3600_000), '2d4h');
  assert.equal(duration(null), '—');
  assert.equal(duration(-5), '0s');
});

test('pct, signedQty, cell, remaining', () => {
  assert.equal(pct(0.982), '98.2%');
  assert.equal(pct(null), '—');
  assert.equal(signedQty('0.27'), '+0.27');
  assert.equal(signedQty('-0.27'), '-0.27');
  assert.equal(signedQty('0'), '0');
  assert.equal(cell('SOL_USDC_PERP', 6), 'SOL_U…');
  assert.equal(cell('ab', 4, 'right'), '  ab');
  assert.equal(remaining('50000000', '45600000.5'), '4399999.5');
  assert.equal(remaining('1', '2'), '0');
});

test('bar and sparkline have fixed widths and clamp', () => {
  assert.equal(bar(0.5, 10), '█████░░░░░');
  assert.equal(bar(2, 4), '████');
  assert.equal(bar(-1, 4), '░░░░');
  assert.equal(bar(Number.NaN, 3), '░░░');
  assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([3, 3, 3], 8), '▁▁▁');
  assert.equal(sparkline([1, 2, 3, 4, 5], 3).length, 3); // only the last `width` samples
  assert.equal(sparkline([], 5), '');
});

test('gauge colour thresholds: green < 50% <= yellow < 80% <= red', () => {
  assert.equal(gaugeColor(0), 'green');
  assert.equal(gaugeColor(0.499), 'green');
  assert.equal(gaugeColor(0.5), 'yellow');
  assert.equal(gaugeColor(0.799), 'yellow');
  assert.equal(gaugeColor(0.8), 'red');
  assert.equal(gaugeColor(1.5), 'red');
  assert.equal(modeColor('HALTED'), 'red');
  assert.equal(modeColor('ACTIVE'), 'green');
  assert.equal(modeColor('PAUSED'), 'yellow');
});
