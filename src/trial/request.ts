/**
 * What one run of a trial needs, whichever shell starts it. The local runner
 * and a GitHub trial job build it with trialRequest from the engine's job and
 * their own directories, so the command, its working directory and the TUNE_*
 * values it gets are the same on a laptop and in a matrix.
 */
import { dirname, resolve } from "node:path";
import { splitCommand } from "../config/command.ts";
import type { Config } from "../config/schema.ts";
import type { Job } from "../engine/jobs.ts";
import type { PruneRule } from "../protocol/prune-rule.ts";
import type { Intermediate } from "../protocol/trial.ts";
import type { Params } from "../space/space.ts";

export interface TrialRequest {
  study: string;
  trialId: number;
  attempt: number;
  params: Params;
  /** The argv template (already split). */
  argv: readonly string[];
  cwd: string;
  /** Where the trial's files go: params.json, metrics.json, log.txt, and anything it writes itself. */
  outputDir: string;
  config: Pick<Config, "objective" | "constraints" | "metrics" | "env" | "timeout">;
  /** Stops the trial without recording it (Ctrl-C): it will run again on resume. */
  signal?: AbortSignal;
  onIntermediate?: (value: Intermediate) => void;
  /** With repeats or folds: which member this run is, its repeat (TUNE_SEED) and fold (TUNE_FOLD of TUNE_FOLDS). */
  member?: { index: number; seed: number; fold: number; folds: number };
  /**
   * The local runner's slot: TUNE_SLOT (0 when absent: a GitHub trial job runs
   * alone), and with `devices:` the one GPU it may use, which replaces any
   * CUDA_VISIBLE_DEVICES of ours or of the config's `env:`.
   */
  slot?: { index: number; device?: string };
  /** TUNE_CHECKPOINT_DIR: where the trial keeps its checkpoint; a promoted trial finds its parent's there. */
  checkpointDir?: string;
  /** early_stopping: stop the trial once its best value so far is worse than the median of earlier trials. */
  prune?: PruneRule;
  /** Seconds between SIGTERM and SIGKILL for the process group. */
  killGraceS?: number;
  /** Seconds to wait, once the command has exited, for its output pipes to close. */
  pipeGraceS?: number;
  /** The command started as process `pid`, which leads its process group until the trial ends. */
  onStart?: (pid: number) => void;
  /** Steps the recorded curve keeps however long it is (hyperband's rung boundaries). */
  rungSteps?: ReadonlySet<number>;
}

/** Where a shell puts a run: the config file (the command runs in its workdir), the run's output and its checkpoint. */
export interface RunDirs {
  configFile: string;
  outputDir: string;
  checkpointDir: string;
}

/** The request for one job of a round; the shell adds its own hooks (signal, progress, slot). */
export function trialRequest(
  config: Config,
  job: Pick<Job, "trialId" | "attempt" | "params" | "member" | "prune">,
  dirs: RunDirs,
): TrialRequest {
  return {
    study: config.name,
    trialId: job.trialId,
    attempt: job.attempt,
    params: job.params,
    argv: splitCommand(config.command),
    cwd: resolve(dirname(dirs.configFile), config.workdir ?? "."),
    outputDir: dirs.outputDir,
    config,
    checkpointDir: dirs.checkpointDir,
    ...(job.member ? { member: job.member } : {}),
    ...(job.prune ? { prune: job.prune } : {}),
  };
}
