// Seeded PRNG (mulberry32) plus the few distributions the market model needs. Deterministic across
// platforms: only 32-bit integer math and IEEE doubles derived from it.
export class Prng {
  private s: number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in (0, 1]: safe to take the logarithm of. */
  open(): number {
    return 1 - this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box-Muller, one spare cached). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u = this.open();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** Poisson by inversion (small means only, as used per model tick). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const L = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > L && k < 100) {
      k++;
      p *= this.next();
    }
    return k;
  }
  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(this.open());
  }
  /** Log-normal with the given median and log-sd. */
  logMedian(median: number, sd: number): number {
    return median * Math.exp(sd * this.normal());
  }
}

/** FNV-1a of a string, for deriving per-market seeds from one run seed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
