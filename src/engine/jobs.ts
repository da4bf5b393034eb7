/**
 * What each job of a round runs: the trial's parameters with its resource,
 * which member (repeat and fold) it is, whose checkpoint it continues, and the
 * early-stopping rule. The local shell and the Action's payloads are both made
 * from this, so a study behaves the same on a laptop and in a matrix.
 */
import type { Config } from "../config/schema.ts";
import type { PruneRule } from "../protocol/prune-rule.ts";
import { type Run, sameRun } from "../protocol/run.ts";
import type { Trial } from "../protocol/trial.ts";
import { latestAttempt } from "../protocol/trial-value.ts";
import type { Params } from "../space/space.ts";
import { medianRule } from "../strategy/prune.ts";
import type { Study } from "../study/schema.ts";
import { memberSeedFold } from "../study/study.ts";

export interface Member {
  index: number;
  seed: number;
  fold: number;
  folds: number;
}

export interface Job {
  trialId: number;
  attempt: number;
  /** The trial's parameters, plus the resource under its name. */
  params: Params;
  member?: Member;
  /** The run whose checkpoint this one starts from: its own earlier attempt, or the trial it was promoted from. */
  resume?: Run & { runId?: number };
  prune?: PruneRule;
  /** The commit to run on, when not the study's (a reference run on the base branch). */
  ref?: string;
}

export function jobsFor(config: Config, study: Study, runs: readonly Run[]): Job[] {
  const prune = config.early_stopping ? medianRule(config, study, config.early_stopping) : undefined;
  return runs.map((run) => {
    const trial = study.trials[run.trialId]!;
    const resume = resumeFrom(study, trial, run);
    return {
      trialId: run.trialId,
      attempt: run.attempt,
      params: runParams(config, trial),
      ...(run.member !== undefined
        ? { member: { index: run.member, ...memberSeedFold(config, run.member), folds: config.folds } }
        : {}),
      ...(resume ? { resume } : {}),
      ...(prune ? { prune } : {}),
      ...(trial.ref ? { ref: trial.ref } : {}),
    };
  });
}

/** What the trial's command receives: its parameters and, under the resource's name, its resource. */
export function runParams(config: Pick<Config, "resource">, trial: Pick<Trial, "params" | "resource">): Params {
  if (!config.resource || trial.resource === undefined) return trial.params;
  return { ...trial.params, [config.resource.name]: trial.resource };
}

function resumeFrom(study: Study, trial: Trial, run: Run): Job["resume"] {
  const from = run.attempt > 1 ? trial : trial.parent !== undefined ? study.trials[trial.parent] : undefined;
  if (!from) return undefined;
  const attempt = from === trial ? run.attempt - 1 : latestAttempt(from);
  if (attempt < 1) return undefined;
  const recorded = from.attempts.find((a) => sameRun(a, { attempt, member: run.member }));
  return {
    trialId: from.id,
    attempt,
    ...(run.member !== undefined ? { member: run.member } : {}),
    ...(recorded?.runId !== undefined ? { runId: recorded.runId } : {}),
  };
}
