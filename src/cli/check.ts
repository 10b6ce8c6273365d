// `tierhunter check`: preflight for a new user. Validates config and keys (a ConfigError/KeyError reaches
// src/cli.ts before any request: one line, exit 2), then reaches REST and the websocket, reports the clock
// offset, resolves each symbol's tick/step/min size, reads fee rates and equity when keys exist, and checks
// that the configured order size clears each market's minimum. Changes nothing on the exchange.
import WebSocket from 'ws';
import { loadConfig, type Config } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { BackpackRest } from '../exchange/backpack/rest.js';
import { Signer } from '../exchange/backpack/signing.js';
import type { Decimal } from '../util/decimal.js';
import { orderSizeCheck } from '../runtime/preflight.js';
import { loadKeyPair } from '../exchange/backpack/signing.js';
import { loadOrCreatePaperKeys } from '../runtime/paper-keys.js';
import { startSim, type RunningSim } from '../sim/index.js';
import type { MarketInfo } from '../domain/market.js';

type Status = 'ok' | 'warn' | 'FAIL' | 'skip';
interface Row {
  check: string;
  status: Status;
  detail: string;
}

function parseArgs(argv: string[]): { rest?: string; ws?: string; help: boolean } {
  const out: { rest?: string; ws?: string; help: boolean } = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (name: string): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new ConfigError(name, `check: ${name} needs a URL`);
      return v;
    };
    if (a === '--rest') out.rest = val('--rest');
    else if (a === '--ws') out.ws = val('--ws');
    else if (a.startsWith('--rest=')) out.rest = a.slice(7);
    else if (a.startsWith('--ws=')) out.ws = a.slice(5);
    else if (a === '-h' || a === '--help') out.help = true;
    else throw new ConfigError(a, `check: unknown option ${a} (use --rest URL --ws URL)`);
  }
  return out;
}

function errText(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0]!.slice(0, 160);
  return String(e).slice(0, 160);
}

/** Connect, subscribe, and wait for any frame (no ack exists for subscribe, so data is the proof). */
function probeWs(cfg: Config, symbols: string[], timeoutMs: number): Promise<{ ms: number; stream: string }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const ws = new WebSocket(cfg.wsUrl, { handshakeTimeout: timeoutMs });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no frame within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (f: () => void) => {
      clearTimeout(timer);
      ws.removeAllListeners('close');
      ws.terminate();
      f();
    };
    ws.on('open', () => {
      const params = symbols.flatMap((s) => [`depth.${s}`, `trade.${s}`, `bookTicker.${s}`, ...(s.endsWith('_PERP') ? [`markPrice.${s}`] : [])]);
      ws.send(JSON.stringify({ method: 'SUBSCRIBE', params }));
      if (cfg.keys) {
        const signer = new Signer(cfg.keys);
        ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['account.positionUpdate'], signature: signer.wsSignature(Date.now(), cfg.settings.recvWindowMs) }));
      }
    });
    ws.on('message', (buf: Buffer) => {
      let stream = '?';
      try {
        const m = JSON.parse(buf.toString()) as { stream?: string; error?: { message?: string } };
        if (m.error) return done(() => reject(new Error(`server error: ${m.error?.message ?? 'unknown'}`)));
        stream = m.stream ?? '?';
      } catch {
        // any frame proves the stream works
      }
      done(() => resolve({ ms: Date.now() - t0, stream }));
    });
    ws.on('error', (e) => done(() => reject(e)));
    ws.on('close', () => done(() => reject(new Error('closed before any frame'))));
  });
}

