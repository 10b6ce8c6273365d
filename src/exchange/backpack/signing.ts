// Backpack request signing (ED25519). One module for both sides of the wire: the bot signs with it and
// the paper exchange verifies with it, so the canonical string is defined exactly once.
//
// Signing string: instruction=<I>[&k=v sorted by key]&timestamp=<ms>&window=<ms>; batch orders repeat
// `instruction=orderExecute&<sorted order fields>` per order, then timestamp/window once.
// Values: strings raw, numbers as JSON text, booleans lower-case, null/undefined omitted.
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';

export type SignValue = string | number | boolean | null | undefined;
export type SignParams = Record<string, SignValue>;

export const DEFAULT_WINDOW_MS = 5000;
export const MAX_WINDOW_MS = 60000;

/** Instruction names by METHOD + path (reference §1.6). */
export const INSTRUCTIONS: Record<string, string> = {
  'GET /api/v1/account': 'accountQuery',
  'PATCH /api/v1/account': 'accountUpdate',
  'GET /api/v1/account/limits/order': 'maxOrderQuantity',
  'GET /api/v1/capital': 'balanceQuery',
  'GET /api/v1/capital/collateral': 'collateralQuery',
  'GET /api/v1/position': 'positionQuery',
  'GET /api/v1/order': 'orderQuery',
  'POST /api/v1/order': 'orderExecute',
  'DELETE /api/v1/order': 'orderCancel',
  'GET /api/v1/orders': 'orderQueryAll',
  'POST /api/v1/orders': 'orderExecute',
  'DELETE /api/v1/orders': 'orderCancelAll',
  'GET /wapi/v1/history/fills': 'fillHistoryQueryAll',
  'GET /wapi/v1/history/orders': 'orderHistoryQueryAll',
  'GET /wapi/v1/history/funding': 'fundingHistoryQueryAll',
};

export function renderValue(v: SignValue): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return JSON.stringify(v);
  return v;
}

function sortedPairs(params: SignParams): string {
  const keys = Object.keys(params).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const r = renderValue(params[k]);
    if (r !== null) parts.push(`${k}=${r}`);
  }
  return parts.join('&');
}

/**
 * Build the canonical string. `params` is one object (query or body) or an array (batch order body:
 * each element signed as its own instruction block).
 */
export function signingString(
  instruction: string,
  params: SignParams | SignParams[] | null,
  timestamp: number,
  window: number = DEFAULT_WINDOW_MS,
): string {
  let head: string;
  if (Array.isArray(params)) {
    head = params
      .map((p) => {
        const kv = sortedPairs(p);
        return kv ? `instruction=${instruction}&${kv}` : `instruction=${instruction}`;
      })
      .join('&');
    if (!head) head = `instruction=${instruction}`;
  } else {
    const kv = params ? sortedPairs(params) : '';
    head = kv ? `instruction=${instruction}&${kv}` : `instruction=${instruction}`;
  }
  return `${head}&timestamp=${timestamp}&window=${window}`;
}

/** Raised for unusable key material; `variable` names the environment variable at fault. */
export class KeyError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'KeyError';
  }
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function decodeBase64Strict(value: string, variable: string): Uint8Array {
  const v = value.trim();
  if (!v || !B64.test(v) || v.length % 4 !== 0) {
    throw new KeyError(variable, `${variable} is not valid base64 (expected the base64 string Backpack shows for the key)`);
  }
  return new Uint8Array(Buffer.from(v, 'base64'));
}

// DER prefixes that wrap a raw 32-byte Ed25519 key into PKCS#8 / SPKI so node:crypto can import it.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seed)]), format: 'der', type: 'pkcs8' });
}
export function publicKeyFromRaw(pub: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(pub)]), format: 'der', type: 'spki' });
}

