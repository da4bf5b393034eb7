/**
 * The round, as every shell runs it: `startRound` asks the engine for the next
 * round and says what each of its jobs runs; `finishRound` takes what came
 * back (results, runs that left none, a stop request) into the study and says
 * what follows. Both are pure, so the local runner, the GitHub matrix (whose
 * two halves run in different jobs) and the in-process backend of the
 * benchmarks and tests cannot drift apart.
 */
import type { Config } from "../config/schema.ts";
import { type Job, jobsFor } from "../engine/jobs.ts";
import { planRound } from "../engine/plan.ts";
import { addReferenceRun } from "../engine/reference.ts";
import { type Run, sameRun } from "../protocol/run.ts";
import type { Attempt, Stop } from "../protocol/trial.ts";
import type { Study } from "../study/schema.ts";
import { recordAttempt, unfinishedRuns, withStop } from "../study/study.ts";

/** A round to run: the study with it opened, its runs and what each job runs. */
export interface OpenRound {
  kind: "round";
  study: Study;
  round: number;
  runs: Run[];
  jobs: Job[];
  /** The runs of the last round that never finished (interrupted or cancelled), run again. */
  resumed: boolean;
  /** What the strategy says about how it chose this round, when anything. */
  note?: string;
}

export interface Finished {
  kind: "done";
  study: Study;
  stop: Stop;
}

export type Step = OpenRound | Finished;

/** A run that ended without a result, and what is known about why. */
export interface LostRun {
  run: Run;
  reason: string;
  /** Where it ran, when the backend knows (a runner's name, a job's page). */
  runner?: string;
  jobUrl?: string;
  /** The workflow run it was part of. */
  runId?: number;
  /** Its share of the runner time its job took, when the backend knows. */
  runnerMs?: number;
}

/** What a backend brings back from a round. */
export interface Outcomes {
  /** Results of runs the round planned (recording one twice changes nothing). */
  attempts: readonly Attempt[];
  /** Runs known to have ended without a result: each is recorded as a failed attempt. */
  lost?: readonly LostRun[];
  /** Someone asked the study to stop (e.g. `/tune stop`): no round follows. */
  stopRequested?: string;
}

/**
 * `now` is the shell's clock (ms since the epoch), for budget.max_duration:
 * the first round opened records it as when the study started.
 */
export function startRound(config: Config, study: Study, now?: number): Step {
  const plan = planRound(config, study, now);
  if (plan.kind === "done") return plan;
  const started =
    plan.study.startedAt === undefined && now !== undefined
      ? { ...plan.study, startedAt: new Date(now).toISOString() }
      : plan.study;
  return {
    kind: "round",
    study: started,
    round: plan.round,
    runs: plan.runs,
    jobs: jobsFor(config, started, plan.runs),
    resumed: plan.resumed,
    ...(plan.note ? { note: plan.note } : {}),
  };
}

/**
 * The first round with the config's defaults also running on commit `ref`, as
 * the reference for review when the base branch has no study of its own; or
 * why it cannot have one.
 */
export function withReference(
  config: Config,
  round: OpenRound,
  ref: string,
): { kind: "added"; round: OpenRound; trial: number } | { kind: "skipped"; reason: string } {
  if (round.round !== 1 || round.resumed) return { kind: "skipped", reason: "only a study's first round runs one" };
  const added = addReferenceRun(config, round.study, ref);
  if (added.kind === "skipped") return added;
  const runs = [...round.runs, ...added.runs];
  return {
    kind: "added",
    round: { ...round, study: added.study, runs, jobs: jobsFor(config, added.study, runs) },
    trial: added.runs[0]!.trialId,
  };
}

/**
 * The study with the round's outcomes recorded, and the step that follows.
 * With a stop request the study is done (code `stopped`) unless it already was.
 */
export function finishRound(
  config: Config,
  study: Study,
  outcomes: Outcomes,
  now?: number,
): { study: Study; next: Step } {
  let recorded = study;
  for (const attempt of outcomes.attempts) recorded = recordAttempt(recorded, attempt);
  const open = unfinishedRuns(recorded);
  for (const lost of outcomes.lost ?? [])
    if (open.some((r) => r.trialId === lost.run.trialId && sameRun(r, lost.run)))
      recorded = recordAttempt(recorded, lostAttempt(lost));
  let next = startRound(config, recorded, now);
  if (next.kind === "round" && outcomes.stopRequested !== undefined) {
    const stop: Stop = { code: "stopped", message: outcomes.stopRequested };
    next = { kind: "done", study: withStop(recorded, stop), stop };
  }
  // A round that follows is the next step's to open; a study that ends keeps why.
  return { study: next.kind === "done" ? next.study : recorded, next };
}

function lostAttempt({ run, reason, runner, jobUrl, runId, runnerMs }: LostRun): Attempt {
  return {
    status: "failed",
    reason,
    trialId: run.trialId,
    attempt: run.attempt,
    ...(run.member !== undefined ? { member: run.member } : {}),
    durationMs: 0,
    ...(runnerMs !== undefined ? { runnerMs } : {}),
    exitCode: null,
    signal: null,
    metrics: {},
    intermediate: [],
    logTail: "",
    ...(runner !== undefined ? { runner } : {}),
    ...(jobUrl !== undefined ? { jobUrl } : {}),
    ...(runId !== undefined ? { runId } : {}),
  };
}
