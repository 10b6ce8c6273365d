// Prints the README's settings table from the one source of truth, src/config/settings.ts.
// Usage: node --import tsx scripts/settings-table.ts
import { SETTINGS, envName } from '../src/config/settings.js';

console.log('| environment variable | default | meaning |');
console.log('|---|---|---|');
for (const s of SETTINGS) {
  const def = s.def === '' ? '(none)' : `\`${s.def}\``;
  console.log(`| \`${envName(s.key)}\` | ${def} | ${s.doc.replace(/\|/g, '\\|')} |`);
}
