/**
 * The in-process backend: each job's value is computed by a function, not a
 * process. The benchmarks and the strategy tests run studies through it, so
 * what they measure is the round loop the shells run, not a copy of it.
 */
import type { Job } from "../engine/jobs.ts";
import type { Run } from "../protocol/run.ts";
import type { Attempt, Trial } from "../protocol/trial.ts";
import type { Study } from "../study/schema.ts";
import type { Backend } from "./drive.ts";

/**
 * A job's result: its (first) objective value, or that value with every
 * metric it recorded (several objectives, constraints), or a failure or
 * pruning with the reason.
 */
export type Evaluation =
  | number
  | { value: number; metrics: Record<string, number> }
  | { failed: string }
  | { pruned: string; value?: number };

/** A job's evaluation; `study` is the study as the round opened it (a promoted trial's parent is there). */
export type Evaluate = (trial: Trial, job: Job, study: Study) => Evaluation;

export function inProcessBackend(evaluate: Evaluate): Backend<Attempt[]> {
  return {
    dispatch: (round, arrived) =>
      round.jobs.map((job) => {
        const run = { trialId: job.trialId, attempt: job.attempt, member: job.member?.index };
        const attempt = evaluatedAttempt(run, evaluate(round.study.trials[job.trialId]!, job, round.study));
        arrived(attempt);
        return attempt;
      }),
    gather: (attempts) => ({ attempts }),
  };
}

/** The attempt record of a run evaluated in-process: no process, so no duration, exit or log. */
export function evaluatedAttempt(run: Run, evaluation: Evaluation): Attempt {
  const common = {
    trialId: run.trialId,
    attempt: run.attempt,
    ...(run.member !== undefined ? { member: run.member } : {}),
    durationMs: 0,
    exitCode: 0,
    signal: null,
    metrics: {},
    intermediate: [],
    logTail: "",
  };
  if (typeof evaluation === "number") return { status: "succeeded", value: evaluation, ...common };
  if ("metrics" in evaluation)
    return { status: "succeeded", ...common, value: evaluation.value, metrics: evaluation.metrics };
  if ("failed" in evaluation) return { status: "failed", reason: evaluation.failed, ...common, exitCode: 1 };
  return {
    status: "pruned",
    reason: evaluation.pruned,
    ...common,
    ...(evaluation.value !== undefined ? { value: evaluation.value } : {}),
  };
}