export interface KeyPair {
  /** base64 public key: the X-API-Key header. */
  apiKey: string;
  seed: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * Validate BPX_API_SECRET (32-byte seed or 64-byte seed||pub) and, when given, BPX_API_KEY; derive the
 * public key from the secret with tweetnacl and require it to match. Messages never contain key material.
 */
export function loadKeyPair(secretB64: string, apiKeyB64?: string): KeyPair {
  const secret = decodeBase64Strict(secretB64, 'BPX_API_SECRET');
  if (secret.length !== 32 && secret.length !== 64) {
    throw new KeyError('BPX_API_SECRET', `BPX_API_SECRET decodes to ${secret.length} bytes; expected 32 (seed) or 64 (secret key)`);
  }
  const seed = secret.slice(0, 32);
  const derived = nacl.sign.keyPair.fromSeed(seed).publicKey;
  if (secret.length === 64 && !Buffer.from(secret.slice(32)).equals(Buffer.from(derived))) {
    throw new KeyError('BPX_API_SECRET', 'BPX_API_SECRET is a 64-byte key whose second half is not the public key of its first half');
  }
  const apiKey = Buffer.from(derived).toString('base64');
  if (apiKeyB64 !== undefined) {
    const given = decodeBase64Strict(apiKeyB64, 'BPX_API_KEY');
    if (given.length !== 32) {
      throw new KeyError('BPX_API_KEY', `BPX_API_KEY decodes to ${given.length} bytes; expected 32`);
    }
    if (!Buffer.from(given).equals(Buffer.from(derived))) {
      throw new KeyError('BPX_API_KEY', 'BPX_API_KEY does not match BPX_API_SECRET (the public key derived from the secret differs); export the pair Backpack generated together');
    }
  }
  return { apiKey, seed, publicKey: derived };
}

/** Generate a fresh key pair (paper mode's first run). */
export function generateKeyPair(): { apiKey: string; secret: string } {
  const kp = nacl.sign.keyPair();
  return {
    apiKey: Buffer.from(kp.publicKey).toString('base64'),
    secret: Buffer.from(kp.secretKey.slice(0, 32)).toString('base64'),
  };
}

/** Signs with node:crypto's Ed25519 (~40 µs) — byte-identical to tweetnacl (~4 ms, blocks the loop). */
export class Signer {
  private readonly key: KeyObject;
  readonly apiKey: string;
  constructor(kp: KeyPair) {
    this.key = privateKeyFromSeed(kp.seed);
    this.apiKey = kp.apiKey;
  }
  sign(message: string): string {
    return cryptoSign(null, Buffer.from(message, 'utf8'), this.key).toString('base64');
  }
  /** Headers for a signed REST request. */
  headers(instruction: string, params: SignParams | SignParams[] | null, timestamp: number, window = DEFAULT_WINDOW_MS): Record<string, string> {
    return {
      'X-API-Key': this.apiKey,
      'X-Signature': this.sign(signingString(instruction, params, timestamp, window)),
      'X-Timestamp': String(timestamp),
      'X-Window': String(window),
    };
  }
  /** The 4-string `signature` array of a private websocket SUBSCRIBE. */
  wsSignature(timestamp: number, window = DEFAULT_WINDOW_MS): [string, string, string, string] {
    return [this.apiKey, this.sign(signingString('subscribe', null, timestamp, window)), String(timestamp), String(window)];
  }
}

/** tweetnacl reference signer (slow path), kept for the identity test and the benchmark. */
export function signWithTweetnacl(seed: Uint8Array, message: string): string {
  const kp = nacl.sign.keyPair.fromSeed(seed);
  return Buffer.from(nacl.sign.detached(new Uint8Array(Buffer.from(message, 'utf8')), kp.secretKey)).toString('base64');
}

/** Verify a base64 signature against a base64 public key; false on any malformed input. */
export function verifySignature(apiKeyB64: string, message: string, signatureB64: string, cache?: Map<string, KeyObject>): boolean {
  try {
    let key = cache?.get(apiKeyB64);
    if (!key) {
      const pub = Buffer.from(apiKeyB64, 'base64');
      if (pub.length !== 32 || !B64.test(apiKeyB64)) return false;
      key = publicKeyFromRaw(pub);
      cache?.set(apiKeyB64, key);
    }
    const sig = Buffer.from(signatureB64, 'base64');
    if (sig.length !== 64) return false;
    return cryptoVerify(null, Buffer.from(message, 'utf8'), key, sig);
  } catch {
    return false;
  }
}
