// The end every importer shares: source events -> GapMarker (explicit gap records) -> TapeWriter, with the
// checks a source must pass — local time never goes backwards, every value fits the header's scales —
// reported as ImportError naming the input position. Memory is flat: events stream through.
import { rm } from 'node:fs/promises';
import { GapMarker, type GapMarkerOptions } from '../gap-marker.js';
import { TapeWriter } from '../writer.js';
import type { TapeEvent, TapeFooter, TapeHeader } from '../types.js';
import { parseUnits } from '../../sim/matching/units.js';

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

export interface ImportSummary {
  out: string;
  header: TapeHeader;
  footer: TapeFooter;
  /** Gap records written, by reason. */
  gaps: Record<string, number>;
  /** Input messages that could not be read (each marked by a 'malformed' gap record). */
  malformed: number;
  /** Input messages of kinds a tape does not hold (e.g. other streams), skipped. */
  skipped: number;
}

/** A source yields events with `where` naming the input position (for error messages). */
export interface SourceEvent {
  event: TapeEvent;
  where: string;
}

export interface SourceCounters {
  malformed: number;
  skipped: number;
}

export async function writeImport(out: string, header: TapeHeader, source: AsyncIterable<SourceEvent>, counters: SourceCounters, opts: GapMarkerOptions = {}): Promise<ImportSummary> {
  // Written as OUT.part and renamed when complete: a failed import leaves nothing that looks like a tape.
  const w = await TapeWriter.open(out, header, { partial: true });
  const marker = new GapMarker(header.seqRule, opts);
  let last = -Infinity;
  let ok = false;
  try {
    const emit = (e: TapeEvent): void => w.write(e);
    for await (const { event, where } of source) {
      if (event.localUs < last) throw new ImportError(`${where}: local time goes backwards (${event.localUs} µs after ${last} µs); the input must be in receive order`);
      last = event.localUs;
      marker.push(event, emit);
      if (w.backedUp) await w.ready();
    }
    ok = true;
  } finally {
    if (!ok) {
      await w.abandon();
      await rm(`${out}.part`, { force: true });
    }
  }
  const footer = await w.close('import');
  return { out, header, footer, gaps: marker.gaps, malformed: counters.malformed, skipped: counters.skipped };
}

/** Decimal string -> integer units at `scale`, or ImportError naming the field and where it is. */
export function units(s: unknown, scale: number, what: string, where: string): number {
  const n = parseUnits(s, scale);
  if (typeof n === 'number') return n;
  if (n === 'too_long') throw new ImportError(`${where}: ${what} ${JSON.stringify(s)} has more decimals than the tape's scale (${scale})`);
  throw new ImportError(`${where}: ${what} ${JSON.stringify(s)} is not a non-negative decimal`);
}

/** Decimal places of a decimal string once trailing zeros are dropped ("61800.20" -> 1, "5" -> 0). */
export function decimalsOf(s: string): number {
  const dot = s.indexOf('.');
  if (dot < 0) return 0;
  let end = s.length;
  while (end > dot + 1 && s.charCodeAt(end - 1) === 48) end--;
  return end - dot - 1;
}
