// Types of scripts/choice-rule.mjs (plain JavaScript, like the other scripts) for the tests.
export interface RunReport {
  costPerMillion: string | null;
  volume: string;
  hours: number;
}
export interface Run {
  leg: { id: string };
  seed: number;
  r: RunReport;
}
export interface Paired {
  dCost: number;
  se: number;
  volRatio: number;
  n: number;
}
export type Verdict = 'better' | 'more volume, same cost' | 'worse' | 'no difference';
export function mean(xs: number[]): number;
export function se(xs: number[]): number;
export function cost(r: RunReport): number | null;
export function volH(r: RunReport): number;
export function paired(a: Run[], b: Run[]): Paired;
export function verdict(variant: { scale?: boolean }, p: Paired, ddRatio: number): Verdict;
