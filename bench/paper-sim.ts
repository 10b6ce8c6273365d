// The paper exchange in its own process for bench/paper.ts, like a remote exchange: its matching, market
// model and HTTP/websocket serving do not run on the core's event loop. Prints {restUrl, wsUrl} as one
// JSON line, serves until stdin closes. The ScaledClock is rebuilt from the parent's (start, realStart)
// so both processes agree on simulated time (to within the spawn skew times the speed).
import { startSim } from '../src/sim/index.js';
import { ScaledClock } from '../src/util/clock.js';

const arg = (k: string): number => Number(process.argv[process.argv.indexOf(k) + 1]);
const speed = arg('--speed');
const start = arg('--start');
const realStart = arg('--real');
const clock = new ScaledClock(speed, start + (Date.now() - realStart) * speed);
const sim = await startSim({ port: 0, seed: arg('--seed'), clock });
console.log(JSON.stringify({ restUrl: sim.restUrl, wsUrl: sim.wsUrl }));
process.stdin.resume();
process.stdin.on('end', () => void sim.stop().then(() => process.exit(0)));
process.stdin.on('close', () => void sim.stop().then(() => process.exit(0)));
