// Shared helpers for the paper-exchange server tests: an independent signer (tweetnacl, hand-built
// signing string) and small REST/WS clients.
import nacl from 'tweetnacl';
import WebSocket from 'ws';

export interface TestKey {
  apiKey: string;
  secretKey: Uint8Array;
}

export function newKey(): TestKey {
  const kp = nacl.sign.keyPair();
  return { apiKey: Buffer.from(kp.publicKey).toString('base64'), secretKey: kp.secretKey };
}

/** Canonical string built by hand (deliberately not via src/protocol/backpack/signing-string.ts). */
export function canonical(instruction: string, params: Record<string, string | number | boolean> | null, ts: number, window: number): string {
  const kv = params ? Object.keys(params).sort().map((k) => `${k}=${String(params[k])}`) : [];
  return [`instruction=${instruction}`, ...kv, `timestamp=${ts}`, `window=${window}`].join('&');
}

export function naclSign(key: TestKey, message: string): string {
  return Buffer.from(nacl.sign.detached(new TextEncoder().encode(message), key.secretKey)).toString('base64');
}

export function signedHeaders(key: TestKey, instruction: string, params: Record<string, string | number | boolean> | null, ts = Date.now(), window = 5000): Record<string, string> {
  return {
    'X-API-Key': key.apiKey,
    'X-Signature': naclSign(key, canonical(instruction, params, ts, window)),
    'X-Timestamp': String(ts),
    'X-Window': String(window),
  };
}

export async function call(
  base: string,
  method: string,
  path: string,
  opts: { key?: TestKey; instruction?: string; params?: Record<string, string | number | boolean>; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const isGet = method === 'GET';
  const params = opts.params ?? null;
  const qs = isGet && params ? '?' + new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString() : '';
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...(opts.headers ?? {}) };
  if (opts.key && opts.instruction) Object.assign(headers, signedHeaders(opts.key, opts.instruction, params));
  const body = opts.body !== undefined ? JSON.stringify(opts.body) : !isGet && params ? JSON.stringify(params) : undefined;
  const res = await fetch(base + path + qs, { method, headers, ...(body !== undefined ? { body } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* plain text */
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

export class WsClient {
  readonly frames: string[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.frames.push(d.toString());
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(url: string): Promise<WsClient> {
    const ws = new WebSocket(url);
    const c = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }
  send(x: unknown): void {
    this.ws.send(JSON.stringify(x));
  }
  /** Wait until a frame matches (or time out with a clear error). */
  async waitFor(pred: (f: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(pred);
      if (hit) return hit;
      if (this.closed) throw new Error('socket closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for frame; got ${this.frames.length} frames`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!this.closed) throw new Error('socket did not close');
  }
  close(): void {
    this.ws.terminate();
  }
}
