// The run-state keeper on its own: the operator's modes and switch back from the store at start, a save
// that fails is a critical alert (cleared by the next save that works) but never an exception, and a run
// state that could not be used is reported loudly and replaced by a fresh save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertBook } from '../../src/core/alerts.js';
import { LossLimits } from '../../src/core/loss-limits.js';
import { Modes, type SystemState } from '../../src/core/modes.js';
import type { RunState } from '../../src/core/ports.js';
import { RunStateKeeper } from '../../src/core/run-state-keeper.js';
import { SymbolState } from '../../src/core/symbol-state.js';
import { defaultSettings } from '../../src/config/settings.js';
import { D } from '../../src/util/decimal.js';
import { perpMarket } from './helpers/fake-port.js';
import { MemLogger, MemRunState, T0 } from './helpers/harness.js';

class FlakyRunState extends MemRunState {
  failSave = false;
  failLoad = false;
  override load(): RunState {
    if (this.failLoad) throw new Error('run state /var/th/runstate.json is not JSON (moved to runstate.json.bad)');
    return super.load();
  }
  override save(s: RunState): void {
    if (this.failSave) throw new Error('EACCES');
    super.save(s);
  }
}

const SYSTEM: SystemState = {
  lossLimitHit: false,
  journalBroken: false,
  journalUnreadable: false,
  logBroken: false,
  connDown: false,
  started: true,
  stopping: false,
  hitLimitNames: () => [],
};

function setup() {
  const store = new FlakyRunState();
  const logger = new MemLogger();
  const alerts = new AlertBook(logger, () => T0);
  const modes = new Modes(SYSTEM, false);
  const limits = new LossLimits(D(100), D(500));
  limits.restore(null, D(0), T0);
  const syms = new Map(['SOL_USDC_PERP', 'ETH_USDC_PERP'].map((s) => [s, new SymbolState(s, perpMarket(s), defaultSettings())]));
  const keeper = new RunStateKeeper({ store, modes, alerts, limits, syms });
  return { store, logger, alerts, modes, limits, syms, keeper };
}

test('run state: save writes the modes, the switch and the limits; a failed save raises a critical runstate alert, the next good one clears it', () => {
  const { store, alerts, modes, syms, keeper } = setup();
  modes.globalMode = 'PAUSED';
  modes.forceReduceOnInventory = true;
  syms.get('ETH_USDC_PERP')!.opMode = 'REDUCING';
  keeper.save();
  assert.equal(store.saves, 1);
  assert.equal(store.state.globalMode, 'PAUSED');
  assert.equal(store.state.forceInventory, true);
  assert.deepEqual(store.state.symbolModes, { ETH_USDC_PERP: 'REDUCING' });
  assert.equal(store.state.limits?.dayBaseline, '0');
  assert.deepEqual(alerts.list(), []);
  store.failSave = true;
  modes.globalMode = 'ACTIVE';
  assert.doesNotThrow(() => keeper.save());
  const a = alerts.active().find((x) => x.id === 'runstate');
  assert.equal(a?.level, 'critical');
  assert.match(a?.message ?? '', /could not be saved \(EACCES\); it will not survive a restart/);
  assert.equal(store.state.globalMode, 'PAUSED', 'the old state stays');
  store.failSave = false;
  keeper.save();
  assert.equal(alerts.isActive('runstate'), false);
  assert.equal(store.state.globalMode, 'ACTIVE');
});

test('run state: restore puts the modes back and returns the saved limits', () => {
  const { store, modes, syms, keeper } = setup();
  const limits = { day: '2026-01-01', dayBaseline: '-20', sessionHit: false, dailyHit: false, sessionHitAt: null, dailyHitAt: null };
  store.state = { forceInventory: true, globalMode: 'REDUCING', symbolModes: { SOL_USDC_PERP: 'PAUSED', GONE_USDC_PERP: 'PAUSED' }, limits };
  assert.deepEqual(keeper.restore(T0 + 5), limits);
  assert.equal(modes.globalMode, 'REDUCING');
  assert.equal(modes.globalReducingSince, T0 + 5);
  assert.equal(modes.forceReduceOnInventory, true);
  assert.equal(syms.get('SOL_USDC_PERP')!.opMode, 'PAUSED');
  assert.equal(syms.get('ETH_USDC_PERP')!.opMode, 'ACTIVE');
  assert.equal(modes.runStateProblem, null);
});

test('run state: an unreadable run state starts PAUSED; reportProblem raises runstate-invalid and saves a fresh one', () => {
  const { store, alerts, modes, keeper } = setup();
  store.failLoad = true;
  assert.equal(keeper.restore(T0), null);
  assert.equal(modes.globalMode, 'PAUSED');
  assert.equal(store.saves, 0, 'restore itself writes nothing');
  keeper.reportProblem();
  const a = alerts.active().find((x) => x.id === 'runstate-invalid');
  assert.equal(a?.level, 'critical');
  assert.match(a?.message ?? '', /is not JSON \(moved to runstate\.json\.bad\); started PAUSED: check each symbol's mode, then resume/);
  assert.equal(store.saves, 1);
  assert.equal(store.state.globalMode, 'PAUSED');
});

test('run state: reportProblem with a usable run state does nothing', () => {
  const { store, alerts, keeper } = setup();
  keeper.restore(T0);
  keeper.reportProblem();
  assert.equal(store.saves, 0);
  assert.deepEqual(alerts.list(), []);
});
