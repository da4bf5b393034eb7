/**
 * The GitHub matrix backend. Its two halves run in different jobs of a
 * workflow: `dispatch` (in the plan job) turns a round into the matrix that
 * fans its jobs out, one trial job each, or up to `trials_per_job` runs each; `gather` (in the report job, after the
 * matrix) reads the result files those jobs uploaded and accounts for each run
 * that left none. What passes between them is the study state artifact: the
 * handle is the study as planned.
 */
import type { Backend } from "../driver/drive.ts";
import type { Log } from "../driver/log.ts";
import type { LostRun, Outcomes } from "../driver/round.ts";
import { runLabel } from "../github/job-names.ts";
import type { TrialJob } from "../github/jobs.ts";
import type { MatrixEntry } from "../protocol/payload.ts";
import { type Run, runKey, sameRun } from "../protocol/run.ts";
import type { Attempt } from "../protocol/trial.ts";
import { screenResults } from "../study/planned.ts";
import { spanMs, splitJobTime } from "../study/runner-time.ts";
import type { Study } from "../study/schema.ts";
import { recordAttempt, unfinishedRuns } from "../study/study.ts";
import { packPayloads, payloadOf } from "../trial/payload.ts";
import { attemptOf, readResultFiles } from "../trial/result-file.ts";

/** The study as planned, which the report job reads back from the state artifact. */
export interface MatrixHandle {
  study: Study;
}

export interface MatrixBackendOptions {
  log: Log;
  /** Where the trial jobs' result artifacts are downloaded. */
  resultsDir: string;
  /** The plan job's `matrix` output. */
  emit?(entries: MatrixEntry[]): void;
  /** The config's `trials_per_job`: runs packed into one matrix entry (1: one each). */
  trialsPerJob?: number;
  /** This workflow run (the report's): each attempt records it, as where its checkpoint artifact is. */
  runId?: number;
  /** The jobs GitHub lists for this run (the report's): the only source of a job's link and runner. */
  listJobs?(): Promise<TrialJob[]>;
}

export function matrixBackend(opts: MatrixBackendOptions): Backend<MatrixHandle, Outcomes> {
  return {
    dispatch(round) {
      const payloads = round.jobs.map((job) => payloadOf(round.study.name, round.round, job));
      opts.emit?.(packPayloads(payloads, opts.trialsPerJob ?? 1));
      return { study: round.study };
    },
    async gather({ study }): Promise<Outcomes> {
      const jobs = (await opts.listJobs?.()) ?? [];
      const jobOf = (run: Run) => jobs.find((j) => j.runs.some((r) => r.trialId === run.trialId && sameRun(r, run)));
      // The link in the comment is the job GitHub lists for the run, never one a file names.
      const found = resultsIn(study, opts.resultsDir, opts.log).map(({ jobUrl: _, ...a }): Attempt => {
        const job = jobOf(a);
        return {
          ...a,
          ...(opts.runId !== undefined ? { runId: opts.runId } : {}),
          ...(job ? { jobUrl: job.url } : {}),
        };
      });
      const recorded = found.reduce(recordAttempt, study);
      const lostRuns = unfinishedRuns(recorded).map((run): LostRun => {
        const job = jobOf(run);
        opts.log.warning(`${runLabel(run)} left no result${job ? `: ${job.url}` : ""}`);
        return {
          run,
          reason: job
            ? `the trial job ended (${job.conclusion ?? job.status}) without leaving a readable result; see its log`
            : "no trial job of this run ran it (the matrix may have been cut short)",
          ...(opts.runId !== undefined ? { runId: opts.runId } : {}),
          ...(job ? { jobUrl: job.url, ...(job.runner !== undefined ? { runner: job.runner } : {}) } : {}),
        };
      });
      const runnerMs = runnerTimes(jobs, found);
      const timed = <T>(run: Run, x: T): T => {
        const ms = runnerMs.get(runKey(run));
        return ms === undefined ? x : { ...x, runnerMs: ms };
      };
      return {
        attempts: found.map((a) => timed(a, a)),
        lost: lostRuns.map((l) => timed(l.run, l)),
      };
    },
  };
}

/**
 * Each run's runner time by its key, from the start and end GitHub lists for
 * the job that ran it. A run without a result took no process time that we
 * know of, but its share of its job's time all the same.
 */
function runnerTimes(jobs: readonly TrialJob[], attempts: readonly Attempt[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const job of jobs) {
    const ms = spanMs(job.startedAt, job.completedAt);
    if (ms === undefined) continue;
    const processMs = job.runs.map(
      (run) => attempts.find((a) => a.trialId === run.trialId && sameRun(a, run))?.durationMs ?? 0,
    );
    for (const [i, share] of splitJobTime(ms, processMs).entries()) out.set(runKey(job.runs[i]!), share);
  }
  return out;
}

/**
 * The results under `dir` that fill a run the study planned and has not
 * recorded (see study/planned.ts). Unreadable, unplanned and conflicting files
 * are reported, each by name, and never fatal.
 */
export function resultsIn(study: Study, dir: string, log: Log): Attempt[] {
  const { results, problems } = readResultFiles(dir, study.name);
  for (const p of problems) log.warning(p, "matrix-tune: trial result skipped");
  const { accepted, rejected, conflicts } = screenResults(study, results);
  for (const { found, why } of rejected)
    log.warning(`${found.path}: ${why}; ignored`, "matrix-tune: unplanned result skipped");
  for (const [a, b] of conflicts)
    log.error(
      `${a.path} and ${b.path} are different results for ${runLabel({ trialId: a.result.trialId, attempt: a.result.attempt, member: a.result.member })}: neither is recorded, and the run counts as one that left no result`,
      "matrix-tune: conflicting results",
    );
  return accepted.map(({ result }) => attemptOf(result));
}
