import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { defaultSocketPath, main, parseAttachArgs } from '../../src/cli/attach.js';

test('default socket path follows TIERHUNTER_HOME, else ~/.tierhunter', () => {
  assert.equal(defaultSocketPath({ TIERHUNTER_HOME: '/srv/th' }), '/srv/th/run/core.sock');
  assert.equal(defaultSocketPath({ TIERHUNTER_HOME: '  ' }), path.join(os.homedir(), '.tierhunter', 'run', 'core.sock'));
  assert.equal(defaultSocketPath({}), path.join(os.homedir(), '.tierhunter', 'run', 'core.sock'));
});

test('argument parsing', () => {
  assert.deepEqual(parseAttachArgs([], { TIERHUNTER_HOME: '/h' }), { socketPath: '/h/run/core.sock' });
  assert.deepEqual(parseAttachArgs(['--socket', '/x/y.sock'], {}), { socketPath: '/x/y.sock' });
  assert.deepEqual(parseAttachArgs(['--socket=/x/z.sock'], {}), { socketPath: '/x/z.sock' });
  assert.deepEqual(parseAttachArgs(['--socket'], {}), { error: '--socket needs a PATH' });
  assert.deepEqual(parseAttachArgs(['--bogus'], {}), { error: 'unknown argument "--bogus"' });
  assert.deepEqual(parseAttachArgs(['-h'], {}), { help: true });
});

test('without a terminal, attach explains itself and exits 2 instead of crashing Ink', async (t) => {
  if (process.stdin.isTTY) return t.skip('stdin is a TTY here');
  const errors: string[] = [];
  t.mock.method(console, 'error', (...a: unknown[]) => void errors.push(a.join(' ')));
  assert.equal(await main(['--socket', '/nonexistent/core.sock']), 2);
  assert.match(errors.join('\n'), /needs an interactive terminal/);
  assert.equal(await main(['--nope']), 2);
});
