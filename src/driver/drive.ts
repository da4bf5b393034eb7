/**
 * The backend contract and the loop that drives a study through one. A backend
 * is where a round's jobs run: `dispatch` starts them and returns a handle,
 * handing each result to `arrived` the moment it exists (so that it is saved
 * before the round ends); `gather` waits for the round and brings back its outcomes.
 * Local processes and the in-process evaluator run inside this loop; the GitHub
 * matrix runs the same two halves in different jobs (see action/matrix.ts).
 */
import type { Config } from "../config/schema.ts";
import type { Attempt } from "../protocol/trial.ts";
import type { Study } from "../study/schema.ts";
import { markRunning, recordAttempt } from "../study/study.ts";
import { finishRound, type OpenRound, type Outcomes, startRound } from "./round.ts";

/** What came back, or that the round was interrupted: its unfinished runs run again on resume. */
export type Gathered = Outcomes | { interrupted: true };

/** `Result` narrows what `gather` can bring back: a matrix round is never interrupted, only cut short. */
export interface Backend<Handle, Result extends Gathered = Gathered> {
  dispatch(round: OpenRound, arrived: (attempt: Attempt) => void): Handle | Promise<Handle>;
  gather(handle: Handle): Result | Promise<Result>;
}

export interface DriveHooks {
  /** Every new state: the round planned, its trials running, each result, the end. */
  saved?(study: Study): void;
  roundStarted?(round: OpenRound): void;
  attemptRecorded?(study: Study, attempt: Attempt): void;
  /** Once aborted, no further round starts (the one running is the backend's to stop). */
  signal?: AbortSignal;
  /** The shell's clock (ms since the epoch), for budget.max_duration: the driver reads none of its own. */
  now?(): number;
}

export interface Driven {
  study: Study;
  interrupted: boolean;
}

export async function driveStudy<H>(
  config: Config,
  study: Study,
  backend: Backend<H>,
  hooks: DriveHooks = {},
): Promise<Driven> {
  if (hooks.signal?.aborted) return { study, interrupted: true };
  let step = startRound(config, study, hooks.now?.());
  for (;;) {
    hooks.saved?.(step.study);
    if (step.kind === "done") return { study: step.study, interrupted: false };
    let current = markRunning(step.study, [...new Set(step.runs.map((r) => r.trialId))]);
    hooks.saved?.(current);
    const round: OpenRound = { ...step, study: current };
    hooks.roundStarted?.(round);
    const handle = await backend.dispatch(round, (attempt) => {
      current = recordAttempt(current, attempt);
      hooks.saved?.(current);
      hooks.attemptRecorded?.(current, attempt);
    });
    const gathered = await backend.gather(handle);
    if ("interrupted" in gathered) return { study: current, interrupted: true };
    if (hooks.signal?.aborted) return { study: current, interrupted: true };
    step = finishRound(config, current, gathered, hooks.now?.()).next;
  }
}
