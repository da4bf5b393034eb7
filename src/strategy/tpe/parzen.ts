/**
 * A Parzen estimator over some dimensions of the cube: a weighted mixture with
 * one kernel per observation plus a broad prior kernel, as in Optuna's TPE.
 * Numeric dimensions use Gaussians truncated to [0, 1]; categorical ones use
 * smoothed counts. A kernel whose observation lacks a dimension (a conditional
 * parameter that was inactive) uses the prior there, so one mixture can score
 * configurations with different active parameters.
 */

import { LOG_SQRT_2PI } from "../../util/normal.ts";
import type { Rng } from "../../util/rng.ts";
import { binAt, type GeoDim } from "./geometry.ts";
import { logSumExp, normalMass, truncatedNormal } from "./normal.ts";

export type Bandwidth =
  /** Optuna's univariate rule: the larger gap to the neighbouring observations. */
  | { readonly rule: "neighbours" }
  /** Optuna's multivariate rule (Scott's rule with a fixed scale, as in BOHB): one width from n and the dimension. */
  | { readonly rule: "scott"; readonly dims: number };

export interface ParzenOptions {
  readonly priorWeight: number;
  readonly bandwidth: Bandwidth;
}

type Kernels =
  | {
      readonly kind: "numeric";
      readonly dim: GeoDim;
      readonly mu: Float64Array;
      readonly sigma: Float64Array;
      /** log of each kernel's mass on [0, 1]: the truncation. */
      readonly logZ: Float64Array;
      /** Per-bin log masses of a discrete dimension, filled as candidates ask. */
      readonly binCache: Map<number, Float64Array>;
    }
  | {
      readonly kind: "categorical";
      readonly dim: GeoDim;
      readonly n: number;
      /** Row k: kernel k's probabilities of the categories. */
      readonly p: Float64Array;
    };

const SCOTT_MAGNITUDE = 0.2;

export class Parzen {
  private readonly kernels: Kernels[];
  private readonly logW: Float64Array;
  private readonly cumW: Float64Array;
  private readonly acc: Float64Array;

  /**
   * `rows`: the observations' representations, oldest first; `weights`: each
   * one's, 1 unless given (a related study's results count for less, tpe.ts).
   */
  constructor(
    dims: readonly GeoDim[],
    rows: readonly Float64Array[],
    options: ParzenOptions,
    weights?: readonly number[],
  ) {
    const n = rows.length;
    const nk = n + 1;
    // Equal weights: Optuna ramps down observations older than the newest 25,
    // which did no better here, and Watanabe (2023) recommends uniform weights too.
    const w = weights ? [...weights] : new Array<number>(n).fill(1);
    w.push(options.priorWeight);
    const total = w.reduce((a, b) => a + b, 0);
    this.logW = Float64Array.from(w, (x) => Math.log(x / total));
    this.cumW = new Float64Array(nk);
    let c = 0;
    w.forEach((x, k) => {
      c += x / total;
      this.cumW[k] = c;
    });
    this.acc = new Float64Array(nk);
    this.kernels = dims.map((dim) => {
      const col = Float64Array.from(rows, (r) => r[dim.index]!);
      return dim.kind.kind === "categorical"
        ? categoricalKernels(dim, dim.kind.n, col, options.priorWeight)
        : numericKernels(dim, col, options.bandwidth);
    });
  }

  /** A draw from the mixture: one kernel, then every modelled dimension from it. */
  sample(rng: Rng, size: number): Float64Array {
    const rep = new Float64Array(size).fill(Number.NaN);
    const u = rng.next();
    let k = 0;
    while (k < this.cumW.length - 1 && this.cumW[k]! <= u) k++;
    for (const ks of this.kernels) {
      if (ks.kind === "categorical") {
        let v = rng.next();
        let i = 0;
        for (; i < ks.n - 1; i++) {
          v -= ks.p[k * ks.n + i]!;
          if (v < 0) break;
        }
        rep[ks.dim.index] = i;
      } else {
        const x = truncatedNormal(rng, ks.mu[k]!, ks.sigma[k]!);
        const kind = ks.dim.kind;
        rep[ks.dim.index] = kind.kind === "discrete" ? binAt(kind.edges, x) : x;
      }
    }
    return rep;
  }

