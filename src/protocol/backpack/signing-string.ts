// The canonical string Backpack requests are signed over. The bot signs it (src/exchange/backpack/
// signing.ts) and the paper exchange verifies it (src/sim/server/auth.ts, ws.ts): one builder, so both
// sides agree byte for byte.
//
// Signing string: instruction=<I>[&k=v sorted by key]&timestamp=<ms>&window=<ms>; batch orders repeat
// `instruction=orderExecute&<sorted order fields>` per order, then timestamp/window once.
// Values: strings raw, numbers as JSON text, booleans lower-case, null/undefined omitted.

export type SignValue = string | number | boolean | null | undefined;
export type SignParams = Record<string, SignValue>;

export const DEFAULT_WINDOW_MS = 5000;
export const MAX_WINDOW_MS = 60000;

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
