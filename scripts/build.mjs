// `npm ci` runs this (package.json "prepare"): compiles src/ and ui/ to dist/ so the bot runs as plain
// JavaScript. That saves the tsx loader thread (~33 MB RSS, measured) and start-up time; bin/tierhunter.js
// uses dist/ only while it is fresh and falls back to tsx otherwise, so a failed or skipped build never
// stops the bot: it prints why and the install goes on.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFingerprint } from '../bin/freshness.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.log('build: typescript is not installed (production install?): the bot runs through tsx');
  process.exit(0);
}
rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0 || !existsSync(join(dist, 'src', 'cli.js'))) {
  rmSync(dist, { recursive: true, force: true });
  console.log('build: tsc failed (see above): the bot runs through tsx until `npm run build` succeeds');
  process.exit(0);
}
// Written last: a build that stopped half-way has no stamp and is never used.
writeFileSync(join(dist, 'BUILD'), JSON.stringify(sourceFingerprint(root)));
console.log('build: dist/ ready');
