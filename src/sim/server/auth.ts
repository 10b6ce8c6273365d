// Real request authentication for the paper exchange: the ED25519 signature over the canonical signing
// string (src/protocol/backpack/signing-string.ts, the same builder the bot uses) is verified against X-API-Key.
//
// Error choices (the reference marks the exact codes UNCONFIRMED, §4.3/§8):
// - a missing X-API-Key / X-Signature / X-Timestamp header -> 401 UNAUTHORIZED "Missing <header> header"
// - an X-API-Key that is not a base64 32-byte ED25519 public key -> 401 UNAUTHORIZED "Invalid API key"
// - X-Window not an integer or > 60000 -> 400 INVALID_CLIENT_REQUEST "Invalid X-Window: must be at most 60000"
// - X-Timestamp not an integer -> 400 INVALID_CLIENT_REQUEST "Invalid X-Timestamp"
// - now > timestamp + window -> 400 INVALID_CLIENT_REQUEST "Request has expired"
// - timestamp more than one window ahead of now -> 400 INVALID_CLIENT_REQUEST "Request timestamp is in the future"
// - signature does not verify (bad signature, or signed by another key) -> 400 INVALID_CLIENT_REQUEST
//   "Invalid signature" (the FAQ pairs this message with INVALID_CLIENT_REQUEST).
import type { KeyObject } from 'node:crypto';
import { verifySignature } from '../../protocol/backpack/ed25519.js';
import { DEFAULT_WINDOW_MS, MAX_WINDOW_MS, signingString, type SignParams } from '../../protocol/backpack/signing-string.js';
import type { ApiError } from '../matching/validate.js';

export type AuthResult = { ok: true; apiKey: string } | ({ ok: false } & ApiError);

const fail = (status: number, code: string, message: string): AuthResult => ({ ok: false, status, code, message });

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export function isValidApiKey(key: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) return false;
  return Buffer.from(key, 'base64').length === 32;
}

export function authenticate(
  instruction: string,
  headers: Record<string, string | string[] | undefined>,
  params: SignParams | SignParams[] | null,
  nowMs: number,
  cache: Map<string, KeyObject>,
): AuthResult {
  const apiKey = header(headers, 'x-api-key');
  const signature = header(headers, 'x-signature');
  const ts = header(headers, 'x-timestamp');
  if (!apiKey) return fail(401, 'UNAUTHORIZED', 'Missing X-API-Key header');
  if (!signature) return fail(401, 'UNAUTHORIZED', 'Missing X-Signature header');
  if (!ts) return fail(401, 'UNAUTHORIZED', 'Missing X-Timestamp header');
  if (!isValidApiKey(apiKey)) return fail(401, 'UNAUTHORIZED', 'Invalid API key');
  const windowRaw = header(headers, 'x-window');
  const window = windowRaw === undefined ? DEFAULT_WINDOW_MS : Number(windowRaw);
  if (!Number.isInteger(window) || window <= 0 || window > MAX_WINDOW_MS) {
    return fail(400, 'INVALID_CLIENT_REQUEST', `Invalid X-Window: must be at most ${MAX_WINDOW_MS}`);
  }
  const timestamp = Number(ts);
  if (!/^\d+$/.test(ts) || !Number.isSafeInteger(timestamp)) return fail(400, 'INVALID_CLIENT_REQUEST', 'Invalid X-Timestamp');
  if (nowMs > timestamp + window) return fail(400, 'INVALID_CLIENT_REQUEST', 'Request has expired');
  if (timestamp > nowMs + window) return fail(400, 'INVALID_CLIENT_REQUEST', 'Request timestamp is in the future');
  const message = signingString(instruction, params, timestamp, window);
  if (!verifySignature(apiKey, message, signature, cache)) return fail(400, 'INVALID_CLIENT_REQUEST', 'Invalid signature');
  return { ok: true, apiKey };
}
