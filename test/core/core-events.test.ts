// The core's event stream on its own: `seq` counts the `changed` events, every listener hears each one
// (a throwing listener stops neither the others nor the caller), and an unsubscribed listener hears no more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreEvents, type CoreEvent } from '../../src/core/core-events.js';

test('core events: seq is 0 before any change and increments per changed event', () => {
  const ev = new CoreEvents();
  const heard: CoreEvent[] = [];
  ev.subscribe((e) => heard.push(e));
  assert.equal(ev.seq, 0);
  ev.changed();
  ev.changed();
  ev.changed();
  assert.equal(ev.seq, 3);
  assert.deepEqual(heard, [
    { type: 'changed', seq: 1 },
    { type: 'changed', seq: 2 },
    { type: 'changed', seq: 3 },
  ]);
});

test('core events: a throwing listener stops neither the others nor the caller', () => {
  const ev = new CoreEvents();
  const a: number[] = [];
  const b: number[] = [];
  ev.subscribe((e) => a.push(e.seq));
  ev.subscribe(() => {
    throw new Error('dashboard gone');
  });
  ev.subscribe((e) => b.push(e.seq));
  assert.doesNotThrow(() => ev.changed());
  ev.changed();
  assert.deepEqual(a, [1, 2]);
  assert.deepEqual(b, [1, 2]);
});

test('core events: an unsubscribed listener hears no more; the others still do', () => {
  const ev = new CoreEvents();
  const a: number[] = [];
  const b: number[] = [];
  const offA = ev.subscribe((e) => a.push(e.seq));
  ev.subscribe((e) => b.push(e.seq));
  ev.changed();
  offA();
  ev.changed();
  assert.deepEqual(a, [1]);
  assert.deepEqual(b, [1, 2]);
  assert.equal(ev.seq, 2, 'seq counts changes, heard or not');
});
