import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import {
  KeyError,
  Signer,
  loadKeyPair,
  signWithTweetnacl,
} from '../../../src/exchange/backpack/signing.js';
import { verifySignature } from '../../../src/protocol/backpack/ed25519.js';
import { orderBody } from '../../../src/protocol/backpack/requests.js';
import { signingString } from '../../../src/protocol/backpack/signing-string.js';
import { D } from '../../../src/util/decimal.js';

// Backpack's published example key pair (public documentation material).
const PUBLIC = 'zDIJj9qneWIY0IYZ5aXoHcNMCm+XDhVcTssiT0HyY0A=';
const SECRET = '4odxgSUxFrC/zsKWZF4OQwYAgnNu9hnWH3NxWfLAPz4=';

const BATCH =
  'instruction=orderExecute&orderType=Limit&price=141&quantity=12&side=Bid&symbol=SOL_USDC_PERP&instruction=orderExecute&orderType=Limit&price=140&quantity=11&side=Bid&symbol=SOL_USDC_PERP&timestamp=1750793021519&window=5000';

// Reference §1.8: every vector.
const VECTORS: Array<[string, string]> = [
  ['instruction=orderCancel&orderId=28&symbol=BTC_USDT&timestamp=1614550000000&window=5000', 'zEG6YnoeAYkxY4tNgJfWnjcPTBa501irFgBnArYXORzexlr9mrjflWI6Wm/YwimVZGe9PARP/mZxOHXsvhuZBw=='],
  ['instruction=subscribe&timestamp=1614550000000&window=5000', 'JET04e2DKxa3MzJX+vHAvZ2t85IDCQV0Yvkne6ZioCLxZhaDPHACzfEFkaACTR+J2WlVJjGX2nICcJMwOK8zAw=='],
  [BATCH, 'e9UDA3qCQqjmuJVecsHH818nwcRBL2kY6MGmgQAGs4Wqcs9Dan7xgHOnTfDXCPmXiSDU4/vx4IYWoDMgk4AeBQ=='],
  ['instruction=balanceQuery&timestamp=1614550000000&window=5000', 'qz9CmzCkuYD4Y2s2ifeL3MBHc3NtCapiiHhZm1px08FqkZFuHSO5sohI+MKABd02yXwf7EviULr6IGRs/kRsDw=='],
  [
    'instruction=orderExecute&orderType=Limit&postOnly=true&price=180.50&quantity=1.5&side=Bid&symbol=SOL_USDC_PERP&timestamp=1735689600000&window=5000',
    'MJyiT0SwJXjQ1AA1Y6fmaXDG6DxI6rDlWCB08sc29egppPK8B4nix/R3kLl1Af9OPlczV7lL+uJnlgiTdmezBw==',
  ],
  [
    'instruction=orderExecute&clientId=1001&orderType=Limit&postOnly=true&price=180.50&quantity=1.5&selfTradePrevention=RejectTaker&side=Bid&symbol=SOL_USDC&timeInForce=GTC&timestamp=1735689600000&window=5000',
    'Nt/l7sHIKJNAXP9ojVjrCeUspQ2+YbjPUcTWDExau7Md76bstBtp8RzG0lRAVDfFQDatQvTHpakb3ErQUazRBQ==',
  ],
  ['instruction=orderQueryAll&symbol=SOL_USDC_PERP&timestamp=1750793021519&window=5000', 'POt87e+M4vQmflsc9yE7352jS8XgSOjTl8VIlVpMdziVAZKtRL6yxBOLk2StX5PyeyLi4C+S9lhwFaWtPuV5Cg=='],
  ['instruction=orderCancelAll&symbol=SOL_USDC_PERP&timestamp=1750793021519&window=5000', 'Jsfr5EYx7jYtslRIoYflJreZHy2QpBb+WeJP7ebWnMpvSkc7CMmortXXH1dgA6cK9jT1NIizAySOpBuY5/rkCA=='],
  ['instruction=positionQuery&timestamp=1750793021519&window=5000', '9oZQ++1VlMVsFueBg3od+0QccpZfBcpPiwz4GZSxjCmzmzmHg3CMH9LVgcV864Aw+VYjPpVPzu0l6EobPpZeCg=='],
];

test('the example secret derives the example public key', () => {
  assert.equal(loadKeyPair(SECRET, PUBLIC).apiKey, PUBLIC);
});

test('every published vector: fast path, tweetnacl and verifier agree byte for byte', () => {
  const kp = loadKeyPair(SECRET, PUBLIC);
  const signer = new Signer(kp);
  for (const [msg, sig] of VECTORS) {
    assert.equal(signer.sign(msg), sig, msg);
    assert.equal(signWithTweetnacl(kp.seed, msg), sig, msg);
    assert.ok(verifySignature(PUBLIC, msg, sig));
    assert.ok(!verifySignature(PUBLIC, msg + 'x', sig));
  }
});

