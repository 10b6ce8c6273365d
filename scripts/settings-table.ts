// Prints the README's settings table from the one source of truth, src/config/settings.ts; with --write,
// replaces the table in README.md (test/config/readme-settings.test.ts fails while they differ).
// Usage: node --import tsx scripts/settings-table.ts [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import { settingsTable, withGeneratedTable } from '../src/config/settings-table.js';

if (process.argv.includes('--write')) {
  const file = new URL('../README.md', import.meta.url);
  writeFileSync(file, withGeneratedTable(readFileSync(file, 'utf8')));
  console.log('README.md settings table regenerated');
} else {
  console.log(settingsTable().join('\n'));
}
