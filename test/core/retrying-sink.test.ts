// The durable retrying queue shared by the fill journal and log.txt: order kept, nothing lost while the
// sink fails (or only the oldest beyond `keep`), exactly one broken and one recovered transition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryingSink } from '../../src/core/retrying-sink.js';

function failingDisk() {
  const written: number[] = [];
  const disk = { failing: false, written };
  const write = (n: number) => {
    if (disk.failing) throw new Error('EROFS');
    written.push(n);
  };
  return { disk, write };
}

test('retrying sink: writes in order, holds everything while the sink fails, reports broken once and recovered once', () => {
  const { disk, write } = failingDisk();
  let counted = 0;
  const q = new RetryingSink<number>({ write, written: () => counted++ });
  assert.equal(q.push(1), null);
  disk.failing = true;
  const broke = q.push(2);
  assert.equal(broke?.kind, 'broken');
  assert.match(String((broke as { error: Error }).error), /EROFS/);
  assert.equal(q.broken, true);
  // Further failures are not news.
  assert.equal(q.push(3), null);
  assert.equal(q.flush(), null);
  assert.equal(q.pending, 2);
  disk.failing = false;
  assert.deepEqual(q.flush(), { kind: 'recovered' });
  assert.equal(q.broken, false);
  assert.equal(q.pending, 0);
  assert.deepEqual(disk.written, [1, 2, 3]);
  assert.equal(counted, 3);
  // A healthy flush of an empty queue changes nothing.
  assert.equal(q.flush(), null);
});

test('retrying sink: with keep, a failing sink holds only the newest items (order kept)', () => {
  const { disk, write } = failingDisk();
  const q = new RetryingSink<number>({ write, keep: 2 });
  disk.failing = true;
  for (let i = 1; i <= 5; i++) q.push(i);
  assert.equal(q.pending, 2);
  disk.failing = false;
  q.flush();
  assert.deepEqual(disk.written, [4, 5]);
});

test('retrying sink: without keep nothing is dropped however long the sink fails', () => {
  const { disk, write } = failingDisk();
  const q = new RetryingSink<number>({ write });
  disk.failing = true;
  for (let i = 1; i <= 100; i++) q.push(i);
  assert.equal(q.pending, 100);
  disk.failing = false;
  q.flush();
  assert.equal(disk.written.length, 100);
  assert.equal(disk.written[0], 1);
});

test('retrying sink: a write that fails midway keeps the unwritten tail for the next flush', () => {
  const written: number[] = [];
  let budget = 2;
  const q = new RetryingSink<number>({
    write: (n) => {
      if (budget-- <= 0) throw new Error('ENOSPC');
      written.push(n);
    },
  });
  q.push(1);
  q.push(2);
  assert.equal(q.push(3)?.kind, 'broken');
  budget = 10;
  assert.equal(q.flush()?.kind, 'recovered');
  assert.deepEqual(written, [1, 2, 3]);
});
