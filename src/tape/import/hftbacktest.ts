// `tape import --format hftbacktest`: hftbacktest's raw Binance recordings (gzip text, one message a line:
// `<local receive time, ns> <raw JSON>`) -> one tape. Several inputs of the same market (consecutive days)
// become one tape in the order given; a day that starts without a snapshot continues from the previous
// day's book, and a break in the ids between them is a gap record like any other.
//
// Two passes over the input, both streaming: the first finds the symbol, the market kind and the number of
// decimals every price and quantity needs (the tape's integer scales); the second converts and writes.
// Local times are truncated from ns to µs.
import { basename } from 'node:path';
import type { StreamName, TapeHeader } from '../types.js';
import { binanceEvent, binanceKind, newScan, scanMessage, type BinanceKind, type BinanceScan } from './binance.js';
import { readLines } from './lines.js';
import { ImportError, writeImport, type ImportSummary, type SourceCounters, type SourceEvent } from './pipeline.js';
import { gapRecordLost, headerBase, type ImportOptions } from './header.js';

/** The stream a malformed message of each kind belonged to (what its gap record says was lost). */
const STREAM_OF: Record<BinanceKind, StreamName | null> = { snapshot: 'depth', depth: 'depth', bbo: 'bbo', trade: 'trade', mark: 'mark', other: null };

interface Line {
  localUs: number;
  msg: Record<string, unknown>;
  where: string;
}

/** Parsed lines; a line that cannot be read is passed as `bad` (counted and marked, never a crash). */
async function* lines(paths: string[]): AsyncGenerator<Line | { bad: string; where: string; localUs: number | null }> {
  for (const path of paths) {
    let n = 0;
    for await (const text of readLines(path)) {
      n++;
      if (text.length === 0) continue;
      const where = `${basename(path)}:${n}`;
      const sp = text.indexOf(' ');
      const ns = sp > 0 ? text.slice(0, sp) : '';
      if (!/^\d{4,}$/.test(ns)) {
        yield { bad: 'no local timestamp', where, localUs: null };
        continue;
      }
      const localUs = Number(ns.slice(0, -3));
      let msg: unknown;
      try {
        msg = JSON.parse(text.slice(sp + 1));
      } catch {
        yield { bad: 'not JSON', where, localUs };
        continue;
      }
      if (typeof msg !== 'object' || msg === null) {
        yield { bad: 'not a JSON object', where, localUs };
        continue;
      }
      yield { localUs, msg: msg as Record<string, unknown>, where };
    }
  }
}

export async function scanHftbacktest(paths: string[]): Promise<BinanceScan> {
  const scan = newScan();
  for await (const l of lines(paths)) if (!('bad' in l)) scanMessage(scan, l.msg);
  return scan;
}

/** The header for a scanned input: Binance's venues, rules and contract sizes. */
export function hftbacktestHeader(scan: BinanceScan, paths: string[], opts: ImportOptions): TapeHeader {
  const symbols = [...scan.symbols];
  if (symbols.length > 1 && !opts.symbol) throw new ImportError(`the inputs hold several markets (${symbols.join(', ')}); a tape holds one: import them separately`);
  const symbol = opts.symbol ?? symbols[0];
  if (!symbol) throw new ImportError('no symbol found in the input; pass --symbol');
  const venue = scan.coinMargined ? 'binance-coinm' : scan.futures ? 'binance-usdm' : 'binance-spot';
  // Binance COIN-M contracts: 100 USD for BTC, 10 USD for every other coin.
  const contractSize = scan.coinMargined ? (symbol.startsWith('BTC') ? '100' : '10') : null;
  return headerBase({
    venue,
    symbol,
    market: scan.futures ? 'perp' : 'spot',
    priceScale: scan.priceDecimals,
    qtyScale: scan.qtyDecimals,
    qtyUnit: scan.coinMargined ? 'contracts' : 'base',
    contractSize,
    contractCurrency: scan.coinMargined ? 'USD' : null,
    seqRule: scan.futures ? 'prev-id' : 'next-id',
    source: {
      kind: 'hftbacktest',
      inputs: paths.map((p) => basename(p)),
      licence: opts.licence ?? null,
      note: opts.note ?? 'Binance public market data recorded by hftbacktest (github.com/nkaz001/hftbacktest); local times truncated from ns to µs',
    },
  }, opts);
}

export async function importHftbacktest(paths: string[], out: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const scan = await scanHftbacktest(paths);
  const header = hftbacktestHeader(scan, paths, opts);
  const counters: SourceCounters = { malformed: 0, skipped: 0 };
  const scales = { price: header.priceScale, qty: header.qtyScale };
  let lastUs = 0;
  async function* source(): AsyncGenerator<SourceEvent> {
    for await (const l of lines(paths)) {
      if ('bad' in l) {
        counters.malformed++;
        yield { event: gapRecordLost(l.localUs ?? lastUs, 'malformed', [], `${l.where}: ${l.bad}`), where: l.where };
        continue;
      }
      lastUs = l.localUs;
      let e;
      try {
        e = binanceEvent(l.localUs, l.msg, scales, l.where);
      } catch (err) {
        if (err instanceof ImportError) throw err;
        counters.malformed++;
        const lost = STREAM_OF[binanceKind(l.msg)];
        yield { event: gapRecordLost(l.localUs, 'malformed', lost ? [lost] : [], err instanceof Error ? err.message : String(err)), where: l.where };
        continue;
      }
      if (e === null) counters.skipped++;
      else yield { event: e, where: l.where };
    }
  }
  return writeImport(out, header, source(), counters);
}
