/**
 * bayes for studies with constraints or several objectives. One GP per
 * objective, on the trials' losses (src/pareto/scores.ts), and one per
 * constrained metric (feasibility.ts). One objective: log EI against the best
 * feasible trial plus log P(feasible) — constrained EI. Several: log of the
 * expected hypervolume improvement of the feasible front by Monte Carlo
 * (hypervolume-acquisition.ts) plus log P(feasible). Before any feasible
 * trial, P(feasible) alone leads. The batch is chosen as bayes chooses it
 * (batch.ts): each pick, and each trial still running, is believed at every
 * model's mean, and joins the front when the constraint models expect it to
 * be feasible, so the next pick looks elsewhere. Candidates: bayes' Sobol
 * pool and perturbations of front trials, plus those trials with one
 * coordinate redrawn (oneExchange).
 */
import { crowdingDistances, dominates, nonDominatedSort, type Point } from "../../pareto/dominance.ts";
import { improvementOver } from "../../pareto/improvement.ts";
import { isFeasible, type Scored, scoreTrial } from "../../pareto/scores.ts";
import type { Trial } from "../../protocol/trial.ts";
import { encode, type Params } from "../../space/space.ts";
import type { Rng } from "../../util/rng.ts";
import type { ProposeInput } from "../strategy.ts";
import { logExpectedImprovement } from "./acquisition.ts";
import { type BatchOptions, believe, selectBatch } from "./batch.ts";
import { type Encoding, featuresOf } from "./encoding.ts";
import { constraintModels, logFeasibility } from "./feasibility.ts";
import { type Cached, Posterior } from "./gp.ts";
import { inferReference, logEhvi, normalDraws, sampleCount } from "./hypervolume-acquisition.ts";
import { dataOf, FIT_STARTS, fitModelTheta, PRIOR_MEAN } from "./model.ts";
import { type Acquisition, type Candidate, evaluate, initialPool } from "./optimize.ts";
import { modelTargets, standardize } from "./targets.ts";

export interface GoalSearch extends BatchOptions {
  readonly sobol: number;
  readonly centres: number;
  readonly perCentre: number;
}

/** Whether a study needs this path: the plain one is kept, bit for bit, for one objective without constraints. */
export function hasGoals(input: Pick<ProposeInput, "objective" | "constraints">): boolean {
  return input.objective.length > 1 || input.constraints.length > 0;
}

/** No trial has met the constraints yet. */
export function noFeasibleTrial(input: ProposeInput): boolean {
  return !input.trials.some((t) => {
    const s = scoreTrial(input, t);
    return s !== undefined && isFeasible(s);
  });
}

/** The feasible values' range, in standard deviations, below which the reference point's margin stops shrinking. */
const MIN_RANGE = 0.1;

/** Up to `count` new configurations for `trials` (which include this round's designed ones as pending). */
export function goalBatch(
  input: ProposeInput,
  enc: Encoding,
  trials: readonly Trial[],
  count: number,
  seen: Set<string>,
  rng: Rng,
  search: GoalSearch,
): Params[] {
  const scored: Scored[] = [];
  const failed: Trial[] = [];
  const pending: Trial[] = [];
  for (const t of trials) {
    const s = scoreTrial(input, t);
    if (s) scored.push(s);
    else if (t.status === "pending" || t.status === "running") pending.push(t);
    else failed.push(t);
  }
  if (scored.length === 0) return [];
  const m = input.objective.length;
  const extra = pending.length + count;
  // Failed trials sit at the worst value seen, as in model.ts. Several objectives are only
  // standardized: a warp would bend the hypervolume the acquisition measures.
  const rows = [...scored.map((s) => s.trial), ...failed];
  const targets = Array.from({ length: m }, (_, i) => {
    const raw = scored.map((s) => s.loss[i]!);
    const worst = Math.max(...raw);
    const values = [...raw, ...failed.map(() => worst)];
    const y = m === 1 ? modelTargets(values) : standardize(Float64Array.from(values));
    return y.map((v) => v - PRIOR_MEAN);
  });
  const gps = targets.map((y) => {
    const data = dataOf(enc, rows, y);
    return new Posterior(data, fitModelTheta(data, rng, FIT_STARTS), extra);
  });
  const constraints = constraintModels(enc, input.constraints, rows, rng, extra);
  const feasibleRows = scored.flatMap((s, r) => (isFeasible(s) ? [r] : []));
  // Every feasible point, believed ones included: improvementOver keeps the non-dominated ones.
  const front: Point[] = feasibleRows.map((r) => targets.map((y) => y[r]!));
  const draws = m > 1 ? normalDraws(m, sampleCount(m), rng.int(2 ** 31)) : [];
  // Several objectives only: the reference point (fixed once there is a front) and the
  // hypervolume improvement over the front as believed points join it.
  let ref: number[] = [];
  let improvement: (p: Point) => number = () => 0;
  const remeasure = () => {
    if (m === 1) return;
    if (ref.length === 0) ref = inferReference(front, MIN_RANGE);
    improvement = improvementOver(thinned(front), ref);
  };
  if (front.length) remeasure();

  // A point's caches on every model but the first objective's, whose cache is the key.
  const others = new WeakMap<Cached, Cached[]>();
  const cachesOf = (c: Cached): Cached[] => {
    let list = others.get(c);
    if (!list) {
      list = [...gps.slice(1), ...constraints.map((k) => k.gp)].map((gp) => gp.cache(c.x));
      others.set(c, list);
    }
    gps[0]!.refresh(c);
    for (let i = 1; i < m; i++) gps[i]!.refresh(list[i - 1]!);
    return [c, ...list];
  };
  const logFeasible = (caches: Cached[]) => logFeasibility(constraints, caches.slice(m));
  const acq: Acquisition = {
    enc,
    gp: gps[0]!,
    best: Math.min(...front.map((p) => p[0]!)),
    rng,
    custom: {
      score(c) {
        const caches = cachesOf(c);
        const feasible = logFeasible(caches);
        if (front.length === 0) return feasible;
        if (m === 1) return logExpectedImprovement(c.mean, c.variance, acq.best) + feasible;
        const mean = caches.slice(0, m).map((k) => k.mean);
        const sd = caches.slice(0, m).map((k) => Math.sqrt(k.variance));
        return logEhvi(mean, sd, improvement, front, ref, draws) + feasible;
      },
      believe(c) {
        const caches = cachesOf(c);
        const expected = logFeasible(caches) >= Math.log(0.5);
        const mean = caches.slice(0, m).map((k) => k.mean);
        [...gps, ...constraints.map((k) => k.gp)].forEach((gp, i) => {
          gp.add(caches[i]!, caches[i]!.mean);
        });
        if (!expected) return;
        // A first point believed feasible ends the search for feasibility within the batch, so
        // the rest of it spreads out instead of crowding where the constraints look safest.
        front.push(mean);
        acq.best = Math.min(acq.best, mean[0]!);
        remeasure();
      },
    },
  };
  for (const t of pending) believe(acq, gps[0]!.cache(featuresOf(enc, t.params)));
  const centres = centresOf(scored, feasibleRows, targets, search.centres).map((s) =>
    Float64Array.from(encode(input.space, s.trial.params)),
  );
  const pool = initialPool(acq, search.sobol, rng.int(2 ** 31), centres, search.perCentre);
  pool.push(...oneExchange(acq, centres));
  return selectBatch(acq, pool, count, seen, search);
}

