/**
 * Expected improvement in log space (LogEI, Ament et al. 2023, "Unexpected
 * improvements to expected improvement for Bayesian optimization"). Plain EI
 * underflows to exactly 0 a few standard deviations away from the incumbent,
 * which leaves most of the space tied and an optimizer without a direction;
 * log EI stays finite and ordered all the way out.
 */

import { erfcx, LOG_SQRT_2PI, normalCdf, normalPdf } from "../../util/normal.ts";

const SQRT2 = Math.SQRT2;
const HALF_LOG_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);
/** Beyond this z, the asymptotic expansion of log h is exact to double precision. */
const ASYMPTOTIC_Z = -1 / Math.sqrt(Number.EPSILON);

/** log(1 − eˣ) for x < 0, accurate at both ends (Mächler 2012). */
function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log(φ(z) + z·Φ(z)): the log of EI for a unit-variance posterior, as a function of z = (μ − best)/σ. */
export function logH(z: number): number {
  if (z > -1) return Math.log(normalPdf(z) + z * normalCdf(z));
  if (z > ASYMPTOTIC_Z)
    return -0.5 * z * z - LOG_SQRT_2PI + log1mexp(Math.log(erfcx(-z / SQRT2) * -z) + HALF_LOG_PI_OVER_2);
  return -0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(-z);
}

/**
 * log EI for minimization: the expected amount by which f(x) ~ N(mean, variance)
 * falls below `best`.
 */
export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const sd = Math.sqrt(variance);
  return Math.log(sd) + logH((best - mean) / sd);
}
