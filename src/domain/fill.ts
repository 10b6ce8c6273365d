// One fill: one execution of one of the account's orders, as the exchange's fill history and the core's
// ledger and journal replay all hold it (the journal's JSON line, JournalFill in core/ports.ts, is its
// wire form; the paper exchange packs its fills in src/sim/accounts/fill-store.ts and hands them out as
// this type).
import type { Decimal } from '../util/decimal.js';
import type { Side } from './side.js';

export interface Fill {
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
  timestamp: number; // ms
}
