// `tierhunter record --symbols A,B --out DIR [--rotate-minutes N]`: records Backpack's public market data
// into tapes (src/tape/record/recorder.ts, docs/TAPES.md) until SIGINT/SIGTERM, then closes every file
// completely. Runs under pm2 as its own app (ecosystem.config.cjs, TIERHUNTER_RECORD_SYMBOLS).
import { resolve } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { DEFAULT_REST_URL, DEFAULT_WS_URL, endpoint } from '../config/load.js';
import { resolveSettings, SYMBOL_RE } from '../config/settings.js';
import { installShutdownHandlers, signalReady } from '../runtime/pm2.js';
import { Recorder, UnknownSymbolError } from '../tape/record/recorder.js';

export const USAGE = `usage: tierhunter record --symbols A,B --out DIR [--rotate-minutes N] [--rest-url URL] [--ws-url URL]
  Records Backpack's public streams for each symbol into tapes (one file per symbol per rotation):
  depth.<s> with a REST snapshot after every (re)connect and every resync, trade.<s>, bookTicker.<s>,
  and markPrice.<s> for perps. Reconnects, sequence breaks and unreadable messages are gap records.
  No API key is needed. Stops on SIGINT/SIGTERM with every file closed (footer, fsync).
  --symbols A,B        Backpack symbols, e.g. SOL_USDC_PERP,BTC_USDC
  --out DIR            where the tapes go: DIR/<SYMBOL>-<UTC start>.tape.gz (".part" while being written)
  --rotate-minutes N   a new file per symbol at every multiple of N minutes of UTC time (default 60; 0: never)
  --rest-url, --ws-url the endpoints (default BPX_REST_URL / BPX_WS_URL, else ${DEFAULT_REST_URL} and ${DEFAULT_WS_URL})
Tape format and commands: docs/TAPES.md.`;

export interface RecordArgs {
  symbols: string[];
  out: string;
  rotateMinutes: number;
  restUrl: string | null;
  wsUrl: string | null;
  help: boolean;
}

export function parseRecordArgs(argv: string[]): RecordArgs | string {
  const out: RecordArgs = { symbols: [], out: '', rotateMinutes: 60, restUrl: null, wsUrl: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      out.help = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const v = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
    if (!['--symbols', '--out', '--rotate-minutes', '--rest-url', '--ws-url'].includes(flag)) return `unknown argument ${flag} (see tierhunter record --help)`;
    if (v === undefined || v === '' || (eq < 0 && v.startsWith('--'))) return `${flag} needs a value (see tierhunter record --help)`;
    if (eq < 0) i++;
    switch (flag) {
      case '--symbols': {
        const list = v.split(',').map((s) => s.trim()).filter(Boolean);
        const bad = list.filter((s) => !SYMBOL_RE.test(s));
        if (list.length === 0 || bad.length > 0) return `--symbols: "${bad[0] ?? v}" is not a Backpack symbol like SOL_USDC_PERP or SOL_USDC`;
        if (new Set(list).size !== list.length) return '--symbols lists a symbol twice';
        out.symbols = list;
        break;
      }
      case '--out':
        out.out = v;
        break;
      case '--rotate-minutes': {
        const n = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || n > 7 * 24 * 60) return `--rotate-minutes must be a number of minutes from 0 (never) to 10080, got "${v}"`;
        out.rotateMinutes = n;
        break;
      }
      case '--rest-url':
      case '--ws-url': {
        const protocols = flag === '--rest-url' ? ['http:', 'https:'] : ['ws:', 'wss:'];
        let u: URL;
        try {
          u = new URL(v);
        } catch {
          return `${flag} "${v}" is not a URL`;
        }
        if (!protocols.includes(u.protocol)) return `${flag} must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL, got "${v}"`;
        if (flag === '--rest-url') out.restUrl = v.replace(/\/+$/, '');
        else out.wsUrl = v.replace(/\/+$/, '');
        break;
      }
    }
  }
  if (out.help) return out;
  if (out.symbols.length === 0) return '--symbols is required, e.g. --symbols SOL_USDC_PERP,BTC_USDC_PERP';
  if (!out.out) return '--out DIR is required (the directory the tapes are written to)';
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseRecordArgs(argv);
  if (typeof args === 'string') {
    console.error(`tierhunter record: ${args}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let recorder: Recorder;
  const log = (line: string): void => console.log(`[record] ${line}`);
  try {
    const settings = resolveSettings({}, process.env);
    const restUrl = args.restUrl ?? endpoint(process.env, 'BPX_REST_URL', DEFAULT_REST_URL, ['http:', 'https:']);
    const wsUrl = args.wsUrl ?? endpoint(process.env, 'BPX_WS_URL', DEFAULT_WS_URL, ['ws:', 'wss:']);
    recorder = await Recorder.start({
      restUrl, wsUrl, symbols: args.symbols, dir: resolve(args.out), settings,
      rotateMs: args.rotateMinutes > 0 ? Math.round(args.rotateMinutes * 60_000) : null,
      log,
    });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UnknownSymbolError) {
      console.error(`tierhunter record: ${e.message}`);
      return 2;
    }
    throw e;
  }
  installShutdownHandlers({
    shutdown: async (signal) => {
      const files = await recorder.stop();
      log(`${signal}: stopped; ${files.length} file(s) closed complete`);
    },
    log,
    action: 'closing every tape (footer, fsync)',
  });
  signalReady();
  // The sockets keep the process alive; the signal handlers end it.
  return new Promise<number>(() => undefined);
}
