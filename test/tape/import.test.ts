// `tape import --format hftbacktest` and `tape stats` on the committed real tapes (Binance spot and a
// coin-margined perp, 2024-08-08, from hftbacktest's examples: test/fixtures/tapes/README.md), and the
// importer's handling of what real recordings do: sequence gaps, a start without a snapshot, bad lines,
// a market split over several files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TapeBook } from '../../src/tape/book.js';
import { importHftbacktest } from '../../src/tape/import/hftbacktest.js';
import { ImportError } from '../../src/tape/import/pipeline.js';
import { forEachEvent } from '../../src/tape/reader.js';
import { TapeStats, type TapeStatsResult } from '../../src/tape/stats.js';
import type { GapEvent, TapeEvent } from '../../src/tape/types.js';
import { CM_ETH, readAll, SPOT, tempDir } from './helpers.js';

async function statsOf(file: string): Promise<{ r: TapeStatsResult; events: TapeEvent[] }> {
  const events: TapeEvent[] = [];
  const reader = await forEachEvent(file, (e) => events.push(e));
  const st = new TapeStats(reader.header);
  for (const e of events) st.add(e);
  return { r: st.result(), events };
}

/** The README's figure, to its printed decimals. */
const rounds = (x: number | null, readme: number, decimals: number): boolean => x !== null && Number(x.toFixed(decimals)) === readme;

// The README's reference statistics (../shared/tapes/README.md), kept next to the fixtures.
const README = {
  spot: { trades: 9757, bbo: 28040, diffs: 3451, tps: 28.21, spread: 0.002, m1: -0.47, m10: -0.42, m60: 0.7 },
  cmEth: { trades: 1732, bbo: 15812, diffs: 22909, tps: 5.08, spread: 0.037, m1: -1.09, m10: -0.85, m60: 0.18 },
};

for (const [name, file, ref, venue] of [['spot_btcusdt_20240808', SPOT, README.spot, 'binance-spot'], ['cm_ethusd_perp_20240808', CM_ETH, README.cmEth, 'binance-coinm']] as const) {
  test(`${name}: imported, its stats reproduce the tapes README (trades/s, median spread, markout 1/10/60 s)`, async () => {
    const out = join(tempDir(), `${name}.tape.gz`);
    const s = await importHftbacktest([file], out);
    assert.equal(s.header.venue, venue);
    if (venue === 'binance-coinm') {
      // Coin-margined: quantities in contracts of 10 USD (ETH), ids chained by pu.
      assert.deepEqual([s.header.symbol, s.header.market, s.header.qtyUnit, s.header.contractSize, s.header.contractCurrency, s.header.seqRule], ['ETHUSD_PERP', 'perp', 'contracts', '10', 'USD', 'prev-id']);
    } else assert.deepEqual([s.header.symbol, s.header.market, s.header.qtyUnit, s.header.seqRule], ['BTCUSDT', 'spot', 'base', 'next-id']);
    assert.equal(s.malformed, 0);
    assert.deepEqual(s.gaps, { 'start-partial': 1 }, 'the recording starts with diffs before its snapshot; no sequence gap in it');
    const { r, events } = await statsOf(out);
    assert.equal(r.trades, ref.trades);
    assert.equal(r.counts.bbo, ref.bbo);
    assert.equal(r.counts.diff, ref.diffs);
    assert.equal(r.counts.snapshot, 1);
    const m = r.touchMarkoutBps;
    const got = `trades/s ${r.tradesPerSec} spread ${r.spreadBpsMedian} markout ${m['1s']} / ${m['10s']} / ${m['60s']}`;
    assert.ok(rounds(r.tradesPerSec, ref.tps, 2), got);
    assert.ok(rounds(r.spreadBpsMedian, ref.spread, 3), got);
    assert.ok(rounds(m['1s']!, ref.m1, 2) && rounds(m['10s']!, ref.m10, 2) && rounds(m['60s']!, ref.m60, 2), got);

    // The book: partial until the snapshot, then synced to the end, every diff chained (real data, real ids).
    const book = new TapeBook(s.header.seqRule);
    let synced = false;
    let problems = 0;
    for (const e of events) {
      if (e.type !== 'diff' && e.type !== 'snapshot' && e.type !== 'gap') continue;
      const u = book.apply(e);
      if (e.type === 'snapshot') synced = true;
      if (synced && u !== 'applied' && u !== 'synced' && u !== 'ignored') problems++;
    }
    assert.equal(problems, 0);
    assert.equal(book.state, 'synced');
    assert.ok(book.bestBid() < book.bestAsk());

    // Exactness: every trade's price and quantity are the wire strings, at the header's scales.
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.includes('@trade'));
    const wire = lines.map((l) => JSON.parse(l.slice(l.indexOf(' ') + 1)).data as { p: string; q: string; t: number; m: boolean });
    const tapeTrades = events.filter((e) => e.type === 'trade');
    assert.equal(tapeTrades.length, wire.length);
    for (let i = 0; i < wire.length; i += 97) {
      const t = tapeTrades[i]!;
      assert.equal(t.price / 10 ** s.header.priceScale, Number(wire[i]!.p));
      assert.equal(t.qty / 10 ** s.header.qtyScale, Number(wire[i]!.q));
      assert.equal(t.tradeId, wire[i]!.t);
      assert.equal(t.side, wire[i]!.m ? 'sell' : 'buy');
    }
  });
}