  /** log density (mass, for discrete dimensions) over the modelled dimensions that are not NaN in `rep`. */
  logPdf(rep: Float64Array): number {
    const acc = this.acc;
    acc.set(this.logW);
    for (const ks of this.kernels) {
      const v = rep[ks.dim.index]!;
      if (Number.isNaN(v)) continue;
      if (ks.kind === "categorical") {
        for (let k = 0; k < acc.length; k++) acc[k]! += Math.log(ks.p[k * ks.n + v]!);
      } else if (ks.dim.kind.kind === "discrete") {
        const lp = binLogMass(ks, ks.dim.kind.edges, v);
        for (let k = 0; k < acc.length; k++) acc[k]! += lp[k]!;
      } else {
        const { mu, sigma, logZ } = ks;
        for (let k = 0; k < acc.length; k++) {
          const z = (v - mu[k]!) / sigma[k]!;
          acc[k]! += -0.5 * z * z - Math.log(sigma[k]!) - LOG_SQRT_2PI - logZ[k]!;
        }
      }
    }
    return logSumExp(acc);
  }
}

function numericKernels(dim: GeoDim, col: Float64Array, bw: Bandwidth): Kernels {
  const kind = dim.kind;
  const n = col.length;
  const nk = n + 1;
  const mu = new Float64Array(nk).fill(0.5);
  const sigma = new Float64Array(nk).fill(1);
  const present: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = col[i]!;
    if (Number.isNaN(v)) continue;
    mu[i] = kind.kind === "discrete" ? kind.centers[v]! : v;
    present.push(i);
  }
  if (bw.rule === "scott") {
    const s = SCOTT_MAGNITUDE * Math.max(n, 1) ** (-1 / (bw.dims + 4));
    for (const i of present) sigma[i] = s;
  } else neighbourWidths(present, mu, sigma);
  // Optuna's "magic clip": no kernel narrower than 1/(number of kernels), up to 100.
  const minSigma = 1 / Math.min(100, present.length + 2);
  for (const i of present) sigma[i] = Math.min(1, Math.max(minSigma, sigma[i]!));
  const logZ = new Float64Array(nk);
  for (let k = 0; k < nk; k++) logZ[k] = Math.log(normalMass(-mu[k]! / sigma[k]!, (1 - mu[k]!) / sigma[k]!));
  return { kind: "numeric", dim, mu, sigma, logZ, binCache: new Map() };
}

/**
 * Each kernel as wide as the larger gap to its neighbours among the observed
 * centres and the prior's (0.5); the outermost take the gap to their one
 * neighbour rather than to the cube's end (Optuna's consider_endpoints=False).
 */
function neighbourWidths(present: readonly number[], mu: Float64Array, sigma: Float64Array): void {
  const PRIOR = -1;
  const centre = (i: number) => (i === PRIOR ? 0.5 : mu[i]!);
  // With the prior always among them, there are at least two centres.
  const order = [...present, PRIOR].sort((a, b) => centre(a) - centre(b) || a - b);
  const last = order.length - 1;
  order.forEach((i, j) => {
    if (i === PRIOR) return;
    const x = centre(i);
    const left = j > 0 ? x - centre(order[j - 1]!) : 0;
    const right = j < last ? centre(order[j + 1]!) - x : 0;
    sigma[i] = Math.max(left, right);
  });
}

function categoricalKernels(dim: GeoDim, n: number, col: Float64Array, priorWeight: number): Kernels {
  const nk = col.length + 1;
  const p = new Float64Array(nk * n).fill(1 / n);
  // Optuna's smoothing: every category gets priorWeight/nk before the observed one gets its 1.
  const smooth = priorWeight / nk;
  for (let k = 0; k < col.length; k++) {
    const v = col[k]!;
    if (Number.isNaN(v)) continue;
    const total = 1 + n * smooth;
    for (let i = 0; i < n; i++) p[k * n + i] = (smooth + (i === v ? 1 : 0)) / total;
  }
  return { kind: "categorical", dim, n, p };
}

function binLogMass(ks: Kernels & { kind: "numeric" }, edges: Float64Array, bin: number): Float64Array {
  let lp = ks.binCache.get(bin);
  if (lp) return lp;
  const { mu, sigma, logZ } = ks;
  lp = new Float64Array(mu.length);
  const a = edges[bin]!;
  const b = edges[bin + 1]!;
  for (let k = 0; k < mu.length; k++)
    lp[k] = Math.log(normalMass((a - mu[k]!) / sigma[k]!, (b - mu[k]!) / sigma[k]!)) - logZ[k]!;
  ks.binCache.set(bin, lp);
  return lp;
}
