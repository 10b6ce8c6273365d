// Embeddable paper exchange: startSim() runs a SimExchange behind an HTTP + websocket server that
// speaks Backpack's wire protocol on one loopback port.
//
//   const sim = await startSim({ port: 0, seed: 42 });
//   // sim.restUrl = "http://127.0.0.1:PORT", sim.wsUrl = "ws://127.0.0.1:PORT/"
//   await sim.stop();
import { createServer, type Server } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SystemClock, type Clock } from '../util/clock.js';
import { SimExchange, type SimExchangeOptions } from './exchange.js';
import { FaultController, type Faults } from './server/faults.js';
import { createRestHandler, type RestContext } from './server/rest.js';
import { SimStateStore } from './server/state-file.js';
import { WsHub } from './server/ws.js';
import { WARMUP_MS, WarmupClock, warmUp } from './warmup.js';

export { SimExchange } from './exchange.js';
export { DEFAULT_FILL_LIMIT } from './accounts/history.js';
export type { SimExchangeOptions, Result, ApiError, FillQuery, SimStateFile } from './exchange.js';
export { FaultController, NO_FAULTS, parseFaults, type Faults } from './server/faults.js';
export { SimEventBus, type SimListener, type SimEvents, type SimEventType } from './event-bus.js';
export type { DepthEvent, TradeEvent, MarkEvent, OrderUpdateEvent, PositionUpdateEvent, PositionView } from './events.js';
export { DEFAULT_MARKETS, type SimMarketSpec } from './model/markets.js';
export { WARMUP_MS } from './warmup.js';

export interface StartSimOptions {
  port?: number;
  host?: string;
  seed?: number;
  clock?: Clock;
  startingCollateral?: string;
  stateFile?: string;
  faults?: Partial<Faults>;
  markets?: string[];
  /** Extra SimExchange options (fees, model on/off, speed bump, starting balances). */
  exchange?: Partial<Omit<SimExchangeOptions, 'clock' | 'seed' | 'markets' | 'startingCollateral'>>;
  /** Websocket protocol ping interval (default 60 s). */
  pingIntervalMs?: number;
  /** How often the state file is written (default 10 s). */
  stateSaveIntervalMs?: number;
  /** Simulated market history run before listening (default WARMUP_MS; 0: start with no past). */
  warmupMs?: number;
}

export interface RunningSim {
  restUrl: string;
  wsUrl: string;
  port: number;
  exchange: SimExchange;
  faults: FaultController;
  ws: WsHub;
  stop(): Promise<void>;
}

/**
 * Finished orders a long-running paper exchange keeps per account (`npm start`, `tierhunter sim`): the
 * newest 10,000, what the core's order lookups ever read back (the order history is rewritten with the
 * state file every 10 s). Fills are kept far longer (`fillLimit`, default 1,000,000: the account's whole
 * recent history, as the real exchange keeps it, written incrementally). Tests and the soak keep
 * everything (their record checks need it).
 */
export const PAPER_RETENTION = { historyLimit: 10_000 } as const;

export async function startSim(opts: StartSimOptions = {}): Promise<RunningSim> {
  const host = opts.host ?? '127.0.0.1';
  const clock = new WarmupClock(opts.clock ?? new SystemClock());
  const exchange = new SimExchange({
    ...opts.exchange,
    clock,
    seed: opts.seed ?? 1,
    ...(opts.markets ? { markets: opts.markets } : {}),
    ...(opts.startingCollateral ? { startingCollateral: opts.startingCollateral } : {}),
  });
  const stateStore = opts.stateFile ? new SimStateStore(opts.stateFile, exchange) : null;
  if (stateStore) await stateStore.load();
  // After the state file (public trade ids continue from the saved ones), before anyone can connect.
  warmUp(exchange, clock, opts.warmupMs ?? WARMUP_MS);
  const faults = new FaultController(opts.faults ?? {}, (opts.seed ?? 1) + 1);
  const keyCache = new Map<string, KeyObject>();
  const ctx: RestContext = { ex: exchange, faults, keyCache, rate: new Map(), hanging: new Set() };
  const server: Server = createServer(createRestHandler(ctx));
  server.keepAliveTimeout = 5000;
  const ws = new WsHub(server, exchange, faults, keyCache, opts.pingIntervalMs ? { pingIntervalMs: opts.pingIntervalMs } : {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  exchange.start();
  let saveTimer: NodeJS.Timeout | null = null;
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    if (!stateStore) return Promise.resolve();
    saving = saving.then(() => stateStore.save()).catch(() => undefined);
    return saving;
  };
  if (opts.stateFile) {
    saveTimer = setInterval(() => void save(), opts.stateSaveIntervalMs ?? 10_000);
    saveTimer.unref();
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopped = false;
  return {
    restUrl: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port}/`,
    port,
    exchange,
    faults,
    ws,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (saveTimer) clearInterval(saveTimer);
      exchange.stop();
      await ws.close();
      for (const r of ctx.hanging) r.destroy();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await save();
    },
  };
}
