// log.txt: the human-readable stats file. Appended, never truncated, ONE write call per block so two
// blocks never interleave and a crash leaves at most one incomplete block at the end. Failures throw:
// the core turns them into a loud alert and REDUCING rather than silently dropping stats.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class LogFile {
  /** Absolute path of the file. */
  readonly path: string;
  private dirReady = false;

  /** `path` is resolved against `cwd` (default: the process working directory), like the setting says. */
  constructor(path = './log.txt', cwd: string = process.cwd()) {
    this.path = resolve(cwd, path);
  }

  write(block: string): void {
    if (!this.dirReady) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.dirReady = true;
    }
    const text = block.endsWith('\n') ? block : block + '\n';
    try {
      // flag 'a' is O_APPEND: never truncates, and each block lands after whatever is there.
      appendFileSync(this.path, text, { encoding: 'utf8', mode: 0o600, flag: 'a' });
    } catch (err) {
      // The directory may have vanished under us; re-check it next time.
      this.dirReady = false;
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`cannot append to ${this.path}: ${code}`);
    }
  }
}