function table(rows: Row[]): string {
  const w1 = Math.max(...rows.map((r) => r.check.length), 5);
  const w2 = 4;
  return rows.map((r) => `  ${r.check.padEnd(w1)}  ${r.status.padEnd(w2)}  ${r.detail}`).join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    console.log('usage: tierhunter check [--rest URL] [--ws URL]\nValidates config and keys, reaches REST and WS, resolves markets, fees and equity. Changes nothing.');
    return 0;
  }
  const env = { ...process.env };
  if (args.rest) env.BPX_REST_URL = args.rest;
  if (args.ws) env.BPX_WS_URL = args.ws;
  // Throws ConfigError/KeyError before any request.
  const loaded = loadConfig(env);
  // No keys and no explicit endpoint means paper mode (what `run` would do): check the in-process paper
  // exchange with the paper key pair, never the real exchange.
  let paper: RunningSim | null = null;
  let cfg: Config = loaded;
  if (loaded.runMode === 'paper' && !env.BPX_REST_URL && !env.BPX_WS_URL) {
    const pk = loadOrCreatePaperKeys(loaded.home);
    paper = await startSim({ host: '127.0.0.1', port: 0, seed: 1 });
    cfg = { ...loaded, restUrl: paper.restUrl, wsUrl: paper.wsUrl, keys: loadKeyPair(pk.secret, pk.apiKey) };
  }
  const s = cfg.settings;
  const rows: Row[] = [];
  const add = (check: string, status: Status, detail: string) => rows.push({ check, status, detail });

  const what = paper ? 'paper mode (no BPX_API_KEY): the in-process paper exchange' : cfg.runMode === 'live' ? 'live keys' : 'no API keys';
  console.log(`tierhunter check — ${what} · REST ${cfg.restUrl} · WS ${cfg.wsUrl}`);
  add('config', 'ok', `home ${cfg.home}; symbols ${s.symbols.join(',')}`);
  add('keys', cfg.keys ? 'ok' : 'skip', cfg.keys ? `${paper ? 'paper ' : ''}API key ${cfg.keys.apiKey.slice(0, 8)}… matches the secret` : 'no BPX_API_KEY: only public parts can be checked');

  const rest = new BackpackRest({ restUrl: cfg.restUrl, keys: cfg.keys, settings: s, getRetries: 1 });
  try {
    try {
      const st = await rest.status();
      add('REST', st.status === 'Ok' ? 'ok' : 'FAIL', `status ${st.status}${st.message ? ` (${st.message})` : ''}`);
    } catch (e) {
      add('REST', 'FAIL', `unreachable: ${errText(e)}`);
    }
    try {
      await rest.clockSync.sync();
      const off = Math.round(rest.clockSync.offsetMs);
      const big = Math.abs(off) > s.recvWindowMs / 2;
      add('clock', big ? 'warn' : 'ok', `offset ${off >= 0 ? '+' : ''}${off} ms (rtt ${Math.round(rest.clockSync.lastRttMs ?? 0)} ms)${big ? '; requests are signed with the corrected time, but fix NTP on this machine' : ''}`);
    } catch (e) {
      add('clock', 'FAIL', `GET /api/v1/time failed: ${errText(e)}`);
    }
    try {
      const p = await probeWs(cfg, s.symbols, Math.min(10_000, Math.max(3000, s.requestTimeoutMs)));
      add('websocket', 'ok', `first frame after ${p.ms} ms (${p.stream})`);
    } catch (e) {
      add('websocket', 'FAIL', errText(e));
    }

    let markets: MarketInfo[] = [];
    try {
      markets = await rest.markets();
    } catch (e) {
      add('markets', 'FAIL', `GET /api/v1/markets failed: ${errText(e)}`);
    }
    let marks = new Map<string, Decimal>();
    try {
      marks = new Map((await rest.markPrices()).map((m) => [m.symbol, m.markPrice]));
    } catch {
      // spot-only or cached failure: fall back to tickers below
    }
    for (const sym of s.symbols) {
      if (markets.length === 0) break;
      const m = markets.find((x) => x.symbol === sym);
      if (!m) {
        add(sym, 'FAIL', 'unknown symbol on this exchange');
        continue;
      }
      let mark = marks.get(sym) ?? null;
      if (!mark) mark = await rest.ticker(sym).then((t) => t.lastPrice, () => null);
      const sizes = `tick ${m.tickSize} step ${m.stepSize} min ${m.minQuantity} · ${m.orderBookState}`;
      const c = orderSizeCheck(s, m, mark);
      if (!c.ok) {
        add(sym, 'FAIL', `${sizes} · ${c.reason}`);
      } else if (m.orderBookState !== 'Open') {
        add(sym, 'warn', `${sizes} · order size ${c.qty}`);
      } else {
        add(sym, 'ok', `${sizes} · order size ${c.qty}${mark ? ` @ mark ${mark}` : ''}`);
      }
    }

    if (cfg.keys) {
      try {
        const f = await rest.accountFees();
        add('fees', 'ok', `futures maker ${f.futuresMakerFeeBps} / taker ${f.futuresTakerFeeBps} bps · spot maker ${f.spotMakerFeeBps} / taker ${f.spotTakerFeeBps} bps`);
      } catch (e) {
        add('fees', 'FAIL', `GET /api/v1/account failed: ${errText(e)}`);
      }
      try {
        const c = await rest.collateral();
        add('equity', 'ok', `net equity ${c.netEquity} · available ${c.netEquityAvailable}`);
      } catch (e) {
        add('equity', 'FAIL', `GET /api/v1/capital/collateral failed: ${errText(e)}`);
      }
    } else {
      add('fees/equity', 'skip', 'need BPX_API_KEY and BPX_API_SECRET');
    }
  } finally {
    await rest.close();
    await paper?.stop();
  }

  console.log(table(rows));
  const failed = rows.filter((r) => r.status === 'FAIL');
  if (failed.length > 0) {
    console.error(`check: not usable: ${failed.map((r) => `${r.check}: ${r.detail}`).join('; ')}`);
    return 1;
  }
  console.log(cfg.keys ? 'check: everything usable.' : 'check: public parts usable (no keys: paper mode only).');
  return 0;
}
