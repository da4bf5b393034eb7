/**
 * The benchmark's core: one study of one problem, run through the round driver
 * the shells use, on the in-process backend (the objective computed here, no
 * process), and the statistics drawn from many.
 */
import { type Config, configSchema } from "../src/config/schema.ts";
import { driveStudy } from "../src/driver/drive.ts";
import { type Evaluate, inProcessBackend } from "../src/driver/in-process.ts";
import type { Trial } from "../src/protocol/trial.ts";
import { trialValue } from "../src/protocol/trial-value.ts";
import type { StrategyName } from "../src/strategy/registry.ts";
import type { Study } from "../src/study/schema.ts";
import { bestSoFar, createStudy } from "../src/study/study.ts";
import { createRng } from "../src/util/rng.ts";
import type { Problem } from "./problems.ts";

export interface StudyRun {
  /** The objective value of each trial, in trial order. */
  readonly values: number[];
  /**
   * Simple regret after each trial: best value so far minus the optimum, clipped
   * at 0; on a noisy problem, the noise-free value of the best observed trial.
   */
  readonly regret: number[];
  /** Wall time of planning each round: from the previous round's results (or the start) to the round opened. */
  readonly proposeMs: number[];
}

export function benchConfig(problem: Problem, strategy: StrategyName, q: number, seed: number): Config {
  return configSchema.parse({
    name: `bench-${problem.name}`,
    command: ["bench"],
    objective: { metric: "f", goal: "minimize" },
    parameters: problem.parameters,
    strategy,
    seed,
    budget: { max_trials: problem.budget, parallel: q },
  });
}

export async function runStudy(problem: Problem, strategy: StrategyName, q: number, seed: number): Promise<StudyRun> {
  const config = benchConfig(problem, strategy, q, seed);
  const { study, proposeMs } = await timedStudy(config, (trial) => observe(problem, seed, trial.id, trial.params));
  const values = study.trials.map((t) => trialValue(t)!);
  return {
    values,
    regret: problem.noise
      ? recommendedRegret(
          values,
          study.trials.map((t) => problem.f(t.params)),
          problem.fStar,
        )
      : regretCurve(bestSoFar(study.config, study), problem.fStar),
    proposeMs,
  };
}

/** A whole study on the in-process backend, with the wall time of planning each round: from the previous round's results (or the start) to the round opened. */
export async function timedStudy(config: Config, evaluate: Evaluate): Promise<{ study: Study; proposeMs: number[] }> {
  const proposeMs: number[] = [];
  const backend = inProcessBackend(evaluate);
  let planning = performance.now();
  const { study } = await driveStudy(
    config,
    createStudy(config),
    {
      dispatch: backend.dispatch,
      gather(handle) {
        planning = performance.now();
        return backend.gather(handle);
      },
    },
    { roundStarted: () => proposeMs.push(performance.now() - planning) },
  );
  return { study, proposeMs };
}

/** Keys the noise stream apart from every other use of the study's seed. */
const NOISE_STREAM = 0x6e6f6973;

/**
 * The value a study observes: f, plus Gaussian noise on a noisy problem, drawn
 * from a stream of its own per (seed, trial), so that every strategy's trial k
 * of seed s sees the same draw.
 */
export function observe(problem: Problem, seed: number, trialId: number, params: Trial["params"]): number {
  const clean = problem.f(params);
  return problem.noise ? clean + problem.noise * createRng(seed, NOISE_STREAM, trialId).normal() : clean;
}

/** After each trial, the noise-free regret of the trial with the best observed value so far (the one a study recommends). */
export function recommendedRegret(observed: readonly number[], clean: readonly number[], fStar: number): number[] {
  let best = 0;
  return observed.map((v, i) => {
    if (v < observed[best]!) best = i;
    return Math.max(0, clean[best]! - fStar);
  });
}

export function regretCurve(best: readonly (number | undefined)[], fStar: number): number[] {
  return best.map((b) => (b === undefined ? Number.POSITIVE_INFINITY : Math.max(0, b - fStar)));
}

/** Linear interpolation between order statistics (numpy's default), so quartiles match the peers'. */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export const median = (xs: readonly number[]) => quantile(xs, 0.5);

/** The number of evaluations at a fraction of the budget, as the peers count it (@13 of 50). */
export const evaluationsAt = (budget: number, fraction: number) => Math.ceil(budget * fraction);

export interface CellStats {
  readonly finals: number[];
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  /** The 90th percentile of the final regrets: how bad a bad run is. */
  readonly p90: number;
  readonly at25: number;
  readonly at50: number;
  readonly proposeMsMedian: number;
}

export function cellStats(runs: readonly StudyRun[], budget: number): CellStats {
  const finals = runs.map((r) => r.regret[r.regret.length - 1]!);
  const at = (fraction: number) => median(runs.map((r) => r.regret[evaluationsAt(budget, fraction) - 1]!));
  return {
    finals,
    median: median(finals),
    q1: quantile(finals, 0.25),
    q3: quantile(finals, 0.75),
    p90: quantile(finals, 0.9),
    at25: at(0.25),
    at50: at(0.5),
    proposeMsMedian: median(runs.flatMap((r) => r.proposeMs)),
  };
}
