// A real kill -9 of a core process in the middle of a journal compaction (compaction-child.ts: the real
// Engine on a real FileJournal, fills streaming in, compacting every 150 records, backfilling another
// market's history meanwhile): at a chosen step of a chosen compaction, and at random moments. The
// restarted core loses no acknowledged fill and counts none twice: its ledgers and counted trade ids
// equal a replay of exactly the first F fills (F = every acknowledged one, plus at most the one whose
// write had not yet been acknowledged), and its tier volume equals those fills plus exactly the
// backfill pages it says it read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TradingStats } from '../../src/core/stats.js';
import { FileJournal } from '../../src/runtime/journal.js';
import type { CompactionStep } from '../../src/runtime/journal-checkpoint.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { makeHarness } from '../core/helpers/harness.js';
import { childFill, childHistory, CHILD_FILLS, CHILD_SETTINGS } from './compaction-fixture.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CHILD = join(ROOT, 'test/reliability/compaction-child.ts');

/** Run the child until it dies; returns how many fills it acknowledged and how it ended. */
function runChild(home: string, args: string[], killAfterAcks: number | null): Promise<{ acked: number; signal: string | null; done: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = 0;
    let done = false;
    let buf = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        if (l.startsWith('ack ')) acked = Number(l.slice(4)) + 1;
        else if (l === 'done') done = true;
      }
      if (killAfterAcks !== null && acked >= killAfterAcks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== null && code !== 0) reject(new Error(`child exited ${code}: ${err.slice(-2000)}`));
      else resolve({ acked, signal, done });
    });
  });
}

/** The restarted core on the same home, and the figures it must have. */
async function restartAndCheck(home: string, acked: number): Promise<void> {
  // What the journal holds decides the position the exchange reports (round trips of 0.27: an odd
  // number of fills holds 0.27), so that no position is adopted (adopting would change the ledger).
  const peek = FileJournal.inHome(home);
  const cp = peek.loadCheckpoint() as { stats: { ledgers: Array<{ counts: { fills: number } }> } } | null;
  const inJournal = (cp?.stats.ledgers[0]?.counts.fills ?? 0) + new Set(peek.load().filter((r) => r.kind === 'fill').map((r) => r.tradeId)).size;
  const journal = FileJournal.inHome(home);
  const h = makeHarness(CHILD_SETTINGS, { sink: journal });
  h.port.fills = childHistory();
  if (inJournal % 2 === 1) h.port.positions = [{ symbol: 'SOL_USDC_PERP', netQuantity: D('0.27'), entryPrice: D(180), markPrice: D(180), pnlRealized: ZERO, pnlUnrealized: ZERO, cumulativeFunding: ZERO }];
  await h.engine.start();
  const counted = h.engine.view.stats.figures().fills;
  assert.ok(counted >= acked, `lost fills: ${counted} counted, ${acked} acknowledged`);
  assert.ok(counted <= acked + 1, `${counted} counted, only ${acked} acknowledged (+1 in flight)`);
  // Exactly the first `counted` fills, each once (ledgers, trip state, the dedupe of their ids).
  const ref = new TradingStats(CHILD_SETTINGS.symbols);
  let volume = ZERO;
  for (let i = 0; i < counted; i++) {
    const f = childFill(i);
    ref.recordFill(f.side, f.quantity, f.price, f.isMaker, { symbol: f.symbol, fee: f.fee, ts: f.timestamp, tradeId: f.tradeId });
    volume = volume.plus(f.quantity.mul(f.price));
  }
  assert.deepEqual(h.engine.view.stats.state(), ref.state(), 'ledgers and counted trade ids');
  // Tier volume: those fills plus the backfill pages read so far (each page once).
  const b = h.engine.view.history.backfill!;
  const window = childHistory().filter((f) => f.timestamp >= b.from && f.timestamp < b.to);
  for (const f of window.slice(0, b.offset)) volume = volume.plus(f.quantity.mul(f.price));
  assert.equal(h.engine.view.tier().volume30d.toString(), volume.toString(), `tier volume (backfill at ${b.offset})`);
  assert.ok(D(h.engine.view.tier().volume30d).gt(0));
  journal.close();
}

const AT_STEPS: Array<[CompactionStep, number]> = [
  ['rotated', 2],
  ['temp-written', 3],
  ['temp-synced', 2],
  ['renamed', 4],
  ['dir-synced', 3],
  ['segment-deleted', 2],
  ['done', 5],
];

test('kill -9 at every step of a compaction: nothing lost, nothing counted twice', { timeout: 120_000 }, async () => {
  for (const [step, n] of AT_STEPS) {
    const home = mkdtempSync(join(tmpdir(), 'th-compact-'));
    try {
      const r = await runChild(home, [step, String(n)], null);
      assert.equal(r.signal, 'SIGKILL', `killed after ${step} of compaction ${n} (not ${r.done ? 'finished' : 'exited'})`);
      assert.ok(r.acked > 0 && r.acked < CHILD_FILLS);
      await restartAndCheck(home, r.acked);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
});

test('kill -9 at random moments while fills stream in and compactions run: nothing lost, nothing counted twice', { timeout: 120_000 }, async () => {
  for (const after of [400, 1111, 2345]) {
    const home = mkdtempSync(join(tmpdir(), 'th-compact-'));
    try {
      const r = await runChild(home, [], after);
      assert.equal(r.signal, 'SIGKILL');
      await restartAndCheck(home, r.acked);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
});