// ---------------------------------------------------------------- synthetic recordings

const NS = (us: number): string => `${us}000`;
const depth = (us: number, U: number, u: number, b: Array<[string, string]>, a: Array<[string, string]> = []): string =>
  `${NS(us)} ${JSON.stringify({ stream: 'xyzusdt@depth@100ms', data: { e: 'depthUpdate', E: us / 1000, s: 'XYZUSDT', U, u, b, a } })}`;
const ticker = (us: number, b: string, a: string, u: number): string => `${NS(us)} ${JSON.stringify({ stream: 'xyzusdt@bookTicker', data: { u, s: 'XYZUSDT', b, B: '1.0', a, A: '2.0' } })}`;
const tradeLine = (us: number, p: string, m: boolean, t: number): string => `${NS(us)} ${JSON.stringify({ stream: 'xyzusdt@trade', data: { e: 'trade', E: us / 1000, s: 'XYZUSDT', t, p, q: '0.5', T: us / 1000, m } })}`;
const snapshot = (us: number, L: number): string => `${NS(us)} ${JSON.stringify({ lastUpdateId: L, bids: [['10.00', '5'], ['9.99', '1']], asks: [['10.01', '3'], ['10.02', '1']] })}`;

function writeInput(dir: string, name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, gzipSync(lines.join('\n') + '\n'));
  return p;
}

test('a sequence gap in the input becomes an explicit gap record before the diff that breaks the chain', async () => {
  const dir = tempDir();
  const input = writeInput(dir, 'gap.gz', [
    snapshot(1_000_000, 100),
    depth(1_100_000, 101, 102, [['10.00', '4']]),
    depth(1_200_000, 103, 105, [['9.99', '2']]),
    // 106..107 never arrived
    depth(1_300_000, 108, 110, [['9.98', '7']]),
    depth(1_400_000, 111, 111, [], [['10.01', '0']]),
    snapshot(1_500_000, 111),
    depth(1_600_000, 112, 112, [['9.97', '1']]),
  ]);
  const out = join(dir, 'gap.tape.gz');
  const s = await importHftbacktest([input], out);
  assert.deepEqual(s.gaps, { sequence: 1 });
  const events = await readAll(out);
  const i = events.findIndex((e) => e.type === 'gap');
  const g = events[i] as GapEvent;
  assert.deepEqual({ reason: g.reason, lost: g.lost, expected: g.expected, got: g.got, localUs: g.localUs }, { reason: 'sequence', lost: ['depth'], expected: 106, got: 108, localUs: 1_300_000 });
  assert.deepEqual(events[i + 1], { type: 'diff', localUs: 1_300_000, exchUs: 1_300_000, first: 108, last: 110, prev: null, bids: [998, 7], asks: [] });
  // On read: invalid from the gap to the next snapshot, synced again after it.
  const book = new TapeBook(s.header.seqRule);
  const states: string[] = [];
  for (const e of events) if (e.type === 'diff' || e.type === 'snapshot' || e.type === 'gap') states.push(`${e.type}:${book.apply(e)}:${book.state}`);
  assert.deepEqual(states, ['snapshot:synced:synced', 'diff:applied:synced', 'diff:applied:synced', 'gap:gap:empty', 'diff:partial:partial', 'diff:partial:partial', 'snapshot:synced:synced', 'diff:applied:synced']);
});

test('a recording that starts without a snapshot is accepted: depth partial until one arrives, the top from bookTicker at once', async () => {
  const dir = tempDir();
  const lines = [
    depth(1_000_000, 50, 52, [['10.00', '4']], [['10.01', '2']]),
    ticker(1_000_100, '10.00', '10.01', 52),
    tradeLine(1_200_000, '10.01', false, 7),
    depth(1_500_000, 53, 53, [['9.99', '1']]),
    ticker(2_300_000, '10.00', '10.02', 53),
    tradeLine(3_000_000, '10.00', true, 8),
  ];
  const out = join(dir, 'partial.tape.gz');
  const s = await importHftbacktest([writeInput(dir, 'partial.gz', lines)], out);
  const events = await readAll(out);
  assert.equal(events[0]!.type, 'gap');
  assert.equal((events[0] as GapEvent).reason, 'start-partial');
  const book = new TapeBook(s.header.seqRule);
  for (const e of events) if (e.type === 'diff' || e.type === 'gap') book.apply(e);
  assert.equal(book.state, 'partial', 'no snapshot: the depth stays partial');
  assert.deepEqual(book.bids.levels(), [1000, 40, 999, 10], 'what the diffs showed (qty scale 1: trades have 0.5)');
  const { r } = await statsOf(out);
  // The top came from bookTicker from its first message: the first trade's 1 s markout uses it.
  assert.equal(r.counts.bbo, 2);
  assert.ok(r.spreadBpsMedian !== null);
  assert.equal(r.markoutTrades['1s'], 1);
  // maker sold at 10.01 (taker bought); mid at 2.2 s is the first ticker's 10.005 -> (10.01 - 10.005)/10.01 x 1e4
  assert.ok(Math.abs(r.touchMarkoutBps['1s']! - ((10.01 - 10.005) / 10.01) * 1e4) < 1e-9);

  // The same start followed by a snapshot later: synced from there.
  const out2 = join(dir, 'partial2.tape.gz');
  await importHftbacktest([writeInput(dir, 'partial2.gz', [...lines, snapshot(3_100_000, 53), depth(3_200_000, 54, 54, [['10.00', '9']])])], out2);
  const b2 = new TapeBook('next-id');
  for (const e of await readAll(out2)) if (e.type === 'diff' || e.type === 'snapshot' || e.type === 'gap') b2.apply(e);
  assert.equal(b2.state, 'synced');
  assert.equal(b2.bids.qtyAt(1000), 90);
});

