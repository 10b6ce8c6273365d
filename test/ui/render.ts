// Render an Ink tree into fake streams of a chosen size (ink-testing-library fixes 100 columns; we need
// 80 and 200). Each frame is kept; helpers wait for a frame that satisfies a predicate.
import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink';
import type { ReactElement } from 'react';

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  isTTY = true;
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface Rendered {
  lastFrame: () => string;
  stdin: FakeStdin;
  unmount: () => void;
  waitUntilExit: () => Promise<unknown>;
  frames: string[];
}

export function renderAt(tree: ReactElement, columns = 100, rows = 40): Rendered {
  const stdout = new FakeStdout(columns, rows);
  const stderr = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const inst = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    lastFrame: () => stdout.frames[stdout.frames.length - 1] ?? '',
    stdin,
    unmount: () => inst.unmount(),
    waitUntilExit: () => inst.waitUntilExit(),
    frames: stdout.frames,
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g;
export function strip(s: string): string {
  return s.replace(ANSI, '');
}

/** Poll until `pred` holds (real sockets are involved, so this waits on events, with a generous cap). */
export async function waitFor(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
