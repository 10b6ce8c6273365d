// The NDJSON line reader shared by the control server and both control clients (src/control/ndjson.ts):
// lines split anywhere across chunks, several per chunk, CRLF, blank lines, UTF-8 split mid-character,
// oversized lines reported once and skipped without ever being buffered whole, stop() inside a callback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdjsonLineReader } from '../../src/control/ndjson.js';

function reader(maxLineBytes = 64) {
  const lines: string[] = [];
  let oversized = 0;
  const r = new NdjsonLineReader({ maxLineBytes, onLine: (l) => lines.push(l), onOversized: () => oversized++ });
  return { r, lines, oversized: () => oversized };
}

test('several frames in one chunk, CRLF stripped, blank lines skipped, a partial tail kept', () => {
  const { r, lines } = reader();
  r.push('{"a":1}\n{"b":2}\r\n\n  \r\n{"c"');
  assert.deepEqual(lines, ['{"a":1}', '{"b":2}']);
  assert.equal(r.buffered, 4);
  r.push(':3}\n');
  assert.deepEqual(lines, ['{"a":1}', '{"b":2}', '{"c":3}']);
  assert.equal(r.lines, 3);
  assert.equal(r.buffered, 0);
});

test('a frame split at every byte boundary, with a multi-byte character, reads the same', () => {
  const text = '{"msg":"café ✓ 🚀"}\n{"n":2}\n';
  const bytes = Buffer.from(text, 'utf8');
  for (let cut = 1; cut < bytes.length; cut++) {
    const { r, lines } = reader();
    r.push(bytes.subarray(0, cut));
    r.push(bytes.subarray(cut));
    assert.deepEqual(lines, ['{"msg":"café ✓ 🚀"}', '{"n":2}'], `cut at ${cut}`);
  }
  const { r, lines } = reader();
  for (const b of bytes) r.push(Buffer.from([b]));
  assert.deepEqual(lines, ['{"msg":"café ✓ 🚀"}', '{"n":2}']);
});

test('an oversized line is reported once, never buffered past the limit, and the next line still reads', () => {
  const { r, lines, oversized } = reader(16);
  r.push('{"ok":1}\n' + 'x'.repeat(10));
  r.push('y'.repeat(10)); // passes 16 bytes here: reported now, not at its newline
  assert.equal(oversized(), 1);
  assert.equal(r.buffered, 0);
  for (let i = 0; i < 100; i++) r.push('z'.repeat(1000)); // still the same line: dropped, not counted again
  assert.equal(oversized(), 1);
  assert.equal(r.buffered, 0);
  r.push('tail\n{"ok":2}\n');
  assert.deepEqual(lines, ['{"ok":1}', '{"ok":2}']);
  assert.equal(r.oversized, 1);
  // Exactly at the limit is fine; one byte over is not, even when the whole line arrives in one chunk.
  r.push('a'.repeat(16) + '\n' + 'b'.repeat(17) + '\n');
  assert.deepEqual(lines.slice(2), ['a'.repeat(16)]);
  assert.equal(oversized(), 2);
});

test('stop() inside a callback ends reading at once, even mid-chunk', () => {
  const lines: string[] = [];
  const r: NdjsonLineReader = new NdjsonLineReader({
    maxLineBytes: 8,
    onLine: (l) => {
      lines.push(l);
      if (l === 'stop') r.stop();
    },
    onOversized: () => assert.fail('not reached'),
  });
  r.push('one\nstop\ntwo\n' + 'x'.repeat(100) + '\n');
  r.push('three\n');
  assert.deepEqual(lines, ['one', 'stop']);
  const o: NdjsonLineReader = new NdjsonLineReader({ maxLineBytes: 4, onLine: (l) => lines.push(l), onOversized: () => o.stop() });
  o.push('toolong\nafter\n');
  assert.deepEqual(lines, ['one', 'stop']);
});

test('garbage bytes never throw: invalid UTF-8 and NULs become a line for the caller to refuse', () => {
  const { r, lines } = reader();
  assert.doesNotThrow(() => r.push(Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0xc3, 0x0a])));
  assert.equal(lines.length, 2);
  assert.equal(lines[0], '\ufffd\ufffd\u0000');
});
