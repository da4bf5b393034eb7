/**
 * Expected improvement in log space (LogEI, Ament et al. 2023, "Unexpected
 * improvements to expected improvement for Bayesian optimization"). Plain EI
 * underflows to exactly 0 a few standard deviations away from the incumbent,
 * which leaves most of the space tied and an optimizer without a direction;
 * log EI stays finite and ordered all the way out.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const HALF_LOG_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);
/** Beyond this z, the asymptotic expansion of log h is exact to double precision. */
const ASYMPTOTIC_Z = -1 / Math.sqrt(Number.EPSILON);

/**
 * The scaled complementary error function exp(x²)·erfc(x), for x ≥ 0. Below 2
 * from the power series of exp(x²)·erf(x), whose terms are all positive (it
 * loses at most 2.5 digits to the final subtraction there); above, from the
 * continued fraction of erfc evaluated bottom-up, which converges fast.
 */
export function erfcx(x: number): number {
  if (x < 2) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return Math.exp(x2) - (2 / SQRT_PI) * sum;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
  const terms = x < 4 ? 60 : x < 10 ? 30 : 12;
  let f = x;
  for (let k = terms; k >= 1; k--) f = x + k / 2 / f;
  return 1 / (SQRT_PI * f);
}

/** erfc for any real x. */
export function erfc(x: number): number {
  if (x >= 0) return erfcx(x) * Math.exp(-x * x);
  return 2 - erfcx(-x) * Math.exp(-x * x);
}

/** log(1 − eˣ) for x < 0, accurate at both ends (Mächler 2012). */
function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log(φ(z) + z·Φ(z)): the log of EI for a unit-variance posterior, as a function of z = (μ − best)/σ. */
export function logH(z: number): number {
  if (z > -1) {
    const phi = Math.exp(-0.5 * z * z - HALF_LOG_2PI);
    const cdf = 0.5 * erfc(-z / SQRT2);
    return Math.log(phi + z * cdf);
  }
  if (z > ASYMPTOTIC_Z)
    return -0.5 * z * z - HALF_LOG_2PI + log1mexp(Math.log(erfcx(-z / SQRT2) * -z) + HALF_LOG_PI_OVER_2);
  return -0.5 * z * z - HALF_LOG_2PI - 2 * Math.log(-z);
}

/**
 * log EI for minimization: the expected amount by which f(x) ~ N(mean, variance)
 * falls below `best`.
 */
export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const sd = Math.sqrt(variance);
  return Math.log(sd) + logH((best - mean) / sd);
}