/**
 * Where the search perturbs: feasible trials spread along the front (with
 * one objective, the best ones), or while none is feasible the ones closest
 * to being so.
 */
function centresOf(scored: readonly Scored[], feasibleRows: number[], targets: Float64Array[], k: number): Scored[] {
  if (feasibleRows.length === 0)
    return [...scored].sort((a, b) => a.violation - b.violation || a.trial.id - b.trial.id).slice(0, k);
  const byFirst = [...feasibleRows].sort((a, b) => targets[0]![a]! - targets[0]![b]! || a - b);
  if (targets.length === 1) return byFirst.slice(0, k).map((r) => scored[r]!);
  const points = byFirst.map((r) => targets.map((y) => y[r]!));
  const onFront = byFirst.filter((_, i) => !points.some((p) => dominates(p, points[i]!)));
  const step = Math.max(1, onFront.length / k);
  return Array.from({ length: Math.min(k, onFront.length) }, (_, i) => scored[onFront[Math.floor(i * step)]!]!);
}

/**
 * With four objectives almost every point is on the front, and the exact
 * improvement costs O(F³) per sample: past this many points the acquisition
 * keeps the front's most spread ones (NSGA-II's crowding distance, extremes
 * first), which overstates the gain only next to the points left out. A study
 * of 100 trials then plans a round in seconds rather than minutes.
 */
const FRONT_CAP_4D = 12;

function thinned(points: readonly Point[]): readonly Point[] {
  if (points[0]?.length !== 4) return points;
  const [first = []] = nonDominatedSort(points);
  const front = first.map((i) => points[i]!);
  if (front.length <= FRONT_CAP_4D) return front;
  const crowding = crowdingDistances(front);
  return front
    .map((p, i) => ({ p, c: crowding[i]!, i }))
    .sort((a, b) => b.c - a.c || a.i - b.i)
    .slice(0, FRONT_CAP_4D)
    .map((e) => e.p);
}

/**
 * Redraws per coordinate of each centre. A front is often reached along one
 * coordinate with the others held where they are (a trade-off parameter against
 * quality parameters at their best); Gaussian steps move every coordinate at
 * once and rarely find such a move. SMAC's local search uses the same
 * one-exchange neighbourhood.
 */
const EXCHANGES = 4;

/** Each centre with one coordinate redrawn uniformly, `EXCHANGES` times per coordinate. */
function oneExchange(acq: Acquisition, centres: readonly Float64Array[]): Candidate[] {
  return centres.flatMap((centre) =>
    acq.enc.dims.flatMap((dim) =>
      Array.from({ length: EXCHANGES }, () => {
        const u = Float64Array.from(centre);
        u[dim] = acq.rng.next();
        return evaluate(acq, u);
      }),
    ),
  );
}
