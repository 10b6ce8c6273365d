// Reading back a checkpoint (JSON the core wrote earlier): every field is checked, and a bad one is an
// error that names where it is ("checkpoint: stats.ledgers[2].decimals.fees is not a decimal"), so a
// damaged file stops the start loudly instead of restoring figures that are silently wrong.
import { type Decimal, parseDecimal } from '../util/decimal.js';

export class StateError extends Error {
  constructor(message: string) {
    super(`checkpoint: ${message}`);
    this.name = 'StateError';
  }
}

export function intOf(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StateError(`${where} is not a number`);
  return v;
}

export function decimalOf(v: unknown, where: string): Decimal {
  const d = typeof v === 'string' ? parseDecimal(v) : null;
  if (d === null) throw new StateError(`${where} is not a decimal`);
  return d;
}

export function stringsOf(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new StateError(`${where} is not a list of strings`);
  return v as string[];
}

/** A JSON object being read, with its path for error messages. */
export class StateReader {
  private readonly o: Record<string, unknown>;

  constructor(
    v: unknown,
    private readonly at: string,
  ) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new StateError(`${at || 'the file'} is not an object`);
    this.o = v as Record<string, unknown>;
  }

  path(k: string): string {
    return this.at ? `${this.at}.${k}` : k;
  }
  get(k: string): unknown {
    return this.o[k];
  }
  has(k: string): boolean {
    return this.o[k] !== undefined;
  }
  num(k: string): number {
    return intOf(this.o[k], this.path(k));
  }
  str(k: string): string {
    const v = this.o[k];
    if (typeof v !== 'string') throw new StateError(`${this.path(k)} is not a string`);
    return v;
  }
  bool(k: string): boolean {
    const v = this.o[k];
    if (typeof v !== 'boolean') throw new StateError(`${this.path(k)} is not true/false`);
    return v;
  }
  obj(k: string): StateReader {
    return new StateReader(this.o[k], this.path(k));
  }
  list(k: string): StateReader[] {
    const v = this.o[k];
    if (!Array.isArray(v)) throw new StateError(`${this.path(k)} is not a list`);
    return v.map((x, i) => new StateReader(x, `${this.path(k)}[${i}]`));
  }
  /** A list of raw values (checked by the caller). */
  array(k: string): unknown[] {
    const v = this.o[k];
    if (!Array.isArray(v)) throw new StateError(`${this.path(k)} is not a list`);
    return v;
  }
}
