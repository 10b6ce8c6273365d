// The command planner on its own: each mode command changes exactly the modes it names and says so in
// its reply, a resume releases a hit loss limit only with --reset-limits, an unknown symbol changes
// nothing, and the view commands are left to the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCommand, type CommandContext } from '../../src/core/commands.js';
import { LossLimits } from '../../src/core/loss-limits.js';
import { Modes, type SystemState } from '../../src/core/modes.js';
import { SymbolState } from '../../src/core/symbol-state.js';
import { defaultSettings } from '../../src/config/settings.js';
import type { CommandArgs } from '../../src/domain/command.js';
import { D } from '../../src/util/decimal.js';
import { perpMarket } from './helpers/fake-port.js';
import { MemLogger, T0 } from './helpers/harness.js';

const system: SystemState = { lossLimitHit: false, journalBroken: false, journalUnreadable: false, logBroken: false, connDown: false, started: true, stopping: false, hitLimitNames: () => [] };

function ctx(): CommandContext & { logger: MemLogger } {
  const s = defaultSettings();
  const syms = new Map(['A_USDC_PERP', 'B_USDC_PERP'].map((x) => [x, new SymbolState(x, perpMarket(x), s)]));
  const limits = new LossLimits(D(10), D(100));
  limits.restore(null, D(0), T0);
  return { syms, symbols: [...syms.keys()], modes: new Modes(system, false), limits, netPnl: D(0), now: T0, logger: new MemLogger() };
}

const cmd = (name: CommandArgs['name'], over: Partial<CommandArgs> = {}): CommandArgs => ({ name, ...over });

test('commands: pause, flatten and resume change the named level only', () => {
  const c = ctx();
  const a = c.syms.get('A_USDC_PERP')!;
  const b = c.syms.get('B_USDC_PERP')!;
  assert.deepEqual(planCommand(cmd('pause', { symbol: 'A_USDC_PERP' }), c), { kind: 'modes', reply: { ok: true, message: 'paused A_USDC_PERP' }, limits: null });
  assert.equal(a.opMode, 'PAUSED');
  assert.equal(b.opMode, 'ACTIVE');
  assert.equal(c.modes.globalMode, 'ACTIVE');
  planCommand(cmd('flatten'), c);
  assert.equal(c.modes.globalMode, 'REDUCING');
  assert.equal(c.modes.globalReducingSince, T0);
  a.rejectStreak = 3;
  a.blockedUntil = T0 + 5000;
  const r = planCommand(cmd('resume'), c);
  assert.equal(r.kind === 'modes' && r.reply.ok && r.reply.message, 'resumed all symbols');
  assert.equal(c.modes.globalMode, 'ACTIVE');
  assert.equal(c.modes.globalReducingSince, null);
  assert.equal(a.opMode, 'ACTIVE');
  assert.equal(a.rejectStreak, 0);
  assert.equal(a.blockedUntil, 0);
});

test('commands: a hit loss limit survives a plain resume and is released by --reset-limits', () => {
  const c = ctx();
  assert.equal(c.limits.evaluate(D(-11), T0).length, 1);
  const plain = planCommand(cmd('resume'), { ...c, netPnl: D(-11) });
  assert.equal(plain.kind, 'modes');
  assert.match(plain.kind === 'modes' && plain.reply.ok ? plain.reply.message : '', /session loss limit still hit/);
  assert.equal(plain.kind === 'modes' && plain.limits, null);
  assert.equal(c.limits.anyHit, true);
  const reset = planCommand(cmd('resume', { resetLimits: true }), { ...c, netPnl: D(-11) });
  assert.equal(reset.kind === 'modes' && reset.reply.ok && reset.reply.message, 'resumed all symbols; loss limits reset');
  assert.deepEqual(reset.kind === 'modes' && reset.limits?.map((x) => [x.name, x.hit]), [['session', false]]);
  assert.equal(c.limits.anyHit, false);
  assert.ok(c.logger.lines.some((l) => l.includes('loss limits reset by the operator: session limit released')));
});

test('commands: forceInventory sets or toggles the live switch; an unknown symbol changes nothing', () => {
  const c = ctx();
  const on = planCommand(cmd('forceInventory', { value: 'on' }), c);
  assert.deepEqual(on.kind === 'modes' && on.reply, { ok: true, message: 'force inventory on', data: { forceInventory: true } });
  planCommand(cmd('forceInventory'), c);
  assert.equal(c.modes.forceReduceOnInventory, false);
  const bad = planCommand(cmd('pause', { symbol: 'NOPE' }), c);
  assert.deepEqual(bad, { kind: 'reply', reply: { ok: false, error: 'unknown symbol NOPE; trading A_USDC_PERP, B_USDC_PERP' } });
  assert.equal(c.modes.globalMode, 'ACTIVE');
  assert.deepEqual(planCommand(cmd('stats', { symbol: 'A_USDC_PERP' }), c), { kind: 'stats', symbol: 'A_USDC_PERP' });
  assert.deepEqual(planCommand(cmd('flush'), c), { kind: 'flush' });
});
