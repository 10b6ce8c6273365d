// JSON for files people read and diff (generated data modules): like JSON.stringify(v, null, 2), except
// that an object or array whose one-line form fits in `width` columns where it starts stays on one line. A calibrated market spec is mostly small {median, logSd} pairs and short arrays, which the
// standard layout spreads over four lines each. The output parses back to the same value.
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function entries(o: object): Array<[string, unknown]> {
  return Object.entries(o).filter(([, v]) => v !== undefined);
}

/** One-line form with a space after each comma and colon (outside strings). */
function inline(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v as Json) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  const rows = entries(v);
  return rows.length === 0 ? '{}' : `{ ${rows.map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(', ')} }`;
}

/**
 * `value` as JSON at indentation `indent`, its first line starting at column `lead` (after a key, in an
 * object): a value that fits between `lead` and `width` is one line, else it is expanded.
 */
export function compactJson(value: unknown, width = 110, indent = '', lead = indent.length): string {
  const one = inline(value);
  if (value === null || typeof value !== 'object' || lead + one.length <= width) return one;
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((x) => inner + compactJson(x, width, inner)).join(',\n')}\n${indent}]`;
  const rows = entries(value).map(([k, v]) => {
    const key = `${inner}${JSON.stringify(k)}: `;
    return key + compactJson(v, width, inner, key.length);
  });
  return `{\n${rows.join(',\n')}\n${indent}}`;
}
