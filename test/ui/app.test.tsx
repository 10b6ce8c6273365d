import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../ui/App.js';
import { CoreClient } from '../../ui/client.js';
import { FakeCore } from './fakeCore.js';
import { fixtureSnapshot } from './fixtures.js';
import { renderAt, strip, waitFor } from './render.js';
import type { Rendered } from './render.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'th-ui-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DOWN = '\u001B[B';
const UP = '\u001B[A';

interface Harness {
  core: FakeCore;
  client: CoreClient;
  ui: Rendered;
  screen: () => string;
  /** Press a key and wait until the fake core received one more command. */
  pressAndSend: (key: string) => Promise<void>;
  close: () => Promise<void>;
}

let n = 0;
async function harness(opts: { mode?: 'attach' | 'embedded'; onQuit?: () => Promise<void>; statusMs?: number; startCore?: boolean } = {}): Promise<Harness> {
  const sock = path.join(dir, `core${++n}.sock`);
  const core = new FakeCore(sock, fixtureSnapshot());
  if (opts.startCore !== false) await core.start();
  const client = new CoreClient({ socketPath: sock, minBackoffMs: 20, maxBackoffMs: 80, replyTimeoutMs: 3000 });
  client.start();
  const ui = renderAt(
    <App socketPath={sock} client={client} mode={opts.mode ?? 'attach'} width={100} height={30} statusMs={opts.statusMs ?? 60_000} {...(opts.onQuit ? { onQuit: opts.onQuit } : {})} />,
    100,
    30,
  );
  const screen = (): string => strip(ui.lastFrame());
  const h: Harness = {
    core,
    client,
    ui,
    screen,
    pressAndSend: async (key) => {
      const before = core.received.length;
      ui.stdin.write(key);
      await waitFor(() => core.received.length > before, `a command after key ${JSON.stringify(key)}`);
    },
    close: async () => {
      ui.unmount();
      client.stop();
      await core.stop();
    },
  };
  if (opts.startCore !== false) await waitFor(() => screen().includes('SOL_USDC_PERP'), 'first snapshot on screen');
  return h;
}

const last = (h: Harness) => {
  const c = h.core.received[h.core.received.length - 1]!;
  const { id: _id, type: _t, ...rest } = c;
  return rest;
};

test('keys send the right commands and the core replies are shown', async () => {
  const h = await harness();
  try {
    await h.pressAndSend('p');
    assert.deepEqual(last(h), { name: 'pause', symbol: 'SOL_USDC_PERP' });
    await waitFor(() => h.screen().includes('✓ pause SOL_USDC_PERP done'), 'pause reply');

    // Select BTC (PAUSED in the fixture) with j: p now resumes it.
    h.ui.stdin.write('j');
    await waitFor(() => /› BTC_USDC_PERP/.test(h.screen()), 'selection moved to BTC');
    await h.pressAndSend('p');
    assert.deepEqual(last(h), { name: 'resume', symbol: 'BTC_USDC_PERP' });

    // Arrow keys and k move it too.
    h.ui.stdin.write(DOWN);
    await waitFor(() => /› ETH_USDC_PERP/.test(h.screen()), 'down arrow selects ETH');
    h.ui.stdin.write(UP);
    await waitFor(() => /› BTC_USDC_PERP/.test(h.screen()), 'up arrow back to BTC');
    h.ui.stdin.write('k');
    await waitFor(() => /› SOL_USDC_PERP/.test(h.screen()), 'k back to SOL');

    await h.pressAndSend('P');
    assert.deepEqual(last(h), { name: 'pause' });

    h.core.reply = (cmd) => ({ ok: true, message: cmd.name === 'flush' ? 'stats written to /tmp/th/log.txt' : 'inventory forcing OFF' });
    await h.pressAndSend('i');
    assert.deepEqual(last(h), { name: 'forceInventory', value: 'toggle' });
    await waitFor(() => h.screen().includes('✓ inventory forcing OFF'), 'forcing reply');
    await h.pressAndSend('l');
    assert.deepEqual(last(h), { name: 'flush' });
    await waitFor(() => h.screen().includes('✓ stats written to /tmp/th/log.txt'), 'flush reply with the path');
  } finally {
    await h.close();
  }
});

test('flatten needs y: f+n cancels without sending, f+y and F+y send; errors are shown', async () => {
  const h = await harness();
  try {
    h.ui.stdin.write('f');
    await waitFor(() => h.screen().includes('flatten SOL_USDC_PERP? y to confirm'), 'confirmation prompt');
    h.ui.stdin.write('n');
    await waitFor(() => h.screen().includes('flatten cancelled'), 'cancelled');
    assert.equal(h.core.received.length, 0, 'nothing sent on cancel');

    h.ui.stdin.write('f');
    await waitFor(() => h.screen().includes('y to confirm'), 'prompt again');
    await h.pressAndSend('y');
    assert.deepEqual(last(h), { name: 'flatten', symbol: 'SOL_USDC_PERP' });

    h.core.reply = () => ({ ok: false, error: 'exchange rejected the close: insufficient margin' });
    h.ui.stdin.write('F');
    await waitFor(() => h.screen().includes('flatten ALL symbols? y to confirm'), 'flatten-all prompt');
    await h.pressAndSend('y');
    assert.deepEqual(last(h), { name: 'flatten' });
    await waitFor(() => h.screen().includes('✗ flatten ALL symbols: exchange rejected the close: insufficient margin'), 'error reply');
    assert.equal(h.core.received.length, 2);
  } finally {
    await h.close();
  }
});

