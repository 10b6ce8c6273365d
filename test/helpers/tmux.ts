// Drives a real terminal program in a private tmux server (own socket, so tests never touch the user's
// tmux) for end-to-end tests of the TUI: send-keys to type, capture-pane to read the screen.
import { execFileSync, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

export class TmuxSession {
  private constructor(
    private readonly socket: string,
    readonly name: string,
  ) {}

  /** Start `command` (a shell line) in a detached session of the given size with extra environment. */
  static start(opts: { command: string; env?: Record<string, string>; cwd?: string; cols?: number; rows?: number }): TmuxSession {
    const socket = `th-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const name = 'th';
    const envPrefix = Object.entries(opts.env ?? {})
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(' ');
    const line = envPrefix ? `env ${envPrefix} ${opts.command}` : opts.command;
    execFileSync('tmux', [
      '-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', name,
      '-x', String(opts.cols ?? 120), '-y', String(opts.rows ?? 40),
      ...(opts.cwd ? ['-c', opts.cwd] : []),
      // Keep the pane after the program exits so its last screen can still be read.
      line + '; echo "[exited $?]"; sleep 600',
    ], { env: { ...process.env, TERM: 'xterm-256color' } });
    return new TmuxSession(socket, name);
  }

  sendKeys(...keys: string[]): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, ...keys]);
  }

  /** Literal text (no key-name interpretation). */
  type(text: string): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', this.name, '-l', text]);
  }

  capture(): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  /** Poll the screen until `pattern` matches; throws with the last screen on timeout. */
  async waitFor(pattern: RegExp, timeoutMs = 20000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.capture();
      if (pattern.test(screen)) return screen;
      await sleep(150);
    }
    throw new Error(`tmux: timed out waiting for ${pattern}; last screen:\n${screen}`);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
