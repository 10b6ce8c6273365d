// `tape import --format tardis`: Tardis.dev downloadable CSV (gzip or plain) -> one tape. Each input is
// recognised by its header row:
//   incremental_book_L2  exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount   (required)
//   trades               exchange,symbol,timestamp,local_timestamp,id,side,price,amount           (required)
//   quotes / book_ticker exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount
//   derivative_ticker    ...,funding_timestamp,funding_rate,...,index_price,mark_price
// Times are µs. Book rows with the same local_timestamp are one diff; a run of is_snapshot=true rows is a
// snapshot, and one that follows updates is Tardis's re-snapshot after its recorder reconnected: a
// 'reconnect' gap record goes before it. Tardis books carry no sequence ids (seqRule 'none'). Without a
// quotes file the best bid/ask is derived from the rebuilt book (bbo records marked derived).
// Two streaming passes: the first finds the market and the decimals the tape's scales need.
import { basename } from 'node:path';
import type { MarketType, StreamName, TapeHeader } from '../types.js';
import { bestFirst } from '../levels.js';
import { headerBase, gapRecordLost, type ImportOptions } from './header.js';
import { readLines } from './lines.js';
import { decimalsOf, ImportError, units, writeImport, type ImportSummary, type SourceCounters, type SourceEvent } from './pipeline.js';

type Kind = 'book' | 'trades' | 'quotes' | 'deriv';

const REQUIRED: Record<Kind, string[]> = {
  book: ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'is_snapshot', 'side', 'price', 'amount'],
  trades: ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'id', 'side', 'price', 'amount'],
  quotes: ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'ask_amount', 'ask_price', 'bid_price', 'bid_amount'],
  deriv: ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'mark_price'],
};
/** Tie order at equal local times: the book first (a trade's effect on it is in the same message). */
const ORDER: Kind[] = ['book', 'quotes', 'trades', 'deriv'];

interface CsvInput {
  path: string;
  kind: Kind;
  col: Record<string, number>;
}

interface Row {
  cells: string[];
  where: string;
}

async function* rows(input: CsvInput): AsyncGenerator<Row> {
  let n = 0;
  for await (const line of readLines(input.path)) {
    n++;
    if (n === 1 || line.length === 0) continue;
    yield { cells: line.split(','), where: `${basename(input.path)}:${n}` };
  }
}

async function identify(path: string): Promise<CsvInput> {
  let first = '';
  for await (const line of readLines(path)) {
    first = line;
    break;
  }
  const names = first.trim().split(',');
  const col: Record<string, number> = {};
  names.forEach((c, i) => (col[c] = i));
  const has = (k: Kind): boolean => REQUIRED[k].every((c) => c in col);
  const kind = (['book', 'trades', 'quotes', 'deriv'] as Kind[]).find(has);
  if (!kind) throw new ImportError(`${basename(path)}: not a Tardis CSV this importer reads (header "${first.slice(0, 120)}"); expected incremental_book_L2, trades, quotes or derivative_ticker`);
  return { path, kind, col };
}

interface Scan {
  exchanges: Set<string>;
  symbols: Set<string>;
  priceDecimals: number;
  qtyDecimals: number;
}

async function scan(inputs: CsvInput[]): Promise<Scan> {
  const s: Scan = { exchanges: new Set(), symbols: new Set(), priceDecimals: 0, qtyDecimals: 0 };
  const px = (v: string | undefined): void => void (v && (s.priceDecimals = Math.max(s.priceDecimals, decimalsOf(v))));
  const qty = (v: string | undefined): void => void (v && (s.qtyDecimals = Math.max(s.qtyDecimals, decimalsOf(v))));
  for (const input of inputs) {
    const c = input.col;
    for await (const { cells } of rows(input)) {
      s.exchanges.add(cells[c.exchange!]!);
      s.symbols.add(cells[c.symbol!]!);
      if (input.kind === 'book' || input.kind === 'trades') {
        px(cells[c.price!]);
        qty(cells[c.amount!]);
      } else if (input.kind === 'quotes') {
        px(cells[c.bid_price!]);
        px(cells[c.ask_price!]);
        qty(cells[c.bid_amount!]);
        qty(cells[c.ask_amount!]);
      }
    }
  }
  return s;
}

function guessMarket(exchange: string, symbol: string): MarketType | null {
  if (/futures|delivery|swap|perp|deribit|bitmex|derivatives|linear|inverse/i.test(exchange) || /PERP|SWAP/i.test(symbol)) return 'perp';
  if (/spot/i.test(exchange) || /^(binance|binance-us|coinbase|kraken|bitstamp|gemini|bitfinex|okex|huobi|kucoin|gate-io|bybit-spot)$/.test(exchange)) return 'spot';
  return null;
}

