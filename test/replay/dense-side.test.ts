// DenseSide (the replay's O(1) book side) must answer exactly like the tape's LevelSide: random level changes
// near and far from the touch, jumps that move the window, snapshots and clears; and a real tape rebuilt
// with both gives the same book after every event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DenseSide } from '../../src/replay/dense-side.js';
import { TapeBook } from '../../src/tape/book.js';
import { LevelSide } from '../../src/tape/levels.js';
import { forEachEvent } from '../../src/tape/reader.js';
import { importHftbacktest } from '../../src/tape/import/hftbacktest.js';
import { Prng } from '../../src/sim/model/prng.js';
import { join } from 'node:path';
import { CM_ETH } from '../tape/helpers.js';
import { tempDir } from './helpers.js';

function same(a: LevelSide, b: DenseSide, what: string): void {
  assert.equal(b.size, a.size, `${what}: size`);
  assert.ok(Object.is(b.best(), a.best()), `${what}: best ${b.best()} vs ${a.best()}`);
  assert.equal(b.bestQty(), a.bestQty(), `${what}: bestQty`);
  assert.deepEqual(b.levels(12), a.levels(12), `${what}: top levels`);
  for (const i of [0, 1, 5, a.size - 1, a.size]) assert.ok(Object.is(b.priceAt(i), a.priceAt(i)), `${what}: priceAt(${i})`);
}

test('random changes, near and far, jumps past the window, snapshots and clears: the same answers as LevelSide', () => {
  const rng = new Prng(7);
  for (const sign of [1, -1] as const) {
    const a = new LevelSide(sign);
    const b = new DenseSide(sign);
    let centre = 1_000_000;
    for (let i = 0; i < 40_000; i++) {
      const r = rng.next();
      if (r < 0.001) {
        centre += (rng.next() < 0.5 ? -1 : 1) * Math.floor(rng.next() * 200_000); // beyond the 65,536-unit window
      } else if (r < 0.0015) {
        const flat: number[] = [];
        for (let k = 0; k < 50; k++) flat.push(centre - sign * k * 3, 1 + rng.int(100));
        a.load(flat);
        b.load(flat);
      } else if (r < 0.0017) {
        a.clear();
        b.clear();
      } else {
        const far = rng.next() < 0.2 ? 40_000 : 60;
        const p = centre + Math.floor((rng.next() - 0.5) * 2 * far);
        const q = rng.next() < 0.45 ? 0 : 1 + rng.int(1000);
        a.set(p, q);
        b.set(p, q);
      }
      for (const p of [centre, centre + 7, centre - 7, centre + 50_000]) assert.equal(b.qtyAt(p), a.qtyAt(p));
      if (i % 97 === 0) same(a, b, `sign ${sign} step ${i}`);
    }
    same(a, b, `sign ${sign} end`);
    assert.deepEqual(b.levels(), a.levels(), 'the whole side');
  }
});

test('a real full-depth tape rebuilt with both sides: the same book after every event', async () => {
  const dir = tempDir('th-dense-');
  const tape = join(dir, 'cm.tape.gz');
  await importHftbacktest([CM_ETH], tape);
  const rule = 'prev-id' as const;
  const a = new TapeBook(rule);
  const b = new TapeBook(rule, (s) => new DenseSide(s));
  let n = 0;
  await forEachEvent(tape, (e) => {
    if (e.type !== 'diff' && e.type !== 'snapshot' && e.type !== 'gap') return;
    assert.equal(b.apply(e), a.apply(e));
    n++;
    if (n % 50 === 0) {
      same(a.bids as LevelSide, b.bids as DenseSide, `bids at ${n}`);
      same(a.asks as LevelSide, b.asks as DenseSide, `asks at ${n}`);
    }
  });
  assert.deepEqual(b.bids.levels(), a.bids.levels());
  assert.deepEqual(b.asks.levels(), a.asks.levels());
});

test('when the window empties, the best is the nearest level outside it; iteration continues past the window', () => {
  for (const sign of [1, -1] as const) {
    const a = new LevelSide(sign);
    const b = new DenseSide(sign);
    const ops: Array<[number, number]> = [[500_000, 5], [500_000 - sign * 3, 7], [500_000 - sign * 90_000, 9], [500_000 - sign * 200_000, 11], [500_000, 0], [500_000 - sign * 3, 0]];
    for (const [p, q] of ops) {
      a.set(p, q);
      b.set(p, q);
      same(a, b, `sign ${sign} after set(${p}, ${q})`);
    }
    assert.equal(b.best(), 500_000 - sign * 90_000);
  }
});
