// What a Backpack REST call can fail with, and how a reply is classified: the exchange answered with an
// error (BackpackApiError: it proved it did not act), no usable answer (TransportError: it may have acted,
// resolve by query), or no keys for a signed endpoint. Plus the parsers of error bodies and Retry-After.

/** The exchange answered with an error status (body `{code,message}` when it sent one). */
export class BackpackApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BackpackApiError';
  }
}

/** No usable answer: timeout, connection error, or a 5xx after retries. The exchange may have acted. */
export class TransportError extends Error {
  constructor(
    readonly reason: 'timeout' | 'connection' | 'server',
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** A signed endpoint was called without API keys (paper mode without keys, `check` without keys). */
export class NoKeysError extends Error {
  constructor(what: string) {
    super(`${what} needs BPX_API_KEY and BPX_API_SECRET`);
    this.name = 'NoKeysError';
  }
}

/** Retry-After (seconds or an HTTP date) -> ms from `nowMs`; null when absent or unreadable. */
export function parseRetryAfter(h: string | string[] | undefined, nowMs: number): number | null {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - nowMs) : null;
}

/** Error body -> {code, message}; plain-text/HTML bodies become HTTP_<status> with a short excerpt. */
export function parseErrorBody(status: number, text: string): { code: string; message: string } {
  try {
    const j = JSON.parse(text) as unknown;
    if (j && typeof j === 'object' && typeof (j as Record<string, unknown>).code === 'string') {
      const m = (j as Record<string, unknown>).message;
      return { code: (j as Record<string, string>).code!, message: typeof m === 'string' ? m : '' };
    }
  } catch {
    // not JSON: fall through
  }
  const excerpt = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160);
  return { code: `HTTP_${status}`, message: excerpt || `HTTP ${status}` };
}
