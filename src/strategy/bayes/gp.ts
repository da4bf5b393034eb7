/**
 * Gaussian-process regression with a zero prior mean (targets arrive
 * standardized and shifted, see model.ts) or a given one (a related study's
 * model, see transfer.ts),
 * the Matérn-5/2 ARD kernel and Gaussian noise. Hyperparameters are fitted by
 * maximizing the log marginal likelihood plus log priors (MAP), with analytic
 * gradients, from several starts. The posterior grows one point at a time, so
 * fantasies (pending trials, points already in the batch) cost O(n²) each.
 */
import { type Features, featureSq, matern52, matern52DerivR2, sqDist } from "./kernel.ts";
import { minimize } from "./lbfgs.ts";
import { cholesky, choleskyInverse, dot, rowStart, solveLowerInPlace, solveUpperInPlace } from "./linalg.ts";
import { borrowMemory } from "./simd.ts";

/** Observations: n rows of features (row-major) and their targets. */
export interface Data {
  readonly features: Features;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
}

/**
 * Hyperparameters in log space, one array: log ℓ per feature, then the log
 * signal variance, then the log noise variance.
 */
export type Theta = Float64Array;

const LOG_2PI = Math.log(2 * Math.PI);

/** Bounds and priors of the hyperparameters, for the unit cube and standardized targets. */
export interface Priors {
  /** Mean and standard deviation of the normal prior on log ℓ. */
  readonly lengthMean: number;
  readonly lengthSd: number;
  readonly signalMean: number;
  readonly signalSd: number;
  readonly noiseMean: number;
  readonly noiseSd: number;
}

/**
 * Length scales: log-normal with a wide spread (√3) and a centre that grows
 * with √d as in Hvarfner et al. (2024, "Vanilla Bayesian optimization performs
 * great in high dimensions"), so a model in more dimensions starts smoother
 * rather than overfitting; the centre sits e^1.5 below theirs, at the length
 * scales fits actually land on in the few dimensions of tuning problems (0.2–1
 * of the cube; the benchmark could not tell the two centres apart).
 * Noise: centred on 3e-4 of the target variance, because most objectives are
 * nearly deterministic; a BoTorch-like centre of e^-4 smoothed away the
 * last digits (branin and hartmann3 regrets 10-50× worse), and the spread of 2
 * still lets real seed noise or misfit (ackley's ripples) be absorbed.
 */
export function defaultPriors(p: number): Priors {
  return {
    lengthMean: Math.SQRT2 + 0.5 * Math.log(Math.max(1, p)) - 1.5,
    lengthSd: Math.sqrt(3),
    signalMean: 0,
    signalSd: 1,
    noiseMean: -8,
    noiseSd: 2,
  };
}

const LOG_LENGTH_MIN = Math.log(0.005);
const LOG_LENGTH_MAX = Math.log(50);
const LOG_SIGNAL_MIN = Math.log(0.01);
const LOG_SIGNAL_MAX = Math.log(100);
const LOG_NOISE_MIN = Math.log(1e-8);
const LOG_NOISE_MAX = Math.log(2);

function thetaBounds(p: number): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(p + 2).fill(LOG_LENGTH_MIN);
  const upper = new Float64Array(p + 2).fill(LOG_LENGTH_MAX);
  lower[p] = LOG_SIGNAL_MIN;
  upper[p] = LOG_SIGNAL_MAX;
  lower[p + 1] = LOG_NOISE_MIN;
  upper[p + 1] = LOG_NOISE_MAX;
  return { lower, upper };
}

function invLengthSq(theta: Theta, p: number): Float64Array {
  const out = new Float64Array(p);
  for (let d = 0; d < p; d++) out[d] = Math.exp(-2 * theta[d]!);
  return out;
}

/**
 * Negative log posterior of θ and its gradient. The per-pair feature distances
 * do not depend on θ, so the objective closes over them once per fit.
 */
