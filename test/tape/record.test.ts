// `tierhunter record` against the paper exchange (same wire protocol as Backpack), with its fault switches:
// a dropped websocket, dropped depth messages and unreadable frames each become a gap record followed by
// a fresh REST snapshot, and the tape rebuilds the exchange's own book exactly. Rotation hands the book
// over to the next file; SIGTERM closes every file complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSettings } from '../../src/config/settings.js';
import { parseUnits } from '../../src/sim/matching/units.js';
import { TapeBook } from '../../src/tape/book.js';
import { openTape } from '../../src/tape/reader.js';
import { Recorder } from '../../src/tape/record/recorder.js';
import type { GapEvent, TapeEvent, TapeHeader } from '../../src/tape/types.js';
import { SOL, SOL_SPOT, startSimTarget, waitFor, type SimTarget } from '../helpers/sim-target.js';
import { tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../../bin/tierhunter.js', import.meta.url));

async function readFile(path: string): Promise<{ header: TapeHeader; events: TapeEvent[]; complete: boolean }> {
  const r = await openTape(path);
  const events: TapeEvent[] = [];
  do {
    let e;
    while ((e = r.next()) !== null) events.push(e);
  } while (await r.fill());
  r.close();
  return { header: r.header, events, complete: r.complete };
}

function startRecorder(t: SimTarget, dir: string, rotateMs: number | null = null): Promise<Recorder> {
  return Recorder.start({ restUrl: t.restUrl, wsUrl: t.wsUrl, symbols: [SOL, SOL_SPOT], dir, settings: defaultSettings(), rotateMs, flushMs: 200, wsBackoffBaseMs: 20 });
}

/** A gap record that loses the depth must be followed by a fresh (venue) snapshot before the book is trusted again. */
function assertResyncAfterEachGap(events: TapeEvent[], symbol: string): void {
  const book = new TapeBook('next-id');
  let waiting: GapEvent | null = null;
  for (const e of events) {
    if (e.type === 'gap' && e.lost.includes('depth')) waiting = e;
    if (e.type === 'snapshot' && waiting && !e.carried) waiting = null;
    if (e.type === 'diff' || e.type === 'snapshot' || e.type === 'gap') {
      const u = book.apply(e);
      if (u === 'applied') assert.equal(waiting, null, `${symbol}: a diff applied to a synced book while a gap was unresolved`);
    }
  }
  assert.equal(waiting, null, `${symbol}: the last gap was followed by a snapshot`);
}

test('record against the paper exchange: reconnect, dropped depth and unreadable frames are gaps, each followed by a fresh snapshot; the tape rebuilds the exchange\'s book', { timeout: 60_000 }, async () => {
  const t = await startSimTarget({ model: true });
  const dir = tempDir('th-record-');
  let rec: Recorder | null = null;
  try {
    rec = await startRecorder(t, dir);
    const r = rec;
    const st = (s: string) => r.status()[s]!;
    await waitFor(() => st(SOL).synced && st(SOL_SPOT).synced && st(SOL).events > 30, 15_000, 'both books synced and data flowing');

    // 1. The websocket drops (the sim's admin switch): a reconnect gap, then a fresh snapshot.
    assert.equal(await t.disconnectWs(), 1);
    await waitFor(() => (st(SOL).gaps.reconnect ?? 0) >= 1 && st(SOL).snapshots >= 2 && st(SOL).synced && st(SOL_SPOT).snapshots >= 2 && st(SOL_SPOT).synced, 15_000, 'reconnect gap and a fresh snapshot');

    // 2. Depth messages dropped: sequence gaps, then resyncs.
    await t.setFaults({ dropDepthRate: 0.4 });
    await waitFor(() => (st(SOL).gaps.sequence ?? 0) >= 1, 15_000, 'a sequence gap');
    await t.resetFaults();
    const snaps = st(SOL).snapshots;
    await waitFor(() => st(SOL).synced && st(SOL).snapshots > snaps - 1, 15_000, 'resynced after the dropped depth');

    // 3. Unreadable frames: the stream they belonged to is unknown, so every stream of every symbol is marked.
    await t.setFaults({ malformedRate: 0.3 });
    await waitFor(() => (st(SOL).gaps.malformed ?? 0) >= 1, 15_000, 'a malformed gap');
    await t.resetFaults();
    await waitFor(() => st(SOL).synced && st(SOL_SPOT).synced, 15_000, 'resynced after unreadable frames');

    await waitFor(() => st(SOL).counts.trade > 0 && st(SOL).counts.mark > 0 && st(SOL).counts.bbo > 0, 20_000, 'trades, marks and best bid/ask recorded');
    // Freeze the market, let the last messages arrive, and compare the recorded book with the exchange's.
    t.sim.exchange.stop();
    await new Promise((res) => setTimeout(res, 400));
    const truth = await t.rest().depth(SOL, 1000);
    const files = await rec.stop();
    rec = null;
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.part')), [], 'no file left half-written');
    assert.equal(files.length, 2);

    const sol = await readFile(files.find((f) => f.includes(`${SOL}-`))!);
    assert.equal(sol.complete, true);
    assert.deepEqual([sol.header.venue, sol.header.symbol, sol.header.market, sol.header.seqRule, sol.header.tickSize, sol.header.stepSize], ['backpack', SOL, 'perp', 'next-id', '0.01', '0.01']);
    const types = new Set(sol.events.map((e) => e.type));
    for (const k of ['snapshot', 'diff', 'trade', 'bbo', 'mark', 'gap']) assert.ok(types.has(k as TapeEvent['type']), `the perp tape holds ${k} records`);
    const reasons = sol.events.filter((e): e is GapEvent => e.type === 'gap').map((g) => g.reason);
    for (const k of ['reconnect', 'sequence', 'malformed']) assert.ok(reasons.includes(k as GapEvent['reason']), `gap ${k} recorded (${reasons.join(',')})`);
    const reconnect = sol.events.find((e): e is GapEvent => e.type === 'gap' && e.reason === 'reconnect')!;
    assert.deepEqual(reconnect.lost, ['depth', 'trade', 'bbo', 'mark'], 'a dropped socket may have lost anything');
    assertResyncAfterEachGap(sol.events, SOL);
    for (let i = 1; i < sol.events.length; i++) assert.ok(sol.events[i]!.localUs >= sol.events[i - 1]!.localUs, 'local time never goes backwards');

    const book = new TapeBook('next-id');
    for (const e of sol.events) if (e.type === 'diff' || e.type === 'snapshot' || e.type === 'gap') book.apply(e);
    assert.equal(book.state, 'synced');
    const units = (levels: Array<[string, string]>, desc: boolean): number[] =>
      levels.map(([p, q]) => [parseUnits(p, 2) as number, parseUnits(q, 2) as number] as const).sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).flat();
    assert.deepEqual(book.bids.levels(), units(truth.bids, true), 'bids: the tape rebuilds the exchange\'s book');
    assert.deepEqual(book.asks.levels(), units(truth.asks, false), 'asks: the tape rebuilds the exchange\'s book');

    const spot = await readFile(files.find((f) => f.includes(`${SOL_SPOT}-`))!);
    assert.equal(spot.header.market, 'spot');
    assert.ok(!spot.events.some((e) => e.type === 'mark'), 'no mark price stream on spot');
    assertResyncAfterEachGap(spot.events, SOL_SPOT);
  } finally {
    if (rec) await rec.stop();
    await t.stop();
  }
});

