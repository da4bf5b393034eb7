/**
 * The small amount of statistics a comparison needs, with no dependencies:
 * sample moments, the Student t distribution (CDF through the regularized
 * incomplete beta function, quantiles by a safeguarded Newton search) and
 * Welch's interval for the difference of two means.
 */
import { allEqual, mean } from "../util/mean.ts";
import { normalCdf, normalPdf, normalQuantile } from "../util/normal.ts";

/** Sample standard deviation (n − 1 in the denominator); NaN for fewer than 2 values, exactly 0 when all are equal. */
export function sampleStd(values: readonly number[]): number {
  return Math.sqrt(sampleVariance(values));
}

/** Sample variance (n − 1 in the denominator); NaN for fewer than 2 values, exactly 0 when all are equal. */
export function sampleVariance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  if (allEqual(values)) return 0;
  const m = mean(values);
  let ss = 0;
  let c = 0;
  for (const v of values) {
    ss += (v - m) ** 2;
    c += v - m;
  }
  // Corrected two-pass algorithm: the second term removes the rounding error of the mean.
  return (ss - (c * c) / n) / (n - 1);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz; Numerical Recipes' betacf). */
function betacf(a: number, b: number, x: number): number {
  const MAX_ITER = 100_000;
  const EPS = 1e-15;
  const FPMIN = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta: no convergence for a=${a}, b=${b}, x=${x}`);
}

/** Regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0 (got ${a}, ${b})`);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betacf(a, b, x)) / a;
  return 1 - (front * betacf(b, a, 1 - x)) / b;
}

/** Beyond this many degrees of freedom the t distribution is the normal one to ~1e-8. */
const NORMAL_DF = 1e8;

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0 (got ${df})`);
}

/** P(T ≤ t) for Student's t with `df` > 0 degrees of freedom (df may be fractional or Infinity). */
export function tCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  if (df >= NORMAL_DF) return normalCdf(t);
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2); written with t² / (df + t²) as well to keep precision near 0.
  const t2 = t * t;
  const x = df / (df + t2);
  const tail = x > 0.5 ? 1 - incompleteBeta(t2 / (df + t2), 0.5, df / 2) : incompleteBeta(x, df / 2, 0.5);
  return t > 0 ? 1 - tail / 2 : tail / 2;
}

/** Density of Student's t with `df` degrees of freedom. */
export function tPdf(t: number, df: number): number {
  checkDf(df);
  if (df >= NORMAL_DF) return normalPdf(t);
  const lnC = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * The t with P(T ≤ t) = p for Student's t with `df` degrees of freedom: a bracket
 * found by doubling, then Newton steps that fall back to bisection whenever they
 * would leave the bracket. Accurate to ~1e-12 relative.
 */
export function tQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (df >= NORMAL_DF) return normalQuantile(p);
  // Closed forms for 1 and 2 degrees of freedom.
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) {
    const a = 4 * p * (1 - p);
    return 2 * (p - 0.5) * Math.sqrt(2 / a);
  }
  // Work with the upper tail q = 1 − p, which keeps precision for p near 1.
  const q = 1 - p;
  const upper = (t: number) => 1 - tCdf(t, df);
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (upper(hi) > q) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Number.POSITIVE_INFINITY;
  }
  let t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = upper(t) - q; // decreasing in t
    if (f === 0) return t;
    if (f > 0) lo = t;
    else hi = t;
    const step = f / tPdf(t, df);
    let next = t + step;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-13 * Math.max(1, Math.abs(t)) || hi - lo <= 1e-13 * Math.max(1, hi)) return next;
    t = next;
  }
  return t;
}

export interface WelchInterval {
  /** Difference of means, a − b. */
  difference: number;
  /** Standard error of the difference. */
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom (fractional). */
  df: number;
  /** Two-sided interval at `confidence`. */
  interval: [number, number];
  /** The t quantile used: the interval is difference ± critical × standardError. */
  critical: number;
  /** Two-sided p-value for "the means are equal". */
  pValue: number;
  confidence: number;
}

/**
 * Welch's two-sided interval for mean(a) − mean(b), which does not assume equal
 * variances. Needs at least 2 values on each side and a positive standard error
 * (at least one side with some spread); returns undefined otherwise.
 */
export function welchInterval(
  a: readonly number[],
  b: readonly number[],
  confidence = 0.95,
): WelchInterval | undefined {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1) (got ${confidence})`);
  if (a.length < 2 || b.length < 2) return undefined;
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  const se2 = va + vb;
  if (!(se2 > 0) || !Number.isFinite(se2)) return undefined;
  const standardError = Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const difference = mean(a) - mean(b);
  const critical = tQuantile(1 - (1 - confidence) / 2, df);
  const tStat = difference / standardError;
  const pValue = Math.min(1, 2 * tCdf(-Math.abs(tStat), df));
  return {
    difference,
    standardError,
    df,
    interval: [difference - critical * standardError, difference + critical * standardError],
    critical,
    pValue,
    confidence,
  };
}
