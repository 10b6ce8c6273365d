// The README's settings table is the one generated from SETTINGS: a default, a name or a meaning changed
// in src/config/settings.ts (or a setting added) without the README following fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findTable, settingsTable, withGeneratedTable } from '../../src/config/settings-table.js';
import { SETTINGS, envName } from '../../src/config/settings.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('README settings table equals the one generated from SETTINGS (regenerate: node --import tsx scripts/settings-table.ts --write)', () => {
  const lines = README.split('\n');
  const at = findTable(lines);
  assert.ok(at, 'the README has a settings table');
  assert.deepEqual(lines.slice(at[0], at[1]), settingsTable());
});

test('the generated table has one row per setting with its default, and --write replaces only the table', () => {
  const rows = settingsTable().slice(2);
  assert.equal(rows.length, SETTINGS.length);
  const improve = rows.find((r) => r.startsWith('| `TIERHUNTER_IMPROVE_TICKS` |'))!;
  assert.equal(improve.split(' | ')[1], `\`${SETTINGS.find((s) => s.key === 'improveTicks')!.def}\``);
  for (const s of SETTINGS) assert.ok(rows.some((r) => r.startsWith(`| \`${envName(s.key)}\` |`)), envName(s.key));
  const stale = README.replace('| `TIERHUNTER_IMPROVE_TICKS` | `1` |', '| `TIERHUNTER_IMPROVE_TICKS` | `0` |');
  const fixed = withGeneratedTable(stale);
  assert.equal(fixed, withGeneratedTable(README));
  assert.equal(fixed.split('\n').length, stale.split('\n').length, 'nothing but the table changes');
});