function tardisHeader(s: Scan, inputs: CsvInput[], opts: ImportOptions): TapeHeader {
  for (const [what, set] of [['exchanges', s.exchanges], ['symbols', s.symbols]] as const) {
    if (set.size > 1) throw new ImportError(`the inputs hold several ${what} (${[...set].join(', ')}); a tape holds one market: import them separately`);
  }
  const exchange = [...s.exchanges][0] ?? '';
  const symbol = [...s.symbols][0] ?? '';
  if (!exchange || !symbol) throw new ImportError('the inputs hold no rows');
  const market = opts.market ?? guessMarket(exchange, symbol);
  if (!market) throw new ImportError(`cannot tell whether ${exchange} ${symbol} is spot or a perp: pass --market spot|perp`);
  const contracts = opts.contractSize !== undefined || exchange === 'binance-delivery';
  return headerBase({
    venue: exchange,
    symbol: symbol.toUpperCase(),
    market,
    priceScale: s.priceDecimals,
    qtyScale: s.qtyDecimals,
    qtyUnit: contracts ? 'contracts' : 'base',
    contractSize: contracts ? (opts.contractSize ?? (symbol.toUpperCase().startsWith('BTC') ? '100' : '10')) : null,
    contractCurrency: contracts ? 'USD' : null,
    seqRule: 'none',
    source: { kind: 'tardis', inputs: inputs.map((i) => basename(i.path)), licence: opts.licence ?? null, note: opts.note ?? 'Tardis.dev downloadable CSV' },
  }, opts);
}

function time(v: string | undefined, what: string, where: string): number {
  if (v === undefined || !/^\d+$/.test(v)) throw new ImportError(`${where}: ${what} ${JSON.stringify(v)} is not µs since the epoch`);
  return Number(v);
}

/** Book rows -> snapshots and diffs (and a 'reconnect' gap before every re-snapshot). */
async function* bookEvents(input: CsvInput, h: TapeHeader, lostOnResnapshot: StreamName[]): AsyncGenerator<SourceEvent> {
  const c = input.col;
  let group: { snapshot: boolean; local: number; exch: number; where: string; bids: number[]; asks: number[] } | null = null;
  let updatesSeen = false;
  const flush = function* (g: NonNullable<typeof group>): Generator<SourceEvent> {
    if (g.snapshot) {
      if (updatesSeen) yield { event: gapRecordLost(g.local, 'reconnect', lostOnResnapshot, 'Tardis re-snapshot: its recorder reconnected, updates may be missing before it'), where: g.where };
      yield { event: { type: 'snapshot', localUs: g.local, exchUs: g.exch, seq: null, carried: false, bids: bestFirst(g.bids, 'bid'), asks: bestFirst(g.asks, 'ask') }, where: g.where };
    } else {
      updatesSeen = true;
      yield { event: { type: 'diff', localUs: g.local, exchUs: g.exch, first: null, last: null, prev: null, bids: g.bids, asks: g.asks }, where: g.where };
    }
  };
  for await (const { cells, where } of rows(input)) {
    const local = time(cells[c.local_timestamp!], 'local_timestamp', where);
    const snap = cells[c.is_snapshot!] === 'true';
    // A snapshot is every consecutive is_snapshot row; an update is the rows of one local_timestamp.
    if (group && (group.snapshot !== snap || (!snap && group.local !== local))) {
      yield* flush(group);
      group = null;
    }
    if (!group) group = { snapshot: snap, local, exch: time(cells[c.timestamp!], 'timestamp', where), where, bids: [], asks: [] };
    const side = cells[c.side!];
    const target = side === 'bid' ? group.bids : side === 'ask' ? group.asks : null;
    if (!target) throw new ImportError(`${where}: side ${JSON.stringify(side)} is neither bid nor ask`);
    target.push(units(cells[c.price!], h.priceScale, 'price', where), units(cells[c.amount!], h.qtyScale, 'amount', where));
  }
  if (group) yield* flush(group);
}

