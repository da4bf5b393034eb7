import type { Resource } from "../../space/resource.ts";
/**
 * Hyperband's bracket arithmetic (Li et al., 2018). With R = max/min and
 * s_max = ⌊log_η R⌋, bracket s starts n = ⌈(s_max+1)/(s+1)·η^s⌉ configurations
 * at max·η^-s, and each of its rungs i = 0..s keeps ⌊n·η^-i⌋ of them at
 * max·η^(i-s): the most aggressive bracket tries many configurations briefly,
 * the last trains a few at full resource, so no single guess about how early
 * results predict final ones decides the study.
 */

export interface Rung {
  /** How many trials the rung runs (at most; fewer if trials below it failed). */
  readonly size: number;
  readonly resource: number;
}

export interface Bracket {
  /** Hyperband's s: how many times the bracket halves (by η). */
  readonly s: number;
  readonly rungs: readonly Rung[];
}

/** s_max: the number of rungs, less one, of the most aggressive bracket. */
export function maxHalvings(r: Pick<Resource, "min" | "max" | "eta">): number {
  // The epsilon keeps an exact power (27/1 with η 3) from rounding down to 2.
  return Math.max(0, Math.floor(Math.log(r.max / r.min) / Math.log(r.eta) + 1e-9));
}

/** One hyperband iteration: brackets s = s_max … 0, in the order they are started. */
export function hyperbandBrackets(r: Resource): Bracket[] {
  const sMax = maxHalvings(r);
  const out: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    // Whole numbers first, one division last: (s_max+1)/(s+1)·η^s in floating point can land a
    // hair above a whole number (11/9·3^8 gives 8019.000…01) and ceil up to one trial too many.
    const n = Math.ceil(((sMax + 1) * r.eta ** s) / (s + 1));
    const rungs: Rung[] = [];
    for (let i = 0; i <= s; i++)
      rungs.push({ size: Math.floor(n / r.eta ** i), resource: rungResource(r, r.max * r.eta ** (i - s)) });
    out.push({ s, rungs });
  }
  return out;
}

function rungResource(r: Resource, exact: number): number {
  if (r.type === "float") return Number(exact.toPrecision(6));
  return Math.min(r.max, Math.max(Math.ceil(r.min), Math.round(exact)));
}

/** Bracket number k of the study (brackets repeat, iteration after iteration). */
export function bracketAt(brackets: readonly Bracket[], k: number): Bracket {
  return brackets[k % brackets.length]!;
}

/** How many trials a bracket runs, all rungs together. */
export function bracketTrials(bracket: Bracket): number {
  return bracket.rungs.reduce((n, r) => n + r.size, 0);
}

/** Trials and total resource of one full iteration, for the plan's explanation and the docs. */
export function iterationCost(brackets: readonly Bracket[]): { trials: number; resource: number } {
  let trials = 0;
  let resource = 0;
  for (const b of brackets)
    for (const rung of b.rungs) {
      trials += rung.size;
      resource += rung.size * rung.resource;
    }
  return { trials, resource };
}
