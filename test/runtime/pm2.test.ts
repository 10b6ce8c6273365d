import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { installShutdownHandlers, signalReady } from '../../src/runtime/pm2.js';

function fakeProc() {
  const e = new EventEmitter();
  return { proc: e as unknown as Pick<NodeJS.Process, 'on' | 'off'>, emit: (s: string) => e.emit(s, s), count: (s: string) => e.listenerCount(s) };
}

test('the first signal runs shutdown once and exits 0; a later second signal exits at once', async () => {
  const p = fakeProc();
  const exits: number[] = [];
  let calls = 0;
  let finish!: () => void;
  let t = 0;
  const uninstall = installShutdownHandlers({
    proc: p.proc,
    now: () => t,
    exit: (c) => exits.push(c),
    shutdown: () => {
      calls++;
      return new Promise<void>((r) => (finish = r));
    },
  });
  p.emit('SIGTERM');
  t = 500;
  p.emit('SIGINT'); // a repeat inside the grace period is the same request
  assert.deepEqual(exits, []);
  t = 1500;
  p.emit('SIGINT');
  assert.equal(calls, 1);
  assert.deepEqual(exits, [130]);
  finish();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(exits, [130, 0]);
  uninstall();
  assert.equal(p.count('SIGTERM'), 0);
});

test('a shutdown that fails exits 1; one that hangs is cut off at the deadline', async () => {
  const a = fakeProc();
  const exitsA: number[] = [];
  installShutdownHandlers({ proc: a.proc, exit: (c) => exitsA.push(c), shutdown: async () => Promise.reject(new Error('cancel failed')) });
  a.emit('SIGTERM');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(exitsA, [1]);

  const b = fakeProc();
  const logs: string[] = [];
  const exited = new Promise<number>((resolve) =>
    installShutdownHandlers({ proc: b.proc, exit: resolve, deadlineMs: 30, log: (l) => logs.push(l), shutdown: () => new Promise<void>(() => undefined) }),
  );
  // The deadline timer is unref'd (it must not keep a finished process alive); hold the loop here.
  const keepAlive = setTimeout(() => undefined, 5000);
  b.emit('SIGINT');
  assert.equal(await exited, 1);
  clearTimeout(keepAlive);
  assert.ok(logs.some((l) => /did not finish within 30 ms/.test(l)));
});

test('signalReady sends "ready" only when there is an IPC channel', () => {
  const sent: unknown[] = [];
  assert.equal(signalReady({ send: (m) => sent.push(m) }), true);
  assert.deepEqual(sent, ['ready']);
  assert.equal(signalReady({ send: undefined }), false);
});

test('the same signal echoed within 100 ms (the atomic writer of conf re-raises it) is not logged as a second request', () => {
  const p = fakeProc();
  const lines: string[] = [];
  let t = 0;
  installShutdownHandlers({ proc: p.proc, now: () => t, exit: () => undefined, log: (l) => lines.push(l), shutdown: () => new Promise<void>(() => undefined) });
  p.emit('SIGINT');
  t = 3;
  p.emit('SIGINT');
  assert.deepEqual(lines.filter((l) => l.includes('again')), [], 'the echo is silent');
  t = 400;
  p.emit('SIGINT');
  assert.equal(lines.filter((l) => l.includes('SIGINT again: already shutting down')).length, 1, 'an operator repeat is still acknowledged');
  assert.equal(lines.filter((l) => l.includes('received')).length, 1);
});
