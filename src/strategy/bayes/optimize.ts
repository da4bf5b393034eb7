/**
 * Maximizing the acquisition over the space: a pool of scrambled Sobol points
 * plus perturbations of the best trials so far, then a local search from the
 * most promising ones. The search is derivative-free because the acquisition
 * is evaluated at what would really run (rounded integers, steps, categories),
 * which makes it piecewise constant in those directions.
 */
import { SOBOL_MAX_DIM, sobolPoint } from "../../space/sobol.ts";
import { createRng, type Rng } from "../../util/rng.ts";
import { logExpectedImprovement } from "./acquisition.ts";
import { type Encoding, type Point, pointAt } from "./encoding.ts";
import type { Cached, Posterior } from "./gp.ts";
import { type Region, wholeCube } from "./trust-region.ts";

export interface Candidate {
  readonly point: Point;
  readonly cached: Cached;
  score: number;
}

export interface Acquisition {
  readonly enc: Encoding;
  readonly gp: Posterior;
  /**
   * The incumbent, in model targets (lower is better). Fantasies count: a point
   * believed to reach a value is as good as one that did, so once the batch
   * holds a point predicted to improve, its neighbours no longer promise to.
   */
  best: number;
  readonly rng: Rng;
  /**
   * Another score than log EI on `gp`, for a study with constraints or several
   * objectives (multi.ts): its models beside `gp` key their state to a
   * point's cache on `gp`, and a believed point updates all of them.
   */
  readonly custom?: CustomScore;
}

export interface CustomScore {
  /** The score of a point from its cache on the acquisition's `gp`, brought up to date first. */
  score(c: Cached): number;
  /** Adds a point whose value is not known yet to every model, at the values they expect. */
  believe(c: Cached): void;
}

function scoreOf(acq: Acquisition, cached: Cached): number {
  if (acq.custom) return acq.custom.score(cached);
  return logExpectedImprovement(cached.mean, cached.variance, acq.best);
}

/** The candidate at a point of the cube, scored. */
export function evaluate(acq: Acquisition, u: Float64Array): Candidate {
  const point = pointAt(acq.enc, u);
  const cached = acq.gp.cache(point.x);
  return { point, cached, score: scoreOf(acq, cached) };
}

/** Brings a candidate up to date with the points (fantasies) added to the model since it was scored. */
export function rescore(acq: Acquisition, c: Candidate): void {
  acq.gp.refresh(c.cached);
  c.score = scoreOf(acq, c.cached);
}

/** Point `index` of a scrambled Sobol sequence, or a seeded uniform one where Sobol has too few dimensions. */
export function cubePoint(index: number, dim: number, seed: number): number[] {
  if (dim <= SOBOL_MAX_DIM) return sobolPoint(index, dim, seed);
  const rng = createRng(seed, index);
  return Array.from({ length: dim }, () => rng.next());
}

/** Scales of the perturbations around good trials, as fractions of the cube. */
const LOCAL_SCALES = [0.01, 0.05, 0.15];

/**
 * The starting pool: `global` Sobol points (scrambled afresh for every call, so
 * successive rounds look at different points) and `perLocal` perturbations of
 * each of `centres`, all within `region`.
 */
export function initialPool(
  acq: Acquisition,
  global: number,
  sobolSeed: number,
  centres: readonly Float64Array[],
  perLocal: number,
  region: Region = wholeCube(acq.enc.space.dims.length),
): Candidate[] {
  const dim = acq.enc.space.dims.length;
  const pool: Candidate[] = [];
  for (let i = 0; i < global; i++) {
    const u = Float64Array.from(cubePoint(i, dim, sobolSeed));
    for (let d = 0; d < dim; d++) u[d] = region.lo[d]! + (region.hi[d]! - region.lo[d]!) * u[d]!;
    pool.push(evaluate(acq, u));
  }
  for (const centre of centres)
    for (let k = 0; k < perLocal; k++)
      pool.push(evaluate(acq, perturb(acq, centre, LOCAL_SCALES[k % LOCAL_SCALES.length]!, region)));
  return pool;
}

/**
 * A Gaussian step of `scale` times the region's side in every numeric
 * coordinate, and on average one categorical coordinate redrawn at random;
 * reflected back into the region.
 */
function perturb(acq: Acquisition, u: Float64Array, scale: number, region: Region): Float64Array {
  const { enc, rng } = acq;
  const out = Float64Array.from(u);
  const pick = 1 / Math.max(1, enc.p);
  enc.dims.forEach((dim, f) => {
    if (enc.categorical[f]) {
      if (rng.next() < pick) out[dim] = rng.next();
      return;
    }
    const lo = region.lo[dim]!;
    const hi = region.hi[dim]!;
    let v = u[dim]! + scale * (hi - lo) * rng.normal();
    if (v < lo) v = 2 * lo - v;
    if (v > hi) v = 2 * hi - v;
    out[dim] = Math.min(hi, Math.max(lo, v));
  });
  return out;
}

/**
 * A (1+1) evolution strategy with the one-fifth success rule for its step:
 * cheap, needs no gradient, and shrinks onto a local optimum of the acquisition.
 * Every point it evaluates is returned, to join the pool.
 */
export function refine(
  acq: Acquisition,
  start: Candidate,
  evaluations: number,
  seen: ReadonlySet<string>,
  region: Region = wholeCube(acq.enc.space.dims.length),
): Candidate[] {
  const out: Candidate[] = [];
  let current = start;
  let scale = 0.05;
  for (let t = 0; t < evaluations && scale > 1e-5; t++) {
    const next = evaluate(acq, perturb(acq, current.point.u, scale, region));
    out.push(next);
    if (next.score > current.score && !seen.has(next.point.key)) {
      current = next;
      scale = Math.min(0.5, scale * 1.5);
    } else scale *= 0.9;
  }
  return out;
}
