// `npm run bench`: every benchmark is a named function returning rows {name, value, unit, target, pass};
// this prints one table and exits non-zero when a row misses its target. Add benchmarks to BENCHES.
import { benchSigning } from './signing.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "<= 50". Empty when informational. */
  target: string;
  pass: boolean;
}

export interface Bench {
  name: string;
  run: () => Promise<BenchRow[]>;
}

const round = (x: number) => Math.round(x * 10) / 10;

export const BENCHES: Bench[] = [
  {
    name: 'signing',
    run: async () => {
      const r = await benchSigning();
      return [
        { name: 'sign (node:crypto) median', value: round(r.fastP50Us), unit: 'µs', target: '<= 50', pass: r.fastP50Us <= 50 },
        { name: 'sign (node:crypto) p99', value: round(r.fastP99Us), unit: 'µs', target: '', pass: true },
        { name: 'sign (tweetnacl) median', value: round(r.naclP50Us), unit: 'µs', target: '', pass: true },
        { name: 'sign (tweetnacl) p99', value: round(r.naclP99Us), unit: 'µs', target: '', pass: true },
      ];
    },
  },
];

function printTable(rows: BenchRow[]): void {
  const header = ['benchmark', 'value', 'unit', 'target', 'ok'];
  const cells = rows.map((r) => [r.name, String(r.value), r.unit, r.target || '-', r.target ? (r.pass ? 'yes' : 'NO') : '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

export async function runAll(filter: string[] = []): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const b of BENCHES) {
    if (filter.length > 0 && !filter.some((f) => b.name.includes(f))) continue;
    try {
      rows.push(...(await b.run()));
    } catch (e) {
      rows.push({ name: `${b.name} (failed: ${e instanceof Error ? e.message : String(e)})`, value: NaN, unit: '', target: 'runs', pass: false });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runAll(process.argv.slice(2));
  printTable(rows);
  process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
}
