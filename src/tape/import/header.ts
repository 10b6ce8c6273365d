// The parts of a tape header every importer fills the same way, and the overrides the CLI accepts.
import { coreVersion } from '../../runtime/version.js';
import { TAPE_FORMAT, TAPE_VERSION, type GapEvent, type GapReason, type MarketType, type StreamName, type TapeHeader } from '../types.js';

/** `tape import` options that override or complete what the input says. */
export interface ImportOptions {
  venue?: string;
  symbol?: string;
  market?: MarketType;
  tickSize?: string;
  stepSize?: string;
  contractSize?: string;
  licence?: string;
  note?: string;
}

type Fields = Omit<TapeHeader, 'format' | 'version' | 'writer' | 'createdAt' | 'tickSize' | 'stepSize'> & { tickSize?: string | null; stepSize?: string | null };

export function headerBase(f: Fields, opts: ImportOptions, command = 'tape import'): TapeHeader {
  return {
    format: TAPE_FORMAT,
    version: TAPE_VERSION,
    venue: opts.venue ?? f.venue,
    symbol: opts.symbol ?? f.symbol,
    market: opts.market ?? f.market,
    priceScale: f.priceScale,
    qtyScale: f.qtyScale,
    tickSize: opts.tickSize ?? f.tickSize ?? null,
    stepSize: opts.stepSize ?? f.stepSize ?? null,
    qtyUnit: f.qtyUnit,
    contractSize: opts.contractSize ?? f.contractSize,
    contractCurrency: f.contractCurrency,
    seqRule: f.seqRule,
    source: f.source,
    writer: { name: 'tierhunter', version: coreVersion(), command },
    createdAt: new Date().toISOString(),
  };
}

/** A gap record listing what was lost. */
export function gapRecordLost(localUs: number, reason: GapReason, lost: StreamName[], detail: string): GapEvent {
  return { type: 'gap', localUs, exchUs: null, reason, lost, sinceUs: null, expected: null, got: null, detail };
}
