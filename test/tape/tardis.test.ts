// `tape import --format tardis` on the committed fixture: 60 s of the committed Binance spot recording
// written as Tardis.dev CSV by test/helpers/tardis-fixture.ts (its own parser and book, independent of
// src/tape), with a 2 s outage followed by a re-snapshot at 30 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TapeBook } from '../../src/tape/book.js';
import { importHftbacktest } from '../../src/tape/import/hftbacktest.js';
import { ImportError } from '../../src/tape/import/pipeline.js';
import { importTardis } from '../../src/tape/import/tardis.js';
import type { BboEvent, TradeEvent } from '../../src/tape/types.js';
import { fmtUnits } from '../../src/sim/matching/units.js';
import { buildTardisFixture, FIXTURE_OPTIONS, SPOT_HFT, TARDIS_BOOK, TARDIS_TRADES } from '../helpers/tardis-fixture.js';
import { readAll, tempDir } from './helpers.js';

const expected = buildTardisFixture(readFileSync(SPOT_HFT), FIXTURE_OPTIONS);

test('the committed fixture is what the helper makes of the committed recording', () => {
  assert.equal(gunzipSync(readFileSync(TARDIS_BOOK)).toString('utf8'), expected.book);
  assert.equal(gunzipSync(readFileSync(TARDIS_TRADES)).toString('utf8'), expected.trades);
});

test('Tardis CSV import: snapshot, updates, the re-snapshot after an outage (a reconnect gap), trades, a derived best bid/ask', async () => {
  const out = join(tempDir(), 'tardis.tape.gz');
  // Inputs in any order: each is recognised by its header row.
  const s = await importTardis([TARDIS_TRADES, TARDIS_BOOK], out);
  const h = s.header;
  assert.deepEqual([h.venue, h.symbol, h.market, h.seqRule, h.priceScale, h.qtyScale, h.source.kind], ['binance', 'BTCUSDT', 'spot', 'none', 2, 6, 'tardis']);
  assert.deepEqual(s.gaps, { reconnect: 1 });
  const events = await readAll(out);
  const gi = events.findIndex((e) => e.type === 'gap');
  assert.equal(events[gi + 1]!.type, 'snapshot', 'the gap record goes right before the re-snapshot');
  assert.deepEqual((events[gi] as { lost: string[] }).lost, ['depth', 'bbo'], 'without a quotes file the derived best bid/ask is lost with the book');
  assert.equal(events.filter((e) => e.type === 'snapshot').length, 2);
  assert.equal(events.filter((e) => e.type === 'trade').length, expected.tradeCount);

  // Rebuild: the final book equals the true one (the recording's), so the re-snapshot repaired the outage.
  const book = new TapeBook(h.seqRule);
  let lastBbo: BboEvent | null = null;
  for (const e of events) {
    if (e.type === 'diff' || e.type === 'snapshot' || e.type === 'gap') book.apply(e);
    if (e.type === 'bbo') {
      assert.equal(e.derived, true);
      lastBbo = e;
    }
  }
  const pairs = (flat: number[]): Array<[string, string]> => {
    const out: Array<[string, string]> = [];
    for (let i = 0; i < flat.length; i += 2) out.push([fmtUnits(flat[i]!, 2).replace(/\.?0+$/, ''), fmtUnits(flat[i + 1]!, 6).replace(/\.?0+$/, '')]);
    return out;
  };
  assert.deepEqual(pairs(book.bids.levels(20)), expected.finalBids);
  assert.deepEqual(pairs(book.asks.levels(20)), expected.finalAsks);
  assert.deepEqual([lastBbo!.bidPx, lastBbo!.bidQty, lastBbo!.askPx, lastBbo!.askQty], [book.bids.best(), book.bids.bestQty(), book.asks.best(), book.asks.bestQty()]);
});

test('the trades are those of the hftbacktest import of the same recording, field for field', async () => {
  const dir = tempDir();
  const tardis = await readAll((await importTardis([TARDIS_BOOK, TARDIS_TRADES], join(dir, 't.tape.gz'))).out);
  const hft = await readAll((await importHftbacktest([SPOT_HFT], join(dir, 'h.tape.gz'))).out);
  const a = tardis.filter((e): e is TradeEvent => e.type === 'trade');
  const b = hft.filter((e): e is TradeEvent => e.type === 'trade').slice(0, a.length);
  assert.ok(a.length > 1000);
  assert.deepEqual(a, b);
});

test('optional quotes and derivative_ticker files; inputs it cannot use are refused with the reason', async () => {
  const dir = tempDir();
  const quotes = join(dir, 'quotes.csv');
  writeFileSync(quotes, 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\nbinance,BTCUSDT,1723161254300000,1723161254300000,1.5,61837.64,61837.63,3.78\nbinance,BTCUSDT,1723161254400000,1723161254400000,,,61837.63,3.7\n');
  const deriv = join(dir, 'deriv.csv.gz');
  writeFileSync(deriv, gzipSync('exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price\nbinance,BTCUSDT,1723161254500000,1723161254500000,1723190400000000,0.0001,,,,61830.1,61831.25\n'));
  const s = await importTardis([TARDIS_BOOK, TARDIS_TRADES, quotes, deriv], join(dir, 'q.tape.gz'), { market: 'perp' });
  assert.equal(s.header.market, 'perp');
  const ev = await readAll(s.out);
  const bbos = ev.filter((e): e is BboEvent => e.type === 'bbo');
  assert.equal(bbos.length, 2, 'with quotes, the bbo comes from them (none derived)');
  assert.deepEqual([bbos[1]!.hasBid, bbos[1]!.hasAsk, bbos[1]!.derived], [true, false, false]);
  assert.deepEqual(ev.find((e) => e.type === 'mark'), { type: 'mark', localUs: 1723161254500000, exchUs: 1723161254500000, markPrice: '61831.25', indexPrice: '61830.1', fundingRate: '0.0001', nextFundingMs: 1723190400000 });

  await assert.rejects(importTardis([TARDIS_BOOK], join(dir, 'x.tape.gz')), (e: unknown) => e instanceof ImportError && /exactly one trades CSV/.test(e.message));
  const junk = join(dir, 'junk.csv');
  writeFileSync(junk, 'a,b,c\n1,2,3\n');
  await assert.rejects(importTardis([TARDIS_BOOK, TARDIS_TRADES, junk], join(dir, 'x.tape.gz')), (e: unknown) => e instanceof ImportError && /junk\.csv: not a Tardis CSV/.test(e.message));
  const odd = join(dir, 'odd.csv');
  writeFileSync(odd, 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nsomewhere,XYZ,1,1,1,buy,1,1\n');
  const oddBook = join(dir, 'oddbook.csv');
  writeFileSync(oddBook, 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\nsomewhere,XYZ,1,1,true,bid,1,1\n');
  await assert.rejects(importTardis([oddBook, odd], join(dir, 'x.tape.gz')), (e: unknown) => e instanceof ImportError && /pass --market spot\|perp/.test(e.message));
});