test('keys arriving in one read (typed fast, batched by SSH) are each handled; a long paste is ignored', async () => {
  const h = await harness();
  try {
    // j then f then y in ONE chunk: select BTC, arm the flatten, confirm it.
    h.ui.stdin.write('jfy');
    await waitFor(() => h.core.received.length === 1, 'the flatten sent');
    assert.deepEqual(last(h), { name: 'flatten', symbol: 'BTC_USDC_PERP' });
    h.ui.stdin.write('pfy pfy pfy pfy pfy');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h.core.received.length, 1, 'a paste sends nothing');
  } finally {
    await h.close();
  }
});

test('patches update the screen; replies fade after statusMs; help overlay opens and closes', async () => {
  const h = await harness({ statusMs: 150 });
  try {
    assert.match(h.screen(), /ACTIVE/);
    h.core.patch({ globalMode: 'HALTED', totals: { ...h.core.snapshot.totals, netPnl: '-77.25' } });
    await waitFor(() => h.screen().includes('HALTED') && h.screen().includes('-77.25'), 'patched mode and PnL');
    assert.match(h.screen(), /SOL_USDC_PERP/, 'unpatched keys are kept');

    await h.pressAndSend('l');
    await waitFor(() => h.screen().includes('✓ flush all done'), 'reply shown');
    await waitFor(() => !h.screen().includes('✓ flush all done'), 'reply cleared');

    h.ui.stdin.write('?');
    await waitFor(() => h.screen().includes('Tier Hunter keys'), 'help open');
    h.ui.stdin.write('x');
    await waitFor(() => !h.screen().includes('Tier Hunter keys'), 'help closed');
    assert.equal(h.core.received.length, 1, 'help keys send nothing');
  } finally {
    await h.close();
  }
});

test('"core not running" when the socket is missing, then connects when the core appears', async () => {
  const h = await harness({ startCore: false });
  try {
    await waitFor(() => h.screen().includes(`core not running — waiting for ${h.core.path}`), 'missing banner');
    assert.match(h.screen(), /fix: start the core/);
    // Commands while disconnected get a clear error instead of hanging.
    h.ui.stdin.write('P');
    await waitFor(() => h.screen().includes('not connected to the core'), 'offline error');
    await h.core.start();
    await waitFor(() => h.screen().includes('SOL_USDC_PERP') && !h.screen().includes('core not running'), 'connected after the core started');
  } finally {
    await h.close();
  }
});

test('reconnect banner when the core goes away, cleared when it returns', async () => {
  const h = await harness();
  try {
    await h.core.stop('pm2 restart');
    await waitFor(() => h.screen().includes('reconnecting…'), 'reconnect banner');
    assert.match(h.screen(), /SOL_USDC_PERP/, 'last known state stays visible');
    await h.core.start();
    await waitFor(() => !h.screen().includes('reconnecting…'), 'banner cleared');
    h.core.patch({ globalMode: 'REDUCING' });
    await waitFor(() => h.screen().includes('REDUCING'), 'live again after reconnect');
  } finally {
    await h.close();
  }
});

test('an incompatible protocol version is explained, not rendered', async () => {
  const sock = path.join(dir, 'old.sock');
  const core = new FakeCore(sock, fixtureSnapshot());
  core.protocol = 999;
  await core.start();
  const client = new CoreClient({ socketPath: sock, minBackoffMs: 20, maxBackoffMs: 80 });
  client.start();
  const ui = renderAt(<App socketPath={sock} client={client} width={100} height={30} />, 100, 30);
  try {
    await waitFor(() => strip(ui.lastFrame()).includes('core speaks control protocol 999'), 'incompatible banner');
    assert.match(strip(ui.lastFrame()), /waiting for the core's first snapshot/);
  } finally {
    ui.unmount();
    client.stop();
    await core.stop();
  }
});

test('q in attach mode detaches without sending anything', async () => {
  let quitCalls = 0;
  const h = await harness({ onQuit: async () => void quitCalls++ });
  try {
    h.ui.stdin.write('q');
    await h.ui.waitUntilExit();
    assert.equal(h.core.received.length, 0);
    assert.equal(quitCalls, 1);
  } finally {
    await h.close();
  }
});

test('q in embedded mode shows "stopping" and waits for onQuit before exiting', async () => {
  let release!: () => void;
  const stopped = new Promise<void>((r) => (release = r));
  let exited = false;
  const h = await harness({ mode: 'embedded', onQuit: () => stopped });
  try {
    assert.match(h.screen(), /q quit/);
    h.ui.stdin.write('\u0003'); // Ctrl+C behaves like q
    const exit = h.ui.waitUntilExit().then(() => (exited = true));
    await waitFor(() => h.screen().includes('stopping: cancelling orders…'), 'stopping message');
    assert.equal(exited, false, 'still running until the core has stopped');
    release();
    await exit;
    assert.equal(exited, true);
  } finally {
    await h.close();
  }
});
