// Fill deduplication with bounded memory. A bot that runs for weeks sees millions of fills; a Set of every
// trade id would grow without end. Backpack trade ids are integers increasing per market, so per symbol we
// keep the most recent ids in a set and, for ids evicted from it, a watermark: an id between the smallest id
// ever recorded and the highest evicted one has been seen. (Fills missed while the bot was down are newer
// than everything in the journal, so they are never below the watermark.) Non-numeric ids (funding
// records) are few and kept exactly.
import { StateError, stringsOf, type StateReader } from './state-codec.js';

// Re-deliveries come from REST recoveries of the last seconds before our newest fill, or from a restart's
// recovery of fills newer than the journal: 10,000 of our own fills per symbol is hours of trading at the
// paper market's ~1 fill/s, far more than any recovery reaches back. (50,000 cost ~13 MB of heap on 3
// symbols for no extra safety: bench memory.)
const RECENT_PER_SYMBOL = 10_000;

/** What a TradeDedupe knows, JSON-safe: per symbol the recent ids (oldest first) and the watermark. */
export interface DedupeState {
  symbols: Array<{ symbol: string; ids: string[]; min: string | null; floor: string | null }>;
  other: string[];
}

interface PerSymbol {
  recent: Set<string>;
  order: string[];
  head: number;
  /** Smallest numeric id ever recorded, and the highest evicted one (null until the first eviction). */
  min: bigint | null;
  floor: bigint | null;
}

const INT_RE = /^\d{1,30}$/;

/**
 * The id as an exact integer: a number when it has at most 15 digits (exact in a double), else a bigint.
 * Number and bigint compare exactly with < and >=, and a BigInt per fill showed in long backtests.
 */
function exactInt(id: string): number | bigint {
  return id.length <= 15 ? Number(id) : BigInt(id);
}

export class TradeDedupe {
  private readonly bySymbol = new Map<string, PerSymbol>();
  private readonly other = new Set<string>();

  constructor(private readonly cap = RECENT_PER_SYMBOL) {}

  has(symbol: string, id: string): boolean {
    if (!INT_RE.test(id)) return this.other.has(`${symbol}:${id}`);
    const s = this.bySymbol.get(symbol);
    if (!s) return false;
    if (s.recent.has(id)) return true;
    if (s.floor === null || s.min === null) return false;
    const n = exactInt(id);
    return n >= s.min && n <= s.floor;
  }

  /** Record an id; false when it was already seen. */
  add(symbol: string, id: string): boolean {
    if (this.has(symbol, id)) return false;
    if (!INT_RE.test(id)) {
      this.other.add(`${symbol}:${id}`);
      return true;
    }
    let s = this.bySymbol.get(symbol);
    if (!s) {
      s = { recent: new Set(), order: [], head: 0, min: null, floor: null };
      this.bySymbol.set(symbol, s);
    }
    const n = exactInt(id);
    if (s.min === null || n < s.min) s.min = BigInt(id);
    s.recent.add(id);
    s.order.push(id);
    while (s.recent.size > this.cap) {
      const old = s.order[s.head++]!;
      s.recent.delete(old);
      const o = BigInt(old);
      if (s.floor === null || o > s.floor) s.floor = o;
    }
    if (s.head > 4096 && s.head * 2 > s.order.length) {
      s.order = s.order.slice(s.head);
      s.head = 0;
    }
    return true;
  }

  state(): DedupeState {
    const symbols: DedupeState['symbols'] = [];
    for (const [symbol, s] of this.bySymbol) {
      // Ids are added once each, so the recent set is exactly the order list from its head.
      symbols.push({ symbol, ids: s.order.slice(s.head), min: s.min === null ? null : s.min.toString(), floor: s.floor === null ? null : s.floor.toString() });
    }
    return { symbols, other: [...this.other] };
  }

  /** A dedupe that answers exactly as the one `state()` was taken from (same evictions to come). */
  static fromState(r: StateReader, cap = RECENT_PER_SYMBOL): TradeDedupe {
    const d = new TradeDedupe(cap);
    const big = (v: unknown, where: string): bigint | null => {
      if (v === null) return null;
      if (typeof v !== 'string' || !INT_RE.test(v)) throw new StateError(`${where} is not an integer id`);
      return BigInt(v);
    };
    for (const s of r.list('symbols')) {
      const ids = stringsOf(s.get('ids'), s.path('ids'));
      if (ids.some((id) => !INT_RE.test(id))) throw new StateError(`${s.path('ids')} holds a non-numeric id`);
      d.bySymbol.set(s.str('symbol'), { recent: new Set(ids), order: ids.slice(), head: 0, min: big(s.get('min'), s.path('min')), floor: big(s.get('floor'), s.path('floor')) });
    }
    for (const k of stringsOf(r.get('other'), r.path('other'))) d.other.add(k);
    return d;
  }

  /** Entries held (for the memory benchmark and tests). */
  size(): number {
    let n = this.other.size;
    for (const s of this.bySymbol.values()) n += s.recent.size;
    return n;
  }
}
