/**
 * Parameter importance by functional ANOVA: the share of the variance of a
 * model of the objective that each parameter explains, alone (first-order
 * Sobol index) and with all its interactions (total index), and for the most
 * important few the pairs that explain most together (closed second-order
 * index). The model is a GP fitted to the trials (surrogate.ts); its variance
 * is taken over the search space as the config defines it (pick-freeze.ts).
 *
 * Conditional parameters: a parameter is frozen by keeping its coordinate of
 * the cube, so a conditional parameter's index is what it changes while it is
 * active, and switching it on or off is its parent's effect.
 *
 * Uncertainty: the model is refitted to bootstrap resamples of the trials and
 * the indices recomputed (with fewer base points); the spread is their
 * standard deviation. Up to REFIT_MAX trials the refits fit their own
 * hyperparameters: with them fixed, 8 trials gave spreads of a few percent on
 * shares that were wrong by half. Above it they keep the full fit's, which
 * more trials determine well and which cost most of the time.
 */
import type { Trial } from "../protocol/trial.ts";
import type { Space } from "../space/space.ts";
import { mean } from "../util/mean.ts";
import { createRng, type Rng } from "../util/rng.ts";
import { type CubeFunction, type PickFreeze, pickFreeze } from "./pick-freeze.ts";
import { surrogateOf } from "./surrogate.ts";

/**
 * The model is fitted to at most this many trials (a seeded random subset of
 * more): the GP costs O(n³), and 300 trials already pin the indices down far
 * below their bootstrap spread at 200 (bench/importance.ts).
 */
export const MAX_TRIALS = 300;

/** Fewer finished trials than this and a model says nothing worth showing. */
export const MIN_TRIALS = 5;

export interface ParameterImportance {
  readonly name: string;
  /** Share of the variance explained by this parameter alone. */
  readonly first: number;
  /** Share explained by it with every interaction it takes part in. */
  readonly total: number;
  /** Standard deviations of the two over the bootstrap. */
  readonly firstSpread: number;
  readonly totalSpread: number;
}

export interface PairImportance {
  readonly names: readonly [string, string];
  /** Share explained by the two together. */
  readonly closed: number;
  /** The part of it that neither explains alone. */
  readonly interaction: number;
}

export interface Importance {
  /** Most important (largest total index) first. */
  readonly parameters: readonly ParameterImportance[];
  /** The pairs among the most important few, strongest interaction first. */
  readonly pairs: readonly PairImportance[];
  /** How many trials the model was fitted to. */
  readonly trials: number;
  /** The model itself, in the values' units: what a partial-dependence plot shows. */
  readonly model: CubeFunction;
}

export interface ImportanceOptions {
  /** Base points of the pick-freeze design. */
  readonly samples?: number;
  readonly bootstrapSamples?: number;
  /** Bootstrap refits; 0 for none (spreads of 0). */
  readonly bootstrap?: number;
  /** Pairs are formed among this many of the most important parameters. */
  readonly pairsOf?: number;
}

/**
 * 256 base points put the quasi-Monte-Carlo error of the indices near 0.01
 * (bench/importance.ts: the floor column), below what 200 trials can tell;
 * the bootstrap's 128 add their own error to the spread rather than hide it.
 */
const DEFAULTS = { samples: 256, bootstrapSamples: 128, bootstrap: 4, pairsOf: 3 };

/** Bootstrap refits fit their own hyperparameters up to this many trials. */
const REFIT_MAX = 60;

/** Importance of each non-constant parameter for `values` (one per trial); undefined below MIN_TRIALS. */
export function importanceOf(
  space: Space,
  trials: readonly Trial[],
  values: readonly number[],
  seed: number,
  options: ImportanceOptions = {},
): Importance | undefined {
  if (trials.length < MIN_TRIALS) return undefined;
  const { samples, bootstrapSamples, bootstrap, pairsOf } = { ...DEFAULTS, ...options };
  const dims = space.dims.length;
  const varying = space.dims.flatMap((d, i) => (d.param.type === "constant" ? [] : [i]));
  const rng = createRng(seed, 0x1b9);
  const kept = subset(trials.length, MAX_TRIALS, rng);
  trials = kept.map((k) => trials[k]!);
  values = kept.map((k) => values[k]!);
  const full = surrogateOf(space, trials, values, rng);
  const main = pickFreeze(full.f, dims, samples, seed);
  const resampled: PickFreeze[] = Array.from({ length: bootstrap }, () => {
    const rows = trials.map(() => rng.int(trials.length));
    const again = surrogateOf(
      space,
      rows.map((r) => trials[r]!),
      rows.map((r) => values[r]!),
      rng,
      trials.length > REFIT_MAX ? full.theta : undefined,
    );
    return pickFreeze(again.f, dims, bootstrapSamples, seed);
  });
  const spread = (of: (pf: PickFreeze) => number) => standardDeviation(resampled.map(of));
  const parameters = varying
    .map((i) => ({
      dim: i,
      name: space.dims[i]!.name,
      first: main.first(i),
      total: main.total(i),
      firstSpread: spread((pf) => pf.first(i)),
      totalSpread: spread((pf) => pf.total(i)),
    }))
    .sort((a, b) => b.total - a.total || a.dim - b.dim);
  const top = parameters.slice(0, pairsOf);
  const pairs = top
    .flatMap((p, k) =>
      top.slice(k + 1).map((q) => {
        const closed = main.closed(p.dim, q.dim);
        return { names: [p.name, q.name] as const, closed, interaction: Math.max(0, closed - p.first - q.first) };
      }),
    )
    .sort((a, b) => b.interaction - a.interaction);
  return { parameters: parameters.map(({ dim: _, ...p }) => p), pairs, trials: trials.length, model: full.value };
}

/** Indices of `max` of n items at random, in order; all of them when n ≤ max. */
function subset(n: number, max: number, rng: Rng): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  for (let k = 0; k < max; k++) {
    const j = k + rng.int(n - k);
    [all[k], all[j]] = [all[j]!, all[k]!];
  }
  return all.slice(0, max).sort((a, b) => a - b);
}

function standardDeviation(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/**
 * Parameters whose importance the trials do not pin down: a bootstrap spread
 * more than half the share, unless both are under 5% (an inert parameter's
 * 0% ± 1% is pinned down well enough).
 */
export function roughParameters(imp: Importance): readonly ParameterImportance[] {
  return imp.parameters.filter((p) => Math.max(p.total, p.totalSpread) >= 0.05 && p.totalSpread > p.total / 2);
}
