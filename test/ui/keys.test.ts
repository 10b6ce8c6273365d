import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyToAction } from '../../ui/keys.js';
import type { KeyState } from '../../ui/keys.js';

const base: KeyState = {
  symbols: [
    { symbol: 'SOL_USDC_PERP', mode: 'ACTIVE' },
    { symbol: 'BTC_USDC_PERP', mode: 'PAUSED' },
  ],
  selected: 0,
  globalMode: 'ACTIVE',
  confirm: null,
  helpOpen: false,
};

test('p pauses the selected symbol, or resumes it when PAUSED', () => {
  assert.deepEqual(keyToAction('p', {}, base), { type: 'send', cmd: { name: 'pause', symbol: 'SOL_USDC_PERP' }, label: 'pause SOL_USDC_PERP' });
  const a = keyToAction('p', {}, { ...base, selected: 1 });
  assert.equal(a.type, 'send');
  assert.deepEqual(a.type === 'send' && a.cmd, { name: 'resume', symbol: 'BTC_USDC_PERP' });
});

test('P pauses all, or resumes all when globally PAUSED', () => {
  const a = keyToAction('P', {}, base);
  assert.deepEqual(a.type === 'send' && a.cmd, { name: 'pause' });
  const b = keyToAction('P', {}, { ...base, globalMode: 'PAUSED' });
  assert.deepEqual(b.type === 'send' && b.cmd, { name: 'resume' });
});

test('f and F only arm a confirmation; y fires it, anything else cancels', () => {
  const f = keyToAction('f', {}, base);
  assert.equal(f.type, 'confirm');
  if (f.type !== 'confirm') return;
  assert.deepEqual(f.confirm.cmd, { name: 'flatten', symbol: 'SOL_USDC_PERP' });
  const armed = { ...base, confirm: f.confirm };
  const y = keyToAction('y', {}, armed);
  assert.deepEqual(y.type === 'send' && y.cmd, { name: 'flatten', symbol: 'SOL_USDC_PERP' });
  assert.equal(keyToAction('n', {}, armed).type, 'cancel');
  assert.equal(keyToAction('p', {}, armed).type, 'cancel'); // even a command key only cancels
  assert.equal(keyToAction('', { downArrow: true }, armed).type, 'cancel');
  const F = keyToAction('F', {}, base);
  assert.deepEqual(F.type === 'confirm' && F.confirm.cmd, { name: 'flatten' });
});

test('i toggles inventory forcing, l flushes', () => {
  const i = keyToAction('i', {}, base);
  assert.deepEqual(i.type === 'send' && i.cmd, { name: 'forceInventory', value: 'toggle' });
  const l = keyToAction('l', {}, base);
  assert.deepEqual(l.type === 'send' && l.cmd, { name: 'flush' });
});

test('selection wraps with arrows and j/k', () => {
  assert.deepEqual(keyToAction('j', {}, base), { type: 'select', index: 1 });
  assert.deepEqual(keyToAction('', { downArrow: true }, { ...base, selected: 1 }), { type: 'select', index: 0 });
  assert.deepEqual(keyToAction('k', {}, base), { type: 'select', index: 1 });
  assert.deepEqual(keyToAction('', { upArrow: true }, { ...base, selected: 1 }), { type: 'select', index: 0 });
  assert.deepEqual(keyToAction('j', {}, { ...base, symbols: [] }), { type: 'none' });
  assert.deepEqual(keyToAction('p', {}, { ...base, symbols: [] }), { type: 'none' });
});

test('help, quit and Ctrl+C', () => {
  assert.deepEqual(keyToAction('?', {}, base), { type: 'help', open: true });
  assert.deepEqual(keyToAction('x', {}, { ...base, helpOpen: true }), { type: 'help', open: false });
  assert.deepEqual(keyToAction('p', {}, { ...base, helpOpen: true }), { type: 'help', open: false });
  assert.deepEqual(keyToAction('q', {}, base), { type: 'quit' });
  assert.deepEqual(keyToAction('c', { ctrl: true }, base), { type: 'quit' });
  assert.deepEqual(keyToAction('c', { ctrl: true }, { ...base, confirm: { cmd: { name: 'flatten' }, prompt: 'x' } }), { type: 'quit' });
  assert.deepEqual(keyToAction('z', {}, base), { type: 'none' });
});

test('R arms a confirmed reset of the loss limits (resume all with resetLimits); any other key cancels it', () => {
  const a = keyToAction('R', {}, base);
  assert.equal(a.type, 'confirm');
  if (a.type !== 'confirm') return;
  assert.deepEqual(a.confirm.cmd, { name: 'resume', resetLimits: true });
  const armed = { ...base, confirm: a.confirm };
  assert.deepEqual(keyToAction('y', {}, armed).type === 'send' && (keyToAction('y', {}, armed) as { cmd: unknown }).cmd, { name: 'resume', resetLimits: true });
  assert.deepEqual(keyToAction('n', {}, armed), { type: 'cancel', label: 'reset cancelled' });
  assert.equal(keyToAction('r', {}, base).type, 'none', 'lower-case r does nothing: the reset needs the shifted key');
});
