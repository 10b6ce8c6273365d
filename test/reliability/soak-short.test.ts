// The short form of `npm run soak` (the long form is test/reliability/soak.ts): virtual time with seeded
// random faults, then the paper exchange server with its fault switches flipped at random. Zero invariant
// violations and an exact reconciliation with the exchange's records are required.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { finishHeap, realtimeSoak, renderCounts, virtualSoak } from './soak-lib.js';
import { stopAllHarnesses } from './harness.js';

after(stopAllHarnesses);

test('short soak, virtual time: 45 simulated minutes, 3 symbols, seeded random faults, zero violations, records exact', { timeout: 120_000 }, async () => {
  const c = await virtualSoak({ hours: 0.75, seed: 5 });
  console.log(renderCounts(c));
  assert.ok(c.faultsInjected >= 10, `faults injected: ${c.faultsInjected}`);
  for (const k of ['lostReply hits', 'serverError hits', 'droppedEvents hits']) assert.ok((c.faultsByKind[k] ?? 0) > 0, `${k} > 0: ${JSON.stringify(c.faultsByKind)}`);
  assert.ok(c.fills > 100, `trading happened: ${c.fills} fills`);
  assert.deepEqual(c.invariantViolations, []);
  assert.deepEqual(c.recordMismatches, []);
});

test('short soak, real time: the paper exchange server with random fault switches, zero violations, records exact', { timeout: 120_000 }, async () => {
  const c = finishHeap(await realtimeSoak({ wallMs: 15_000, seed: 7, speed: 10 }));
  console.log(renderCounts(c));
  assert.ok(c.faultsInjected >= 3, `faults injected: ${c.faultsInjected}`);
  assert.ok(c.fills > 0, 'trading happened');
  assert.deepEqual(c.invariantViolations, []);
  assert.deepEqual(c.recordMismatches, []);
});
