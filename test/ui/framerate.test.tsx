// useCore batches state: however fast patches arrive, the screen is re-rendered at most ~10 times/s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../ui/App.js';
import { CoreClient } from '../../ui/client.js';
import { FRAME_MS } from '../../ui/useCore.js';
import { FakeCore } from './fakeCore.js';
import { fixtureSnapshot } from './fixtures.js';
import { renderAt, strip, waitFor } from './render.js';

test('a flood of patches renders at most one frame per FRAME_MS and ends on the latest state', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'th-fps-'));
  const core = new FakeCore(path.join(dir, 'c.sock'), fixtureSnapshot());
  await core.start();
  const client = new CoreClient({ socketPath: core.path });
  client.start();
  const ui = renderAt(<App socketPath={core.path} client={client} width={100} height={30} />, 100, 30);
  try {
    await waitFor(() => strip(ui.lastFrame()).includes('SOL_USDC_PERP'), 'first snapshot');
    const before = ui.frames.length;
    const t0 = Date.now();
    // 400 patches in bursts of 20, a burst every ~20 ms for at least 4 FRAME_MS: far more than 10/s, and
    // never a pause long enough for a debounce to fire.
    for (let i = 1; i <= 400; i++) {
      core.patch({ totals: { ...core.snapshot.totals, netPnl: `-${i}.37` } });
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => strip(ui.lastFrame()).includes('-400.37'), 'latest value on screen');
    const elapsed = Date.now() - t0;
    const shown = ui.frames.slice(before).map(strip);
    const frames = shown.length;
    assert.ok(frames <= Math.ceil(elapsed / FRAME_MS) + 2, `${frames} frames in ${elapsed} ms`);
    // A throttle, not a debounce: while the flood lasts the screen still moves on (frames with values
    // between the first and the last), it does not wait for the patches to stop.
    // (.37: no figure of the fixture ends so.)
    const between = shown.filter((f) => [...f.matchAll(/-(\d+)\.37\b/g)].some((m) => Number(m[1]) < 400));
    assert.ok(between.length >= 1, `no frame between the first and the last patch (${frames} frames in ${elapsed} ms)`);
  } finally {
    ui.unmount();
    client.stop();
    await core.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
