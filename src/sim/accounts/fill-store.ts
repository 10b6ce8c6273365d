// An account's fill history in packed columns: the paper exchange keeps up to a million fills per account
// (a month of a tier hunter's trading, as the real exchange keeps it), which as one JS object with its
// Decimals per fill would be ~400 bytes each. Here a fill is ~52 bytes: numbers in typed arrays, symbols
// as indexes into a small table, decimals as an exact integer mantissa plus a scale (32-bit mantissas for
// prices and quantities, 53-bit for fees). A value that does not fit the packing (a long mantissa, an
// exponent, a non-numeric order id) is kept whole in a side map, so every fill reads back exactly as it
// was recorded. Fills go in and come out as the domain Fill (src/domain/fill.ts); the exchange's trade
// ids are integers, kept as numbers here.

import { D, type Decimal } from '../../util/decimal.js';
import type { Fill } from '../../domain/fill.js';

const F_ASK = 1;
const F_MAKER = 2;
const F_NO_CLIENT = 4;

const DEC_RE = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Exact integer mantissa and scale of a plain decimal string, or null when it does not round-trip. */
function packDecimal(s: string, wide: boolean): { mant: number; scale: number } | null {
  const m = DEC_RE.exec(s);
  if (!m) return null;
  const frac = m[3] ?? '';
  const digits = m[2]! + frac;
  if (digits.length > 15 || frac.length > 127) return null;
  const mant = Number(m[1]! + digits);
  if (!wide && (mant > 0x7fffffff || mant < -0x80000000)) return null;
  const p = { mant, scale: frac.length };
  return unpackDecimal(p.mant, p.scale) === s ? p : null;
}

function unpackDecimal(mant: number, scale: number): string {
  const neg = mant < 0 || Object.is(mant, -0);
  let d = String(Math.abs(mant));
  if (scale > 0) {
    d = d.padStart(scale + 1, '0');
    d = `${d.slice(0, d.length - scale)}.${d.slice(d.length - scale)}`;
  }
  return neg ? `-${d}` : d;
}

/** One decimal column: mantissa + scale, values that do not pack in `odd` (keyed by sequence number). */
class DecimalColumn {
  mant: Float64Array | Int32Array;
  scale = new Int8Array(0);
  readonly odd = new Map<number, Decimal>();
  constructor(private readonly wide: boolean) {
    this.mant = wide ? new Float64Array(0) : new Int32Array(0);
  }
  resize(cap: number): void {
    const m = this.wide ? new Float64Array(cap) : new Int32Array(cap);
    m.set(this.mant.subarray(0, Math.min(cap, this.mant.length)));
    this.mant = m;
    const s = new Int8Array(cap);
    s.set(this.scale.subarray(0, Math.min(cap, this.scale.length)));
    this.scale = s;
  }
  set(i: number, seq: number, v: Decimal): void {
    const p = packDecimal(v.toString(), this.wide);
    if (p === null) {
      this.odd.set(seq, v);
      this.scale[i] = -1;
    } else {
      this.mant[i] = p.mant;
      this.scale[i] = p.scale;
    }
  }
  get(i: number, seq: number): Decimal {
    const sc = this.scale[i]!;
    return sc < 0 ? this.odd.get(seq)! : D(unpackDecimal(this.mant[i]!, sc));
  }
  shift(k: number, n: number, dropped: number): void {
    this.mant.copyWithin(0, k, n);
    this.scale.copyWithin(0, k, n);
    for (const seq of this.odd.keys()) if (seq < dropped) this.odd.delete(seq);
  }
}

export interface FillMatch {
  symbol?: string;
  orderId?: string;
  from?: number;
  to?: number;
}

/**
 * Fills in arrival order, oldest first. Sequence numbers count every fill ever appended (the oldest kept
 * has sequence `dropped`), so the state file can append only what is new.
 */
export class FillStore {
  private n = 0;
  /** Fills removed from the front (by the history limit) since the account was created. */
  dropped = 0;
  /** Some fill is older than one appended before it (a clock that stepped back): `from` cannot bisect. */
  unsorted = false;
  private ts = new Float64Array(0);
  private tradeId = new Float64Array(0);
  private orderNum = new Float64Array(0);
  private clientId = new Uint32Array(0);
  private sym = new Uint16Array(0);
  private feeSym = new Uint16Array(0);
  private flags = new Uint8Array(0);
  private readonly price = new DecimalColumn(false);
  private readonly qty = new DecimalColumn(false);
  private readonly fee = new DecimalColumn(true);
  /** Order ids that are not canonical integers, by sequence number. */
  private readonly oddOrderIds = new Map<number, string>();
  private readonly names: string[] = [];
  private readonly nameIdx = new Map<string, number>();

  get length(): number {
    return this.n;
  }

  /** Sequence number one past the newest fill. */
  get end(): number {
    return this.dropped + this.n;
  }

  get newestTs(): number | null {
    return this.n > 0 ? this.ts[this.n - 1]! : null;
  }

