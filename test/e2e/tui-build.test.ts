// The shipped TUI must run React's production build: the development build records a performance.measure
// per component render and Node keeps them all, so an attached dashboard grew by ~4 MB/s without bound
// (found by the end-to-end journey: GBs after minutes). ui/load.ts is the CLI's only way to load the TUI;
// both commands that show it (attach, run --tui) are run for real in a terminal and asked, as they exit,
// which React build they ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, Cleanup, cleanEnv, homeVars, inTmux, requireTmux, run, shq, tempDir } from './helpers.js';

const PROBE = `
const useLoader = process.argv[1] === 'load';
if (useLoader) await (await import('./ui/load.ts')).loadTui();
else await import('./ui/main.tsx');
const React = (await import('react')).default;
// captureOwnerStack exists only in React's development build.
console.log(typeof React.captureOwnerStack === 'function' ? 'development' : 'production');
`;

test('ui/load.ts loads the TUI with React in production mode; importing ui/main directly gets development', { timeout: 60_000 }, async () => {
  const env = cleanEnv();
  delete env['NODE_ENV'];
  const direct = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE, 'direct'], { env });
  assert.equal(direct.stdout.trim(), 'development', `control: importing ui/main directly gets the development build (${direct.stderr})`);
  const loaded = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE, 'load'], { env });
  assert.equal(loaded.stdout.trim(), 'production', loaded.stderr);
});

/**
 * Preloaded into a process (NODE_OPTIONS=--import): as the process exits it writes which React and
 * reconciler builds it ran and how many performance.measure entries it kept, to <dir>/<pid>.json.
 */
const EXIT_PROBE = `
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
process.on('exit', () => {
  // Only modules that ran: Node's ESM loader pre-parses both branches of react/index.js to find their
  // export names and leaves an unloaded cache entry for the branch that did not run.
  const builds = Object.entries(require.cache)
    .filter(([, m]) => m.loaded)
    .map(([k]) => /[\\/](react|react-reconciler)[\\/]cjs[\\/](react|react-reconciler)\\.(production|development)\\.js$/.exec(k))
    .filter((m) => m !== null)
    .map((m) => m[1] + ':' + m[3]);
  writeFileSync(process.env.TH_PROBE_DIR + '/' + process.pid + '.json', JSON.stringify({ builds: builds.sort(), measures: performance.getEntriesByType('measure').length }));
});
`;

interface ProbeReport {
  builds: string[];
  measures: number;
}

/** The reports of the probed processes that loaded React (the launcher may be more than one process). */
function reactReports(dir: string): ProbeReport[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProbeReport)
    .filter((r) => r.builds.length > 0);
}

test('attach and run --tui, run for real, show the dashboard on React\'s production build and keep no render measures', { timeout: 90_000 }, async () => {
  requireTmux();
  const c = new Cleanup();
  try {
    const work = tempDir(c, 'th-e2e-tuibuild-');
    const probe = join(work, 'probe.mjs');
    writeFileSync(probe, EXIT_PROBE);
    const probeEnv = (dir: string): Record<string, string> => ({ NODE_OPTIONS: `--import=${pathToFileURL(probe).href}`, TH_PROBE_DIR: dir });

    // Control: the probe sees the development build where it is loaded (ui/main imported directly).
    const controlDir = tempDir(c, 'th-e2e-tuibuild-control-');
    const env = cleanEnv(probeEnv(controlDir));
    delete env['NODE_ENV'];
    await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "await import('./ui/main.tsx');"], { env });
    assert.deepEqual(reactReports(controlDir).map((r) => r.builds), [['react-reconciler:development', 'react:development']], 'control: the probe reports a development build');

    // attach, with no core to attach to: the dashboard shows its waiting banner; q detaches.
    const attachDir = tempDir(c, 'th-e2e-tuibuild-attach-');
    const home = tempDir(c, 'th-e2e-tuibuild-home-');
    const attach = inTmux(c, [shq(process.execPath), shq(BIN), 'attach', '--socket', shq(join(work, 'none.sock'))].join(' '), { ...probeEnv(attachDir), TIERHUNTER_HOME: home });
    await attach.waitFor(/core\.sock|none\.sock|waiting|connect/i, 20_000);
    attach.type('q');
    await attach.waitFor(/\[exited 0\]/, 20_000);

    // run --tui: a paper core with the dashboard in this terminal; q stops both.
    const runDir = tempDir(c, 'th-e2e-tuibuild-run-');
    const runHome = tempDir(c, 'th-e2e-tuibuild-runhome-');
    const tui = inTmux(c, [shq(process.execPath), shq(BIN), 'run', '--tui'].join(' '), { ...probeEnv(runDir), ...homeVars(runHome) });
    await tui.waitFor(/PAPER[\s\S]*_PERP\s+ACTIVE/, 30_000);
    tui.type('q');
    await tui.waitFor(/\[exited 0\]/, 30_000);

    for (const [name, dir] of [['attach', attachDir], ['run --tui', runDir]] as const) {
      const reports = reactReports(dir);
      assert.equal(reports.length, 1, `${name}: one process loaded React (${JSON.stringify(reports)})`);
      assert.deepEqual(reports[0]!.builds, ['react-reconciler:production', 'react:production'], `${name} runs React's production build`);
      assert.equal(reports[0]!.measures, 0, `${name} kept no performance measures`);
    }
  } finally {
    await c.run();
  }
});
