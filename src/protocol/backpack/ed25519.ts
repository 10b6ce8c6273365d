// Backpack's keys are raw 32-byte ED25519 keys in base64 (the public key is the X-API-Key header). These
// wrap them for node:crypto and verify a signature: the bot's Signer imports a private key with it and
// the paper exchange verifies requests with it.
import { createPrivateKey, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/** Strict base64 (no URL alphabet, no whitespace): how Backpack shows keys and signatures. */
export const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

// DER prefixes that wrap a raw 32-byte Ed25519 key into PKCS#8 / SPKI so node:crypto can import it.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seed)]), format: 'der', type: 'pkcs8' });
}
export function publicKeyFromRaw(pub: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(pub)]), format: 'der', type: 'spki' });
}

/** Verify a base64 signature against a base64 public key; false on any malformed input. */
export function verifySignature(apiKeyB64: string, message: string, signatureB64: string, cache?: Map<string, KeyObject>): boolean {
  try {
    let key = cache?.get(apiKeyB64);
    if (!key) {
      const pub = Buffer.from(apiKeyB64, 'base64');
      if (pub.length !== 32 || !BASE64_RE.test(apiKeyB64)) return false;
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
