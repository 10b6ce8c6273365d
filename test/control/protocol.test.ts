// parseCommand: the core's only reading of client lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCommand, parseCommand } from '../../src/control/protocol.js';

test('resume carries resetLimits; other commands and non-booleans are refused with a reason', () => {
  assert.deepEqual(parseCommand(JSON.stringify(buildCommand('1', { name: 'resume', resetLimits: true }))), { ok: true, cmd: { type: 'cmd', id: '1', name: 'resume', resetLimits: true } });
  assert.deepEqual(parseCommand('{"type":"cmd","id":"2","name":"resume"}'), { ok: true, cmd: { type: 'cmd', id: '2', name: 'resume' } });
  assert.deepEqual(parseCommand('{"type":"cmd","id":"3","name":"pause","resetLimits":true}'), { ok: false, id: '3', error: 'resetLimits is only valid with resume' });
  assert.deepEqual(parseCommand('{"type":"cmd","id":"4","name":"resume","resetLimits":"yes"}'), { ok: false, id: '4', error: 'resetLimits must be true or false' });
});