async function* tradeEvents(input: CsvInput, h: TapeHeader): AsyncGenerator<SourceEvent> {
  const c = input.col;
  for await (const { cells, where } of rows(input)) {
    const id = cells[c.id!] ?? '';
    const numeric = /^\d{1,15}$/.test(id);
    const side = cells[c.side!];
    yield {
      event: {
        type: 'trade', localUs: time(cells[c.local_timestamp!], 'local_timestamp', where), exchUs: time(cells[c.timestamp!], 'timestamp', where),
        price: units(cells[c.price!], h.priceScale, 'price', where), qty: units(cells[c.amount!], h.qtyScale, 'amount', where),
        side: side === 'buy' ? 'buy' : side === 'sell' ? 'sell' : null, tradeId: numeric ? Number(id) : id === '' ? null : id,
      },
      where,
    };
  }
}

async function* quoteEvents(input: CsvInput, h: TapeHeader): AsyncGenerator<SourceEvent> {
  const c = input.col;
  for await (const { cells, where } of rows(input)) {
    const bp = cells[c.bid_price!];
    const ap = cells[c.ask_price!];
    const hasBid = bp !== undefined && bp !== '';
    const hasAsk = ap !== undefined && ap !== '';
    yield {
      event: {
        type: 'bbo', localUs: time(cells[c.local_timestamp!], 'local_timestamp', where), exchUs: time(cells[c.timestamp!], 'timestamp', where),
        hasBid, hasAsk,
        bidPx: hasBid ? units(bp, h.priceScale, 'bid_price', where) : 0, bidQty: hasBid ? units(cells[c.bid_amount!], h.qtyScale, 'bid_amount', where) : 0,
        askPx: hasAsk ? units(ap, h.priceScale, 'ask_price', where) : 0, askQty: hasAsk ? units(cells[c.ask_amount!], h.qtyScale, 'ask_amount', where) : 0,
        updateId: null, derived: false, carried: false,
      },
      where,
    };
  }
}

async function* markEvents(input: CsvInput): AsyncGenerator<SourceEvent> {
  const c = input.col;
  const opt = (cells: string[], k: string): string | null => (c[k] === undefined || !cells[c[k]!] ? null : cells[c[k]!]!);
  for await (const { cells, where } of rows(input)) {
    const mark = opt(cells, 'mark_price');
    if (mark === null) continue;
    const ft = opt(cells, 'funding_timestamp');
    yield {
      event: {
        type: 'mark', localUs: time(cells[c.local_timestamp!], 'local_timestamp', where), exchUs: time(cells[c.timestamp!], 'timestamp', where),
        markPrice: mark, indexPrice: opt(cells, 'index_price'), fundingRate: opt(cells, 'funding_rate'), nextFundingMs: ft && /^\d+$/.test(ft) ? Math.floor(Number(ft) / 1000) : null,
      },
      where,
    };
  }
}

/** Merge time-ordered sources by local time (ties in the order given). */
async function* merge(sources: AsyncGenerator<SourceEvent>[]): AsyncGenerator<SourceEvent> {
  const heads: Array<SourceEvent | null> = [];
  for (const s of sources) heads.push((await s.next()).value ?? null);
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && (best < 0 || h.event.localUs < heads[best]!.event.localUs)) best = i;
    }
    if (best < 0) return;
    yield heads[best]!;
    const n = await sources[best]!.next();
    heads[best] = n.done ? null : n.value;
  }
}

export async function importTardis(paths: string[], out: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const inputs = await Promise.all(paths.map(identify));
  inputs.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  for (const k of ['book', 'trades'] as const) {
    const n = inputs.filter((i) => i.kind === k).length;
    if (n !== 1) throw new ImportError(`pass exactly one ${k === 'book' ? 'incremental_book_L2' : 'trades'} CSV (got ${n}); quotes and derivative_ticker files are optional`);
  }
  for (const k of ['quotes', 'deriv'] as const) if (inputs.filter((i) => i.kind === k).length > 1) throw new ImportError(`pass at most one ${k === 'quotes' ? 'quotes' : 'derivative_ticker'} CSV`);
  const header = tardisHeader(await scan(inputs), inputs, opts);
  const hasQuotes = inputs.some((i) => i.kind === 'quotes');
  // A derived best bid/ask is lost with the book it comes from.
  const lost: StreamName[] = hasQuotes ? ['depth'] : ['depth', 'bbo'];
  const sources = inputs.map((i) => (i.kind === 'book' ? bookEvents(i, header, lost) : i.kind === 'trades' ? tradeEvents(i, header) : i.kind === 'quotes' ? quoteEvents(i, header) : markEvents(i)));
  const counters: SourceCounters = { malformed: 0, skipped: 0 };
  return writeImport(out, header, merge(sources), counters, { deriveBbo: !hasQuotes });
}