test('unreadable lines are counted and marked by gap records, never a crash; the rest imports', async () => {
  const dir = tempDir();
  const out = join(dir, 'bad.tape.gz');
  const s = await importHftbacktest([writeInput(dir, 'bad.gz', [
    snapshot(1_000_000, 10),
    '1000100000 {"stream":"xyzusdt@trade","data":{"e":"trade","p":"10.00","q":"1"',
    `${NS(1_000_200)} ${JSON.stringify({ stream: 'xyzusdt@trade', data: { e: 'trade', s: 'XYZUSDT', t: 1, p: '10.00', q: '1', T: 1 } })}`,
    'garbage',
    tradeLine(1_000_300, '10.00', true, 2),
  ])], out);
  assert.equal(s.malformed, 3);
  const gaps = (await readAll(out)).filter((e): e is GapEvent => e.type === 'gap');
  assert.deepEqual(gaps.map((g) => [g.reason, g.lost.join()]), [['malformed', ''], ['malformed', 'trade'], ['malformed', '']]);
  assert.match(gaps[1]!.detail, /bad\.gz:3: trade without a boolean m/);
  assert.equal((await readAll(out)).filter((e) => e.type === 'trade').length, 1);
});

test('several files of one market become one tape; the book carries over, a break between them is a gap', async () => {
  const dir = tempDir();
  const day1 = writeInput(dir, 'day1.gz', [snapshot(1_000_000, 10), depth(1_100_000, 11, 12, [['10.00', '4']])]);
  const day2 = writeInput(dir, 'day2.gz', [depth(2_000_000, 13, 14, [['9.99', '8']]), depth(2_100_000, 15, 15, [], [['10.01', '0']])]);
  const out = join(dir, 'both.tape.gz');
  const s = await importHftbacktest([day1, day2], out);
  assert.deepEqual(s.gaps, {}, 'day 2 continues day 1: no gap, no start-partial');
  assert.deepEqual(s.header.source.inputs, ['day1.gz', 'day2.gz']);
  const book = new TapeBook('next-id');
  for (const e of await readAll(out)) if (e.type === 'diff' || e.type === 'snapshot' || e.type === 'gap') assert.notEqual(book.apply(e), 'gap');
  assert.equal(book.state, 'synced');
  assert.deepEqual(book.bids.levels(), [1000, 4, 999, 8]);
  const day2b = writeInput(dir, 'day2b.gz', [depth(2_000_000, 20, 21, [['9.99', '8']])]);
  assert.deepEqual((await importHftbacktest([day1, day2b], join(dir, 'broken.tape.gz'))).gaps, { sequence: 1 });
});

test('inputs of two markets are refused, and a failed import leaves no file', async () => {
  const dir = tempDir();
  const a = writeInput(dir, 'a.gz', [depth(1_000_000, 1, 1, [['1.0', '1']])]);
  const other = `${NS(2_000_000)} ${JSON.stringify({ stream: 'abcusdt@depth@100ms', data: { e: 'depthUpdate', E: 2000, s: 'ABCUSDT', U: 2, u: 2, b: [], a: [] } })}`;
  const b = writeInput(dir, 'b.gz', [other]);
  const out = join(dir, 'x.tape.gz');
  await assert.rejects(importHftbacktest([a, b], out), (e: unknown) => e instanceof ImportError && /several markets \(XYZUSDT, ABCUSDT\)/.test(e.message));
  // Time going backwards is refused at its line.
  const back = writeInput(dir, 'back.gz', [depth(2_000_000, 1, 1, [['1.0', '1']]), depth(1_000_000, 2, 2, [['1.0', '2']])]);
  await assert.rejects(importHftbacktest([back], out), (e: unknown) => e instanceof ImportError && /back\.gz:2: local time goes backwards/.test(e.message));
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(`${out}.part`), false);
});
