/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011), following Optuna's
 * TPESampler and Watanabe's 2023 analysis of its components. Trials are split
 * into the best gamma(n) and the rest; a Parzen estimator l(x) is fitted to the
 * first and g(x) to the second, and each proposal is the draw from l with the
 * largest l/g among a few dozen draws. A warm start's prior (a related study's
 * results) joins l with a weight that falls as the study's own results
 * disagree with it, and stands in for the startup design while it lasts.
 */

import { SOBOL_MAX_DIM, sobolPoint } from "../../space/sobol.ts";
import { decode, type Params, paramsKey, type Space } from "../../space/space.ts";
import { createRng, type Rng } from "../../util/rng.ts";
import { priorTrust } from "../prior-trust.ts";
import type { PriorTrial, ProposeInput, Proposer } from "../strategy.ts";
import { type GeoDim, type Geometry, geometryOf, represent, toCube } from "./geometry.ts";
import { Parzen, type ParzenOptions } from "./parzen.ts";
import { constraintNote, splitRanks } from "./ranking.ts";

export interface TpeOptions {
  /** One joint kernel per observation over all dimensions, instead of an estimator per dimension. */
  readonly multivariate: boolean;
  /** The first this many trials of a study are a space-filling (Sobol) design, not the model's. */
  readonly startup: number;
  /** Draws from l(x) per proposal; the one with the largest l/g is proposed. */
  readonly candidates: number;
  /** Weight of the broad prior kernel against each observation's weight of (at most) 1. */
  readonly priorWeight: number;
  /** How many of n succeeded trials form the good group. */
  readonly gamma: (n: number) => number;
}

/**
 * The best 20%, rounded up, and never more than 25. Optuna takes 10%; with the
 * 40 to 100 trials a CI study affords, that leaves l(x) one to three points and
 * the search too greedy (bench/README.md: the benchmark's regret ratio to
 * random goes from 0.46 to 0.36).
 */
const defaultGamma = (n: number): number => Math.min(Math.ceil(0.2 * n), 25);

/**
 * Multivariate: on the benchmark the joint model beat per-parameter estimators
 * (Optuna's default) overall, and at q=1 on every problem (bench/README.md).
 */
const TPE_DEFAULTS: TpeOptions = {
  multivariate: true,
  startup: 10,
  candidates: 24,
  priorWeight: 1,
  gamma: defaultGamma,
};

/** With fewer results than this, a model says nothing, and the space-filling design goes on. */
const MIN_RESULTS = 2;

/** Keys that keep the TPE's random streams apart from each other and from other strategies'. */
const CANDIDATE_STREAM = 0x7be1;
const FALLBACK_STREAM = 0x7be2;
/** Fresh sets of candidates to try when every draw repeats a configuration already taken. */
const ATTEMPTS = 4;
/** Uniform draws before concluding that a small discrete space has no untried point left. */
const EXTRA_DRAWS = 2000;

interface Row {
  readonly rep: Float64Array;
  /** Its kernel's weight in the estimators: 1, less for a related study's result. */
  readonly weight?: number;
  /** The value to minimize; undefined for trials with no result to rank (pending, failed, pruned). */
  readonly loss: number | undefined;
  /** Trial order: of two equal results, the earlier trial ranks first. */
  readonly order: number;
}

interface Candidate {
  readonly params: Params;
  readonly key: string;
  readonly score: number;
}

export function createTpe(options: Partial<TpeOptions> = {}): Proposer {
  const o: TpeOptions = { ...TPE_DEFAULTS, ...options };
  return {
    explain: ({ objective, constraints, trials }: ProposeInput) => constraintNote({ objective, constraints }, trials),
    propose({ space, objective, constraints, trials, count, seed, prior }: ProposeInput): Params[] {
      const geo = geometryOf(space);
      const seen = new Set(trials.map((t) => paramsKey(t.params)));
      const sign = objective[0].goal === "minimize" ? 1 : -1;
      const ranks = splitRanks({ objective, constraints }, trials, o.gamma);
      const rows: Row[] = trials.map((t, order) => {
        const weight = ranks.weight[order];
        return {
          rep: represent(geo, space, t.params),
          loss: ranks.loss[order],
          order,
          ...(weight !== undefined ? { weight } : {}),
        };
      });
      const ranked = rows.filter((r) => r.loss !== undefined).sort((a, b) => a.loss! - b.loss! || a.order - b.order);
      // Constant liar: a trial without a result counts as worse than every
      // result, so it only ever raises g(x) around itself. That keeps a round's
      // proposals apart, and steers away from configurations that failed
      // without inventing a value that would distort the ranking of real ones.
      const liars = rows.filter((r) => r.loss === undefined);
      // A related study's results, while trusted, stand in for the startup design.
      const related = prior?.length ? relatedRows(geo, space, prior, sign, ranked, o) : undefined;
      const model =
        ranked.length + (related?.length ?? 0) >= MIN_RESULTS && (related || trials.length + count > o.startup)
          ? o.multivariate
            ? new JointModel(geo, space, ranked, o, related)
            : new PerDimModel(geo, space, ranked, o, related)
          : undefined;
      const sobol = sobolFrom(space, seed, trials.length);
      const out: Params[] = [];
      for (let j = 0; j < count; j++) {
        const rngFor = (attempt: number) => createRng(seed, trials.length, CANDIDATE_STREAM, j, attempt);
        // The startup design is the first `startup` trials, whether or not their
        // results are in: in batches, waiting for `startup` results would spend
        // a whole extra round on space filling.
        const pick =
          (model && (related || trials.length + j >= o.startup) ? model.pick(liars, seen, rngFor) : sobol(seen)) ??
          uniformFill(space, seen, createRng(seed, trials.length, FALLBACK_STREAM, j));
        if (!pick) break;
        seen.add(pick.key);
        out.push(pick.params);
        liars.push({ rep: represent(geo, space, pick.params), loss: undefined, order: trials.length + j });
      }
      return out;
    },
  };
}

