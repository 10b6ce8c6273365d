// The real paper exchange (src/sim, startSim) as the target of the client's behavioural tests: the same
// BackpackRest / BackpackAdapter the bot runs live, pointed at the sim's URLs, with a generated key pair.
// Server-side request counting hooks the sim's own HTTP server (every request the sim received, with the
// status it answered), so "the client did not resend" is checked where it matters: at the exchange.
// Faults are switched through the sim's admin path (/_sim/...) over HTTP, exactly as an operator would.
import type { Server } from 'node:http';
import { startSim, type Faults, type RunningSim, type StartSimOptions } from '../../src/sim/index.js';
import { BackpackRest } from '../../src/exchange/backpack/rest.js';
import type { RestOptions } from '../../src/exchange/backpack/rest-transport.js';
import { BackpackAdapter, type AdapterOptions } from '../../src/exchange/backpack/adapter.js';
import { generateKeyPair, loadKeyPair, type KeyPair } from '../../src/exchange/backpack/signing.js';
import { defaultSettings, type Settings } from '../../src/config/settings.js';

export const SOL = 'SOL_USDC_PERP';
export const SOL_SPOT = 'SOL_USDC';

export interface ServerRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** HTTP status the sim answered; null while unanswered (timeout fault) or when the client aborted. */
  status: number | null;
  apiKey: string | null;
  /** Arrival time at the sim (Date.now()). */
  at: number;
}

/** A SUBSCRIBE frame the sim received (recorded at the sim's websocket server). */
export interface ServerSubscribe {
  /** 1-based websocket connection number. */
  conn: number;
  params: string[];
  /** [apiKey, signature, timestamp, window] of a private subscribe, else null. */
  signature: string[] | null;
}

export interface SimTarget {
  sim: RunningSim;
  restUrl: string;
  wsUrl: string;
  /** A fresh ED25519 key pair (the sim creates its account on first use). */
  keys: KeyPair;
  /** Every HTTP request the sim received, in arrival order. */
  requests: ServerRequest[];
  /** Every SUBSCRIBE frame the sim received, in arrival order. */
  subscribes: ServerSubscribe[];
  /** Websocket connections the sim accepted so far. */
  connections(): number;
  /** Requests the sim received for "METHOD /path" (optionally since an index into `requests`). */
  count(route: string, since?: number): number;
  setFaults(f: Partial<Faults>): Promise<Faults>;
  resetFaults(): Promise<void>;
  /** POST /_sim/ws/disconnect: drop every websocket now; returns how many. */
  disconnectWs(): Promise<number>;
  /** A BackpackRest on the sim (closed by stop()). */
  rest(opts?: Partial<Omit<RestOptions, 'restUrl' | 'settings'>> & { settings?: Partial<Settings> }): BackpackRest;
  /** A BackpackAdapter on the sim (closed by stop()). */
  adapter(opts?: Partial<Omit<AdapterOptions, 'restUrl' | 'wsUrl' | 'settings'>> & { settings?: Partial<Settings> }): BackpackAdapter;
  stop(): Promise<void>;
}

export interface SimTargetOptions {
  seed?: number;
  /** Run the market model (default false: a quiet book the test fills by hand, so values are exact). */
  model?: boolean;
  markets?: string[];
  faults?: Partial<Faults>;
  exchange?: StartSimOptions['exchange'];
}

export function newKeys(): KeyPair {
  const g = generateKeyPair();
  return loadKeyPair(g.secret, g.apiKey);
}

async function admin(base: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`admin ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

export async function startSimTarget(opts: SimTargetOptions = {}): Promise<SimTarget> {
  const start: StartSimOptions = {
    port: 0,
    seed: opts.seed ?? 11,
    markets: opts.markets ?? [SOL, SOL_SPOT],
    exchange: { model: opts.model ?? false, ...(opts.exchange ?? {}) },
    // Protocol pings often enough that a watchdog never fires spuriously during a test.
    pingIntervalMs: 2000,
  };
  if (opts.faults) start.faults = opts.faults;
  const sim = await startSim(start);
  const requests: ServerRequest[] = [];
  const server = sim.ws.wss.options.server as Server | undefined;
  if (!server) throw new Error('sim websocket server has no HTTP server to observe');
  // Runs before the sim's own handler: records arrival; the status is filled in when the reply goes out.
  server.prependListener('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const h = req.headers['x-api-key'];
    const rec: ServerRequest = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, status: null, apiKey: (Array.isArray(h) ? h[0] : h) ?? null, at: Date.now() };
    requests.push(rec);
    res.once('finish', () => {
      rec.status = res.statusCode;
    });
  });
  const subscribes: ServerSubscribe[] = [];
  let conns = 0;
  sim.ws.wss.on('connection', (ws) => {
    const conn = ++conns;
    ws.on('message', (raw) => {
      try {
        const m = JSON.parse(String(raw)) as { method?: unknown; params?: unknown; signature?: unknown };
        if (m.method !== 'SUBSCRIBE' || !Array.isArray(m.params)) return;
        subscribes.push({ conn, params: m.params.map(String), signature: Array.isArray(m.signature) ? m.signature.map(String) : null });
      } catch {
        // not ours to judge: the sim answers malformed frames itself
      }
    });
  });
  const closers: Array<() => Promise<void>> = [];
  const keys = newKeys();
  const settingsOf = (s: Partial<Settings> | undefined): Settings => ({ ...defaultSettings(), ...(s ?? {}) });
  const target: SimTarget = {
    sim,
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    keys,
    requests,
    subscribes,
    connections: () => conns,
    count(route, since = 0) {
      let n = 0;
      for (let i = since; i < requests.length; i++) if (`${requests[i]!.method} ${requests[i]!.path}` === route) n++;
      return n;
    },
    async setFaults(f) {
      return (await admin(sim.restUrl, '/_sim/faults', f)) as Faults;
    },
    async resetFaults() {
      await admin(sim.restUrl, '/_sim/faults/reset');
    },
    async disconnectWs() {
      return ((await admin(sim.restUrl, '/_sim/ws/disconnect')) as { disconnected: number }).disconnected;
    },
    rest(o = {}) {
      const { settings, ...rest } = o;
      const r = new BackpackRest({ keys, rng: () => 0.5, ...rest, restUrl: sim.restUrl, settings: settingsOf(settings) });
      closers.push(() => r.close());
      return r;
    },
    adapter(o = {}) {
      const { settings, ...rest } = o;
      const a = new BackpackAdapter({ keys, rng: () => 0.5, wsBackoffBaseMs: 20, ...rest, restUrl: sim.restUrl, wsUrl: sim.wsUrl, settings: settingsOf(settings) });
      closers.push(() => a.close());
      return a;
    },
    async stop() {
      for (const c of closers.splice(0)) await c().catch(() => undefined);
      await sim.stop();
    },
  };
  return target;
}

/** Poll a condition until it holds or the deadline passes (then fail with `what`). No fixed sleeps. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