test('rotation: a new file per interval, each complete and standing alone (carried book and best bid/ask), ids continuous across files', { timeout: 60_000 }, async () => {
  const t = await startSimTarget({ model: true });
  const dir = tempDir('th-rotate-');
  let recording: Recorder | null = null;
  try {
    const rec = await startRecorder(t, dir, 1000);
    recording = rec;
    await waitFor(() => rec.status()[SOL]!.synced, 15_000, 'the book synced');
    // Files opened after the one open now start with a synced book to carry.
    const openNow = rec.status()[SOL]!.file;
    const before = rec.status()[SOL]!.closed.length;
    await waitFor(() => rec.status()[SOL]!.closed.length >= before + 4, 20_000, 'four rotations');
    const files = (await rec.stop()).filter((f) => f.includes(`${SOL}-`));
    recording = null;
    const first = files.indexOf(openNow) + 1;
    assert.ok(first > 0 && files.length - first >= 2);
    let lastId: number | null = null;
    let bboSeen = false;
    for (const [i, f] of files.entries()) {
      const { events, complete } = await readFile(f);
      assert.equal(complete, true, `${f} complete`);
      const book = new TapeBook('next-id');
      const carries = i >= first;
      if (carries) {
        assert.equal(events[0]!.type, 'snapshot', 'a rotated file starts with the carried book');
        assert.equal((events[0] as { carried: boolean }).carried, true);
        assert.equal((events[0] as { seq: number }).seq, lastId, 'the carried book is where the previous file stopped');
        // The paper exchange sends bookTicker on book changes: a quiet first second may have none to carry.
        if (bboSeen) assert.ok(events.some((e) => e.type === 'bbo' && e.carried), 'and the last best bid/ask');
      }
      for (const e of events) {
        if (e.type !== 'diff' && e.type !== 'snapshot' && e.type !== 'gap') continue;
        const u = book.apply(e);
        if (carries) assert.ok(u === 'applied' || u === 'synced', `${f}: synced from its first record (${u})`);
      }
      lastId = book.updateId;
      bboSeen ||= events.some((e) => e.type === 'bbo');
    }
  } finally {
    await recording?.stop();
    await t.stop();
  }
});

