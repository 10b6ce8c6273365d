// JournalFill <-> exact in-memory fills. The journal holds decimal strings; a record that does not parse
// is counted and skipped by the caller (a torn or hand-edited line must not stop a restart).
import type { Fill } from '../domain/fill.js';
import type { OrderEvent } from '../domain/order.js';
import { type Decimal, parseDecimal } from '../util/decimal.js';
import type { JournalBackfill, JournalFill } from './ports.js';

/**
 * A fill as the ledger takes it: the domain Fill, tagged as one of ours (`fill`) or another market's fill
 * counted toward the tier volume only (`volume`).
 */
export type LedgerFill = Fill & { kind: 'fill' | 'volume' };

export interface NormalFunding {
  kind: 'funding';
  tradeId: string;
  symbol: string;
  amount: Decimal;
  ts: number;
}

/** A fill from the exchange, tagged for the ledger (a journal replay gives the same shape). */
export function normalFill(f: Fill, kind: 'fill' | 'volume' = 'fill'): LedgerFill {
  return { ...f, kind };
}

/** The Fill a stream order event carries (its execution part plus the order's ids, side and time), or null. */
export function fillOfEvent(ev: OrderEvent): Fill | null {
  const x = ev.fill;
  if (x === undefined) return null;
  return {
    tradeId: x.tradeId,
    orderId: ev.orderId,
    clientId: ev.clientId,
    symbol: ev.symbol,
    side: ev.side,
    price: x.price,
    quantity: x.quantity,
    fee: x.fee,
    feeSymbol: x.feeSymbol,
    isMaker: x.isMaker,
    timestamp: ev.ts,
  };
}

export function toJournal(f: Fill, kind: 'fill' | 'volume' = 'fill'): JournalFill {
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

export function fromJournal(r: JournalFill): LedgerFill | NormalFunding | NormalBackfill | null {
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
    timestamp: r.ts,
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
