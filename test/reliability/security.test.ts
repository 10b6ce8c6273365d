// Security checks of issue 8 not covered elsewhere: a group- or world-readable secret file is refused
// with a clear error that does not echo the secret; exchange input is validated at the edge (non-finite
// numbers, bad sides, malformed symbols are CodecErrors, so the adapter counts and drops them); well-formed
// events for symbols the core does not trade change nothing. (Control socket modes and bad lines:
// test/control/server.test.ts; the end-to-end secret scan and TCP-listener check: kill9.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { generateKeyPair } from '../../src/exchange/backpack/signing.js';
import { CodecError } from '../../src/exchange/backpack/codec/fields.js';
import { decodeFill, decodePosition } from '../../src/exchange/backpack/codec/rest-rows.js';
import {
  decodeDepthDelta,
  decodeOrderUpdate,
  decodePositionUpdate,
  decodeTrade,
} from '../../src/exchange/backpack/codec/stream-frames.js';
import { D } from '../../src/util/decimal.js';
import { makeHarness } from '../core/helpers/harness.js';

test('a secret file readable by group or others is refused, naming the variable and the fix, never the secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-secfile-'));
  try {
    const kp = generateKeyPair();
    const f = join(dir, 'keys');
    writeFileSync(f, `${kp.apiKey}\n${kp.secret}\n`);
    for (const mode of [0o640, 0o604, 0o660, 0o644]) {
      chmodSync(f, mode);
      let err: unknown = null;
      try {
        loadConfig({ TIERHUNTER_HOME: join(dir, 'home'), TIERHUNTER_SECRET_FILE: f });
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof ConfigError, `mode ${mode.toString(8)} refused`);
      assert.equal(err.setting, 'TIERHUNTER_SECRET_FILE');
      assert.match(err.message, /group\/others/);
      assert.match(err.message, /chmod 600/);
      assert.ok(!err.message.includes(kp.secret), 'the error does not echo the secret');
    }
    chmodSync(f, 0o600);
    assert.equal(loadConfig({ TIERHUNTER_HOME: join(dir, 'home'), TIERHUNTER_SECRET_FILE: f }).keys?.apiKey, kp.apiKey);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const ORDER = { e: 'orderFill', E: 1754939110175843, s: 'SOL_USDC_PERP', c: 1001, S: 'Bid', o: 'LIMIT', f: 'GTC', q: '1.5', p: '180.50', X: 'PartiallyFilled', i: '5406825793', t: 2888471, l: '0.5', L: '180.50', m: true, n: '0.01805', N: 'USDC', z: '0.5', Z: '90.25', T: 1754939110174703, O: 'USER', r: false, y: true };
const FILL = { tradeId: 9748827, orderId: '4238907375', clientId: '1001', symbol: 'ETH_USDC_PERP', side: 'Bid', price: '3826.15', quantity: '0.0026', fee: '0.004974', feeSymbol: 'USDC', isMaker: false, timestamp: '2025-07-27T17:39:00.092' };
const TRADE = { e: 'trade', E: 1754601477746429, s: 'SOL_USDC_PERP', p: '180.52', q: '1.25', b: '1', a: '2', t: 10782547, T: 1754601477744000, m: true };
const DEPTH = { e: 'depth', E: 1790134357267289, s: 'SOL_USDC_PERP', a: [['180.52', '1']], b: [['180.51', '0.00']], U: 6730019258, u: 6730019258, T: 1790134357267074 };
const POSITION = { symbol: 'SOL_USDC_PERP', netQuantity: '1', entryPrice: '180', markPrice: '181', pnlRealized: '0', pnlUnrealized: '1', cumulativeFundingPayment: '0' };
const POSITION_UPDATE = { e: 'positionAdjusted', E: 1754939110175843, s: 'SOL_USDC_PERP', q: '1', B: '180', M: '181', P: '1', p: '0', i: '1', T: 1754939110174703 };

test('exchange input is validated at the edge: non-finite numbers, bad sides and malformed symbols never reach the engine', () => {
  const bad: Array<[string, () => unknown]> = [];
  for (const v of ['NaN', 'Infinity', '-Infinity', '', '1,5', '0x10', null, true, 1e400]) {
    bad.push([`order update price ${String(v)}`, () => decodeOrderUpdate({ ...ORDER, L: v })]);
    bad.push([`order update qty ${String(v)}`, () => decodeOrderUpdate({ ...ORDER, l: v })]);
    bad.push([`fill price ${String(v)}`, () => decodeFill({ ...FILL, price: v })]);
    // A missing (null) fee is read as zero by design (fee-free fills); any value present must be finite.
    if (v !== null) bad.push([`fill fee ${String(v)}`, () => decodeFill({ ...FILL, fee: v })]);
    bad.push([`trade qty ${String(v)}`, () => decodeTrade({ ...TRADE, q: v })]);
    bad.push([`depth level ${String(v)}`, () => decodeDepthDelta({ ...DEPTH, a: [['180.52', v]] })]);
    bad.push([`position qty ${String(v)}`, () => decodePosition({ ...POSITION, netQuantity: v })]);
    bad.push([`position update qty ${String(v)}`, () => decodePositionUpdate({ ...POSITION_UPDATE, q: v })]);
  }
  for (const side of ['Buy', 'bid', 'SELL', '', null]) {
    bad.push([`order side ${String(side)}`, () => decodeOrderUpdate({ ...ORDER, S: side })]);
    bad.push([`fill side ${String(side)}`, () => decodeFill({ ...FILL, side })]);
  }
  for (const sym of ['sol_usdc', 'SOL-USDC', '', 'SOL USDC', '../etc', 42]) {
    bad.push([`order symbol ${String(sym)}`, () => decodeOrderUpdate({ ...ORDER, s: sym })]);
    bad.push([`fill symbol ${String(sym)}`, () => decodeFill({ ...FILL, symbol: sym })]);
    bad.push([`depth symbol ${String(sym)}`, () => decodeDepthDelta({ ...DEPTH, s: sym })]);
  }
  const accepted = bad.filter(([, f]) => {
    try {
      f();
      return true;
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      return false;
    }
  });
  assert.deepEqual(accepted.map(([n]) => n), [], 'each is a CodecError (counted and dropped by the adapter)');
  // The unmodified samples decode (the table above really tests the field, not a broken sample).
  decodeOrderUpdate(ORDER);
  decodeFill(FILL);
  decodeTrade(TRADE);
  decodeDepthDelta(DEPTH);
  decodePosition(POSITION);
  decodePositionUpdate(POSITION_UPDATE);
});

test('well-formed events for a symbol the core does not trade change nothing and throw nothing', async () => {
  const h = makeHarness();
  await h.engine.start();
  const before = JSON.stringify(h.engine.snapshot().symbols);
  const other = 'DOGE_USDC_PERP';
  h.port.emit({ type: 'markPrice', symbol: other, markPrice: D(1), indexPrice: null, fundingRate: null, ts: 0 });
  h.port.emit({ type: 'position', event: { symbol: other, netQuantity: D(5), entryPrice: D(1), markPrice: D(1), pnlRealized: D(0), pnlUnrealized: D(0), snapshot: false, ts: 0 } });
  h.port.emit({
    type: 'order',
    recvNs: 0n,
    event: { ...decodeOrderUpdate({ ...ORDER, s: other }), clientId: 7 },
  });
  h.port.emit({ type: 'bookInvalid', symbol: other, reason: 'x', ts: 0 });
  await new Promise((r) => setImmediate(r));
  assert.equal(h.engine.view.malformedEvents, 0);
  assert.equal(h.engine.view.stats.figures().fills, 0);
  assert.equal(JSON.stringify(h.engine.snapshot().symbols), before);
  await h.engine.stop();
});
