/** Finished attempts for engine tests, without a process: what a trial runner would have recorded. */
import { succeeded } from "../../bench/harness.ts";
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
  // The benchmark's in-process attempt, with the run's member and workflow run added.
  const {
    status: _,
    value,
    ...common
  } = succeeded(trialId, attempt, typeof v === "number" ? v : 0) as Extract<Attempt, { status: "succeeded" }>;
  const run = {
    ...common,
    durationMs: 1,
    ...(index !== undefined ? { member: index } : {}),
    ...(runId !== undefined ? { runId } : {}),
  };
  if (v === "fail") return { ...run, status: "failed", reason: "exited with code 1", exitCode: 1 };
  if (v === "prune") return { ...run, status: "pruned", reason: "pruned at step 2", value: 9 };
  return { ...run, status: "succeeded", value };
}
