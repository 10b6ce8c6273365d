// `tierhunter sim`: run the paper exchange server in the foreground until SIGINT/SIGTERM.
//   tierhunter sim [--port N] [--host 127.0.0.1] [--seed N] [--state FILE] [--collateral N]
//                  [--markets A,B] [--fill-history N] [--speed-bump] [--warmup SEC] [fault flags]
// Fault flags (all off by default): --latency MS --jitter MS --error-rate R --timeout-rate R
//   --rate-limit N --ws-disconnect-every SEC --drop-depth R --malformed R --reject-rate R
// Prints one line with both URLs when ready.
import { DEFAULT_FILL_LIMIT, PAPER_RETENTION, startSim, WARMUP_MS } from '../sim/index.js';
import type { Faults } from '../sim/server/faults.js';

const FAULT_FLAGS: Record<string, keyof Faults> = {
  '--latency': 'latencyMs',
  '--jitter': 'latencyJitterMs',
  '--error-rate': 'errorRate',
  '--timeout-rate': 'timeoutRate',
  '--rate-limit': 'rateLimitPerMinute',
  '--ws-disconnect-every': 'wsDisconnectEverySec',
  '--drop-depth': 'dropDepthRate',
  '--malformed': 'malformedRate',
  '--reject-rate': 'orderRejectRate',
};

const USAGE = `usage: tierhunter sim [--port N] [--host 127.0.0.1] [--seed N] [--state FILE] [--collateral N]
                     [--markets SOL_USDC_PERP,...] [--fill-history N] [--speed-bump] [--warmup SEC]
                     [--latency MS] [--jitter MS] [--error-rate 0..1] [--timeout-rate 0..1]
                     [--rate-limit PER_MIN] [--ws-disconnect-every SEC] [--drop-depth 0..1]
                     [--malformed 0..1] [--reject-rate 0..1]
--warmup SEC: simulated market history run before listening, so trades, klines and tickers have a past
  (default ${WARMUP_MS / 1000}; 0 starts with none)
--fill-history N: fills kept per account (newest; default ${DEFAULT_FILL_LIMIT}, ~52 bytes each)
Runtime faults: GET/POST http://HOST:PORT/_sim/faults, POST /_sim/faults/reset, POST /_sim/ws/disconnect
Seed an account's history: POST /_sim/fills/seed {"apiKey": KEY, "fills": [...]}`;

export interface SimArgs {
  port: number;
  host: string;
  seed: number;
  state?: string;
  collateral?: string;
  markets?: string[];
  fillHistory: number;
  speedBump: boolean;
  warmupSec: number;
  faults: Partial<Faults>;
}

export function parseSimArgs(argv: string[]): SimArgs | string {
  const out: SimArgs = { port: 0, host: '127.0.0.1', seed: Number(process.env['TIERHUNTER_SIM_SEED'] ?? 1), fillHistory: DEFAULT_FILL_LIMIT, speedBump: false, warmupSec: WARMUP_MS / 1000, faults: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | null => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined) return null;
      i++;
      return v;
    };
    if (flag === '--speed-bump') {
      out.speedBump = true;
      continue;
    }
    if (flag === '-h' || flag === '--help') return USAGE;
    const v = value();
    if (v === null) return `${flag} needs a value\n${USAGE}`;
    const num = Number(v);
    switch (flag) {
      case '--port':
        if (!Number.isInteger(num) || num < 0 || num > 65535) return `--port must be 0..65535 (0 picks a free port)`;
        out.port = num;
        break;
      case '--host':
        out.host = v;
        break;
      case '--seed':
        if (!Number.isInteger(num) || num < 0) return '--seed must be a non-negative integer';
        out.seed = num;
        break;
      case '--state':
        out.state = v;
        break;
      case '--collateral':
        if (!/^\d+(\.\d+)?$/.test(v)) return '--collateral must be a decimal amount of USDC, e.g. 10000';
        out.collateral = v;
        break;
      case '--warmup':
        if (!Number.isFinite(num) || num < 0 || num > 3600) return '--warmup must be 0..3600 seconds';
        out.warmupSec = num;
        break;
      case '--fill-history':
        if (!Number.isInteger(num) || num < 1) return '--fill-history must be a whole number of fills, e.g. 1000000';
        out.fillHistory = num;
        break;
      case '--markets':
        out.markets = v.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      default: {
        const key = FAULT_FLAGS[flag];
        if (!key) return `unknown option ${flag}\n${USAGE}`;
        if (!Number.isFinite(num) || num < 0) return `${flag} must be a non-negative number`;
        if (key.endsWith('Rate') && num > 1) return `${flag} is a share between 0 and 1`;
        out.faults[key] = num;
      }
    }
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseSimArgs(argv);
  if (typeof args === 'string') {
    const help = args === USAGE;
    (help ? console.log : console.error)(args);
    return help ? 0 : 2;
  }
  const sim = await startSim({
    port: args.port,
    host: args.host,
    seed: args.seed,
    faults: args.faults,
    warmupMs: args.warmupSec * 1000,
    ...(args.state ? { stateFile: args.state } : {}),
    ...(args.collateral ? { startingCollateral: args.collateral } : {}),
    ...(args.markets ? { markets: args.markets } : {}),
    exchange: { ...PAPER_RETENTION, fillLimit: args.fillHistory, ...(args.speedBump ? { takerSpeedBumpMs: 100 } : {}) },
  });
  console.log(`paper exchange ready: REST ${sim.restUrl}  WS ${sim.wsUrl}`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      sim.stop().then(
        () => resolve(0),
        (e: unknown) => {
          console.error(`tierhunter sim: stop failed: ${e instanceof Error ? e.message : String(e)}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
