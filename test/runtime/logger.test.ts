import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair } from '../../src/exchange/backpack/signing.js';
import { ConsoleLogger, Redactor, secretVariants } from '../../src/runtime/logger.js';

test('one timestamped line per call, with the level', () => {
  const lines: string[] = [];
  const log = new ConsoleLogger({ out: (l) => lines.push(l), now: () => Date.UTC(2026, 10, 24, 21, 0, 0) });
  log.info('FILL SOL_USDC_PERP Bid 0.1 @ 150');
  log.warn('two\nlines');
  assert.deepEqual(lines, ['2026-11-24T21:00:00.000Z INFO FILL SOL_USDC_PERP Bid 0.1 @ 150', '2026-11-24T21:00:00.000Z WARN two | lines']);
});

test('the secret is scrubbed in every spelling: raw, base64 of the seed, base64url, hex', () => {
  const { secret } = generateKeyPair();
  const seed = Buffer.from(secret, 'base64');
  const lines: string[] = [];
  const log = new ConsoleLogger({ secrets: [secret], out: (l) => lines.push(l) });
  log.info(`raw ${secret} end`);
  log.warn(`hex ${seed.toString('hex')} HEX ${seed.toString('hex').toUpperCase()}`);
  log.info(`url ${seed.toString('base64url')}`);
  log.info(`unpadded ${secret.replace(/=+$/, '')}`);
  const all = lines.join('\n');
  assert.ok(!all.includes(secret.replace(/=+$/, '')), 'base64 scrubbed');
  assert.ok(!all.toLowerCase().includes(seed.toString('hex')), 'hex scrubbed');
  assert.ok(!all.includes(seed.toString('base64url')), 'base64url scrubbed');
  assert.equal((all.match(/\[redacted\]/g) ?? []).length, 5);
  assert.match(lines[0]!, /raw \[redacted\] end$/);
});

test('a 64-byte secret key also scrubs its 32-byte seed; short or empty secrets are ignored', () => {
  const { secret } = generateKeyPair();
  const seed = Buffer.from(secret, 'base64');
  const full = Buffer.concat([seed, Buffer.alloc(32, 7)]).toString('base64');
  const r = new Redactor([full, '', 'abc']);
  assert.equal(r.redact(`a ${seed.toString('base64')} b ${full} c abc`), 'a [redacted] b [redacted] c abc');
  assert.ok(secretVariants(full).length >= 8);
});
