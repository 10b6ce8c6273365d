// The bot's side of Backpack request signing (ED25519): load and check the operator's key pair, generate
// a paper key pair, and sign. The canonical string and verification are the protocol's
// (src/protocol/backpack/), shared with the paper exchange.
import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { BASE64_RE, privateKeyFromSeed } from '../../protocol/backpack/ed25519.js';
import { SUBSCRIBE_INSTRUCTION } from '../../protocol/backpack/endpoints.js';
import { DEFAULT_WINDOW_MS, signingString, type SignParams } from '../../protocol/backpack/signing-string.js';

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

export function decodeBase64Strict(value: string, variable: string): Uint8Array {
  const v = value.trim();
  if (!v || !BASE64_RE.test(v) || v.length % 4 !== 0) {
    throw new KeyError(variable, `${variable} is not valid base64 (expected the base64 string Backpack shows for the key)`);
  }
  return new Uint8Array(Buffer.from(v, 'base64'));
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
    return [this.apiKey, this.sign(signingString(SUBSCRIBE_INSTRUCTION, null, timestamp, window)), String(timestamp), String(window)];
  }
}

/** tweetnacl reference signer (slow path), kept for the identity test and the benchmark. */
export function signWithTweetnacl(seed: Uint8Array, message: string): string {
  const kp = nacl.sign.keyPair.fromSeed(seed);
  return Buffer.from(nacl.sign.detached(new Uint8Array(Buffer.from(message, 'utf8')), kp.secretKey)).toString('base64');
}
