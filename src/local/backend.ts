/**
 * The local backend: a round's jobs as child processes on this machine, at
 * most `parallel` at once and each on its own slot (and GPU, with `devices:`).
 * A run that continues another (a retry, a promotion) starts from a copy of
 * that run's checkpoint.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { Backend, Gathered } from "../driver/drive.ts";
import type { OpenRound } from "../driver/round.ts";
import { runKey } from "../protocol/run.ts";
import type { Attempt } from "../protocol/trial.ts";
import { curveKeep } from "../study/curve.ts";
import { trialRequest } from "../trial/request.ts";
import { runTrial, type TrialOutcome } from "../trial/run.ts";
import type { StudyPaths } from "./paths.ts";
import type { Progress } from "./progress.ts";
import { processesAtOnce, Slots } from "./slots.ts";

export interface LocalBackendOptions {
  configFile: string;
  config: Config;
  paths: StudyPaths;
  progress: Progress;
  /** Stop the trials: they run again on resume. */
  signal: AbortSignal;
  /** A run's process started (pid) or ended (undefined): the lock file names running trials. */
  running(run: string, pid: number | undefined): void;
}

/** The round's runs, each settled: finished, interrupted, or an error of ours. */
interface Handle {
  settled: Promise<PromiseSettledResult<TrialOutcome>[]>;
}

export function localBackend(opts: LocalBackendOptions): Backend<Handle> {
  const { config, paths, progress } = opts;
  // A result that cannot be saved (full disk) stops the other trials: theirs could not be saved either.
  const unsaved = new AbortController();
  const stopTrials = AbortSignal.any([opts.signal, unsaved.signal]);

  const start = (round: OpenRound, arrived: (a: Attempt) => void): Handle => {
    // One slot per process, whether a run is a trial or one of its repeats × folds.
    const slots = new Slots(processesAtOnce(config), config.devices);
    const settled = Promise.allSettled(
      round.jobs.map((job) =>
        slots.with(async (slot): Promise<TrialOutcome> => {
          // Stopped while this run waited for a slot: it runs again on resume.
          if (stopTrials.aborted) return { kind: "interrupted" };
          // Runner time: from taking the slot to recording the result, our setup and reading included.
          const taken = performance.now();
          const ref = { trialId: job.trialId, attempt: job.attempt, member: job.member?.index };
          const outputDir = paths.runDir(ref);
          const run = runKey(ref);
          const outcome = await runTrial({
            ...trialRequest(config, job, {
              configFile: opts.configFile,
              outputDir,
              checkpointDir: prepareCheckpoint(outputDir, job.resume && paths.runDir(job.resume)),
            }),
            signal: stopTrials,
            onIntermediate: (v) => progress.intermediate(job.trialId, v),
            onStart: (pid) => {
              opts.running(run, pid);
              progress.runStarted(job.trialId);
            },
            rungSteps: curveKeep(round.study).pinned,
            slot,
          }).finally(() => opts.running(run, undefined));
          if (outcome.kind === "finished") {
            const attempt = { ...outcome.attempt, runnerMs: Math.round(performance.now() - taken) };
            // Each result is saved the moment it exists, not at the end of the round.
            try {
              arrived(attempt);
            } catch (err) {
              unsaved.abort();
              throw err;
            }
            return { ...outcome, attempt };
          }
          return outcome;
        }),
      ),
    );
    return { settled };
  };

  return {
    dispatch: start,
    async gather(handle): Promise<Gathered> {
      const settled = await handle.settled;
      // Every trial has ended before an error is reported, so none outlives the run.
      const failure = settled.find((r) => r.status === "rejected");
      if (failure) throw failure.reason;
      const outcomes = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      if (outcomes.some((o) => o.kind === "interrupted")) return { interrupted: true };
      return { attempts: outcomes.flatMap((o) => (o.kind === "finished" ? [o.attempt] : [])) };
    },
  };
}

/**
 * The run's TUNE_CHECKPOINT_DIR. A run that continues another (a retry, or a
 * promotion to a larger resource) starts from a copy of that run's checkpoint,
 * so the original stays as it was.
 */
function prepareCheckpoint(outputDir: string, from: string | undefined): string {
  const dir = join(outputDir, "checkpoint");
  // This very run was interrupted before: carry on from where it got to.
  if (existsSync(dir)) return dir;
  const source = from && join(from, "checkpoint");
  if (source && existsSync(source)) {
    // Copied beside it and renamed into place: a copy cut short (a crash, a kill
    // mid-way through a large checkpoint) must not pass for this run's own next time.
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(source, partial, { recursive: true });
    renameSync(partial, dir);
  } else mkdirSync(dir, { recursive: true });
  return dir;
}
