// The README's settings table, generated from SETTINGS (the one source of truth). A test compares it with
// the README, and `node --import tsx scripts/settings-table.ts --write` rewrites the README's copy.
import { SETTINGS, envName } from './settings.js';

export const TABLE_HEADER = '| environment variable | default | meaning |';

/** The table as Markdown lines, header first. */
export function settingsTable(): string[] {
  const lines = [TABLE_HEADER, '|---|---|---|'];
  for (const s of SETTINGS) {
    const def = s.def === '' ? '(none)' : `\`${s.def}\``;
    lines.push(`| \`${envName(s.key)}\` | ${def} | ${s.doc.replace(/\|/g, '\\|')} |`);
  }
  return lines;
}

/** Where the table sits in a README: [first line, one past the last], or null when it has none. */
export function findTable(readme: string[]): [number, number] | null {
  const start = readme.indexOf(TABLE_HEADER);
  if (start < 0) return null;
  let end = start;
  while (end < readme.length && readme[end]!.startsWith('|')) end++;
  return [start, end];
}

/** The README with its settings table replaced by the generated one. */
export function withGeneratedTable(readme: string): string {
  const lines = readme.split('\n');
  const at = findTable(lines);
  if (!at) throw new Error(`the README has no settings table (a line "${TABLE_HEADER}")`);
  lines.splice(at[0], at[1] - at[0], ...settingsTable());
  return lines.join('\n');
}
