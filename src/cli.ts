// src/: the bot's sources. cli.ts (this file) dispatches `tierhunter <command>` to src/cli/; the trading core
// (core/), the exchange port and the Backpack client (exchange/), the paper exchange (sim/), market tapes
// (tape/), backtests (backtest/), calibration (calibrate/), settings (config/), the process's I/O edges
// (runtime/), the control socket (control/) and shared helpers (util/). The TUI lives in ui/.
//
// `tierhunter <command>`: each subcommand lives in src/cli/<command>.ts and exports
// `main(argv): Promise<number>` (the exit code). Loaded lazily so `ctl` does not pay for Ink, etc.
import { ConfigError } from './config/errors.js';
import { KeyError } from './exchange/backpack/signing.js';

const COMMANDS: Record<string, { file: string; help: string }> = {
  check: { file: './cli/check.js', help: 'preflight: config, keys, clock, markets, fees, equity (changes nothing)' },
  sim: { file: './cli/sim.js', help: 'run the paper exchange server [--port N] [--host H] [--seed N]' },
  run: { file: './cli/run.js', help: 'run the trading core (paper without BPX_API_KEY) [--tui]' },
  attach: { file: './cli/attach.js', help: 'attach the terminal UI to a running core [--socket PATH]' },
  ctl: { file: './cli/ctl.js', help: 'send one command: pause|resume|flatten|force-inventory on|off|toggle|flush|stats [SYMBOL]' },
  backtest: { file: './cli/backtest.js', help: 'virtual-time backtest --hours H --seed S [--compare] [--json]' },
  calibrate: { file: './cli/calibrate.js', help: 'fit the market model to tapes TAPE... --out SPEC.json [--as SYMBOL,...] [--volume-scale X]' },
  tape: { file: './cli/tape.js', help: 'market tapes: import --format hftbacktest|tardis IN... --out FILE | stats FILE [--json] | dump FILE' },
  record: { file: './cli/record.js', help: 'record Backpack public streams into tapes --symbols A,B --out DIR [--rotate-minutes N]' },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(9)} ${c.help}`);
  return ['usage: tierhunter <command> [options]', '', ...rows].join('\n');
}

async function main(): Promise<number> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    console.log(usage());
    return cmd ? 0 : 2;
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    console.error(`tierhunter: unknown command "${cmd}"\n${usage()}`);
    return 2;
  }
  const mod = (await import(entry.file)) as { main: (argv: string[]) => Promise<number> };
  return mod.main(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof KeyError) {
      console.error(`tierhunter: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(`tierhunter: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
