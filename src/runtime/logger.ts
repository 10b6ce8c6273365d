// stdout logger for pm2 logs: one timestamped line per call. Every line passes a redaction layer that
// scrubs the API secret in every spelling we can derive from it (raw, trimmed, the decoded seed in
// base64/base64url/hex). The secret should never reach a log call at all; this is the second wall.

export interface LoggerOptions {
  /** Secret strings to scrub (e.g. the BPX_API_SECRET value). Empty/short values are ignored. */
  secrets?: readonly string[];
  /** Where lines go (default: process.stdout). */
  out?: (line: string) => void;
  /** Time source (default Date.now). */
  now?: () => number;
}

/** Strings shorter than this are not scrubbed: they would mangle ordinary text and are not key material. */
const MIN_SECRET_LEN = 8;

/** Every spelling of a secret that could leak: the value itself and its decoded bytes re-encoded. */
export function secretVariants(secret: string): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if (s.length >= MIN_SECRET_LEN) out.add(s);
  };
  add(secret);
  const t = secret.trim();
  add(t);
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length >= 16) {
      const seed = bytes.length === 64 ? bytes.subarray(0, 32) : bytes;
      for (const b of bytes.length === 64 ? [bytes, seed] : [bytes]) {
        add(b.toString('base64'));
        add(b.toString('base64').replace(/=+$/, ''));
        add(b.toString('base64url'));
        add(b.toString('hex'));
        add(b.toString('hex').toUpperCase());
      }
    }
  }
  // Longest first so a variant that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

export class Redactor {
  private readonly variants: string[];
  constructor(secrets: readonly string[]) {
    const all = new Set<string>();
    for (const s of secrets) if (s) for (const v of secretVariants(s)) all.add(v);
    this.variants = [...all].sort((a, b) => b.length - a.length);
  }
  redact(text: string): string {
    let out = text;
    for (const v of this.variants) if (out.includes(v)) out = out.split(v).join('[redacted]');
    return out;
  }
}

export class ConsoleLogger {
  private readonly redactor: Redactor;
  private readonly out: (line: string) => void;
  private readonly now: () => number;

  constructor(opts: LoggerOptions = {}) {
    this.redactor = new Redactor(opts.secrets ?? []);
    this.out = opts.out ?? ((line) => void process.stdout.write(line + '\n'));
    this.now = opts.now ?? Date.now;
  }

  info(line: string): void {
    this.emit('INFO', line);
  }
  warn(line: string): void {
    this.emit('WARN', line);
  }
  error(line: string): void {
    this.emit('ERROR', line);
  }

  /** Scrub a string with this logger's secrets (for text that goes elsewhere, e.g. crash reports). */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  private emit(level: string, line: string): void {
    // One call, one line: embedded newlines would split a record across pm2 log lines.
    const flat = this.redactor.redact(line).replace(/\r?\n/g, ' | ');
    this.out(`${new Date(this.now()).toISOString()} ${level} ${flat}`);
  }
}
