// The tape file format: what is written is what is read, exactly, through every reader; a cut file yields
// what came before the cut; damage is an error, not a silent wrong answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TapeDecoder, TapeFormatError } from '../../src/tape/decode.js';
import { TapeEncoder, TapeEncodeError } from '../../src/tape/encode.js';
import { forEachEvent, openTape, readTape } from '../../src/tape/reader.js';
import type { TapeEvent } from '../../src/tape/types.js';
import { TapeWriter } from '../../src/tape/writer.js';
import { bbo, diff, gap, header, readAll, snap, tempDir, trade } from './helpers.js';

/** Every record kind with the awkward cases: nulls, negative offsets, string and huge ids, empty sides. */
function sample(): TapeEvent[] {
  const t = 1_723_161_253_937_085;
  return [
    gap(t, 'start-partial'),
    diff(t, 50_093_239_189, 50_093_239_202, [6_173_763, 0, 5_685_458, 0], [6_183_764, 1_546_980, 6_183_985, 0]),
    { ...diff(t + 7, 5_123_107_832_006, 5_123_107_837_557, [5_871_020, 14], [], 5_123_107_831_937), exchUs: t + 1_269_000 },
    { ...snap(t + 9, 50_093_239_218, [6_183_763, 3_788, 6_183_762, 617], [6_183_764, 1_546, 6_184_000, 1]), exchUs: t - 5 },
    snap(t + 10, null, [], [100, 1]),
    snap(t + 10, 7, [100, 1], [], { carried: true }),
    trade(t + 11, 6_183_763, 'sell', { qty: 20, tradeId: 3_735_683_259, exchUs: t + 1_255_342 }),
    trade(t + 11, 6_183_763, 'buy', { tradeId: 3_735_683_258 }),
    trade(t + 12, 1, null, { tradeId: 'a1b2-ü', qty: 0 }),
    trade(t + 13, 2, 'buy', { tradeId: null }),
    bbo(t + 14, 6_183_763, 6_183_764, { bidQty: 3_788_260, askQty: 1_546_980, updateId: 50_093_239_212 }),
    bbo(t + 15, 0, 6_183_764, { hasBid: false, bidQty: 0, updateId: 50_093_239_100 }),
    bbo(t + 15, 6_183_763, 0, { hasAsk: false, askQty: 0, derived: true, carried: true }),
    bbo(t + 16, 6_183_765, 6_183_764, { updateId: null }), // crossed: recorded as sent
    { type: 'mark', localUs: t + 17, exchUs: t + 17_001, markPrice: '61800.123456789', indexPrice: '61799.9', fundingRate: '-0.0000125000000000000000000001', nextFundingMs: 1_723_190_400_000 },
    { type: 'mark', localUs: t + 18, exchUs: null, markPrice: '1', indexPrice: null, fundingRate: null, nextFundingMs: null },
    { type: 'gap', localUs: t + 19, exchUs: null, reason: 'reconnect', lost: ['depth', 'trade', 'bbo', 'mark'], sinceUs: t + 2, expected: null, got: null, detail: 'websocket closed: 1006' },
    { type: 'gap', localUs: t + 20, exchUs: null, reason: 'sequence', lost: ['depth'], sinceUs: null, expected: 106, got: 107, detail: 'diff 107..107 does not follow 105' },
    // local time may step back in an arbitrary source; the format keeps it.
    trade(t - 1000, 5, 'sell'),
  ];
}

test('round trip: events written to a tape file read back identical, through every reader', async () => {
  const dir = tempDir();
  const file = join(dir, 'a.tape.gz');
  const events = sample();
  const w = await TapeWriter.open(file, header());
  for (const e of events) w.write(e);
  const footer = await w.close('end');
  assert.equal(footer.events, events.length);
  assert.deepEqual(footer.counts, { snapshot: 3, diff: 2, trade: 5, bbo: 4, mark: 2, gap: 3 });

  assert.deepEqual(await readAll(file), events);
  const viaIterator: TapeEvent[] = [];
  for await (const e of readTape(file)) viaIterator.push(e);
  assert.deepEqual(viaIterator, events);

  // The cursor: peek does not consume; header and footer come with it.
  const r = await openTape(file);
  assert.deepEqual(r.header, header());
  const cursor: TapeEvent[] = [];
  for (;;) {
    const p = r.peek();
    const e = r.next();
    if (e === null) {
      if (await r.fill()) continue;
      break;
    }
    assert.equal(p, e);
    cursor.push(e);
  }
  assert.deepEqual(cursor, events);
  assert.equal(r.complete, true);
  assert.deepEqual(r.footer, footer);
});

test('the decoder handles any chunking: one byte at a time gives the same events', () => {
  const enc = new TapeEncoder();
  enc.header(header());
  const events = sample();
  for (const e of events) enc.event(e);
  const bytes = enc.take();
  const dec = new TapeDecoder();
  const out: TapeEvent[] = [];
  for (let i = 0; i < bytes.length; i++) {
    dec.push(bytes.subarray(i, i + 1));
    let e;
    while ((e = dec.next()) !== null) out.push(e);
  }
  assert.deepEqual(out, events);
  assert.equal(dec.buffered, 0);
  assert.deepEqual(dec.header, header());
});

