// src/cli/: one file per `tierhunter` subcommand, each exporting main(argv) -> exit code, with its --help
// text and argument parsing; the work itself lives in the other folders.
//
// `tierhunter attach [--socket PATH]`: the terminal UI attached to a running core over its control
// socket. Quitting only detaches; the core keeps trading. Waits/reconnects forever with a banner.
import os from 'node:os';
import path from 'node:path';

/** Where the core listens by default. Mirrors the core's own computation (the UI may not import it). */
export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const h = env['TIERHUNTER_HOME'];
  return path.join(path.resolve(h && h.trim() ? h : path.join(os.homedir(), '.tierhunter')), 'run', 'core.sock');
}

const USAGE = 'usage: tierhunter attach [--socket PATH]';

export function parseAttachArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): { socketPath: string } | { error: string } | { help: true } {
  let socketPath = defaultSocketPath(env);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return { help: true };
    if (a === '--socket') {
      const v = argv[++i];
      if (!v) return { error: '--socket needs a PATH' };
      socketPath = path.resolve(v);
    } else if (a.startsWith('--socket=')) {
      const v = a.slice('--socket='.length);
      if (!v) return { error: '--socket needs a PATH' };
      socketPath = path.resolve(v);
    } else {
      return { error: `unknown argument "${a}"` };
    }
  }
  return { socketPath };
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseAttachArgs(argv);
  if ('help' in parsed) {
    console.log(`${USAGE}\n\nAttach the dashboard to a running core (default socket: ${defaultSocketPath()}).\nq detaches; the core keeps trading.`);
    return 0;
  }
  if ('error' in parsed) {
    console.error(`tierhunter attach: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  // Ink is loaded lazily so `--help` and argument errors stay instant.
  const { runTui, TuiError } = await (await import('../../ui/load.js')).loadTui();
  try {
    await runTui({ socketPath: parsed.socketPath, mode: 'attach' });
  } catch (err) {
    if (err instanceof TuiError) {
      console.error(`tierhunter attach: ${err.message}`);
      return 2;
    }
    throw err;
  }
  return 0;
}
