// `tierhunter ctl <command> [SYMBOL] [--socket PATH]`: send one command to a running core and print the
// reply, for scripts and for an operator without the TUI.
// Exit codes: 0 ok, 1 the core answered with an error, 2 usage error, 3 core not reachable.
import { ControlClient, ControlConnectError } from '../control/client.js';
import type { CommandArgs, CommandName } from '../control/protocol.js';
import { defaultSocketPath } from '../control/socket-file.js';
import { tierhunterHome } from '../runtime/home.js';

const USAGE = `usage: tierhunter ctl <command> [SYMBOL] [--socket PATH]

commands:
  pause [SYMBOL]                       stop opening quotes (cancels only); all symbols when none given
  resume [SYMBOL] [--reset-limits]     back to ACTIVE; --reset-limits also releases a hit session/daily
                                       loss limit (both count from now again)
  flatten [SYMBOL]                     REDUCING: reduce-only orders until flat
  force-inventory on|off|toggle [SYM]  inventory-first rule at run time
  flush                                write a stats block to log.txt now
  stats [SYMBOL]                       print cumulative stats as JSON ({ total, symbols })
  snapshot                             print the full core snapshot as JSON

The socket is $TIERHUNTER_HOME/run/core.sock (default ~/.tierhunter) unless --socket is given.
exit codes: 0 ok, 1 error reply, 2 usage, 3 core not reachable`;

interface Parsed {
  name: CommandName;
  symbol?: string;
  value?: 'on' | 'off' | 'toggle';
  resetLimits?: boolean;
  socket: string;
  timeoutMs: number;
}

class UsageError extends Error {}

const SIMPLE: Record<string, CommandName> = {
  pause: 'pause',
  resume: 'resume',
  flatten: 'flatten',
  flush: 'flush',
  stats: 'stats',
  snapshot: 'snapshot',
};

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Parsed {
  const positional: string[] = [];
  let socket: string | null = null;
  let timeoutMs = 10000;
  let resetLimits = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--reset-limits') {
      resetLimits = true;
    } else if (a === '--socket') {
      const v = argv[++i];
      if (!v) throw new UsageError('--socket needs a path');
      socket = v;
    } else if (a.startsWith('--socket=')) {
      socket = a.slice('--socket='.length);
      if (!socket) throw new UsageError('--socket needs a path');
    } else if (a === '--timeout') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new UsageError('--timeout needs a positive number of seconds');
      timeoutMs = v * 1000;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  const [word, ...rest] = positional;
  if (!word) throw new UsageError('missing command');
  let name: CommandName;
  let value: 'on' | 'off' | 'toggle' | undefined;
  if (word === 'force-inventory' || word === 'forceInventory') {
    name = 'forceInventory';
    const v = rest.shift();
    if (v !== 'on' && v !== 'off' && v !== 'toggle') throw new UsageError('force-inventory needs on, off or toggle');
    value = v;
  } else {
    const n = SIMPLE[word];
    if (!n) throw new UsageError(`unknown command "${word}"`);
    name = n;
  }
  if (rest.length > 1) throw new UsageError(`too many arguments: ${rest.join(' ')}`);
  let symbol: string | undefined;
  if (rest.length === 1) {
    if (name === 'snapshot') throw new UsageError('snapshot takes no symbol');
    symbol = rest[0]!.toUpperCase();
    if (!/^[A-Z0-9_]{1,40}$/.test(symbol)) throw new UsageError(`"${rest[0]}" is not a symbol like SOL_USDC_PERP`);
  }
  if (resetLimits && name !== 'resume') throw new UsageError('--reset-limits goes with resume');
  const out: Parsed = { name, socket: socket ?? defaultSocketPath(tierhunterHome(env)), timeoutMs };
  if (resetLimits) out.resetLimits = true;
  if (symbol !== undefined) out.symbol = symbol;
  if (value !== undefined) out.value = value;
  return out;
}

export async function main(argv: string[], io: { out?: (s: string) => void; err?: (s: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s + '\n'));
  const err = io.err ?? ((s: string) => void process.stderr.write(s + '\n'));
  if (argv.includes('-h') || argv.includes('--help')) {
    out(USAGE);
    return 0;
  }
  let p: Parsed;
  try {
    p = parseArgs(argv, io.env ?? process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`tierhunter ctl: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  let client: ControlClient | null = null;
  try {
    client = await ControlClient.connect(p.socket, { timeoutMs: Math.min(p.timeoutMs, 5000) });
    const args: Omit<CommandArgs, 'name'> = {};
    if (p.symbol !== undefined) args.symbol = p.symbol;
    if (p.value !== undefined) args.value = p.value;
    if (p.resetLimits) args.resetLimits = true;
    const reply = await client.request(p.name, args, p.timeoutMs);
    if (!reply.ok) {
      err(`tierhunter ctl: ${reply.error}`);
      return 1;
    }
    if ((p.name === 'stats' || p.name === 'snapshot') && reply.data !== undefined) out(JSON.stringify(reply.data, null, 2));
    else out(reply.message);
    return 0;
  } catch (e) {
    if (e instanceof ControlConnectError) {
      err(`tierhunter ctl: ${e.message}`);
      return 3;
    }
    throw e;
  } finally {
    client?.close();
  }
}
