/** Finished attempts for engine tests, without a process: what a trial runner would have recorded. */
import { evaluatedAttempt } from "../../src/driver/in-process.ts";
import type { Attempt } from "../../src/protocol/trial.ts";

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
  const evaluation =
    v === "fail" ? { failed: "exited with code 1" } : v === "prune" ? { pruned: "pruned at step 2", value: 9 } : v;
  // The in-process backend's attempt, with a duration and the workflow run added.
  return {
    ...evaluatedAttempt({ trialId, attempt, member: index }, evaluation),
    durationMs: 1,
    ...(runId !== undefined ? { runId } : {}),
  };
}