export function negLogPosterior(data: Data, priors: Priors): (theta: Theta, grad: Float64Array) => number {
  const { n, features, x, y } = data;
  const p = features.p;
  const pairs = rowStart(n);
  const sq = new Float64Array(pairs * p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const o = (rowStart(i) + j) * p;
      for (let d = 0; d < p; d++) sq[o + d] = featureSq(features, x, i, x, j, d);
    }
  const k = new Float64Array(pairs);
  const dk = new Float64Array(pairs);
  return (theta, grad) => {
    const invL2 = invLengthSq(theta, p);
    const signal = Math.exp(theta[p]!);
    const noise = Math.exp(theta[p + 1]!);
    for (let i = 0; i < n; i++) {
      const ri = rowStart(i);
      for (let j = 0; j < i; j++) {
        const o = (ri + j) * p;
        let r2 = 0;
        for (let d = 0; d < p; d++) r2 += sq[o + d]! * invL2[d]!;
        k[ri + j] = signal * matern52(r2);
        dk[ri + j] = signal * matern52DerivR2(r2);
      }
      k[ri + i] = signal + noise;
    }
    let chol: ReturnType<typeof cholesky>;
    try {
      chol = cholesky(k, n, signal);
    } catch {
      grad.fill(0);
      return Number.POSITIVE_INFINITY;
    }
    const { l } = chol;
    const alpha = Float64Array.from(y.subarray(0, n));
    solveLowerInPlace(l, n, alpha);
    const fit = dot(alpha, alpha, n);
    solveUpperInPlace(l, n, alpha);
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += Math.log(l[rowStart(i) + i]!);
    const nll = 0.5 * fit + logDet + 0.5 * n * LOG_2PI;

    // d(nll)/dθ = -½ tr(W dK/dθ) with W = ααᵀ − K⁻¹.
    const kInv = choleskyInverse(l, n);
    grad.fill(0);
    let signalGrad = 0;
    let noiseGrad = 0;
    for (let i = 0; i < n; i++) {
      const ri = rowStart(i);
      const ai = alpha[i]!;
      for (let j = 0; j < i; j++) {
        const w = ai * alpha[j]! - kInv[ri + j]!;
        // Off-diagonal pairs count twice in the trace.
        signalGrad += 2 * w * k[ri + j]!;
        const c = w * dk[ri + j]!;
        if (c === 0) continue;
        const o = (ri + j) * p;
        for (let d = 0; d < p; d++) grad[d] = grad[d]! + c * sq[o + d]!;
      }
      const wii = ai * ai - kInv[ri + i]!;
      signalGrad += wii * signal;
      noiseGrad += wii * noise;
    }
    // dK_ij/d log ℓ_d = dk/dr² · (−2 Δ²_d / ℓ_d²); the −½ and the pair count of 2 cancel the 2.
    for (let d = 0; d < p; d++) grad[d] = 2 * grad[d]! * invL2[d]!;
    grad[p] = -0.5 * signalGrad;
    grad[p + 1] = -0.5 * noiseGrad;

    let prior = 0;
    const gaussian = (i: number, mean: number, sd: number) => {
      const z = (theta[i]! - mean) / sd;
      prior += 0.5 * z * z;
      grad[i] = grad[i]! + z / sd;
    };
    for (let d = 0; d < p; d++) gaussian(d, priors.lengthMean, priors.lengthSd);
    gaussian(p, priors.signalMean, priors.signalSd);
    gaussian(p + 1, priors.noiseMean, priors.noiseSd);
    return nll + prior;
  };
}

/**
 * MAP hyperparameters: score the prior's centre and a few random settings,
 * run L-BFGS from the centre and the best of the others, keep the best optimum.
 */
export function fitTheta(
  data: Data,
  priors: Priors,
  random: () => number,
  opts: { readonly draws: number; readonly starts: number; readonly maxIterations: number },
): Theta {
  const p = data.features.p;
  const { lower, upper } = thetaBounds(p);
  const objective = negLogPosterior(data, priors);
  const grad = new Float64Array(p + 2);
  const centre = new Float64Array(p + 2).fill(priors.lengthMean);
  centre[p] = priors.signalMean;
  centre[p + 1] = priors.noiseMean;
  const candidates: { theta: Theta; f: number }[] = [{ theta: centre, f: objective(centre, grad) }];
  for (let s = 0; s < opts.draws; s++) {
    const theta = new Float64Array(p + 2);
    // Uniform in log space over a plausible range rather than the wide prior,
    // so the starts are spread where optima actually lie.
    for (let d = 0; d < p; d++) theta[d] = Math.log(0.05) + random() * (Math.log(5) - Math.log(0.05));
    theta[p] = priors.signalMean + (random() - 0.5);
    theta[p + 1] = Math.log(1e-6) + random() * (Math.log(1e-1) - Math.log(1e-6));
    candidates.push({ theta, f: objective(theta, grad) });
  }
  const [first, ...rest] = candidates;
  rest.sort((a, b) => a.f - b.f);
  const starts = [first!, ...rest].slice(0, Math.max(1, opts.starts));
  let best: { x: Float64Array; f: number } | undefined;
  for (const s of starts) {
    if (!Number.isFinite(s.f)) continue;
    const r = minimize(objective, s.theta, { lower, upper, maxIterations: opts.maxIterations });
    if (!best || r.f < best.f) best = r;
  }
  return best?.x ?? centre;
}

/** What the model knows about one point, kept up to date as points are added. */
export interface Cached {
  readonly x: Float64Array;
  /** L⁻¹ k(X, x), valid for the first `known` data points. */
  readonly v: Float64Array;
  known: number;
  /** The prior mean at x: the posterior mean before any data. */
  readonly offset: number;
  mean: number;
  /** Posterior variance of the latent function (noise excluded). */
  variance: number;
}

