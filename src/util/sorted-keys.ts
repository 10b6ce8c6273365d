// Binary search over an ascending array of numbers whose most active end is the last element: the book
// sides (src/exchange/backpack/book.ts, src/tape/levels.ts) keep prices this way, best at the end.

/** The first index whose key is >= `key` (where it is, or would be inserted). */
export function lowerBound(keys: readonly number[], key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of `key`, checking the end first (changes are mostly at the touch). */
export function indexFromEnd(keys: readonly number[], key: number): number {
  const n = keys.length;
  if (n > 0 && keys[n - 1] === key) return n - 1;
  return lowerBound(keys, key);
}
