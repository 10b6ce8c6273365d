// The package's version, for the core's status and the headers of the files the tools write.
import { readFileSync } from 'node:fs';

export function coreVersion(): string {
  // src/runtime/ in the sources, dist/src/runtime/ when compiled: the first package.json up that reads is ours.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version?: unknown };
      return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      // not here (or unreadable): try the next one up
    }
  }
  return '0.0.0';
}
