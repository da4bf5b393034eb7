/**
 * One study of the warm-start benchmark, run through the round driver on the
 * in-process backend: the base study on a pair's source, or a target study,
 * cold or warm-started from the base in one of the levels of issue #14.
 */
import type { Config } from "../src/config/schema.ts";
import { driveStudy } from "../src/driver/drive.ts";
import { inProcessBackend } from "../src/driver/in-process.ts";
import type { StrategyName } from "../src/strategy/registry.ts";
import type { Study } from "../src/study/schema.ts";
import { bestSoFar, createStudy } from "../src/study/study.ts";
import { type WarmStart, warmStartFrom } from "../src/study/warm-start.ts";
import { benchConfig, regretCurve } from "./harness.ts";
import type { Problem } from "./problems.ts";
import { warmPairNamed } from "./warm-pairs.ts";

/**
 * cold: no warm start. rerun: round 1 re-runs the base's best k, and the
 * strategy never sees the base's trials (level 1). prior: the strategy learns
 * from them, nothing re-run (level 2). both: the two together, as a study
 * with `warm_start: base` runs.
 */
export const WARM_MODES = ["cold", "rerun", "prior", "both"] as const;
export type WarmMode = (typeof WARM_MODES)[number];

export interface WarmTask {
  readonly id: number;
  readonly pair: string;
  readonly seed: number;
  readonly strategy: StrategyName;
  readonly q: number;
  /** How many of the base's best configurations round 1 re-runs. */
  readonly rerun: number;
  /** Absent: the base study itself (bayes at q = 4 on the source). */
  readonly mode?: WarmMode;
  /** The base study, for a target study that starts from it. */
  readonly base?: Study;
}

export interface WarmRun {
  /** Regret after each trial of the search (re-runs included). */
  readonly regret: number[];
  /** The base study, when the task was one. */
  readonly study?: Study;
}

/** The base studies' batch size: a base branch's study as the Action runs it. */
export const BASE_Q = 4;
/** Keeps the base study's seed apart from the target's, so that the pair is not one search run twice. */
const BASE_SEED = 1000;

export async function runWarmTask(task: WarmTask): Promise<WarmRun> {
  const pair = warmPairNamed(task.pair);
  if (!task.mode) {
    const study = await drive(pair.source, benchConfig(pair.source, "bayes", BASE_Q, BASE_SEED + task.seed), undefined);
    return { regret: regretOf(pair.source, study), study };
  }
  const { target } = pair;
  const config = withRerun(benchConfig(target, task.strategy, task.q, task.seed), task.rerun);
  if (task.mode === "cold") return { regret: regretOf(target, await drive(target, config, undefined)) };
  const warm = warmStartFrom(config, task.base!, "base");
  if (task.mode === "both") return { regret: regretOf(target, await drive(target, config, warm)) };
  if (task.mode === "prior") return { regret: regretOf(target, await drive(target, withRerun(config, 0), warm)) };
  // Level 1 alone: a first round of just the re-runs, where the strategy has no room (and so never
  // reads the prior); then the study goes on with the base's trials forgotten.
  const first = await drive(target, withBudget(config, task.rerun), warm);
  const rest = { ...first, stop: undefined, warmStart: { ...first.warmStart!, trials: [] } };
  return { regret: regretOf(target, await driveFrom(target, config, rest)) };
}

function withRerun(config: Config, rerun: number): Config {
  return { ...config, warm_start: { ...config.warm_start, rerun } };
}

function withBudget(config: Config, trials: number): Config {
  return { ...config, budget: { ...config.budget, max_trials: trials, parallel: trials } };
}

async function drive(problem: Problem, config: Config, warmStart: WarmStart | undefined): Promise<Study> {
  return driveFrom(problem, config, createStudy(config, warmStart ? { warmStart } : {}));
}

async function driveFrom(problem: Problem, config: Config, study: Study): Promise<Study> {
  return (
    await driveStudy(
      config,
      study,
      inProcessBackend((trial) => problem.f(trial.params)),
    )
  ).study;
}

function regretOf(problem: Problem, study: Study): number[] {
  return regretCurve(bestSoFar(study.config, study), problem.fStar);
}
