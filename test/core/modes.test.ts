// The modes component on its own: operator and system modes and which wins, a flatten's completion, the
// run state it restores (an unreadable one starts PAUSED) and saves (only what differs from the settings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Modes, type SystemState } from '../../src/core/modes.js';
import { emptyRunState } from '../../src/core/ports.js';
import { SymbolState } from '../../src/core/symbol-state.js';
import { defaultSettings } from '../../src/config/settings.js';
import { perpMarket } from './helpers/fake-port.js';

function symbolState(symbol: string): SymbolState {
  const sym = new SymbolState(symbol, perpMarket(`${symbol}_USDC_PERP`, { symbol }), defaultSettings());
  sym.bookValid = true;
  return sym;
}

type Flags = { -readonly [K in keyof SystemState]: SystemState[K] };
function system(over: Partial<Omit<Flags, 'hitLimitNames'>> = {}): Flags {
  return { lossLimitHit: false, journalBroken: false, journalUnreadable: false, logBroken: false, connDown: false, started: true, stopping: false, hitLimitNames: () => ['session'], ...over };
}

test('modes: all ACTIVE when nothing holds; the operator pause and flatten', () => {
  const m = new Modes(system(), false);
  const sym = symbolState('A');
  assert.deepEqual({ ...m.effectiveMode(sym) }, { mode: 'ACTIVE', reason: null });
  sym.opMode = 'PAUSED';
  assert.deepEqual(m.effectiveMode(sym), { mode: 'PAUSED', reason: 'operator' });
  // A flatten (global) overrides the symbol's pause.
  m.globalMode = 'REDUCING';
  assert.deepEqual(m.effectiveMode(sym), { mode: 'REDUCING', reason: 'operator' });
  assert.equal(m.isOperatorFlatten(sym), true);
});

test('modes: system conditions override the operator, the outage named first', () => {
  const sys = system({ lossLimitHit: true });
  const m = new Modes(sys, false);
  const sym = symbolState('A');
  assert.deepEqual(m.effectiveMode(sym), { mode: 'REDUCING', reason: 'session loss limit' });
  sym.opMode = 'PAUSED';
  // PAUSED is stricter than REDUCING: the operator's pause stays the reason.
  assert.deepEqual(m.effectiveMode(sym), { mode: 'PAUSED', reason: 'operator' });
  sym.opMode = 'ACTIVE';
  sys.journalBroken = true;
  sys.lossLimitHit = false;
  assert.deepEqual(m.effectiveMode(sym), { mode: 'REDUCING', reason: 'journal/log unwritable' });
  sys.connDown = true;
  sym.bookValid = false;
  assert.deepEqual(m.effectiveMode(sym), { mode: 'HALTED', reason: 'exchange down' });
  sys.connDown = false;
  assert.deepEqual(m.effectiveMode(sym), { mode: 'HALTED', reason: 'book resync' });
});

test('modes: a stop halts, except while flattening for the stop (which overrides a pause)', () => {
  const sys = system({ stopping: true });
  const m = new Modes(sys, false);
  const sym = symbolState('A');
  assert.deepEqual(m.effectiveMode(sym), { mode: 'HALTED', reason: 'stopping' });
  sym.opMode = 'PAUSED';
  m.stopFlattenSince = 1;
  assert.deepEqual(m.effectiveMode(sym), { mode: 'REDUCING', reason: 'stopping: flatten' });
  assert.deepEqual(new Modes(system({ started: false }), false).effectiveMode(symbolState('B')), { mode: 'HALTED', reason: 'starting' });
});

test('modes: a flat symbol ends its flatten PAUSED; the global flatten ends only when every symbol is flat', () => {
  const m = new Modes(system(), false);
  const a = symbolState('A');
  a.opMode = 'REDUCING';
  a.reducingSince = 5;
  m.globalMode = 'REDUCING';
  m.globalReducingSince = 5;
  assert.deepEqual(m.finishFlatten(a, () => false), ['[A] flat: flatten done, symbol PAUSED']);
  assert.equal(a.opMode, 'PAUSED');
  assert.equal(a.reducingSince, null);
  assert.equal(m.globalMode, 'REDUCING');
  assert.deepEqual(m.finishFlatten(a, () => true), ['all symbols flat: flatten done, PAUSED']);
  assert.equal(m.globalMode, 'PAUSED');
  assert.equal(m.globalReducingSince, null);
  assert.deepEqual(m.finishFlatten(a, () => true), []);
});

test('modes: restore takes the saved choices; an unreadable run state starts PAUSED with the problem kept', () => {
  const syms = new Map([['A', symbolState('A')], ['B', symbolState('B')]]);
  const m = new Modes(system(), false);
  const limits = m.restore(() => ({ ...emptyRunState(), forceInventory: true, globalMode: 'REDUCING', symbolModes: { A: 'PAUSED', B: 'REDUCING', GONE: 'PAUSED' } }), syms, 42);
  assert.equal(limits, null);
  assert.equal(m.forceReduceOnInventory, true);
  assert.equal(m.globalMode, 'REDUCING');
  assert.equal(m.globalReducingSince, 42);
  assert.equal(syms.get('A')!.opMode, 'PAUSED');
  assert.equal(syms.get('B')!.reducingSince, 42);

  const bad = new Modes(system(), false);
  bad.restore(() => {
    throw new Error('run-state.json: not JSON');
  }, new Map(), 0);
  assert.equal(bad.globalMode, 'PAUSED');
  assert.equal(bad.runStateProblem, 'run-state.json: not JSON');
});

test('modes: the saved run state holds the switch only when it differs from the setting, and only non-ACTIVE symbols', () => {
  const m = new Modes(system(), true);
  const a = symbolState('A');
  const b = symbolState('B');
  b.opMode = 'PAUSED';
  const day = { day: '2026-01-01', dayBaseline: '0', sessionHit: false, dailyHit: false, sessionHitAt: null, dailyHitAt: null };
  assert.deepEqual(m.runState([a, b], day), { forceInventory: null, globalMode: 'ACTIVE', symbolModes: { B: 'PAUSED' }, limits: day });
  m.forceReduceOnInventory = false;
  assert.equal(m.runState([a], day).forceInventory, false);
});