interface Model {
  pick(liars: readonly Row[], seen: ReadonlySet<string>, rngFor: (attempt: number) => Rng): Candidate | undefined;
}

const reps = (rows: readonly Row[]) => rows.map((r) => r.rep);
const weights = (rows: readonly Row[]) => rows.map((r) => r.weight ?? 1);
const parzenOf = (dims: readonly GeoDim[], rows: readonly Row[], o: ParzenOptions) =>
  new Parzen(dims, reps(rows), o, weights(rows));

/**
 * The good group (the best gamma(n) of `ranked`, joined by the best of a
 * related study's results) and the rest. The related study's other results
 * stay out of the rest: a base study run by a model-based search crowds its
 * near misses around its optimum, and as bad observations they would cancel
 * its best ones there (on the warm-start benchmark's shifted pair, tpe then
 * took longer to reach the cold start's final regret than with re-runs alone).
 */
function split(ranked: readonly Row[], related: readonly Row[], gamma: (n: number) => number) {
  const n = gamma(ranked.length);
  return { below: [...ranked.slice(0, n), ...related.slice(0, gamma(related.length))], above: ranked.slice(n) };
}

/**
 * How much one of a related study's good results counts against one of the
 * study's own: the prior's trust (prior-trust.ts: how well the density of its
 * good results ranks the study's results), shared out as the study's results
 * accumulate. At DECAY own results a related one counts half as much as at
 * the start.
 */
const DECAY = 10;
/** Below this weight the related results are dropped, and the search is the cold one. */
const MIN_WEIGHT = 0.02;

/** A related study's results, best first, weighted; undefined when no longer trusted. */
function relatedRows(
  geo: Geometry,
  space: Space,
  prior: readonly PriorTrial[],
  sign: number,
  ranked: readonly Row[],
  o: TpeOptions,
): Row[] | undefined {
  const rows = prior
    .map((t, order): Row => ({ rep: represent(geo, space, t.params), loss: sign * t.value, order }))
    .sort((a, b) => a.loss! - b.loss! || a.order - b.order);
  const parzen: ParzenOptions = { priorWeight: o.priorWeight, bandwidth: { rule: "scott", dims: geo.dims.length } };
  const l = parzenOf(geo.dims, split([], rows, o.gamma).below, parzen);
  const predicted = ranked.map((r) => -l.logPdf(r.rep));
  const weight =
    priorTrust(
      predicted,
      ranked.map((r) => r.loss!),
    ) /
    (1 + ranked.length / DECAY);
  return weight < MIN_WEIGHT ? undefined : rows.map((r) => ({ ...r, weight }));
}

/**
 * One estimator pair over all dimensions: captures interactions between
 * parameters (a valley along a diagonal), which independent estimators miss.
 */
class JointModel implements Model {
  private readonly l: Parzen;
  private readonly above: readonly Row[];
  private readonly parzen: ParzenOptions;

  constructor(
    private readonly geo: Geometry,
    private readonly space: Space,
    ranked: readonly Row[],
    private readonly o: TpeOptions,
    related: readonly Row[] = [],
  ) {
    const { below, above } = split(ranked, related, o.gamma);
    this.parzen = { priorWeight: o.priorWeight, bandwidth: { rule: "scott", dims: geo.dims.length } };
    this.l = parzenOf(geo.dims, below, this.parzen);
    this.above = above;
  }

  pick(liars: readonly Row[], seen: ReadonlySet<string>, rngFor: (attempt: number) => Rng): Candidate | undefined {
    const g = parzenOf(this.geo.dims, [...this.above, ...liars], this.parzen);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const rng = rngFor(attempt);
      const cands: Candidate[] = [];
      for (let c = 0; c < this.o.candidates; c++) {
        const rep = this.l.sample(rng, this.geo.size);
        const params = decode(this.space, toCube(this.geo, rep));
        maskInactive(this.geo, rep, params);
        cands.push({ params, key: paramsKey(params), score: finite(this.l.logPdf(rep) - g.logPdf(rep)) });
      }
      const best = bestUnseen(cands, seen);
      if (best) return best;
    }
    return undefined;
  }
}

