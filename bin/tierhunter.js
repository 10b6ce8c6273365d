#!/usr/bin/env -S node --optimize-for-size
// Launcher. Runs the compiled JavaScript in dist/ when it is a build of the current sources (npm ci builds
// it), else the TypeScript sources through tsx, so a fresh clone, an edited file or a failed build still
// runs. `--optimize-for-size` (also in npm start and the pm2 file): V8 then keeps its heap close to what is
// live instead of reserving for allocation bursts (measured: ~100 MB instead of ~200 MB RSS after 4
// simulated hours at the paper market's fill rate, for a few % more CPU).
// TIERHUNTER_TSX=1 forces the tsx path (development, or to rule out a bad build).
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.env.TIERHUNTER_TSX !== '1' && distIsFresh(root)) {
  await import('../dist/src/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  // The project's tsconfig is named explicitly: tsx would otherwise look in the current directory, and the
  // TUI's JSX (react-jsx) must compile the same wherever the operator starts it from.
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  await import('../src/cli.ts');
}
