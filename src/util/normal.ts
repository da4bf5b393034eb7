/**
 * The standard normal distribution, once for the whole code: the
 * complementary error function (relative error below 1e-13 for every x; see
 * test/unit/normal.test.ts), the CDF, the density and the quantile. Used by
 * the GP's expected improvement, TPE's truncated kernels and the comparison's
 * intervals.
 */

const SQRT_PI = Math.sqrt(Math.PI);

/** log √(2π): the normal density's normalising constant, in logs. */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

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

/** erfc for any real x, to a relative error below 1e-13 (so far tails keep their digits and finite logs). */
export function erfc(x: number): number {
  if (x >= 0) return erfcx(x) * Math.exp(-x * x);
  return 2 - erfcx(-x) * Math.exp(-x * x);
}

/** Standard normal CDF, via erfc; NaN for NaN. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/** Standard normal quantile (Acklam's approximation, refined by one Halley step to full double precision). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
