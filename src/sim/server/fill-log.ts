// The paper exchange's fills on disk: an append-only JSONL log next to the state file, so a state save
// every 10 s writes only the fills made since the last one (a million-fill history is never rewritten on
// a timer). Each line is one account's new fills, `{"k": apiKey, "s": seq of the first row, "r": rows}`.
// The state file names, per account, the sequence number its balances and positions include (`fillEnd`):
// rows at or past it were appended just before a crash that kept the state file from being written, and
// are dropped on load (the account's other state does not include them). The log is rewritten whole
// (temp file + rename) only when it holds twice what the accounts keep, after such a crash, or once to
// move fills out of an older state file.
import { appendFile, open, readFile, rename } from 'node:fs/promises';
import type { Fill } from '../../domain/fill.js';
import { parseDecimal } from '../../util/decimal.js';
import { fillFromJson } from '../accounts/history.js';
import type { SimExchange } from '../exchange.js';
import { fmtAtScale } from '../matching/units.js';

type Row = [number, string, number | null, string, 0 | 1, string, string, string, string, 0 | 1, number];

/** A fill's row: price and quantity at its market's tick and step scale, as the exchange prints them. */
function toRow(f: Fill, ex: SimExchange): Row {
  const m = ex.market(f.symbol);
  const price = fmtAtScale(f.price, m?.ps.scale);
  const qty = fmtAtScale(f.quantity, m?.qs.scale);
  return [Number(f.tradeId), f.orderId, f.clientId, f.symbol, f.side === 'Ask' ? 1 : 0, price, qty, f.fee.toString(), f.feeSymbol, f.isMaker ? 1 : 0, f.timestamp];
}

function fromRow(r: Row): Fill {
  return fillFromJson({ tradeId: r[0], orderId: r[1], clientId: r[2], symbol: r[3], side: r[4] === 1 ? 'Ask' : 'Bid', price: r[5], quantity: r[6], fee: r[7], feeSymbol: r[8], isMaker: r[9] === 1, timestamp: r[10] });
}

function isRow(x: unknown): x is Row {
  return Array.isArray(x) && x.length === 11 && typeof x[0] === 'number' && typeof x[1] === 'string' && typeof x[3] === 'string' && [x[5], x[6], x[7]].every((d) => parseDecimal(d) !== null) && typeof x[10] === 'number';
}

export function fillLogPath(stateFile: string): string {
  return stateFile.replace(/\.json$/, '') + '.fills.jsonl';
}

export class FillLog {
  /** Per account: sequence number one past the newest fill written to the log. */
  private readonly written = new Map<string, number>();
  private rows = 0;
  private rewrite = false;

  constructor(readonly path: string) {}

  /**
   * Add the logged fills of every account the state file restored (`fillEnd` per account from it). An
   * account whose state carried its fills inline (older state files) already has them.
   */
  async load(ex: SimExchange, fillEnd: Map<string, number>, inline: Set<string>): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const lines = text.split('\n');
    if (lines.pop() !== '') this.rewrite = true; // a torn last line: a save was cut short
    for (const line of lines) {
      if (line === '') continue;
      let rec: { k?: unknown; s?: unknown; r?: unknown };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        this.rewrite = true;
        continue;
      }
      const key = rec.k;
      const end = typeof key === 'string' ? fillEnd.get(key) : undefined;
      if (typeof key !== 'string' || end === undefined || inline.has(key) || typeof rec.s !== 'number' || !Array.isArray(rec.r)) {
        this.rewrite = true;
        continue;
      }
      const store = ex.account(key).fills;
      let seq = rec.s;
      for (const r of rec.r) {
        this.rows++;
        if (seq >= end || !isRow(r)) {
          // Written after the state the account was restored from (or unreadable): not part of it.
          this.rewrite = true;
          break;
        }
        if (seq >= store.end) {
          if (store.length === 0) store.dropped = seq;
          else if (seq > store.end) this.rewrite = true;
          store.append(fromRow(r));
        }
        seq++;
      }
    }
    for (const [key, end] of fillEnd) {
      const store = ex.accounts.get(key)?.fills;
      if (!store) continue;
      if (store.end !== end || inline.has(key)) this.rewrite = true;
      this.written.set(key, store.end);
    }
  }

  /**
   * Write the fills up to `ends` (per account, taken with the state snapshot in the same tick): what is new,
   * or everything when the log must be rewritten. Before the state file is written.
   */
  async save(ex: SimExchange, ends: ReadonlyMap<string, number>): Promise<void> {
    let kept = 0;
    for (const a of ex.accounts.values()) kept += a.fills.length;
    if (this.rewrite || this.rows > 2 * kept + 1024) {
      await this.rewriteAll(ex, ends);
      return;
    }
    let out = '';
    let added = 0;
    for (const [key, end] of ends) {
      const store = ex.accounts.get(key)?.fills;
      if (!store) continue;
      const from = Math.max(this.written.get(key) ?? 0, store.dropped);
      if (end > from) {
        const rows = store.range(from, end).map((f) => toRow(f, ex));
        out += JSON.stringify({ k: key, s: from, r: rows }) + '\n';
        added += rows.length;
      }
    }
    if (out !== '') await appendFile(this.path, out, { mode: 0o600 });
    this.rows += added;
    for (const [k, e] of ends) this.written.set(k, e);
  }

  private async rewriteAll(ex: SimExchange, ends: ReadonlyMap<string, number>): Promise<void> {
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    let rows = 0;
    try {
      for (const [key, end] of ends) {
        const store = ex.accounts.get(key)?.fills;
        if (!store) continue;
        // In chunks, a million fills never become one string; fills dropped meanwhile are skipped (the
        // oldest go first, so the chunks stay contiguous).
        let from = store.dropped;
        while (from < end) {
          from = Math.max(from, store.dropped);
          const to = Math.min(from + 50_000, end);
          const chunk = store.range(from, to).map((f) => toRow(f, ex));
          if (chunk.length > 0) await fh.write(JSON.stringify({ k: key, s: from, r: chunk }) + '\n');
          rows += chunk.length;
          from = to;
        }
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    this.rows = rows;
    this.rewrite = false;
    for (const [k, e] of ends) this.written.set(k, e);
  }
}
