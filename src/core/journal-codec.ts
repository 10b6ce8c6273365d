// JournalFill <-> exact in-memory fills. The journal holds decimal strings; a record that does not parse
// is counted and skipped by the caller (a torn or hand-edited line must not stop a restart).
import type { FillInfo, Side } from '../exchange/types.js';
import { type Decimal, parseDecimal } from '../util/decimal.js';
import type { JournalBackfill, JournalFill } from './ports.js';

/** A fill of ours (`fill`) or another market's fill counted toward the tier volume only (`volume`). */
export interface NormalFill {
  kind: 'fill' | 'volume';
  tradeId: string;
  orderId: string;
  clientId: number | null;
  symbol: string;
  side: Side;
  price: Decimal;
  quantity: Decimal;
  fee: Decimal;
  feeSymbol: string;
  isMaker: boolean;
  ts: number;
}

export interface NormalFunding {
  kind: 'funding';
  tradeId: string;
  symbol: string;
  amount: Decimal;
  ts: number;
}

/** A fill from the exchange as the ledger takes it (exact decimals, as a journal replay gives it). */
export function normalFill(f: FillInfo, kind: 'fill' | 'volume' = 'fill'): NormalFill {
  return {
    kind,
    tradeId: f.tradeId,
    orderId: f.orderId,
    clientId: f.clientId,
    symbol: f.symbol,
    side: f.side,
    price: f.price,
    quantity: f.quantity,
    fee: f.fee,
    feeSymbol: f.feeSymbol,
    isMaker: f.isMaker,
    ts: f.timestamp,
  };
}

export function toJournal(f: FillInfo, kind: 'fill' | 'volume' = 'fill'): JournalFill {
  return {
    kind,
    tradeId: f.tradeId,
    symbol: f.symbol,
    ts: f.timestamp,
    orderId: f.orderId,
    clientId: f.clientId,
    side: f.side,
    price: f.price.toString(),
    quantity: f.quantity.toString(),
    fee: f.fee.toString(),
    feeSymbol: f.feeSymbol,
    isMaker: f.isMaker,
  };
}

export interface NormalBackfill {
  kind: 'backfill';
  backfill: JournalBackfill;
}

export function fromJournal(r: JournalFill): NormalFill | NormalFunding | NormalBackfill | null {
  if (typeof r !== 'object' || r === null || typeof r.tradeId !== 'string' || typeof r.symbol !== 'string' || typeof r.ts !== 'number') return null;
  if (r.kind === 'backfill') return validBackfill(r.backfill) ? { kind: 'backfill', backfill: r.backfill } : null;
  if (r.kind === 'funding') {
    const amount = parseDecimal(r.amount);
    return amount === null ? null : { kind: 'funding', tradeId: r.tradeId, symbol: r.symbol, amount, ts: r.ts };
  }
  const price = parseDecimal(r.price);
  const quantity = parseDecimal(r.quantity);
  const fee = parseDecimal(r.fee ?? '0');
  if (price === null || quantity === null || fee === null || (r.side !== 'Bid' && r.side !== 'Ask') || quantity.lte(0)) return null;
  return {
    kind: r.kind === 'volume' ? 'volume' : 'fill',
    tradeId: r.tradeId,
    orderId: typeof r.orderId === 'string' ? r.orderId : '',
    clientId: typeof r.clientId === 'number' ? r.clientId : null,
    symbol: r.symbol,
    side: r.side,
    price,
    quantity,
    fee,
    feeSymbol: typeof r.feeSymbol === 'string' ? r.feeSymbol : '',
    isMaker: r.isMaker === true,
    ts: r.ts,
  };
}

function validBackfill(b: unknown): b is JournalBackfill {
  if (typeof b !== 'object' || b === null) return false;
  const x = b as Partial<JournalBackfill>;
  const ms = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  return (
    ms(x.from) && ms(x.to) && ms(x.offset) && typeof x.done === 'boolean' && Array.isArray(x.volume) &&
    x.volume.every((e) => Array.isArray(e) && e.length === 3 && ms(e[0]) && (e[1] === 'futures' || e[1] === 'spot') && parseDecimal(e[2]) !== null)
  );
}
