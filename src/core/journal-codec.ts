// JournalFill <-> exact in-memory fills. The journal holds decimal strings; a record that does not parse
// is counted and skipped by the caller (a torn or hand-edited line must not stop a restart).
import type { FillInfo, Side } from '../exchange/types.js';
import { type Decimal, parseDecimal } from '../util/decimal.js';
import type { JournalFill } from './ports.js';

export interface NormalFill {
  kind: 'fill';
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

export function toJournal(f: FillInfo): JournalFill {
  return {
    kind: 'fill',
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

export function fromJournal(r: JournalFill): NormalFill | NormalFunding | null {
  if (typeof r !== 'object' || r === null || typeof r.tradeId !== 'string' || typeof r.symbol !== 'string' || typeof r.ts !== 'number') return null;
  if (r.kind === 'funding') {
    const amount = parseDecimal(r.amount);
    return amount === null ? null : { kind: 'funding', tradeId: r.tradeId, symbol: r.symbol, amount, ts: r.ts };
  }
  const price = parseDecimal(r.price);
  const quantity = parseDecimal(r.quantity);
  const fee = parseDecimal(r.fee ?? '0');
  if (price === null || quantity === null || fee === null || (r.side !== 'Bid' && r.side !== 'Ask') || quantity.lte(0)) return null;
  return {
    kind: 'fill',
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
