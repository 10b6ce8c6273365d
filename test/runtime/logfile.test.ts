import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogFile } from '../../src/runtime/logfile.js';
import { tempDir } from '../control/fixtures.js';

test('log file appends blocks, never truncates existing content, creates its directory', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'logs', 'deep', 'log.txt');
    const a = new LogFile(path);
    a.write('=== block 1 ===\nline a\n');
    a.write('=== block 2 ===\nline b'); // missing newline is added
    // A restart opens the same file: earlier content stays.
    const b = new LogFile(path);
    b.write('=== block 3 ===\n');
    assert.equal(readFileSync(path, 'utf8'), '=== block 1 ===\nline a\n=== block 2 ===\nline b\n=== block 3 ===\n');
  } finally {
    t.cleanup();
  }
});

test('a relative path resolves against the given working directory; existing files are kept', () => {
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, 'log.txt'), 'previous run\n');
    const l = new LogFile('./log.txt', t.dir);
    assert.equal(l.path, join(t.dir, 'log.txt'));
    l.write('new block\n');
    assert.equal(readFileSync(l.path, 'utf8'), 'previous run\nnew block\n');
  } finally {
    t.cleanup();
  }
});

test('an unwritable log file throws (the core alerts)', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'log.txt');
    mkdirSync(path); // a directory in the way fails even for root
    assert.throws(() => new LogFile(path).write('x\n'), /cannot append to .*log\.txt: EISDIR/);
  } finally {
    t.cleanup();
  }
});
