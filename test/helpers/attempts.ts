/** Finished attempts for engine tests, without a process: what a trial runner would have recorded. */
import type { Attempt } from "../../src/study/schema.ts";

/** A value (succeeded), or how the run ended otherwise. */
export type Outcome = number | "fail" | "prune";

/** One run's attempt: of trial `trialId`, as member `index` when the study has repeats or folds. */
export function runAttempt(
  trialId: number,
  attempt: number,
  index: number | undefined,
  v: Outcome,
  runId?: number,
): Attempt {
  const common = {
    trialId,
    attempt,
    ...(index !== undefined ? { member: index } : {}),
    ...(runId !== undefined ? { runId } : {}),
    durationMs: 1,
    exitCode: 0,
    signal: null,
    metrics: {},
    intermediate: [],
    logTail: "",
  };
  if (v === "fail") return { ...common, status: "failed", reason: "exited with code 1", exitCode: 1 };
  if (v === "prune") return { ...common, status: "pruned", reason: "pruned at step 2", value: 9 };
  return { ...common, status: "succeeded", value: v };
}
