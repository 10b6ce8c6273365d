// Is dist/ a build of the sources as they are now? The launcher runs dist/ only when it is, so editing a
// file (or pulling) without rebuilding runs the new sources through tsx instead of stale JavaScript.
// Plain JavaScript (no TypeScript) because it decides whether TypeScript is needed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIRS = ['src', 'ui'];
const SOURCE_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** Count and newest modification time of every source file the build reads. */
export function sourceFingerprint(root) {
  let files = 0;
  let newest = 0;
  const see = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    files++;
    if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) see(p);
    }
  };
  for (const d of SOURCE_DIRS) walk(join(root, d));
  for (const f of SOURCE_FILES) see(join(root, f));
  return { files, newest };
}

/** True when dist/ was built from exactly the current sources (same file count, nothing modified since). */
export function distIsFresh(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', 'BUILD'), 'utf8'));
  } catch {
    return false;
  }
  const now = sourceFingerprint(root);
  return stamp.files === now.files && now.newest <= stamp.newest;
}
