/** The normal-distribution pieces the Parzen estimators need, in plain arithmetic. */
import { erfc } from "../../util/normal.ts";
import type { Rng } from "../../util/rng.ts";

const SQRT2 = Math.SQRT2;

/** P(a < Z < b) for a standard normal Z, taken from the tail that does not cancel. */
export function normalMass(a: number, b: number): number {
  let m: number;
  if (a >= 0) m = 0.5 * (erfc(a / SQRT2) - erfc(b / SQRT2));
  else if (b <= 0) m = 0.5 * (erfc(-b / SQRT2) - erfc(-a / SQRT2));
  else m = 1 - 0.5 * (erfc(-a / SQRT2) + erfc(b / SQRT2));
  return Math.max(m, 0);
}

/**
 * A draw from N(mu, sigma²) truncated to [0, 1). Rejection is exact, and with
 * mu in [0, 1] and sigma at most 1 at least a third of draws are accepted.
 */
export function truncatedNormal(rng: Rng, mu: number, sigma: number): number {
  for (let i = 0; i < 100; i++) {
    const x = mu + sigma * rng.normal();
    if (x >= 0 && x < 1) return x;
  }
  return Math.min(1 - Number.EPSILON, Math.max(0, mu));
}

export function logSumExp(xs: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > max) max = x;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let s = 0;
  for (const x of xs) s += Math.exp(x - max);
  return max + Math.log(s);
}
