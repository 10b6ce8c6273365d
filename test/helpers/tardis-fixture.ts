// Builds the committed Tardis-format fixture (test/fixtures/tapes/tardis/) from the committed hftbacktest
// spot recording, the way Tardis.dev would have written the same Binance feed: incremental_book_L2 rows
// (a snapshot first, then every update) and trades rows, µs timestamps, decimals without padding. To test
// the importer's handling of a re-snapshot, updates in a window before `resnapshotAtSec` are dropped (as a
// recorder's outage would) and a fresh snapshot follows them.
//
// It is deliberately independent of src/tape: its own JSON parsing and a plain Map book, so the importer is
// checked against a second implementation, not against itself.
//
//   node --import tsx test/helpers/tardis-fixture.ts    # rewrites the fixture files
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/tapes/', import.meta.url));
export const SPOT_HFT = `${FIXTURES}spot_btcusdt_20240808.gz`;
export const TARDIS_BOOK = `${FIXTURES}tardis/binance_BTCUSDT_2024-08-08_incremental_book_L2.csv.gz`;
export const TARDIS_TRADES = `${FIXTURES}tardis/binance_BTCUSDT_2024-08-08_trades.csv.gz`;

export interface TardisFixtureOptions {
  /** Seconds of the recording to keep, from its first line. */
  seconds: number;
  /** Re-snapshot this many seconds in, after dropping the updates of the `outageSec` before it. */
  resnapshotAtSec: number;
  outageSec: number;
}

export const FIXTURE_OPTIONS: TardisFixtureOptions = { seconds: 60, resnapshotAtSec: 30, outageSec: 2 };

export interface TardisFixture {
  book: string;
  trades: string;
  /** The true book at the end (the recording's, not the fixture's): best 20 levels as decimal strings. */
  finalBids: Array<[string, string]>;
  finalAsks: Array<[string, string]>;
  tradeCount: number;
  /** Updates left out in the outage. */
  dropped: number;
}

/** "61837.63000000" -> "61837.63", "0.00100000" -> "0.001", "5.0" -> "5" (Tardis prints numbers, not padded strings). */
export function plain(s: string): string {
  if (!s.includes('.')) return s;
  const t = s.replace(/0+$/, '');
  return t.endsWith('.') ? t.slice(0, -1) : t;
}

type L = [string, string];

export function buildTardisFixture(hftGz: Buffer, o: TardisFixtureOptions): TardisFixture {
  const lines = gunzipSync(hftGz).toString('utf8').split('\n').filter(Boolean);
  const book = ['exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount'];
  const trades = ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount'];
  const bids = new Map<number, L>();
  const asks = new Map<number, L>();
  const apply = (side: Map<number, L>, levels: L[]): void => {
    for (const [p, q] of levels) {
      if (Number(q) === 0) side.delete(Number(p));
      else side.set(Number(p), [plain(p), plain(q)]);
    }
  };
  const snapshotRows = (ex: number, local: number): void => {
    for (const [, [p, q]] of bids) book.push(`binance,BTCUSDT,${ex},${local},true,bid,${p},${q}`);
    for (const [, [p, q]] of asks) book.push(`binance,BTCUSDT,${ex},${local},true,ask,${p},${q}`);
  };
  let t0: number | null = null;
  let synced = false;
  let L = 0;
  let buffered: Array<{ U: number; u: number; b: L[]; a: L[] }> = [];
  let resnapshotDone = false;
  let dropped = 0;
  let nTrades = 0;
  for (const line of lines) {
    const sp = line.indexOf(' ');
    const local = Number(line.slice(0, sp - 3));
    t0 ??= local;
    if (local - t0 > o.seconds * 1e6) break;
    const j = JSON.parse(line.slice(sp + 1)) as Record<string, unknown>;
    const stream = j.stream as string | undefined;
    const d = (j.data ?? j) as Record<string, unknown>;
    if (stream === undefined) {
      // The REST snapshot: load it, then the buffered updates it does not cover (spot: u > L).
      L = d.lastUpdateId as number;
      apply(bids, d.bids as L[]);
      apply(asks, d.asks as L[]);
      for (const x of buffered) {
        if (x.u <= L) continue;
        apply(bids, x.b);
        apply(asks, x.a);
      }
      buffered = [];
      synced = true;
      snapshotRows(local, local);
      continue;
    }
    if (stream.includes('@depth')) {
      const x = { U: d.U as number, u: d.u as number, b: d.b as L[], a: d.a as L[] };
      if (!synced) {
        buffered.push(x);
        continue;
      }
      if (x.u <= L) continue;
      apply(bids, x.b);
      apply(asks, x.a);
      const at = local - t0;
      if (!resnapshotDone && at >= (o.resnapshotAtSec - o.outageSec) * 1e6 && at < o.resnapshotAtSec * 1e6) {
        dropped++;
        continue;
      }
      const ex = (d.E as number) * 1000;
      if (!resnapshotDone && at >= o.resnapshotAtSec * 1e6) {
        resnapshotDone = true;
        snapshotRows(ex, local);
        continue;
      }
      for (const [p, q] of x.b) book.push(`binance,BTCUSDT,${ex},${local},false,bid,${plain(p)},${plain(q)}`);
      for (const [p, q] of x.a) book.push(`binance,BTCUSDT,${ex},${local},false,ask,${plain(p)},${plain(q)}`);
    } else if (stream.endsWith('@trade')) {
      nTrades++;
      trades.push(`binance,BTCUSDT,${(d.T as number) * 1000},${local},${d.t as number},${d.m ? 'sell' : 'buy'},${plain(d.p as string)},${plain(d.q as string)}`);
    }
  }
  const best = (m: Map<number, L>, desc: boolean): L[] => [...m.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0])).slice(0, 20).map((e) => e[1]);
  return { book: book.join('\n') + '\n', trades: trades.join('\n') + '\n', finalBids: best(bids, true), finalAsks: best(asks, false), tradeCount: nTrades, dropped };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = buildTardisFixture(readFileSync(SPOT_HFT), FIXTURE_OPTIONS);
  writeFileSync(TARDIS_BOOK, gzipSync(f.book, { level: 9 }));
  writeFileSync(TARDIS_TRADES, gzipSync(f.trades, { level: 9 }));
  console.log(`wrote ${TARDIS_BOOK} and ${TARDIS_TRADES}: ${f.tradeCount} trades, ${f.dropped} updates dropped before the re-snapshot`);
}