test('a tape that cannot be written stops the recording loudly (onFatal), never a silent loss', { timeout: 30_000 }, async () => {
  const t = await startSimTarget({ model: true, markets: [SOL] });
  const dir = tempDir('th-record-fatal-');
  const fatal: Error[] = [];
  const lines: string[] = [];
  let rec: Recorder | null = null;
  try {
    rec = await Recorder.start({ restUrl: t.restUrl, wsUrl: t.wsUrl, symbols: [SOL], dir, settings: defaultSettings(), rotateMs: null, log: (l) => lines.push(l), onFatal: (e) => fatal.push(e) });
    const r = rec;
    await waitFor(() => r.status()[SOL]!.synced, 15_000, 'synced');
    // The disk fills up under the open file: the writer's stream failed.
    const internals = rec as unknown as { syms: Map<string, { tape: { writer: { failure: Error | null } } }> };
    internals.syms.get(SOL)!.tape.writer.failure = new Error('ENOSPC: no space left on device, write');
    await waitFor(() => fatal.length > 0, 15_000, 'onFatal after the next message');
    assert.equal(fatal.length, 1, 'once');
    assert.match(fatal[0]!.message, /ENOSPC/);
    assert.ok(lines.some((l) => /cannot write the tapes: ENOSPC/.test(l)));
  } finally {
    await rec?.stop().catch(() => undefined);
    await t.stop();
  }
});

test('the record command: runs until SIGTERM, then every file is closed complete; bad symbols exit 2', { timeout: 60_000 }, async () => {
  const t = await startSimTarget({ model: true });
  const dir = tempDir('th-record-cli-');
  const children: Array<ReturnType<typeof spawn>> = [];
  try {
    const child = spawn(process.execPath, [BIN, 'record', '--symbols', SOL, '--out', dir, '--rest-url', t.restUrl, '--ws-url', t.wsUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    await waitFor(() => /snapshot \d+ loaded/.test(out), 30_000, `the recorder to load a snapshot:\n${out}`);
    await new Promise((res) => setTimeout(res, 500));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    assert.match(out, /1 file\(s\) closed complete/);
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, new RegExp(`^${SOL}-\\d{8}T\\d{6}Z\\.tape\\.gz$`));
    const { complete, events } = await readFile(join(dir, files[0]!));
    assert.equal(complete, true);
    assert.ok(events.some((e) => e.type === 'snapshot'));

    const bad = spawn(process.execPath, [BIN, 'record', '--symbols', 'NOPE_USDC', '--out', dir, '--rest-url', t.restUrl, '--ws-url', t.wsUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(bad);
    let err = '';
    bad.stderr.on('data', (b: Buffer) => (err += b.toString()));
    assert.equal(await new Promise((res) => bad.once('exit', res)), 2);
    assert.match(err, /--symbols: NOPE_USDC not listed by/);
    assert.equal(existsSync(join(dir, 'NOPE_USDC')), false);
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t.stop();
  }
});
