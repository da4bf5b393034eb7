/**
 * One multi-objective study of one problem, run through the round driver on
 * the in-process backend, and what MO_TARGETS.md measures of it: the
 * hypervolume regret of the feasible evaluated points, and whether the trial
 * the study recommends is feasible.
 */
import { type Config, configSchema } from "../src/config/schema.ts";
import { hypervolume } from "../src/pareto/hypervolume.ts";
import { isFeasible, lossOf, type Scored, scoreTrial, scoreTrials } from "../src/pareto/scores.ts";
import { type Goals, violationOf } from "../src/protocol/objective.ts";
import type { StrategyName } from "../src/strategy/registry.ts";
import { bestTrial } from "../src/study/best.ts";
import { timedStudy } from "./harness.ts";
import type { MoProblem } from "./mo-problems.ts";

export interface MoRun {
  /** True front's hypervolume minus the feasible evaluated points' (never below 0). */
  readonly regret: number;
  /** The regret after each trial, in trial order. */
  readonly curve: number[];
  /** The recommended trial (bestTrial) exists and is feasible; false also when there is none. */
  readonly recommendedFeasible: boolean;
  /** Wall time of planning each round. */
  readonly proposeMs: number[];
}

export function moConfig(problem: MoProblem, strategy: StrategyName, q: number, seed: number): Config {
  return configSchema.parse({
    name: `bench-${problem.name}`,
    command: ["bench"],
    objective: problem.objective,
    constraints: problem.constraints ?? [],
    parameters: problem.parameters,
    strategy,
    seed,
    budget: { max_trials: problem.budget, parallel: q },
  });
}

export async function runMoStudy(problem: MoProblem, strategy: StrategyName, q: number, seed: number): Promise<MoRun> {
  const config = moConfig(problem, strategy, q, seed);
  const first = config.objective[0].metric;
  const { study, proposeMs } = await timedStudy(config, (trial) => {
    const metrics = problem.metrics(trial.params);
    return { value: metrics[first]!, metrics };
  });
  const curve = hvRegretCurve(
    problem,
    study.trials.map((t) => scoreTrial(config, t)),
  );
  const best = bestTrial(config, study);
  const recommended = best && scoreTrials(config, [best])[0];
  return {
    regret: curve.at(-1) ?? problem.trueHv(),
    curve,
    recommendedFeasible: recommended !== undefined && isFeasible(recommended),
    proposeMs,
  };
}

type Point = Pick<Scored, "loss" | "violation">;

/**
 * The HV regret after each evaluation, in order: the true front's hypervolume
 * less that of the feasible points so far (undefined: an evaluation with no
 * score). One function for ours and, through bench/peers/mo-evaluate.ts, for
 * Optuna's, so the two are measured alike.
 */
export function hvRegretCurve(problem: MoProblem, points: readonly (Point | undefined)[]): number[] {
  const trueHv = problem.trueHv();
  const feasible: number[][] = [];
  return points.map((s) => {
    if (s && isFeasible(s)) feasible.push([...s.loss]);
    return Math.max(0, trueHv - hypervolume(feasible, problem.reference));
  });
}

/** A configuration's scores from its metrics, as scoreTrial gives them from a trial. */
export function scoreMetrics(goals: Goals, metrics: Readonly<Record<string, number>>): Point {
  return {
    loss: lossOf(
      goals.objective,
      goals.objective.map((o) => metrics[o.metric]!),
    ),
    violation: goals.constraints.reduce((sum, c) => sum + violationOf(c, metrics[c.metric]!), 0),
  };
}