  append(f: Fill): void {
    const tradeId = Number(f.tradeId);
    if (!Number.isSafeInteger(tradeId) || String(tradeId) !== f.tradeId) throw new Error(`fill store: trade id ${f.tradeId} is not an integer`);
    // Grow by half (not double): at a million fills, doubling would leave up to 50 MB allocated and unused.
    if (this.n === this.ts.length) this.resize(Math.max(1024, Math.ceil(this.n * 1.5)));
    const i = this.n;
    const seq = this.dropped + i;
    if (i > 0 && this.ts[i - 1]! > f.timestamp) this.unsorted = true;
    this.ts[i] = f.timestamp;
    this.tradeId[i] = tradeId;
    const on = Number(f.orderId);
    if (/^(0|[1-9]\d{0,14})$/.test(f.orderId)) this.orderNum[i] = on;
    else {
      this.orderNum[i] = NaN;
      this.oddOrderIds.set(seq, f.orderId);
    }
    if (f.clientId !== null && f.clientId >>> 0 !== f.clientId) throw new Error(`fill store: clientId ${f.clientId} is not a uint32`);
    this.clientId[i] = f.clientId ?? 0;
    this.sym[i] = this.name(f.symbol);
    this.feeSym[i] = this.name(f.feeSymbol);
    this.flags[i] = (f.side === 'Ask' ? F_ASK : 0) | (f.isMaker ? F_MAKER : 0) | (f.clientId === null ? F_NO_CLIENT : 0);
    this.price.set(i, seq, f.price);
    this.qty.set(i, seq, f.quantity);
    this.fee.set(i, seq, f.fee);
    this.n++;
  }

  /** The fill at index i (0 = oldest kept). */
  at(i: number): Fill {
    const seq = this.dropped + i;
    const fl = this.flags[i]!;
    const on = this.orderNum[i]!;
    return {
      tradeId: String(this.tradeId[i]!),
      orderId: Number.isNaN(on) ? this.oddOrderIds.get(seq)! : String(on),
      clientId: fl & F_NO_CLIENT ? null : this.clientId[i]!,
      symbol: this.names[this.sym[i]!]!,
      side: fl & F_ASK ? 'Ask' : 'Bid',
      price: this.price.get(i, seq),
      quantity: this.qty.get(i, seq),
      fee: this.fee.get(i, seq),
      feeSymbol: this.names[this.feeSym[i]!]!,
      isMaker: (fl & F_MAKER) !== 0,
      timestamp: this.ts[i]!,
    };
  }

  /** Drop the oldest fills so that at most `keep` remain. */
  keepNewest(keep: number): void {
    const k = this.n - Math.max(0, keep);
    if (k <= 0) return;
    const n = this.n;
    for (const a of [this.ts, this.tradeId, this.orderNum]) a.copyWithin(0, k, n);
    this.clientId.copyWithin(0, k, n);
    this.sym.copyWithin(0, k, n);
    this.feeSym.copyWithin(0, k, n);
    this.flags.copyWithin(0, k, n);
    this.dropped += k;
    this.n -= k;
    for (const c of [this.price, this.qty, this.fee]) c.shift(k, n, this.dropped);
    for (const seq of this.oddOrderIds.keys()) if (seq < this.dropped) this.oddOrderIds.delete(seq);
    if (this.ts.length > 2 * Math.max(1024, this.n)) this.resize(Math.max(1024, Math.ceil(this.n * 1.25)));
  }

  clear(): void {
    this.keepNewest(0);
  }

  /**
   * Indexes of the fills matching `q`, oldest first (or newest first with `desc`), skipping `offset`
   * matches and returning at most `limit`, plus the number of matches in all.
   */
  query(q: FillMatch, desc: boolean, offset: number, limit: number): { idx: number[]; total: number } {
    const lo = q.from !== undefined && !this.unsorted ? this.lowerBound(q.from) : 0;
    const s = q.symbol === undefined ? -1 : (this.nameIdx.get(q.symbol) ?? -2);
    const idx: number[] = [];
    let total = 0;
    if (s === -2) return { idx, total };
    const match = (i: number): boolean =>
      (s < 0 || this.sym[i] === s) &&
      (q.from === undefined || this.ts[i]! >= q.from) &&
      (q.to === undefined || this.ts[i]! <= q.to) &&
      (q.orderId === undefined || this.orderIdAt(i) === q.orderId);
    if (desc) {
      for (let i = this.n - 1; i >= lo; i--) if (match(i) && total++ >= offset && idx.length < limit) idx.push(i);
    } else {
      for (let i = lo; i < this.n; i++) if (match(i) && total++ >= offset && idx.length < limit) idx.push(i);
    }
    return { idx, total };
  }

  /** Fills with sequence numbers in [from, to) that are still kept, oldest first. */
  range(from: number, to = this.end): Fill[] {
    const out: Fill[] = [];
    const last = Math.min(this.n, to - this.dropped);
    for (let i = Math.max(0, from - this.dropped); i < last; i++) out.push(this.at(i));
    return out;
  }

  private orderIdAt(i: number): string {
    const on = this.orderNum[i]!;
    return Number.isNaN(on) ? this.oddOrderIds.get(this.dropped + i)! : String(on);
  }

  private lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private name(s: string): number {
    let i = this.nameIdx.get(s);
    if (i === undefined) {
      i = this.names.length;
      if (i > 0xffff) throw new Error('fill store: more than 65,536 distinct symbols');
      this.names.push(s);
      this.nameIdx.set(s, i);
    }
    return i;
  }

  private resize(cap: number): void {
    const copy = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(a: T, b: T): T => {
      b.set(a.subarray(0, Math.min(cap, a.length)));
      return b;
    };
    this.ts = copy(this.ts, new Float64Array(cap));
    this.tradeId = copy(this.tradeId, new Float64Array(cap));
    this.orderNum = copy(this.orderNum, new Float64Array(cap));
    this.clientId = copy(this.clientId, new Uint32Array(cap));
    this.sym = copy(this.sym, new Uint16Array(cap));
    this.feeSym = copy(this.feeSym, new Uint16Array(cap));
    this.flags = copy(this.flags, new Uint8Array(cap));
    for (const col of [this.price, this.qty, this.fee]) col.resize(cap);
  }
}
