// Signing latency: the node:crypto fast path (used for every request) vs tweetnacl (kept for key
// derivation and as the reference). Realistic order-execute strings with a fresh timestamp each time.
import nacl from 'tweetnacl';
import { loadKeyPair, Signer, signWithTweetnacl } from '../src/exchange/backpack/signing.js';
import { signingString } from '../src/protocol/backpack/signing-string.js';

const SECRET = '4odxgSUxFrC/zsKWZF4OQwYAgnNu9hnWH3NxWfLAPz4=';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function measure(n: number, fn: (i: number) => void): { p50: number; p99: number } {
  const us: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  us.sort((a, b) => a - b);
  return { p50: percentile(us, 50), p99: percentile(us, 99) };
}

function message(i: number): string {
  return signingString(
    'orderExecute',
    { symbol: 'SOL_USDC_PERP', side: i % 2 ? 'Bid' : 'Ask', orderType: 'Limit', price: (180 + (i % 100) / 100).toFixed(2), quantity: '0.27', postOnly: true, clientId: 1000 + i },
    1_750_000_000_000 + i,
    5000,
  );
}

export async function benchSigning(opts: { fastN?: number; naclN?: number } = {}): Promise<{ fastP50Us: number; fastP99Us: number; naclP50Us: number; naclP99Us: number }> {
  const kp = loadKeyPair(SECRET);
  const signer = new Signer(kp);
  const n = opts.fastN ?? 5000;
  const msgs = Array.from({ length: n }, (_, i) => message(i)); // built outside the timed region
  measure(1000, (i) => signer.sign(msgs[i]!)); // warm-up
  const fast = measure(n, (i) => signer.sign(msgs[i]!));
  // tweetnacl with the secret key derived once (sign.detached only), checked identical to the fast path.
  const secretKey = nacl.sign.keyPair.fromSeed(kp.seed).secretKey;
  const enc = new TextEncoder();
  if (signWithTweetnacl(kp.seed, message(0)) !== signer.sign(message(0))) throw new Error('fast path and tweetnacl disagree');
  const slow = measure(opts.naclN ?? 200, (i) => nacl.sign.detached(enc.encode(message(i)), secretKey));
  return { fastP50Us: fast.p50, fastP99Us: fast.p99, naclP50Us: slow.p50, naclP99Us: slow.p99 };
}
