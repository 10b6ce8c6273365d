// The rule scripts/choose-defaults.mjs picks the tuned settings by (docs/BACKTEST.md "Choosing the
// defaults"), on its own so a test can hold it to its description. Runs are {leg: {id}, seed, r: report}
// with the backtest report's costPerMillion (string or null), volume (string) and hours.
export const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Standard error of the mean; Infinity for fewer than 2 values (one run proves nothing). */
export function se(xs) {
  if (xs.length < 2) return Infinity;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
}

const num = (x) => (x === null || x === undefined ? null : Number(x));
export const cost = (r) => num(r.costPerMillion);
export const volH = (r) => Number(r.volume) / r.hours;

/** Runs b against base runs a, paired on (leg, seed): mean cost delta, its SE, mean volume/h ratio. */
export function paired(a, b) {
  const key = (c) => `${c.leg.id}|${c.seed}`;
  const base = new Map(a.map((c) => [key(c), c.r]));
  const dc = [];
  const vr = [];
  for (const c of b) {
    const r0 = base.get(key(c));
    if (!r0 || cost(r0) === null || cost(c.r) === null) continue;
    dc.push(cost(c.r) - cost(r0));
    vr.push(volH(c.r) / volH(r0));
  }
  return { dCost: mean(dc), se: se(dc), volRatio: mean(vr), n: dc.length };
}

/**
 * better: dCost < -2 SE at >= 80 % of the base's volume/h. Within ±2 SE it is no different, and taken
 * ('more volume, same cost') only with >= 10 % more volume/h, no more drawdown per $ traded (ddRatio <= 1)
 * and not a size knob (variant.scale). worse: dCost > 2 SE.
 */
export function verdict(variant, p, ddRatio) {
  if (p.dCost < -2 * p.se && p.volRatio >= 0.8) return 'better';
  if (Math.abs(p.dCost) <= 2 * p.se && !variant.scale && p.volRatio >= 1.1 && ddRatio <= 1) return 'more volume, same cost';
  if (p.dCost > 2 * p.se) return 'worse';
  return 'no difference';
}
