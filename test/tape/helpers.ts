// Shared pieces of the tape tests: a header, event builders and a temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BboEvent, DiffEvent, GapEvent, SeqRule, SnapshotEvent, TapeEvent, TapeHeader, TradeEvent } from '../../src/tape/types.js';
import { forEachEvent } from '../../src/tape/reader.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/tapes/', import.meta.url));
export const SPOT = join(FIXTURES, 'spot_btcusdt_20240808.gz');
export const CM_ETH = join(FIXTURES, 'cm_ethusd_perp_20240808.gz');

/** A private temp directory removed after the test file. */
export function tempDir(prefix = 'th-tape-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

export function header(over: Partial<TapeHeader> = {}): TapeHeader {
  return {
    format: 'tierhunter-tape', version: 1, venue: 'test', symbol: 'TEST_USDC', market: 'spot', priceScale: 2, qtyScale: 3,
    tickSize: '0.01', stepSize: '0.001', qtyUnit: 'base', contractSize: null, contractCurrency: null, seqRule: 'next-id' as SeqRule,
    source: { kind: 'test', inputs: [], licence: null, note: null }, writer: { name: 'tierhunter', version: 'test', command: 'test' },
    createdAt: '2026-01-01T00:00:00.000Z', ...over,
  };
}

export const snap = (localUs: number, seq: number | null, bids: number[], asks: number[], over: Partial<SnapshotEvent> = {}): SnapshotEvent => ({ type: 'snapshot', localUs, exchUs: null, seq, carried: false, bids, asks, ...over });
export const diff = (localUs: number, first: number | null, last: number | null, bids: number[] = [], asks: number[] = [], prev: number | null = null): DiffEvent => ({ type: 'diff', localUs, exchUs: null, first, last, prev, bids, asks });
export const trade = (localUs: number, price: number, side: 'buy' | 'sell' | null, over: Partial<TradeEvent> = {}): TradeEvent => ({ type: 'trade', localUs, exchUs: null, price, qty: 1, side, tradeId: null, ...over });
export const bbo = (localUs: number, bidPx: number, askPx: number, over: Partial<BboEvent> = {}): BboEvent => ({ type: 'bbo', localUs, exchUs: null, hasBid: true, hasAsk: true, bidPx, bidQty: 1, askPx, askQty: 1, updateId: null, derived: false, carried: false, ...over });
export const gap = (localUs: number, reason: GapEvent['reason'], lost: GapEvent['lost'] = ['depth']): GapEvent => ({ type: 'gap', localUs, exchUs: null, reason, lost, sinceUs: null, expected: null, got: null, detail: '' });

export async function readAll(path: string): Promise<TapeEvent[]> {
  const out: TapeEvent[] = [];
  await forEachEvent(path, (e) => out.push(e));
  return out;
}