test('a tape cut short (a crash) yields every whole record before the cut, and says it was cut', async () => {
  const dir = tempDir();
  const file = join(dir, 'full.tape.gz');
  const w = await TapeWriter.open(file, header());
  const events: TapeEvent[] = [];
  for (let i = 0; i < 5000; i++) events.push(trade(1_000_000 + i, 100 + (i % 7), i % 2 ? 'buy' : 'sell', { tradeId: i }));
  for (const e of events) w.write(e);
  await w.close('end');
  const raw = gunzipSync(readFileSync(file));
  // Cut in the middle of a record, and the gzip stream too.
  const cut = join(dir, 'cut.tape.gz');
  writeFileSync(cut, gzipSync(raw.subarray(0, Math.floor(raw.length * 0.6) + 1)).subarray(0, -7));
  const got: TapeEvent[] = [];
  const r = await forEachEvent(cut, (e) => got.push(e));
  assert.equal(r.truncated, true);
  assert.equal(r.complete, false);
  assert.equal(r.footer, null);
  assert.ok(got.length > 2000 && got.length < 5000, `a prefix was read (${got.length})`);
  assert.deepEqual(got, events.slice(0, got.length));

  // A whole gzip stream whose content stops inside a record: cut as well.
  const cut2 = join(dir, 'cut2.tape.gz');
  writeFileSync(cut2, gzipSync(raw.subarray(0, Math.floor(raw.length * 0.3) + 1)));
  const got2: TapeEvent[] = [];
  const r2 = await forEachEvent(cut2, (e) => got2.push(e));
  assert.equal(r2.truncated, true);
  assert.equal(r2.complete, false);
  assert.deepEqual(got2, events.slice(0, got2.length));
});

test('flush makes what was written readable before the file is closed (a crash loses only what came after)', async () => {
  const dir = tempDir();
  const file = join(dir, 'open.tape.gz');
  const w = await TapeWriter.open(file, header());
  w.write(trade(1, 100, 'buy'));
  w.write(trade(2, 101, 'sell'));
  await w.flush();
  const got = await readAll(file);
  assert.deepEqual(got.map((e) => e.localUs), [1, 2]);
  await w.close('end');
});

test('damage is an error naming the problem; unknown record kinds (a newer writer) are skipped', async () => {
  const enc = new TapeEncoder();
  enc.header(header());
  enc.event(trade(5, 100, 'buy'));
  const good = enc.take();
  // A record of an unknown kind 'Z' with a 3-byte payload, then a trade.
  const enc2 = new TapeEncoder();
  enc2.header(header());
  const head = enc2.take();
  const enc3 = new TapeEncoder();
  enc3.header(header());
  enc3.event(trade(5, 100, 'buy'));
  const tradeRec = enc3.take().subarray(head.length);
  const withUnknown = Buffer.concat([head, Buffer.from([0x5a, 3, 1, 2, 3]), tradeRec]);
  const d = new TapeDecoder();
  d.push(withUnknown);
  assert.deepEqual(d.next(), trade(5, 100, 'buy'));
  assert.equal(d.skipped, 1);

  const bad = new TapeDecoder();
  bad.push(Buffer.from('PK\x03\x04 not a tape at all'));
  assert.throws(() => bad.next(), (e: unknown) => e instanceof TapeFormatError && /bad magic/.test(e.message));

  // A record whose length does not match its fields.
  const corrupt = Buffer.from(good);
  const at = head.length + 1; // the trade record's length byte
  corrupt[at] = corrupt[at]! + 1;
  const c = new TapeDecoder();
  c.push(Buffer.concat([corrupt, Buffer.from([0])]));
  assert.throws(() => c.next(), (e: unknown) => e instanceof TapeFormatError && /corrupt tape/.test(e.message));

  const dir = tempDir();
  const notTape = join(dir, 'x.gz');
  writeFileSync(notTape, gzipSync('1723161256172216566 {"stream":"x"}\n'));
  await assert.rejects(openTape(notTape), TapeFormatError);
});

test('the writer refuses what it could not read back exactly', () => {
  const enc = new TapeEncoder();
  enc.header(header());
  assert.throws(() => enc.event(trade(1, 100.5, 'buy')), TapeEncodeError);
  assert.throws(() => enc.event(trade(1, 100, 'buy', { qty: -1 })), TapeEncodeError);
  assert.throws(() => enc.event(snap(1, 1, [100, 1, 101, 1], [])), /strictly descending/);
  assert.throws(() => enc.event(snap(1, 1, [], [101, 1, 101, 2])), /strictly ascending/);
  assert.throws(() => enc.event(diff(1, 10, 9)), /below its first id/);
  assert.throws(() => enc.event(diff(1, 1, 1, [100])), /odd length/);
  assert.throws(() => enc.event(trade(1, 2 ** 53, 'buy')), TapeEncodeError);
  assert.throws(() => new TapeEncoder().event(trade(1, 1, 'buy')), /header/);
});
