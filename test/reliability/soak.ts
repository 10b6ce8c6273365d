// `npm run soak`: the long form of the reliability soak (the short form runs in npm test as
// soak-short.test.ts). Part 1: >= 24 simulated hours, 3 symbols, in virtual time with seeded random
// faults. Part 2: >= 10 minutes of real time against the paper exchange server with its fault switches
// flipped at random. Prints the counts; exit code 1 on any invariant violation or record mismatch.
//   npm run soak -- [--hours 24] [--minutes 10] [--seed 1] [--speed 1] [--skip-virtual] [--skip-realtime]
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { finishHeap, realtimeSoak, renderCounts, virtualSoak, type SoakCounts } from './soak-lib.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`soak: --${name} needs a positive number`);
    process.exit(2);
  }
  return v;
}

// Heap figures after a full collection, so "memory at start and end" compares live data, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

const hours = arg('hours', 24);
const minutes = arg('minutes', 10);
const seed = arg('seed', 1);
const speed = arg('speed', 1);
const parts: SoakCounts[] = [];
const started = Date.now();
const progress = (label: string) => (done: number, total: number) =>
  process.stderr.write(`\r${label} ${((100 * done) / total).toFixed(0)}% (${((Date.now() - started) / 1000).toFixed(0)} s wall)   `);

if (!process.argv.includes('--skip-virtual')) {
  const c = await virtualSoak({ hours, seed, onProgress: progress(`virtual ${hours} h`), ...(gc ? { gc } : {}) });
  process.stderr.write('\n');
  parts.push(c);
  console.log(renderCounts(c));
}
if (!process.argv.includes('--skip-realtime')) {
  const c = finishHeap(await realtimeSoak({ wallMs: minutes * 60_000, seed: seed + 100, speed, onProgress: progress(`real time ${minutes} min`), ...(gc ? { gc } : {}) }), gc);
  process.stderr.write('\n');
  parts.push(c);
  console.log(renderCounts(c));
}

const violations = parts.reduce((n, c) => n + c.invariantViolations.length, 0);
const mismatches = parts.reduce((n, c) => n + c.recordMismatches.length, 0);
const faults = parts.reduce((n, c) => n + c.faultsInjected, 0);
console.log(
  `\nSOAK TOTAL: scenarios ${parts.length}, faults injected ${faults}, invariant violations ${violations}, record mismatches ${mismatches}, ` +
    `memory ${parts.map((c) => `${c.heapStartMb} -> ${c.heapEndMb} MB`).join(' / ')}, ${((Date.now() - started) / 1000).toFixed(0)} s wall`,
);
process.exit(violations === 0 && mismatches === 0 ? 0 : 1);