export class Posterior {
  readonly features: Features;
  readonly signal: number;
  readonly noise: number;
  readonly invL2: Float64Array;
  private readonly x: Float64Array;
  /** β = L⁻¹ y, so that the mean at a point is vᵀβ. */
  private readonly beta: Float64Array;
  private readonly l: Float64Array;
  /**
   * Solves run in the shared WebAssembly memory (simd.ts), laid out as L
   * (packed by rows, from offset 0), then a point's v, then its kernel row;
   * `synced` rows of L there are current.
   */
  private readonly vAt: number;
  private readonly kAt: number;
  private synced = 0;
  private count: number;
  private readonly capacity: number;
  private readonly priorMean: ((x: Float64Array) => number) | undefined;

  /**
   * `extra`: how many points may be added later (fantasies). With `priorMean`,
   * `data.y` holds the targets minus the prior mean at their points.
   */
  constructor(data: Data, theta: Theta, extra: number, priorMean?: (x: Float64Array) => number) {
    const { n, features } = data;
    const p = features.p;
    this.features = features;
    this.invL2 = invLengthSq(theta, p);
    this.signal = Math.exp(theta[p]!);
    this.noise = Math.exp(theta[p + 1]!);
    this.capacity = n + extra;
    this.priorMean = priorMean;
    this.x = new Float64Array(this.capacity * p);
    this.x.set(data.x.subarray(0, n * p));
    const k = new Float64Array(rowStart(n));
    for (let i = 0; i < n; i++) {
      const ri = rowStart(i);
      for (let j = 0; j < i; j++) k[ri + j] = this.kernel(this.x, i, this.x, j);
      k[ri + i] = this.signal + this.noise;
    }
    const { l, jitter } = cholesky(k, n, this.signal);
    this.noise += jitter;
    this.vAt = rowStart(this.capacity);
    this.kAt = this.vAt + this.capacity;
    this.l = new Float64Array(this.vAt);
    this.l.set(l);
    this.beta = new Float64Array(this.capacity);
    this.beta.set(data.y.subarray(0, n));
    solveLowerInPlace(this.l, n, this.beta);
    this.count = n;
  }

  get size(): number {
    return this.count;
  }

  private kernel(a: Float64Array, i: number, b: Float64Array, j: number): number {
    return this.signal * matern52(sqDist(this.features, this.invL2, a, i, b, j));
  }

  /** A point's posterior, to be kept current with `refresh`. */
  cache(x: Float64Array): Cached {
    const offset = this.priorMean?.(x) ?? 0;
    const c: Cached = { x, v: new Float64Array(this.capacity), known: 0, offset, mean: offset, variance: this.signal };
    this.refresh(c);
    return c;
  }

  /** Extends a cached point's forward solve to the points added since. */
  refresh(c: Cached): void {
    const from = c.known;
    const to = this.count;
    if (from === to) return;
    const { memory, kept } = borrowMemory(this, this.kAt + this.capacity);
    const { f64, forward } = memory;
    if (!kept) this.synced = 0;
    if (this.synced < to) {
      f64.set(this.l.subarray(rowStart(this.synced), rowStart(to)), rowStart(this.synced));
      this.synced = to;
    }
    f64.set(c.v.subarray(0, from), this.vAt);
    for (let i = from; i < to; i++) f64[this.kAt + i] = this.kernel(this.x, i, c.x, 0);
    forward(0, this.vAt, this.kAt, from, to);
    const v = c.v;
    v.set(f64.subarray(this.vAt + from, this.vAt + to), from);
    for (let i = from; i < to; i++) {
      const vi = v[i]!;
      c.mean += vi * this.beta[i]!;
      c.variance -= vi * vi;
    }
    c.known = to;
    // Rounding can push the variance of a point on top of the data below zero.
    if (c.variance < 1e-12 * this.signal) c.variance = 1e-12 * this.signal;
  }

  /** Conditions the model on observing y at x (a fantasy, for batches and pending trials). */
  add(c: Cached, y: number): void {
    if (this.count >= this.capacity) throw new Error("no capacity left for another point");
    this.refresh(c);
    const n = this.count;
    const p = this.features.p;
    this.x.set(c.x.subarray(0, p), n * p);
    const rn = rowStart(n);
    this.l.set(c.v.subarray(0, n), rn);
    // The new diagonal is the predictive standard deviation of y at x given the data.
    const d = Math.sqrt(Math.max(c.variance + this.noise, 1e-12 * this.signal));
    this.l[rn + n] = d;
    this.beta[n] = (y - c.offset - dot(c.v, this.beta, n)) / d;
    this.count = n + 1;
  }

  /**
   * The posterior mean as a function, fixed at the data so far: a weighted sum
   * of kernels, O(n) per point where `cache` costs O(n²), for a model that
   * only lends its mean to another (transfer.ts).
   */
  meanFunction(): (x: Float64Array) => number {
    const n = this.count;
    const p = this.features.p;
    const alpha = this.beta.slice(0, n);
    solveUpperInPlace(this.l, n, alpha);
    const xs = this.x.slice(0, n * p);
    return (x) => {
      let m = this.priorMean?.(x) ?? 0;
      for (let i = 0; i < n; i++) m += alpha[i]! * this.kernel(xs, i, x, 0);
      return m;
    };
  }
}