/**
 * An estimator pair per dimension, each fitted on the trials where that
 * parameter was active and split by its own gamma: Optuna's default
 * (independent) TPE. Each dimension takes its own best draw.
 */
class PerDimModel implements Model {
  private readonly dims: {
    readonly dim: GeoDim;
    readonly l: Parzen;
    readonly above: readonly Row[];
  }[];
  private readonly parzen: ParzenOptions;

  constructor(
    private readonly geo: Geometry,
    private readonly space: Space,
    ranked: readonly Row[],
    private readonly o: TpeOptions,
    related: readonly Row[] = [],
  ) {
    this.parzen = { priorWeight: o.priorWeight, bandwidth: { rule: "neighbours" } };
    this.dims = geo.dims.map((dim) => {
      const active = (rows: readonly Row[]) => rows.filter((r) => !Number.isNaN(r.rep[dim.index]!));
      const { below, above } = split(active(ranked), active(related), o.gamma);
      return { dim, l: parzenOf([dim], below, this.parzen), above };
    });
  }

  pick(liars: readonly Row[], seen: ReadonlySet<string>, rngFor: (attempt: number) => Rng): Candidate | undefined {
    const gs = this.dims.map(({ dim, above }) => {
      const mine = liars.filter((r) => !Number.isNaN(r.rep[dim.index]!));
      return parzenOf([dim], [...above, ...mine], this.parzen);
    });
    const C = this.o.candidates;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const rng = rngFor(attempt);
      // draws[c] holds candidate c's value in every dimension; score[d][c] its log l/g there.
      const draws = Array.from({ length: C }, () => new Float64Array(this.geo.size).fill(Number.NaN));
      const scores = this.dims.map(({ dim, l }, i) =>
        draws.map((rep) => {
          const one = l.sample(rng, this.geo.size);
          rep[dim.index] = one[dim.index]!;
          return finite(l.logPdf(one) - gs[i]!.logPdf(one));
        }),
      );
      const argmax = new Float64Array(this.geo.size).fill(Number.NaN);
      this.dims.forEach(({ dim }, i) => {
        const s = scores[i]!;
        let best = 0;
        for (let c = 1; c < C; c++) if (s[c]! > s[best]!) best = c;
        argmax[dim.index] = draws[best]![dim.index]!;
      });
      const first = this.candidate(argmax, () => Number.POSITIVE_INFINITY);
      if (!seen.has(first.key)) return first;
      // The per-dimension winners make a configuration already taken (common
      // in small discrete spaces): rank whole draws by their summed log ratio.
      const cands = draws.map((rep, c) =>
        this.candidate(rep, (params) =>
          this.dims.reduce((sum, { dim }, i) => (dim.name in params ? sum + scores[i]![c]! : sum), 0),
        ),
      );
      const best = bestUnseen(cands, seen);
      if (best) return best;
    }
    return undefined;
  }

  private candidate(rep: Float64Array, score: (params: Params) => number): Candidate {
    const params = decode(this.space, toCube(this.geo, rep));
    return { params, key: paramsKey(params), score: score(params) };
  }
}

/** Inactive parameters play no part in a configuration's score. */
function maskInactive(geo: Geometry, rep: Float64Array, params: Params): void {
  for (const d of geo.dims) if (!(d.name in params)) rep[d.index] = Number.NaN;
}

function finite(x: number): number {
  return Number.isNaN(x) ? Number.NEGATIVE_INFINITY : x;
}

/** The best-scoring candidate not taken yet; the earlier draw wins a tie. */
function bestUnseen(cands: readonly Candidate[], seen: ReadonlySet<string>): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of cands) if (!seen.has(c.key) && (!best || c.score > best.score)) best = c;
  return best;
}

/**
 * The Sobol sequence from index `start`, as `strategy: sobol` would continue it:
 * the startup design covers the space evenly, and a study that switches
 * between the two strategies keeps one sequence.
 */
function sobolFrom(space: Space, seed: number, start: number) {
  const dim = Math.max(1, space.dims.length);
  let index = start;
  return (seen: ReadonlySet<string>): { params: Params; key: string } | undefined => {
    for (let tries = 0; tries < EXTRA_DRAWS; tries++) {
      const i = index++;
      const u = dim <= SOBOL_MAX_DIM ? sobolPoint(i, dim, seed) : uniformPoint(createRng(seed, i), dim);
      const params = decode(space, u);
      const key = paramsKey(params);
      if (!seen.has(key)) return { params, key };
    }
    return undefined;
  };
}

function uniformPoint(rng: Rng, dim: number): number[] {
  return Array.from({ length: dim }, () => rng.next());
}

/** Any untried configuration, for when the model's draws all repeat ones already taken. */
function uniformFill(space: Space, seen: ReadonlySet<string>, rng: Rng): Candidate | undefined {
  const dim = Math.max(1, space.dims.length);
  for (let i = 0; i < EXTRA_DRAWS; i++) {
    const params = decode(space, uniformPoint(rng, dim));
    const key = paramsKey(params);
    if (!seen.has(key)) return { params, key, score: 0 };
  }
  return undefined;
}
