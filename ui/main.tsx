// Entry point of the terminal UI, used by `tierhunter attach` (q detaches; the core keeps trading) and
// by `tierhunter run --tui` (embedded: q stops the core gracefully via onQuit first).
import { render } from 'ink';
import { App } from './App.js';

export interface TuiOptions {
  socketPath: string;
  mode: 'attach' | 'embedded';
  onQuit?: () => Promise<void>;
}

export class TuiError extends Error {}

/** Renders the dashboard until the operator quits. Throws TuiError when stdin is not a terminal. */
export async function runTui(opts: TuiOptions): Promise<void> {
  if (!process.stdin.isTTY || typeof process.stdin.setRawMode !== 'function') {
    throw new TuiError(
      'the terminal UI needs an interactive terminal (stdin is not a TTY); run it in a terminal or tmux pane, ' +
        'or use `tierhunter ctl` for scripted commands',
    );
  }
  const instance = render(
    <App socketPath={opts.socketPath} mode={opts.mode} {...(opts.onQuit ? { onQuit: opts.onQuit } : {})} />,
    {
      // The core pushes at most ~10/s and useCore batches on a 100 ms timer: 10 fps is all we need.
      // Each frame is one write (erase + redraw, wrapped in synchronized-output marks where the terminal
      // supports them), and the App stays one line shorter than the terminal so Ink never falls back to
      // clearing the whole screen. Ink 6.8's incrementalRendering is NOT used: in tmux it left a stale
      // banner line on screen and pushed the footer off when the connection banner disappeared.
      maxFps: 10,
      incrementalRendering: false,
      // q and Ctrl+C go through the App so embedded mode can stop the core before exiting.
      exitOnCtrlC: false,
    },
  );
  await instance.waitUntilExit();
}