test('signing strings: GET query, POST body with booleans, cancel, batch, subscribe', () => {
  // GET query: sorted keys, numbers as text.
  assert.equal(
    signingString('orderQueryAll', { symbol: 'SOL_USDC_PERP' }, 1750793021519, 5000),
    'instruction=orderQueryAll&symbol=SOL_USDC_PERP&timestamp=1750793021519&window=5000',
  );
  assert.equal(
    signingString('fillHistoryQueryAll', { symbol: 'SOL_USDC_PERP', limit: 100, fillType: 'User', from: undefined }, 1, 5000),
    'instruction=fillHistoryQueryAll&fillType=User&limit=100&symbol=SOL_USDC_PERP&timestamp=1&window=5000',
  );
  // POST body built by the client from an OrderRequest: decimals as the exact strings sent, booleans lower-case.
  const body = orderBody({ symbol: 'SOL_USDC', side: 'Bid', orderType: 'Limit', price: D('180.50'), quantity: D('1.5'), postOnly: true, timeInForce: 'GTC', clientId: 1001 });
  assert.equal(body.price, '180.5'); // Decimal.toFixed(): what is sent is what is signed
  assert.equal(
    signingString('orderExecute', { ...body, price: '180.50', selfTradePrevention: 'RejectTaker' }, 1735689600000, 5000),
    VECTORS[5]![0],
  );
  assert.equal(
    signingString('orderExecute', { orderType: 'Limit', postOnly: true, price: '180.50', quantity: '1.5', side: 'Bid', symbol: 'SOL_USDC_PERP' }, 1735689600000, 5000),
    VECTORS[4]![0],
  );
  assert.equal(signingString('orderCancel', { symbol: 'BTC_USDT', orderId: 28 }, 1614550000000, 5000), VECTORS[0]![0]);
  // Batch: the instruction repeats per order; timestamp/window once at the end.
  assert.equal(
    signingString(
      'orderExecute',
      [
        { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: 141, quantity: 12 },
        { symbol: 'SOL_USDC_PERP', side: 'Bid', orderType: 'Limit', price: 140, quantity: 11 },
      ],
      1750793021519,
      5000,
    ),
    BATCH,
  );
  assert.equal(signingString('subscribe', null, 1614550000000), VECTORS[1]![0]);
  assert.equal(signingString('balanceQuery', {}, 1614550000000), VECTORS[3]![0]);
});

test('the signed body equals the sent body: false booleans render as false, nulls are omitted', () => {
  assert.equal(
    signingString('orderExecute', { postOnly: false, reduceOnly: null, symbol: 'A_B' }, 5, 6000),
    'instruction=orderExecute&postOnly=false&symbol=A_B&timestamp=5&window=6000',
  );
});

test('fast path and tweetnacl produce identical signatures over 200 random keys and messages', () => {
  for (let i = 0; i < 200; i++) {
    const seed = new Uint8Array(randomBytes(32));
    const pub = nacl.sign.keyPair.fromSeed(seed).publicKey;
    const apiKey = Buffer.from(pub).toString('base64');
    const kp = loadKeyPair(Buffer.from(seed).toString('base64'), apiKey);
    const msg = `instruction=orderExecute&price=${(Math.random() * 1000).toFixed(2)}&q=${randomBytes(1 + (i % 40)).toString('hex')}&timestamp=${Date.now() + i}&window=5000`;
    const fast = new Signer(kp).sign(msg);
    assert.equal(fast, signWithTweetnacl(seed, msg));
    assert.ok(verifySignature(apiKey, msg, fast));
  }
});

test('64-byte secret keys are accepted; bad base64, wrong lengths and mismatches name the variable', () => {
  const kp64 = nacl.sign.keyPair.fromSeed(new Uint8Array(Buffer.from(SECRET, 'base64')));
  assert.equal(loadKeyPair(Buffer.from(kp64.secretKey).toString('base64'), PUBLIC).apiKey, PUBLIC);
  const cases: Array<[string, string | undefined, string]> = [
    ['not base64!', PUBLIC, 'BPX_API_SECRET'],
    [Buffer.alloc(16).toString('base64'), PUBLIC, 'BPX_API_SECRET'],
    [SECRET, 'zzz', 'BPX_API_KEY'],
    [SECRET, Buffer.alloc(31).toString('base64'), 'BPX_API_KEY'],
    [SECRET, Buffer.alloc(32, 7).toString('base64'), 'BPX_API_KEY'],
  ];
  for (const [secret, key, variable] of cases) {
    assert.throws(
      () => loadKeyPair(secret, key),
      (e: unknown) => e instanceof KeyError && e.variable === variable && e.message.includes(variable) && !e.message.includes(SECRET),
    );
  }
});
